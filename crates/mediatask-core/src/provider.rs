//! [`Provider`]: a vendor's set of job kinds, built from configuration. The umbrella crate's
//! registry holds one per configured vendor (no global state).

use crate::{DynMediaTask, Result, TaskInfo};
use std::sync::Arc;

/// A configured vendor: it can build any of its job kinds as a [`DynMediaTask`].
pub trait Provider: Send + Sync + std::fmt::Debug {
    /// Provider name (`tencent-vod`, `softsugar`, `xjc`, `reccloud`, `vozo`).
    fn name(&self) -> &'static str;
    /// Every job kind with its capabilities.
    fn kinds(&self) -> Vec<TaskInfo>;
    /// Build the task for `kind`; `NotFound` for an unknown kind.
    fn task(&self, kind: &str) -> Result<Arc<dyn DynMediaTask>>;
}

/// The error for an unknown kind name.
pub fn unknown_kind(provider: &'static str, kind: &str, known: &[TaskInfo]) -> crate::Error {
    let names: Vec<&str> = known.iter().map(|k| k.kind).collect();
    crate::Error::new(
        crate::ErrorKind::NotFound,
        format!(
            "unknown job kind `{kind}`; known kinds: {}",
            names.join(", ")
        ),
    )
    .with_provider(provider)
    .with_operation(crate::Operation::Local)
}
