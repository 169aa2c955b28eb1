//! Azure Resource Manager access for Azure ML computes: workspace resolution, sign-in, the
//! REST client with retries and long-running operations, and typed spec → request-body
//! translation. This is the only module below `server/` that talks to the network. It builds
//! on `spec` (the typed spec) and never on `check`: checking is the caller's step (`actions`).

pub mod auth;
pub mod body;
pub mod client;
pub mod computes;
pub mod error;
pub mod ids;
pub mod live;
pub mod lro;
pub mod read_only;
pub mod workspace;

pub use auth::Credential;
pub use body::{BodyContext, PreparedBody, prepare_body};
pub use client::{ArmClient, ClientOptions, DEFAULT_API_VERSION, PUBLIC_CLOUD_ENDPOINT, is_loopback};
pub use computes::{Compute, InstanceAction, UnderlyingAction, Usage, VmSizeInfo};
pub use error::{ArmError, ErrorDetail};
pub use ids::{ComputeName, Location, WorkspaceId};
pub use lro::{Operation, OperationStatus};
pub use workspace::{PartialWorkspace, Workspace, WorkspaceEnv, resolve_workspace};
