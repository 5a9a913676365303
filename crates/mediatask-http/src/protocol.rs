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

    /// Called once per call when `check_response` returned `Unauthenticated`, with the refused
    /// request as it was signed: drop the cached token and return true to have the transport
    /// re-authorize and retry once. A token scheme drops its token only if `refused` carried
    /// it (see [`credential_was_replaced`]): when another call already replaced the token, it
    /// keeps the new one and just asks for the retry, so N calls refused at once with the
    /// same stale token cause one re-issue, not N. The default (static keys, signatures)
    /// returns false.
    async fn invalidate_credentials(&self, _error: &Error, _refused: &OutgoingRequest) -> bool {
        false
    }
}

/// True when the credential a refused request carried (`carried`, e.g. its token header) is no
/// longer the cached one (`current`): another call already replaced it, so it must not be
/// dropped. Compared in constant time; `false` when either is missing.
///
/// ```
/// use mediatask_http::protocol::credential_was_replaced;
/// assert!(credential_was_replaced(Some("tok-new"), Some("tok-old")));
/// assert!(!credential_was_replaced(Some("tok-old"), Some("tok-old")));
/// assert!(!credential_was_replaced(None, Some("tok-old")));
/// ```
pub fn credential_was_replaced(current: Option<&str>, carried: Option<&str>) -> bool {
    match (current, carried) {
        (Some(current), Some(carried)) => {
            !mediatask_core::secret::constant_time_eq(current.as_bytes(), carried.as_bytes())
        }
        _ => false,
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
