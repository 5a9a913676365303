//! [`Rejection`]: why a callback was refused, typed, mapped to an HTTP status, with no secret in
//! it (a rejection names what failed, never the expected value).

use axum::http::StatusCode;

/// A refused callback. Nothing was recorded for it.
///
/// ```
/// use mediatask_webhook::Rejection;
/// assert_eq!(Rejection::Unauthenticated("bad Sign").status().as_u16(), 401);
/// assert_eq!(Rejection::UnknownJob.status().as_u16(), 404);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// The body is not what the vendor documents.
    #[error("malformed callback: {0}")]
    Malformed(String),
    /// The signature, token or echoed key does not match.
    #[error("callback not authenticated: {0}")]
    Unauthenticated(&'static str),
    /// The signature's time is outside the accepted window.
    #[error("callback outside its time window: {0}")]
    Stale(&'static str),
    /// A message id seen before (within the replay window).
    #[error("callback replayed (message id already seen)")]
    Replayed,
    /// No open or closed job of this vendor has this id.
    #[error("no such job for this vendor")]
    UnknownJob,
    /// The receiver cannot record it now; the vendor should retry.
    #[error("callback receiver unavailable: {0}")]
    Unavailable(String),
}

impl Rejection {
    /// The HTTP status answered.
    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::Malformed(_) => StatusCode::BAD_REQUEST,
            Rejection::Unauthenticated(_) | Rejection::Stale(_) => StatusCode::UNAUTHORIZED,
            Rejection::Replayed => StatusCode::CONFLICT,
            Rejection::UnknownJob => StatusCode::NOT_FOUND,
            Rejection::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// A parse failure as a [`Rejection::Malformed`], naming the position, never echoing the body.
pub(crate) fn malformed(what: &str, e: &serde_json::Error) -> Rejection {
    Rejection::Malformed(format!(
        "{what} is not the documented JSON ({:?} error at line {} column {})",
        e.classify(),
        e.line(),
        e.column()
    ))
}
