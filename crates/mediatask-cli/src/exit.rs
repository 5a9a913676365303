//! Exit codes and the one-line error report.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | other error (vendor unavailable, transport, undecodable answer, unexpected) |
//! | 2 | invalid input or configuration (bad flags, request JSON, handle, missing credentials) |
//! | 3 | the task failed or was cancelled |
//! | 4 | authentication or permission refused |
//! | 5 | rate, concurrency or quota limit |
//! | 6 | outcome unknown: a submit may have created a job whose answer was lost |
//! | 7 | timed out (the remote task may still be running) |
//! | 8 | not found (unknown task, expired result URL) |
//! | 9 | not finished yet: `result` on a queued or running task (`mediatask wait` it first) |
//! | 10 | the vendor refused to cancel the task (it keeps running) |

use crate::commands::tasks::hide_url_queries;
use mediatask_core::{Error, ErrorKind, TaskHandle, TaskSnapshot, TaskStatus, terminal_error};

/// Success.
pub(crate) const OK: u8 = 0;
/// Anything not listed below.
pub(crate) const OTHER: u8 = 1;
/// Invalid input or configuration.
pub(crate) const INVALID_INPUT: u8 = 2;
/// The task failed or was cancelled.
pub(crate) const TASK_FAILED: u8 = 3;
/// Authentication or permission.
pub(crate) const AUTH: u8 = 4;
/// Rate, concurrency or quota limits.
pub(crate) const LIMITS: u8 = 5;
/// A submit's outcome is unknown.
pub(crate) const OUTCOME_UNKNOWN: u8 = 6;
/// Timed out.
pub(crate) const TIMEOUT: u8 = 7;
/// Not found / expired.
pub(crate) const NOT_FOUND: u8 = 8;
/// `result` on a task that has not finished yet.
pub(crate) const NOT_FINISHED: u8 = 9;
/// The vendor refused a cancel.
pub(crate) const CANCEL_REFUSED: u8 = 10;

/// The exit code for an error kind.
pub(crate) fn code_for(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::InvalidRequest | ErrorKind::Config | ErrorKind::Unsupported => INVALID_INPUT,
        ErrorKind::TaskFailed | ErrorKind::ContentRejected => TASK_FAILED,
        ErrorKind::Unauthenticated | ErrorKind::PermissionDenied => AUTH,
        ErrorKind::RateLimited | ErrorKind::ConcurrencyLimited | ErrorKind::QuotaExhausted => {
            LIMITS
        }
        ErrorKind::OutcomeUnknown => OUTCOME_UNKNOWN,
        ErrorKind::Timeout => TIMEOUT,
        ErrorKind::NotFound => NOT_FOUND,
        _ => OTHER,
    }
}

/// What to do next, by kind.
fn advice(e: &Error) -> String {
    let provider = e.provider().unwrap_or("the vendor");
    match e.kind() {
        ErrorKind::InvalidRequest => "fix the request (see `mediatask providers` and the provider docs) and try again".into(),
        ErrorKind::Config => "check the configuration and the vendor's environment variables".into(),
        ErrorKind::Unsupported => format!("{provider} does not offer this operation"),
        ErrorKind::Unauthenticated => {
            let clock = if matches!(provider, "tencent-vod" | "xjc" | "softsugar") {
                "; also check the system clock (signatures and token requests are time-bound)"
            } else {
                ""
            };
            format!("check the credentials in {}{clock}", env_vars(provider))
        }
        ErrorKind::PermissionDenied => "the account may not do this: check its plan and permissions".into(),
        ErrorKind::NotFound => "check the task id / handle; result URLs expire, so poll again for a fresh one or download results promptly".into(),
        ErrorKind::RateLimited => "the vendor throttled us: wait a little and retry, or lower the request rate".into(),
        ErrorKind::ConcurrencyLimited => "too many tasks in flight: wait for some to finish, then submit again".into(),
        ErrorKind::QuotaExhausted => "the account is out of credits: top it up".into(),
        ErrorKind::ContentRejected => "the vendor refused the content: change the input".into(),
        ErrorKind::Unavailable | ErrorKind::Transport => "the vendor or the network failed: retry later (polls and results are safe to retry)".into(),
        ErrorKind::Timeout => "the remote task keeps running: run `mediatask wait <handle>` again later, or cancel it".into(),
        ErrorKind::Decode => "the vendor sent an answer that could not be read: retry; if it persists, report it with the request id".into(),
        ErrorKind::TaskFailed => "the job ended without a result (cancelled, or failed at the vendor: see the vendor code); submit it again if you still need it, and if it keeps failing contact the vendor with the task id".into(),
        ErrorKind::OutcomeUnknown => {
            let key = e
                .reconcile()
                .and_then(|r| r.dedupe_key.clone())
                .map(|k| format!(" (dedupe key {k})"))
                .unwrap_or_default();
            format!("do NOT resubmit blindly: a job may exist and be billed{key}; check the vendor console or task list first")
        }
        _ => "retry; if it persists, report it with the request id".into(),
    }
}

