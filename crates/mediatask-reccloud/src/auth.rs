//! Authentication: RecCloud uses a static API key in the `X-API-KEY` header on every call
//! (sans-IO: no clock or network needed).

use mediatask_core::Secret;
use mediatask_http::OutgoingRequest;

/// The header carrying the key.
pub const API_KEY_HEADER: &str = "X-API-KEY";

/// Put the key on one request attempt (replacing any previous value).
///
/// ```
/// use mediatask_core::Secret;
/// use mediatask_http::OutgoingRequest;
/// let mut req = OutgoingRequest::get("query", "/api/tasks/audio/recognition/t1");
/// mediatask_reccloud::auth::apply_api_key(&mut req, &Secret::new("k"));
/// assert_eq!(req.header("x-api-key"), Some("k"));
/// ```
pub fn apply_api_key(request: &mut OutgoingRequest, key: &Secret) {
    request.set_header(API_KEY_HEADER, key.expose());
}
