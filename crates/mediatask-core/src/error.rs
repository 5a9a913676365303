//! The one error type of the SDK: a struct with a [`ErrorKind`], a [`Retryability`] and the
//! vendor context (provider, operation, HTTP status, vendor code, request id).
//!
//! `Display` is a single line that never contains a secret or a signed URL; the underlying cause
//! stays reachable through [`std::error::Error::source`].

use std::fmt;
use std::time::Duration;

/// Convenience alias used across all mediatask crates.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, independent of the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The SDK or vendor configuration is incomplete or inconsistent (missing credentials…).
    Config,
    /// The request was rejected by validation (ours or the vendor's). Fix the input.
    InvalidRequest,
    /// Credentials are missing, wrong, expired or revoked; or a signature/clock problem.
    Unauthenticated,
    /// Authenticated, but the account may not do this (plan, membership, permission).
    PermissionDenied,
    /// The task or resource does not exist (or is past the vendor's query window).
    NotFound,
    /// The vendor throttled the request rate (HTTP 429 or an equivalent business code).
    RateLimited,
    /// The account has no credits / quota left.
    QuotaExhausted,
    /// Too many tasks running or submitted at once for this account.
    ConcurrencyLimited,
    /// The vendor refused the content (policy, moderation).
    ContentRejected,
    /// The vendor does not offer this operation (e.g. cancel).
    Unsupported,
    /// The vendor service is unavailable or failed internally (5xx, internal error codes).
    Unavailable,
    /// A timeout or deadline expired.
    Timeout,
    /// The connection failed or broke (DNS, connect, reset).
    Transport,
    /// The vendor answered something that could not be decoded (HTML, truncated, bad JSON).
    Decode,
    /// The remote task reached a failed (or cancelled) terminal state.
    TaskFailed,
    /// A submit may or may not have created a job: the answer was lost. Reconcile, never resubmit blindly.
    OutcomeUnknown,
    /// Anything else: a vendor answer nobody mapped yet.
    Unexpected,
}

impl ErrorKind {
    /// Stable snake_case name (used in CLI output and spec files).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::Unauthenticated => "unauthenticated",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::QuotaExhausted => "quota_exhausted",
            ErrorKind::ConcurrencyLimited => "concurrency_limited",
            ErrorKind::ContentRejected => "content_rejected",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Transport => "transport",
            ErrorKind::Decode => "decode",
            ErrorKind::TaskFailed => "task_failed",
            ErrorKind::OutcomeUnknown => "outcome_unknown",
            ErrorKind::Unexpected => "unexpected",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether repeating the same call may succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Retryability {
    /// Repeating the call will not help.
    Permanent,
    /// The call may succeed later; `after` is the vendor's hint (e.g. `Retry-After`).
    Transient {
        /// Suggested wait before the next try, when the vendor gave one.
        after: Option<Duration>,
    },
    /// The call was transient but the retry budget (attempts or time) ran out.
    Exhausted,
}

impl Retryability {
    /// `Transient` without a delay hint.
    pub const TRANSIENT: Retryability = Retryability::Transient { after: None };

    /// True for `Transient`.
    pub fn is_transient(self) -> bool {
        matches!(self, Retryability::Transient { .. })
    }

    /// True for `Transient` and `Exhausted`: the condition was temporary, so a later call may
    /// succeed even though this one (and its own retries) did not. The waiter keeps polling
    /// through such poll errors.
    ///
    /// ```
    /// use mediatask_core::Retryability;
    /// assert!(Retryability::Exhausted.is_temporary());
    /// assert!(Retryability::TRANSIENT.is_temporary());
    /// assert!(!Retryability::Permanent.is_temporary());
    /// ```
    pub fn is_temporary(self) -> bool {
        matches!(
            self,
            Retryability::Transient { .. } | Retryability::Exhausted
        )
    }
}

/// The operation during which an error happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// Creating a remote job (never blindly retried).
    Submit,
    /// Reading a job's status.
    Poll,
    /// Cancelling a job.
    Cancel,
    /// Reading a finished job's result.
    Result,
    /// Obtaining or refreshing credentials/tokens.
    Auth,
    /// Listing or account/billing calls.
    Query,
    /// Other idempotent management calls (delete, restart…) and helpers.
    Manage,
    /// Parsing or verifying a vendor callback.
    Callback,
    /// Local validation or configuration.
    Local,
    /// Waiting for a job to finish.
    Wait,
}

