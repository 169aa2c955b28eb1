//! Where the published REST API files are (`research/rest-api` beside the corpus), as `build.rs`
//! found them. Tests that read them are marked
//! `#[cfg_attr(not(rest_api_spec), ignore = "needs the published REST API files: set AML_REST_API_DIR")]`,
//! so a fresh clone shows them as ignored and CI, which requires them, runs them.
#![allow(dead_code)]

use std::path::PathBuf;

/// The REST API folder. Only reached by tests that are not ignored, so it exists.
pub fn rest_api_dir() -> PathBuf {
    match option_env!("AML_REST_API_DIR_FOUND") {
        Some(dir) => PathBuf::from(dir),
        None => panic!("build.rs found no REST API files, so this test should have been ignored"),
    }
}
