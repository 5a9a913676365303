//! Vozo authentication: a static API key sent as `Authorization: Bearer <api_key>` on every
//! request to the configured host. Sans-IO: builds the header value only.

use mediatask_core::Secret;

/// Name of the header carrying the key.
pub const AUTHORIZATION_HEADER: &str = "Authorization";

/// The `Authorization` header value for `api_key`.
///
/// ```
/// use mediatask_core::Secret;
/// assert_eq!(mediatask_vozo::auth::bearer_value(&Secret::new("vz-1")), "Bearer vz-1");
/// ```
pub fn bearer_value(api_key: &Secret) -> String {
    format!("Bearer {}", api_key.expose())
}