/// The vendor's credential environment variables, for hints.
pub(crate) fn env_vars(provider: &str) -> &'static str {
    match provider {
        "tencent-vod" => "TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY",
        "softsugar" => "SOFTSUGAR_APP_ID / SOFTSUGAR_APP_KEY",
        "xjc" => "XJC_ACCESS_KEY / XJC_SECRET_KEY",
        "reccloud" => "RECCLOUD_API_KEY",
        "vozo" => "VOZO_API_KEY",
        _ => "the vendor's environment variables",
    }
}

/// What to do about a task that ended without a result, by how it ended.
fn ended_advice(handle: &TaskHandle, snap: &TaskSnapshot) -> String {
    if snap.status == TaskStatus::Cancelled {
        return "the task was cancelled, so there is no result and nothing more to do; submit the \
                request again if you still want it"
            .into();
    }
    let failure = snap.failure.as_ref();
    match failure.map(|f| f.kind) {
        Some(ErrorKind::InvalidRequest) => {
            "the vendor could not use the input (see the vendor code): fix it and submit again"
                .into()
        }
        Some(ErrorKind::ContentRejected) => {
            "the vendor refused the content: change the input and submit again".into()
        }
        Some(ErrorKind::QuotaExhausted) => {
            "the account ran out of credits for this job: top it up, then submit again".into()
        }
        _ => {
            let code = failure
                .and_then(|f| f.code.as_deref())
                .map(|c| format!(" (vendor code {c})"))
                .unwrap_or_default();
            let rid = snap
                .request_id
                .as_deref()
                .map(|r| format!(", request id {r}"))
                .unwrap_or_default();
            format!(
                "the job failed on {provider}'s side{code}: submitting it again may succeed; if it \
                 keeps failing, contact {provider} with the task id {id}{rid}",
                provider = handle.provider,
                id = handle.task_id
            )
        }
    }
}

/// A vendor text for the one-line report: no control characters, at most 200 characters.
fn quoted(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect()
}

/// The error line without the advice: what failed, the error, and where its text came from —
/// `vendor says: "…"` only for words the vendor sent, `code X means: "…"` for the documented
/// meaning of the code from our tables.
fn describe(what: &str, e: &Error) -> String {
    let mut line = format!("error: {what}: {e}");
    let new_text = |m: &&str| !m.trim().is_empty() && !e.message().contains(m.trim());
    if let Some(m) = e.vendor_message().filter(new_text) {
        line.push_str(&format!("; vendor says: \"{}\"", quoted(m)));
    } else if let Some(m) = e.code_meaning().filter(new_text) {
        let code = e.vendor_code().unwrap_or("the vendor code");
        line.push_str(&format!("; code {code} means: \"{}\"", quoted(m)));
    }
    line
}

/// One line on a single line, with every URL's query hidden.
fn one_line(line: &str) -> String {
    hide_url_queries(&line.replace(['\n', '\r'], " ")).into_owned()
}

/// One line: what failed, the error (vendor code, request id…), the vendor's message or the
/// documented meaning of its code, advice.
pub(crate) fn report(what: &str, e: &Error) -> String {
    one_line(&format!("{} — {}", describe(what, e), advice(e)))
}

/// A CLI failure: exit code plus one line.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) line: String,
}

