//! [`TaskSnapshot`]: what one poll saw.

use crate::{TaskFailure, TaskStatus, VendorStatus};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The state of a remote task as seen by one poll.
///
/// ```
/// use mediatask_core::{TaskSnapshot, TaskStatus, VendorStatus};
/// let snap = TaskSnapshot::new(TaskStatus::Running, VendorStatus::new("2")).with_progress(40);
/// assert_eq!(snap.progress, Some(40));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskSnapshot {
    /// Normalised status.
    pub status: TaskStatus,
    /// Progress 0–100 when the vendor reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<u8>,
    /// Human detail about progress: a stage name (`"dubbing"`), a queue position (`"3/9"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The raw vendor status, never lost.
    pub vendor_status: VendorStatus,
    /// Failure details when `status` is `Failed` (or `Cancelled` with a reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<TaskFailure>,
    /// The vendor's hint for when to poll next.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_millis")]
    pub poll_after: Option<Duration>,
    /// The request id of the poll call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl TaskSnapshot {
    /// A snapshot with a status and its raw vendor form.
    pub fn new(status: TaskStatus, vendor_status: VendorStatus) -> Self {
        TaskSnapshot {
            status,
            progress: None,
            detail: None,
            vendor_status,
            failure: None,
            poll_after: None,
            request_id: None,
        }
    }
    /// Set progress (clamped to 100).
    pub fn with_progress(mut self, p: u8) -> Self {
        self.progress = Some(p.min(100));
        self
    }
    /// Set progress from an optional vendor number (clamped to 0–100).
    pub fn with_progress_opt(mut self, p: Option<i64>) -> Self {
        self.progress = p.map(|p| p.clamp(0, 100) as u8);
        self
    }
    /// Set the progress detail.
    pub fn with_detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
    /// Set the failure.
    pub fn with_failure(mut self, f: TaskFailure) -> Self {
        self.failure = Some(f);
        self
    }
    /// Set the poll-after hint.
    pub fn with_poll_after(mut self, d: Duration) -> Self {
        self.poll_after = Some(d);
        self
    }
    /// Set the request id.
    pub fn with_request_id(mut self, id: Option<String>) -> Self {
        self.request_id = id;
        self
    }
    /// True when the task will not change any more.
    pub fn is_terminal(&self) -> bool {
        self.status.is_terminal()
    }
}

mod opt_millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub(super) fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_u64(d.as_millis() as u64),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_millis))
    }
}
