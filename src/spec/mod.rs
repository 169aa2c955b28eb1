//! What a document describes: its compute kind and a typed view of its fields.

pub mod kinds;
pub mod local_path;
pub mod model;
