//! [`TaskSnapshot`]: what one poll saw.

use crate::{TaskFailure, TaskStatus, VendorStatus};
use serde::{Deserialize, Serialize};
use std::any::Any;
use std::sync::Arc;
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
    /// The typed result the vendor crate built from this same poll answer (see
    /// [`TaskSnapshot::with_kept_result`]). Not serialised, ignored by `==`.
    #[serde(skip)]
    kept: KeptResult,
}

/// A vendor's typed result carried by a snapshot: one pointer, shared by clones.
#[derive(Clone, Default)]
struct KeptResult(Option<Arc<Box<dyn Any + Send + Sync>>>);

impl PartialEq for KeptResult {
    /// A cache of the same answer, not part of the observed state.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for KeptResult {}

impl std::fmt::Debug for KeptResult {
    // never the content: results hold signed URLs
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "kept" } else { "none" })
    }
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
            kept: KeptResult::default(),
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
    /// Keep the typed result a vendor crate built from the answer of this poll (a succeeded
    /// task whose status answer already carries its result), so that
    /// [`crate::MediaTask::result_from_snapshot`] needs no second request. Not serialised: a
    /// snapshot read back from JSON has none, and the result is fetched again.
    ///
    /// ```
    /// use mediatask_core::{TaskSnapshot, TaskStatus, VendorStatus};
    /// let snap = TaskSnapshot::new(TaskStatus::Succeeded, VendorStatus::new("done"))
    ///     .with_kept_result(String::from("https://cdn.example/v.mp4"));
    /// assert_eq!(snap.kept_result::<String>().map(String::as_str), Some("https://cdn.example/v.mp4"));
    /// assert_eq!(snap.kept_result::<u32>(), None);
    /// assert!(!serde_json::to_string(&snap).unwrap().contains("cdn.example"));
    /// ```
    pub fn with_kept_result<T: Any + Send + Sync>(mut self, result: T) -> Self {
        self.kept = KeptResult(Some(Arc::new(Box::new(result))));
        self
    }
    /// [`TaskSnapshot::with_kept_result`] for a succeeded snapshot whose result `build` makes
    /// from the same answer; any other snapshot, or a failed build (the result call will
    /// report it), keeps nothing.
    ///
    /// ```
    /// use mediatask_core::{TaskSnapshot, TaskStatus, VendorStatus};
    /// let done = TaskSnapshot::new(TaskStatus::Succeeded, VendorStatus::new("3"))
    ///     .keeping_result(|_| Ok::<_, ()>(7u32));
    /// assert_eq!(done.kept_result::<u32>(), Some(&7));
    /// let running = TaskSnapshot::new(TaskStatus::Running, VendorStatus::new("2"))
    ///     .keeping_result(|_| Ok::<_, ()>(7u32));
    /// assert_eq!(running.kept_result::<u32>(), None);
    /// ```
    pub fn keeping_result<T: Any + Send + Sync, E>(
        self,
        build: impl FnOnce(&Self) -> std::result::Result<T, E>,
    ) -> Self {
        if self.status != TaskStatus::Succeeded {
            return self;
        }
        match build(&self) {
            Ok(result) => self.with_kept_result(result),
            Err(_) => self,
        }
    }
    /// The result kept by [`TaskSnapshot::with_kept_result`], when one of type `T` was kept.
    pub fn kept_result<T: Any>(&self) -> Option<&T> {
        let kept: &(dyn Any + Send + Sync) = self.kept.0.as_deref().map(|b| &**b)?;
        kept.downcast_ref::<T>()
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
