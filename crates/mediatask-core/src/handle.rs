//! [`TaskHandle`]: the serialisable reference to a submitted remote job.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A reference to a submitted job. Serialise it to disk; another process can poll it later.
///
/// ```
/// use mediatask_core::TaskHandle;
/// let h = TaskHandle::new("vozo", "translate_dub", "abc123");
/// let json = serde_json::to_string(&h).unwrap();
/// let back: TaskHandle = serde_json::from_str(&json).unwrap();
/// assert_eq!(h, back);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskHandle {
    /// Provider name (e.g. `tencent-vod`).
    pub provider: String,
    /// Job kind (e.g. `audio_clone`).
    pub kind: String,
    /// The vendor's task id.
    pub task_id: String,
    /// When the submit returned.
    pub submitted_at: DateTime<Utc>,
    /// Opaque vendor state needed to poll (sub-app id, dedupe key…). `null` when none.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub vendor_state: serde_json::Value,
}

impl TaskHandle {
    /// A handle submitted now with no vendor state.
    pub fn new(
        provider: impl Into<String>,
        kind: impl Into<String>,
        task_id: impl Into<String>,
    ) -> Self {
        TaskHandle {
            provider: provider.into(),
            kind: kind.into(),
            task_id: task_id.into(),
            submitted_at: Utc::now(),
            vendor_state: serde_json::Value::Null,
        }
    }

    /// Attach vendor state.
    pub fn with_vendor_state(mut self, state: serde_json::Value) -> Self {
        self.vendor_state = state;
        self
    }

    /// Set the submission time (e.g. when rebuilding a handle from a stored id).
    pub fn with_submitted_at(mut self, at: DateTime<Utc>) -> Self {
        self.submitted_at = at;
        self
    }

    /// Read a string field of the vendor state.
    pub fn state_str(&self, key: &str) -> Option<&str> {
        self.vendor_state.get(key).and_then(|v| v.as_str())
    }

    /// Read an integer field of the vendor state.
    pub fn state_i64(&self, key: &str) -> Option<i64> {
        self.vendor_state.get(key).and_then(|v| v.as_i64())
    }

    /// Check that this handle belongs to the given provider and kind.
    pub fn expect(&self, provider: &str, kind: &str) -> crate::Result<()> {
        if self.provider == provider && self.kind == kind {
            Ok(())
        } else {
            Err(crate::Error::new(
                crate::ErrorKind::InvalidRequest,
                format!(
                    "handle is for {}/{}, not {provider}/{kind}",
                    self.provider, self.kind
                ),
            )
            .with_provider(provider)
            .with_task_id(self.task_id.clone()))
        }
    }
}