impl Failure {
    /// From an SDK error.
    pub(crate) fn from_error(what: &str, e: &Error) -> Self {
        Failure {
            code: code_for(e.kind()),
            line: report(what, e),
        }
    }
    /// A task that ended failed or cancelled (`None` when it succeeded), with advice that fits
    /// how it ended.
    pub(crate) fn task_ended(what: &str, handle: &TaskHandle, snap: &TaskSnapshot) -> Option<Self> {
        let e = terminal_error(handle, snap)?;
        Some(Failure {
            code: code_for(e.kind()),
            line: one_line(&format!(
                "{} — {}",
                describe(what, &e),
                ended_advice(handle, snap)
            )),
        })
    }
    /// `result` asked of a task that is still queued or running.
    pub(crate) fn not_finished(handle: &TaskHandle, snap: &TaskSnapshot) -> Self {
        let progress = snap.progress.map(|p| format!(", {p}%")).unwrap_or_default();
        let state = if snap.status == TaskStatus::Unknown {
            format!(
                "its vendor status `{}` is not a finished one we recognise",
                snap.vendor_status.code
            )
        } else {
            format!(
                "it is {} (vendor status `{}`{progress})",
                snap.status, snap.vendor_status.code
            )
        };
        Failure {
            code: NOT_FINISHED,
            line: one_line(&format!(
                "error: {}/{} task {} has no result yet: {state} — run `mediatask wait <handle>` \
                 until it finishes, then `mediatask result <handle>`",
                handle.provider, handle.kind, handle.task_id
            )),
        }
    }
    /// The vendor refused to cancel the task.
    pub(crate) fn cancel_refused(
        handle: &TaskHandle,
        vendor_code: Option<&str>,
        message: &str,
    ) -> Self {
        let code = vendor_code
            .map(|c| format!(" (vendor code {c})"))
            .unwrap_or_default();
        Failure {
            code: CANCEL_REFUSED,
            line: one_line(&format!(
                "error: cancelling {}: {} refused to cancel it{code}: {} — the task keeps running \
                 (and may be billed): wait for it with `mediatask wait <handle>`, or stop it in the \
                 vendor's console",
                handle.task_id,
                handle.provider,
                quoted(message)
            )),
        }
    }
    /// Invalid input found by the CLI itself.
    pub(crate) fn input(line: impl Into<String>) -> Self {
        Failure {
            code: INVALID_INPUT,
            line: format!("error: {}", line.into()),
        }
    }
    /// Any other local failure.
    pub(crate) fn other(code: u8, line: impl Into<String>) -> Self {
        Failure {
            code,
            line: format!("error: {}", line.into()),
        }
    }
}

