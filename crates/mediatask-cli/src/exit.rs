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

use mediatask_core::{Error, ErrorKind};

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
        ErrorKind::TaskFailed => "the job ended without a result: fix the input (see the vendor code) and submit again".into(),
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

/// One line: what failed, the error (vendor code, request id…), the vendor's message, advice.
pub(crate) fn report(what: &str, e: &Error) -> String {
    let mut line = format!("error: {what}: {e}");
    if let Some(m) = e
        .vendor_message()
        .filter(|m| !e.message().contains(m.trim()))
    {
        let m: String = m.chars().filter(|c| !c.is_control()).take(200).collect();
        line.push_str(&format!("; vendor says: \"{m}\""));
    }
    line.push_str(&format!(" — {}", advice(e)));
    line.replace('\n', " ")
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
}
