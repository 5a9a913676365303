//! [`Capabilities`] and [`TaskInfo`]: what a job kind supports, as data.

use serde::Serialize;

/// What a job kind supports. Shown by `mediatask providers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Capabilities {
    /// Remote cancel exists.
    pub cancel: bool,
    /// Polls report progress 0–100.
    pub progress: bool,
    /// The vendor can push completion callbacks.
    pub callbacks: bool,
    /// The vendor dedupes submits (so a lost answer may be retried safely).
    pub dedupe_submit: bool,
    /// Default requests-per-second limit the SDK enforces, if any.
    pub requests_per_second: Option<u32>,
    /// Default cap on tasks in flight, if any.
    pub max_in_flight_tasks: Option<u32>,
    /// How long result URLs live, in seconds, when documented.
    pub result_ttl_secs: Option<u64>,
    /// False when an endpoint path is inferred, not confirmed by vendor docs.
    pub endpoint_confirmed: bool,
    /// Free-form notes (limits, caveats).
    pub notes: &'static str,
}

impl Capabilities {
    /// No optional capability; endpoint confirmed.
    pub const fn basic() -> Self {
        Capabilities {
            cancel: false,
            progress: false,
            callbacks: false,
            dedupe_submit: false,
            requests_per_second: None,
            max_in_flight_tasks: None,
            result_ttl_secs: None,
            endpoint_confirmed: true,
            notes: "",
        }
    }
}

/// Identity and capabilities of one job kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskInfo {
    /// Provider name (`tencent-vod`, `softsugar`, `xjc`, `reccloud`, `vozo`).
    pub provider: &'static str,
    /// Job kind (`audio_clone`, `translate_dub`…).
    pub kind: &'static str,
    /// One-line description.
    pub description: &'static str,
    /// What it supports.
    pub capabilities: Capabilities,
}

/// Result of [`crate::MediaTask::cancel`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
#[non_exhaustive]
pub enum CancelOutcome {
    /// The vendor confirmed the task is cancelled.
    Cancelled,
    /// The vendor accepted the request; the task will stop soon (poll to confirm).
    Requested,
    /// The task had already finished; nothing to cancel.
    AlreadyFinished {
        /// Its terminal status.
        status: crate::TaskStatus,
    },
    /// The vendor refused to cancel (e.g. task already running where only queued tasks abort).
    Refused {
        /// The vendor's code.
        vendor_code: Option<String>,
        /// Why.
        message: String,
    },
}
