//! One [`mediatask_core::MediaTask`] per ai-xjc job kind, all built from one shared
//! [`crate::XjcClient`]:
//!
//! | kind | type | submit | poll | id |
//! |---|---|---|---|---|
//! | `works` | [`Works`] | works/create | works/inspect | `jobId` |
//! | `voice_lite_train` | [`VoiceLiteTrain`] | voice/lite/train | voice/lite/train/detail | `speakerId` |
//! | `voice_lite_synthesis` | [`VoiceLiteSynthesis`] | voice/lite/create | voice/lite/create/detail | `jobId` |
//! | `voice_pro_train` | [`VoiceProTrain`] | voice/pro/train | voice/pro/train/detail | `speakerId` |
//! | `voice_pro_synthesis` | [`VoiceProSynthesis`] | voice/pro/create | voice/pro/create/detail | `jobId` |
//!
//! Status `1` → Queued, `2` → Running, `3` → Succeeded, `4` → Failed (`errorMessage` kept); any
//! other value → Unknown with the raw code kept. The vendor has no cancel: `cancel` is a typed
//! `Unsupported` error and `Capabilities::cancel` is false.

mod voice;
mod works;

pub use voice::{
    VoiceLiteSynthesis, VoiceLiteTrain, VoiceProSynthesis, VoiceProTrain, VoiceSynthesisOutput,
    VoiceTrainOutput,
};
pub use works::{Works, WorksOutput};

use crate::generated::tables::JOB_STATUS;
use mediatask_core::spec::lookup_status;
use mediatask_core::{
    Capabilities, Error, ErrorKind, Operation, TaskFailure, TaskHandle, TaskSnapshot, TaskStatus,
    VendorStatus,
};

/// Normalise a vendor status (and failure message) into a snapshot.
///
/// ```
/// use mediatask_core::TaskStatus;
/// let s = mediatask_xjc::tasks::snapshot(Some(4), Some("音频无效"), None);
/// assert_eq!(s.status, TaskStatus::Failed);
/// assert_eq!(s.failure.unwrap().message, "音频无效");
/// assert_eq!(mediatask_xjc::tasks::snapshot(Some(0), None, None).status, TaskStatus::Unknown);
/// ```
pub fn snapshot(
    status: Option<i64>,
    error_message: Option<&str>,
    request_id: Option<String>,
) -> TaskSnapshot {
    let code = status.map_or_else(|| "missing".to_owned(), |s| s.to_string());
    let entry = lookup_status(JOB_STATUS, &code);
    let normalised = entry.map_or(TaskStatus::Unknown, |e| e.status);
    let vendor = match entry {
        Some(e) => VendorStatus::with_text(code.clone(), e.meaning),
        None => VendorStatus::new(code.clone()),
    };
    let mut snap = TaskSnapshot::new(normalised, vendor).with_request_id(request_id);
    let message = error_message.map(str::trim).filter(|m| !m.is_empty());
    if normalised == TaskStatus::Failed {
        snap = snap.with_failure(TaskFailure::new(
            None,
            message.unwrap_or("the ai-xjc job failed without an errorMessage"),
            ErrorKind::TaskFailed,
        ));
    }
    snap
}

/// The capabilities shared by every ai-xjc kind.
pub(crate) fn capabilities(client: &crate::XjcClient, works: bool) -> Capabilities {
    let mut c = Capabilities::basic();
    c.cancel = false;
    c.progress = false;
    c.callbacks = true;
    c.dedupe_submit = false;
    c.requests_per_second = client.config().http.limits.requests_per_second;
    c.max_in_flight_tasks = if works {
        client
            .config()
            .max_works_in_flight
            .and_then(|n| u32::try_from(n).ok())
    } else {
        None
    };
    c.result_ttl_secs = None;
    c.endpoint_confirmed = true;
    c.notes = "no cancel; no submit dedupe; callbacks are unsigned hints (confirm by polling); \
               result URL lifetime undocumented";
    c
}

/// The error of `cancel`: ai-xjc documents no cancel endpoint.
pub(crate) fn cancel_unsupported(handle: &TaskHandle) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        "ai-xjc has no cancel endpoint; the job keeps running (and billing) until it finishes",
    )
    .with_provider(crate::PROVIDER)
    .with_operation(Operation::Cancel)
    .with_task_id(handle.task_id.clone())
}

/// The error of `result` for a task that has not succeeded.
pub(crate) fn not_succeeded(handle: &TaskHandle, snap: &TaskSnapshot) -> Error {
    let base = match snap.status {
        TaskStatus::Failed | TaskStatus::Cancelled => {
            let msg = snap.failure.as_ref().map_or_else(
                || "the job failed".to_owned(),
                |f| format!("the job failed: {}", f.message),
            );
            Error::new(ErrorKind::TaskFailed, msg)
        }
        other => Error::new(
            ErrorKind::InvalidRequest,
            format!(
                "the job has not finished yet (status {other}, vendor status `{}`); wait for it first",
                snap.vendor_status.code
            ),
        ),
    };
    base.with_provider(crate::PROVIDER)
        .with_operation(Operation::Result)
        .with_task_id(handle.task_id.clone())
        .or_request_id(snap.request_id.as_deref())
}

/// A success without the expected result field.
pub(crate) fn missing_result(handle: &TaskHandle, field: &str) -> Error {
    Error::new(
        ErrorKind::Decode,
        format!("the job succeeded but the answer has no `{field}`"),
    )
    .with_provider(crate::PROVIDER)
    .with_operation(Operation::Result)
    .with_task_id(handle.task_id.clone())
}
