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

    /// Called once per call when `check_response` returned `Unauthenticated` (through the
    /// default [`VendorProtocol::invalidate_credentials_for`]): drop cached tokens and return
    /// true to have the transport re-authorize and retry once. The default (static keys,
    /// signatures) returns false.
    async fn invalidate_credentials(&self, _error: &Error) -> bool {
        false
    }

    /// Like [`VendorProtocol::invalidate_credentials`], knowing the refused request as it was
    /// signed. A token scheme compares the credential that request carried with its cached
    /// one: when another call already replaced the token, it keeps the new one and just asks
    /// for a retry, so N calls refused at once with the same stale token cause one re-issue,
    /// not N. The transport calls this one; the default delegates to `invalidate_credentials`.
    async fn invalidate_credentials_for(&self, error: &Error, _refused: &OutgoingRequest) -> bool {
        self.invalidate_credentials(error).await
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
