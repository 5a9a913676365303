//! [`VendorProtocol`]: what each vendor crate plugs into the transport — how to authenticate an
//! attempt and how to classify a response (including business errors inside HTTP 200).

use crate::{HttpResponse, OutgoingRequest};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mediatask_core::{Error, Result};

/// A vendor's wire rules. Implemented once per vendor crate.
#[async_trait]
pub trait VendorProtocol: Send + Sync + std::fmt::Debug {
    /// Provider name for errors and spans.
    fn provider(&self) -> &'static str;

    /// Add credentials to one attempt (headers, signature, token). Called for every attempt on a
    /// fresh copy of the request, with the current wall-clock time.
    async fn authorize(&self, request: &mut OutgoingRequest, now: DateTime<Utc>) -> Result<()>;

    /// Accept a response or classify it as an error. Vendors with business codes inside HTTP 200
    /// bodies inspect the body here. Returned errors should carry kind, retryability, vendor
    /// code and request id; the transport adds provider, operation and HTTP status.
    fn check_response(&self, response: &HttpResponse) -> Result<()>;

    /// Called once per call when `check_response` returned `Unauthenticated`: drop cached
    /// tokens and return true to have the transport re-authorize and retry once. The default
    /// (static keys, signatures) returns false.
    async fn invalidate_credentials(&self, _error: &Error) -> bool {
        false
    }
}

/// Default HTTP-status classification for vendors whose errors are plain HTTP codes.
///
/// ```
/// use mediatask_core::ErrorKind;
/// let e = mediatask_http::protocol::classify_http_status(429, "slow down");
/// assert_eq!(e.kind(), ErrorKind::RateLimited);
/// assert!(e.is_transient());
/// ```
pub fn classify_http_status(status: u16, message: &str) -> Error {
    use mediatask_core::ErrorKind as K;
    let kind = match status {
        400 | 405 | 409 | 411 | 415 | 422 => K::InvalidRequest,
        401 => K::Unauthenticated,
        403 => K::PermissionDenied,
        404 | 410 => K::NotFound,
        408 => K::Timeout,
        413 => K::InvalidRequest,
        429 => K::RateLimited,
        500..=599 => K::Unavailable,
        _ => K::Unexpected,
    };
    Error::new(kind, message.to_owned()).with_http_status(status)
}