/// Result type of commands.
pub(crate) type CliResult<T = u8> = Result<T, Failure>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_code_and_one_line() {
        for kind in [
            ErrorKind::Config,
            ErrorKind::InvalidRequest,
            ErrorKind::Unauthenticated,
            ErrorKind::RateLimited,
            ErrorKind::TaskFailed,
            ErrorKind::OutcomeUnknown,
            ErrorKind::Timeout,
            ErrorKind::NotFound,
            ErrorKind::Decode,
        ] {
            let e = Error::new(kind, "boom\nsecond line")
                .with_provider("xjc")
                .with_vendor_code("20002")
                .with_vendor_message("无效token\n")
                .with_request_id("rid-1");
            let line = report("poll", &e);
            assert!(!line.contains('\n'), "{line}");
            assert!(line.contains("20002") && line.contains("rid-1"), "{line}");
            assert_ne!(code_for(kind), OK);
        }
        assert_eq!(code_for(ErrorKind::OutcomeUnknown), OUTCOME_UNKNOWN);
        assert_eq!(code_for(ErrorKind::Unauthenticated), AUTH);
        assert_eq!(code_for(ErrorKind::RateLimited), LIMITS);
        assert_eq!(code_for(ErrorKind::TaskFailed), TASK_FAILED);
        assert_eq!(code_for(ErrorKind::InvalidRequest), INVALID_INPUT);
    }

    #[test]
    fn table_text_is_labelled_as_the_code_meaning_not_as_the_vendor_s_words() {
        // a Tencent error answer without a Message: the Chinese text comes from our table
        let quiet = mediatask_core::spec::ErrorCodeEntry {
            code: "InvalidParameterValue.FileId",
            kind: ErrorKind::InvalidRequest,
            retryable: false,
            message: "The FileId does not exist.",
            vendor_message: "FileId 不存在。",
        }
        .to_error(None)
        .with_provider("tencent-vod");
        let line = report("submitting", &quiet);
        assert!(!line.contains("vendor says"), "{line}");
        assert!(
            line.contains("code InvalidParameterValue.FileId means: \"FileId 不存在。\""),
            "{line}"
        );
        // words the vendor did send are the vendor's
        let said = Error::new(ErrorKind::InvalidRequest, "The FileId does not exist.")
            .with_vendor_code("InvalidParameterValue.FileId")
            .with_vendor_message("FileId 123 不存在")
            .with_code_meaning("FileId 不存在。");
        let line = report("submitting", &said);
        assert!(
            line.contains("vendor says: \"FileId 123 不存在\""),
            "{line}"
        );
        assert!(!line.contains("means:"), "{line}");
    }

    #[test]
    fn report_lines_hide_url_queries() {
        let e = Error::new(
            ErrorKind::NotFound,
            "download of https://cdn.example/v.mp4?Signature=abc123 failed",
        );
        let line = report("downloading", &e);
        assert!(!line.contains("abc123"), "{line}");
        assert!(line.contains("https://cdn.example/v.mp4?…"), "{line}");
    }

    fn ended(status: TaskStatus, failure: Option<mediatask_core::TaskFailure>) -> Failure {
        let handle = TaskHandle::new("softsugar", "face_swap", "42");
        let mut snap = TaskSnapshot::new(status, mediatask_core::VendorStatus::new("9"));
        if let Some(f) = failure {
            snap = snap.with_failure(f);
        }
        Failure::task_ended("task 42", &handle, &snap).unwrap()
    }

    #[test]
    fn advice_fits_how_the_task_ended() {
        use mediatask_core::TaskFailure;
        assert!(
            Failure::task_ended(
                "t",
                &TaskHandle::new("p", "k", "1"),
                &TaskSnapshot::new(
                    TaskStatus::Succeeded,
                    mediatask_core::VendorStatus::new("5")
                )
            )
            .is_none()
        );
        let cancelled = ended(TaskStatus::Cancelled, None);
        assert_eq!(cancelled.code, TASK_FAILED);
        assert!(
            cancelled.line.contains("nothing more to do"),
            "{}",
            cancelled.line
        );
        let vendor_side = ended(
            TaskStatus::Failed,
            Some(TaskFailure::new(
                Some("9".into()),
                "Algorithm heart beat is overtime",
                ErrorKind::TaskFailed,
            )),
        );
        assert!(
            vendor_side
                .line
                .contains("failed on softsugar's side (vendor code 9)")
                && vendor_side.line.contains("contact softsugar"),
            "{}",
            vendor_side.line
        );
        let bad_input = ended(
            TaskStatus::Failed,
            Some(TaskFailure::new(
                Some("-3".into()),
                "download failed",
                ErrorKind::InvalidRequest,
            )),
        );
        assert!(bad_input.line.contains("fix it"), "{}", bad_input.line);
        for f in [&cancelled, &vendor_side] {
            assert!(!f.line.contains("fix the input"), "{}", f.line);
            assert!(!f.line.contains('\n'));
        }
        // the generic advice of a task failure does not blame the input either
        assert!(!advice(&Error::new(ErrorKind::TaskFailed, "x")).contains("fix the input"));
    }

    #[test]
    fn not_finished_and_refused_cancel_have_their_own_codes() {
        let handle = TaskHandle::new("tencent-vod", "video_generation", "t-1");
        let running = TaskSnapshot::new(
            TaskStatus::Running,
            mediatask_core::VendorStatus::new("PROCESSING"),
        )
        .with_progress(40);
        let f = Failure::not_finished(&handle, &running);
        assert_eq!(f.code, NOT_FINISHED);
        assert!(
            f.line.contains("running") && f.line.contains("mediatask wait"),
            "{}",
            f.line
        );
        let f = Failure::cancel_refused(
            &handle,
            Some("FailedOperation"),
            "Only tasks in WAITING status\ncan be aborted.",
        );
        assert_eq!(f.code, CANCEL_REFUSED);
        assert!(
            f.line.starts_with("error: ") && !f.line.contains('\n'),
            "{}",
            f.line
        );
        assert!(f.line.contains("FailedOperation") && f.line.contains("keeps running"));
        let codes = [
            OK,
            OTHER,
            INVALID_INPUT,
            TASK_FAILED,
            AUTH,
            LIMITS,
            OUTCOME_UNKNOWN,
            TIMEOUT,
            NOT_FOUND,
            NOT_FINISHED,
            CANCEL_REFUSED,
        ];
        let distinct: std::collections::BTreeSet<u8> = codes.iter().copied().collect();
        assert_eq!(distinct.len(), codes.len());
    }
}
