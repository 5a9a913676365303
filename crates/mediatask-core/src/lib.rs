//! # mediatask-core
//!
//! The provider-agnostic model of long-running AI media jobs: the [`MediaTask`] trait
//! (submit → poll → cancel → result), [`TaskHandle`], [`TaskSnapshot`], [`TaskStatus`],
//! [`Artifact`], the [`Error`] type with [`ErrorKind`] and [`Retryability`], the one waiter
//! ([`WaitPolicy`], [`MediaTaskExt`]), [`Capabilities`] and [`Secret`].
//!
//! This crate does no network I/O and never depends on an HTTP stack (a check in
//! `cargo xtask ci` enforces it); vendor crates build on it through `mediatask-http`.
//!
//! ```
//! use mediatask_core::{TaskStatus, WaitPolicy};
//! assert!(TaskStatus::Succeeded.is_terminal());
//! let _policy = WaitPolicy::default();
//! ```

mod artifact;
mod capabilities;
mod dyn_task;
mod error;
mod handle;
pub mod journal;
mod provider;
pub mod runtime;
pub mod secret;
mod snapshot;
pub mod spec;
mod status;
pub mod steps;
mod task;
pub mod wait;

pub use artifact::{Artifact, ArtifactKind, HasArtifacts};
pub use capabilities::{CancelOutcome, Capabilities, TaskInfo};
pub use dyn_task::{DynMediaTask, DynOutput, dyn_waiter};
pub use error::{Error, ErrorKind, Operation, Reconcile, Result, Retryability};
pub use handle::TaskHandle;
pub use provider::{Provider, unknown_kind};
pub use runtime::{Clock, RandomSource, Runtime, Sleeper};
pub use secret::Secret;
pub use snapshot::TaskSnapshot;
pub use status::{TaskFailure, TaskStatus, VendorStatus};
pub use task::{MediaTask, MediaTaskExt};
pub use wait::{WaitPolicy, Waiter, terminal_error};