impl Operation {
    /// Stable lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Submit => "submit",
            Operation::Poll => "poll",
            Operation::Cancel => "cancel",
            Operation::Result => "result",
            Operation::Auth => "auth",
            Operation::Query => "query",
            Operation::Manage => "manage",
            Operation::Callback => "callback",
            Operation::Local => "local",
            Operation::Wait => "wait",
        }
    }

    /// Idempotent operations may be retried on transient failures; `Submit` may not.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Operation::Submit)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Details needed to reconcile a submit whose outcome is unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconcile {
    /// The vendor dedupe key that was sent (e.g. Tencent `SessionId`), if any.
    pub dedupe_key: Option<String>,
    /// Lowercase hex SHA-256 of the request body that was sent.
    pub request_digest: Option<String>,
}

/// The SDK error: kind, retryability and vendor context. Build with [`Error::new`] and the
/// `with_*` methods.
///
/// ```
/// use mediatask_core::{Error, ErrorKind, Operation};
/// let err = Error::new(ErrorKind::RateLimited, "too many requests")
///     .with_provider("reccloud")
///     .with_operation(Operation::Poll)
///     .with_http_status(429);
/// assert_eq!(err.kind(), ErrorKind::RateLimited);
/// assert!(err.to_string().contains("HTTP 429"));
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    retry: Retryability,
    /// The `after` hint of the transient error this one was before it became `Exhausted`.
    exhausted_after: Option<Duration>,
    message: String,
    operation: Option<Operation>,
    provider: Option<String>,
    task_id: Option<String>,
    http_status: Option<u16>,
    vendor_code: Option<String>,
    vendor_message: Option<String>,
    code_meaning: Option<String>,
    request_id: Option<String>,
    field: Option<String>,
    reconcile: Option<Reconcile>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A new error. Retryability defaults from the kind: rate/concurrency limits, `Unavailable`,
    /// `Timeout` and `Transport` are transient; everything else is permanent.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let retry = match kind {
            ErrorKind::RateLimited
            | ErrorKind::ConcurrencyLimited
            | ErrorKind::Unavailable
            | ErrorKind::Timeout
            | ErrorKind::Transport => Retryability::TRANSIENT,
            _ => Retryability::Permanent,
        };
        Error {
            inner: Box::new(Inner {
                kind,
                retry,
                exhausted_after: None,
                message: message.into(),
                operation: None,
                provider: None,
                task_id: None,
                http_status: None,
                vendor_code: None,
                vendor_message: None,
                code_meaning: None,
                request_id: None,
                field: None,
                reconcile: None,
                source: None,
            }),
        }
    }

    /// An [`ErrorKind::InvalidRequest`] naming the offending field.
    ///
    /// ```
    /// let e = mediatask_core::Error::invalid_field("Text", "must be at most 1000 characters");
    /// assert_eq!(e.field(), Some("Text"));
    /// ```
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = format!("`{field}` {}", message.into());
        Error::new(ErrorKind::InvalidRequest, message)
            .with_field(field)
            .with_operation(Operation::Local)
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }
    /// Whether a retry may help.
    pub fn retryability(&self) -> Retryability {
        self.inner.retry
    }
    /// The human message (no secrets).
    pub fn message(&self) -> &str {
        &self.inner.message
    }
    /// The operation, when known.
    pub fn operation(&self) -> Option<Operation> {
        self.inner.operation
    }
    /// The provider name, when known.
    pub fn provider(&self) -> Option<&str> {
        self.inner.provider.as_deref()
    }
    /// The vendor task id, when known.
    pub fn task_id(&self) -> Option<&str> {
        self.inner.task_id.as_deref()
    }
    /// The HTTP status of the vendor answer, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.inner.http_status
    }
    /// The raw vendor error code (business code), never lost.
    pub fn vendor_code(&self) -> Option<&str> {
        self.inner.vendor_code.as_deref()
    }
    /// The vendor's own message, verbatim (may be in Chinese): words the vendor actually sent
    /// in this answer. Never text from our code tables (see [`Error::code_meaning`]).
    pub fn vendor_message(&self) -> Option<&str> {
        self.inner.vendor_message.as_deref()
    }
    /// The documented meaning of the vendor code, from the vendor's documentation (our code
    /// tables), when the vendor's answer itself did not say it. Unlike
    /// [`Error::vendor_message`], the vendor did not send this text.
    ///
    /// ```
    /// use mediatask_core::{Error, ErrorKind};
    /// let e = Error::new(ErrorKind::NotFound, "the file does not exist")
    ///     .with_vendor_code("ResourceNotFound.FileNotExist")
    ///     .with_code_meaning("FileId 不存在。");
    /// assert_eq!(e.vendor_message(), None);
    /// assert_eq!(e.code_meaning(), Some("FileId 不存在。"));
    /// ```
    pub fn code_meaning(&self) -> Option<&str> {
        self.inner.code_meaning.as_deref()
    }
    /// The vendor request id, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }
    /// The request field that failed validation.
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }
    /// Reconciliation details for [`ErrorKind::OutcomeUnknown`].
    pub fn reconcile(&self) -> Option<&Reconcile> {
        self.inner.reconcile.as_ref()
    }
    /// True when a retry may help.
    pub fn is_transient(&self) -> bool {
        self.inner.retry.is_transient()
    }
    /// The vendor's delay hint (e.g. `Retry-After`): `after` of a `Transient` error, and for an
    /// `Exhausted` one the hint of the last transient answer before the retry budget ran out.
    ///
    /// ```
    /// use mediatask_core::{Error, ErrorKind, Retryability};
    /// use std::time::Duration;
    /// let e = Error::new(ErrorKind::RateLimited, "slow down")
    ///     .with_retry(Retryability::Transient { after: Some(Duration::from_secs(3)) })
    ///     .with_retry(Retryability::Exhausted);
    /// assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
    /// ```
    pub fn retry_after(&self) -> Option<Duration> {
        match self.inner.retry {
            Retryability::Transient { after } => after,
            Retryability::Exhausted => self.inner.exhausted_after,
            Retryability::Permanent => None,
        }
    }

    /// Set the retryability. Marking a transient error `Exhausted` keeps its delay hint
    /// (see [`Error::retry_after`]).
    pub fn with_retry(mut self, retry: Retryability) -> Self {
        match (self.inner.retry, retry) {
            (Retryability::Transient { after }, Retryability::Exhausted) => {
                self.inner.exhausted_after = after;
            }
            (Retryability::Exhausted, Retryability::Exhausted) => {}
            _ => self.inner.exhausted_after = None,
        }
        self.inner.retry = retry;
        self
    }
    /// Replace the kind (keeps everything else).
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.inner.kind = kind;
        self
    }
    /// Replace the message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.inner.message = message.into();
        self
    }
    /// Set the operation.
    pub fn with_operation(mut self, op: Operation) -> Self {
        self.inner.operation = Some(op);
        self
    }
    /// Set the provider.
    pub fn with_provider(mut self, provider: impl Into<String>) -> Self {
        self.inner.provider = Some(provider.into());
        self
    }
    /// Set the provider only if none is set yet.
    pub fn or_provider(mut self, provider: &str) -> Self {
        if self.inner.provider.is_none() {
            self.inner.provider = Some(provider.to_owned());
        }
        self
    }
    /// Set the operation only if none is set yet.
    pub fn or_operation(mut self, op: Operation) -> Self {
        if self.inner.operation.is_none() {
            self.inner.operation = Some(op);
        }
        self
    }
    /// Set the task id.
    pub fn with_task_id(mut self, id: impl Into<String>) -> Self {
        self.inner.task_id = Some(id.into());
        self
    }
    /// Set the HTTP status.
    pub fn with_http_status(mut self, status: u16) -> Self {
        self.inner.http_status = Some(status);
        self
    }
    /// Set the vendor code.
    pub fn with_vendor_code(mut self, code: impl Into<String>) -> Self {
        self.inner.vendor_code = Some(code.into());
        self
    }
    /// Set the vendor's verbatim message (only text the vendor sent; table text goes to
    /// [`Error::with_code_meaning`]).
    pub fn with_vendor_message(mut self, msg: impl Into<String>) -> Self {
        self.inner.vendor_message = Some(msg.into());
        self
    }
    /// Set the documented meaning of the vendor code (from a code table, not from the answer).
    pub fn with_code_meaning(mut self, meaning: impl Into<String>) -> Self {
        self.inner.code_meaning = Some(meaning.into());
        self
    }
    /// Set the request id.
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.inner.request_id = Some(id.into());
        self
    }
    /// Set the request id if `Some` and none is set yet.
    pub fn or_request_id(mut self, id: Option<&str>) -> Self {
        if self.inner.request_id.is_none() {
            self.inner.request_id = id.map(str::to_owned);
        }
        self
    }
    /// Set the invalid field name.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.inner.field = Some(field.into());
        self
    }
    /// Attach reconciliation details.
    pub fn with_reconcile(mut self, reconcile: Reconcile) -> Self {
        self.inner.reconcile = Some(reconcile);
        self
    }
    /// Attach the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        if let Some(p) = &i.provider {
            write!(f, "{p}: ")?;
        }
        if let Some(op) = i.operation {
            write!(f, "{op} failed: ")?;
        }
        write!(f, "{} ({})", i.message, i.kind)?;
        let mut extra = Vec::new();
        if let Some(code) = &i.vendor_code {
            extra.push(format!("vendor code {code}"));
        }
        if let Some(s) = i.http_status {
            extra.push(format!("HTTP {s}"));
        }
        if let Some(t) = &i.task_id {
            extra.push(format!("task {t}"));
        }
        if let Some(r) = &i.request_id {
            extra.push(format!("request id {r}"));
        }
        if let Some(k) = i.reconcile.as_ref().and_then(|r| r.dedupe_key.as_ref()) {
            extra.push(format!("dedupe key {k}"));
        }
        if matches!(i.retry, Retryability::Exhausted) {
            extra.push("retries exhausted".to_owned());
        }
        if !extra.is_empty() {
            write!(f, " [{}]", extra.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind)
            .field("retry", &i.retry)
            .field("message", &i.message);
        if let Some(v) = &i.operation {
            d.field("operation", v);
        }
        if let Some(v) = &i.provider {
            d.field("provider", v);
        }
        if let Some(v) = &i.task_id {
            d.field("task_id", v);
        }
        if let Some(v) = &i.http_status {
            d.field("http_status", v);
        }
        if let Some(v) = &i.vendor_code {
            d.field("vendor_code", v);
        }
        if let Some(v) = &i.vendor_message {
            d.field("vendor_message", v);
        }
        if let Some(v) = &i.code_meaning {
            d.field("code_meaning", v);
        }
        if let Some(v) = &i.request_id {
            d.field("request_id", v);
        }
        if let Some(v) = &i.field {
            d.field("field", v);
        }
        if let Some(v) = &i.reconcile {
            d.field("reconcile", v);
        }
        if let Some(v) = &i.source {
            d.field("source", &v.to_string());
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// A cause whose text was already redacted (the original error may quote secret values).
#[derive(Debug)]
struct RedactedCause(String);

impl fmt::Display for RedactedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedactedCause {}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        // serde_json quotes the offending value, which may be a secret: keep it out of both the
        // message and the (Debug-printed) source.
        let text = crate::secret::redact_quoted(&e.to_string());
        Error::new(ErrorKind::Decode, format!("invalid JSON: {text}"))
            .with_source(RedactedCause(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_one_line_with_context() {
        let e = Error::new(ErrorKind::TaskFailed, "voice training failed")
            .with_provider("xjc")
            .with_operation(Operation::Wait)
            .with_vendor_code("20011")
            .with_request_id("rid-1")
            .with_task_id("42");
        let s = e.to_string();
        assert_eq!(
            s,
            "xjc: wait failed: voice training failed (task_failed) [vendor code 20011, task 42, request id rid-1]"
        );
        assert!(!s.contains('\n'));
    }

    #[test]
    fn default_retryability_follows_kind() {
        assert!(Error::new(ErrorKind::RateLimited, "x").is_transient());
        assert!(!Error::new(ErrorKind::InvalidRequest, "x").is_transient());
        assert!(!Error::new(ErrorKind::OutcomeUnknown, "x").is_transient());
    }

    #[test]
    fn json_errors_do_not_quote_values() {
        let e: Error = serde_json::from_str::<u64>(r#""sk-live-123""#)
            .unwrap_err()
            .into();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert!(!format!("{e} {e:?}").contains("sk-live-123"), "{e:?}");
    }

    #[test]
    fn source_is_kept() {
        let io = std::io::Error::other("boom");
        let e = Error::new(ErrorKind::Transport, "connect").with_source(io);
        assert_eq!(std::error::Error::source(&e).unwrap().to_string(), "boom");
    }
}
