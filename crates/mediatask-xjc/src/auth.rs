//! The ai-xjc token scheme, sans-IO: the MD5 request signature, the token-request query and the
//! cached token's freshness rules. Time is always passed in (epoch milliseconds).
//!
//! * `GET /api/model/v5/oauth/token?accessKey=<AK>&timestamp=<ms>&sign=<md5>` where
//!   `sign = lowercase_hex(md5(accessKey + timestamp_ms + secretKey))` (plain concatenation).
//! * The answer's `data.expiresIn` is an **absolute** expiry in epoch milliseconds.
//! * Every other call sends the token in the `authorization-token` header.

use md5::{Digest, Md5};
use mediatask_core::Secret;
use std::time::Duration;

/// Path of the token endpoint.
pub const TOKEN_PATH: &str = "/api/model/v5/oauth/token";
/// Header carrying the token on every other call.
pub const TOKEN_HEADER: &str = "authorization-token";

/// `lowercase_hex(md5(access_key + timestamp_ms + secret_key))`.
///
/// ```
/// // Self-computed vector from vendors.md §3.2 (not vendor-published).
/// let sign = mediatask_xjc::auth::sign("AK_TEST", 1_700_000_000_000, "SK_TEST");
/// assert_eq!(sign, "997174d9d3b64238ae54744e97d0fceb");
/// ```
pub fn sign(access_key: &str, timestamp_ms: i64, secret_key: &str) -> String {
    let mut md5 = Md5::new();
    md5.update(string_to_sign(access_key, timestamp_ms, secret_key).as_bytes());
    hex::encode(md5.finalize())
}

/// The exact string that is hashed (exposed for stage-by-stage tests; contains the secret).
pub fn string_to_sign(access_key: &str, timestamp_ms: i64, secret_key: &str) -> String {
    format!("{access_key}{timestamp_ms}{secret_key}")
}

/// The query parameters of a token request, in the documented order
/// (`accessKey`, `timestamp`, `sign`).
///
/// ```
/// use mediatask_core::Secret;
/// let q = mediatask_xjc::auth::token_query(&Secret::new("AK_TEST"), &Secret::new("SK_TEST"), 1_700_000_000_000);
/// assert_eq!(q[1], ("timestamp".to_owned(), "1700000000000".to_owned()));
/// assert_eq!(q[2].1, "997174d9d3b64238ae54744e97d0fceb");
/// ```
pub fn token_query(
    access_key: &Secret,
    secret_key: &Secret,
    timestamp_ms: i64,
) -> Vec<(String, String)> {
    let signature = sign(access_key.expose(), timestamp_ms, secret_key.expose());
    vec![
        ("accessKey".to_owned(), access_key.expose().to_owned()),
        ("timestamp".to_owned(), timestamp_ms.to_string()),
        ("sign".to_owned(), signature),
    ]
}

/// The refresh margin never exceeds this fraction of a token's lifetime: the effective margin
/// is `min(configured margin, lifetime / MARGIN_LIFETIME_DIVISOR)`, so a short-lived token is
/// used for at least three quarters of its life instead of being re-fetched before every call
/// (a 20 s token with the default 300 s margin is refreshed 5 s before its expiry).
pub const MARGIN_LIFETIME_DIVISOR: u32 = 4;

/// The margin actually applied to a token living `lifetime`: `min(margin, lifetime / 4)`.
///
/// ```
/// use std::time::Duration;
/// use mediatask_xjc::auth::effective_margin;
/// let m = Duration::from_secs(300);
/// assert_eq!(effective_margin(m, Duration::from_secs(20)), Duration::from_secs(5));
/// assert_eq!(effective_margin(m, Duration::from_secs(7200)), m);
/// ```
pub fn effective_margin(margin: Duration, lifetime: Duration) -> Duration {
    margin.min(lifetime / MARGIN_LIFETIME_DIVISOR)
}

/// A token obtained from the vendor, with the moment the SDK must stop using it.
#[derive(Clone)]
pub struct CachedToken {
    /// The token (never printed).
    pub token: Secret,
    /// When the token was received, in epoch ms (local clock): with `expires_at_ms` it gives
    /// the lifetime the refresh margin is capped by.
    pub received_at_ms: i64,
    /// Absolute expiry in epoch ms used by the cache (the vendor's `expiresIn`, or the local
    /// fallback when the vendor sent none usable).
    pub expires_at_ms: i64,
    /// True when `expires_at_ms` is the local fallback, not the vendor's value.
    pub expiry_is_fallback: bool,
}

impl std::fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedToken")
            .field("token", &"***")
            .field("received_at_ms", &self.received_at_ms)
            .field("expires_at_ms", &self.expires_at_ms)
            .field("expiry_is_fallback", &self.expiry_is_fallback)
            .finish()
    }
}

impl CachedToken {
    /// Build from the vendor's answer. `expires_in_ms` is the documented absolute expiry; a
    /// value that is not in the future (the docs' example shows `0`; a vendor sending a
    /// relative duration would also land here) is replaced by `now_ms + fallback_lifetime`
    /// — an explicit, configurable guess (`XjcConfig::fallback_token_lifetime`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use mediatask_xjc::auth::CachedToken;
    /// let t = CachedToken::from_vendor("tok".into(), 5_000, 1_000, Duration::from_secs(60));
    /// assert_eq!(t.expires_at_ms, 5_000);
    /// let t = CachedToken::from_vendor("tok".into(), 0, 1_000, Duration::from_secs(60));
    /// assert_eq!(t.expires_at_ms, 61_000);
    /// assert!(t.expiry_is_fallback);
    /// ```
    pub fn from_vendor(
        token: Secret,
        expires_in_ms: i64,
        now_ms: i64,
        fallback_lifetime: Duration,
    ) -> Self {
        if expires_in_ms > now_ms {
            CachedToken {
                token,
                received_at_ms: now_ms,
                expires_at_ms: expires_in_ms,
                expiry_is_fallback: false,
            }
        } else {
            CachedToken {
                token,
                received_at_ms: now_ms,
                expires_at_ms: now_ms.saturating_add(duration_ms(fallback_lifetime)),
                expiry_is_fallback: true,
            }
        }
    }

    /// The token's lifetime as announced (expiry minus the moment it was received; the
    /// fallback lifetime when the vendor sent no usable expiry).
    pub fn lifetime(&self) -> Duration {
        let ms = self.expires_at_ms.saturating_sub(self.received_at_ms);
        Duration::from_millis(u64::try_from(ms).unwrap_or(0))
    }

    /// True while the token may still be used: `now + effective margin < expiry`, where the
    /// effective margin is `min(margin, lifetime / 4)` ([`effective_margin`]). A margin longer
    /// than the token's life therefore never forces a new token before every call, and the
    /// token is still never used past its expiry.
    ///
    /// ```
    /// use std::time::Duration;
    /// use mediatask_xjc::auth::CachedToken;
    /// let t = CachedToken::from_vendor("tok".into(), 600_000, 0, Duration::ZERO);
    /// assert!(t.is_fresh(539_999, Duration::from_secs(60)));
    /// assert!(!t.is_fresh(540_000, Duration::from_secs(60)));
    /// // a 20 s token with a 300 s margin: used until 5 s before its expiry
    /// let t = CachedToken::from_vendor("tok".into(), 20_000, 0, Duration::ZERO);
    /// assert!(t.is_fresh(14_999, Duration::from_secs(300)));
    /// assert!(!t.is_fresh(15_000, Duration::from_secs(300)));
    /// ```
    pub fn is_fresh(&self, now_ms: i64, margin: Duration) -> bool {
        let margin = effective_margin(margin, self.lifetime());
        now_ms.saturating_add(duration_ms(margin)) < self.expires_at_ms
    }
}

fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_to_sign_is_plain_concatenation() {
        assert_eq!(string_to_sign("AK", 12, "SK"), "AK12SK");
    }

    #[test]
    fn sign_is_lowercase_hex_of_md5() {
        // md5("") is a well-known constant: checks hashing and hex casing independently.
        assert_eq!(sign("", 0, "").len(), 32);
        let s = sign("AK_TEST", 1_700_000_000_000, "SK_TEST");
        assert_eq!(s, s.to_lowercase());
        assert_eq!(s, "997174d9d3b64238ae54744e97d0fceb");
    }

    #[test]
    fn margin_is_capped_by_the_announced_lifetime() {
        let margin = Duration::from_secs(300);
        // 20 s token received at 1_000: capped to 5 s
        let t = CachedToken::from_vendor(Secret::new("t"), 21_000, 1_000, Duration::ZERO);
        assert_eq!(t.lifetime(), Duration::from_secs(20));
        assert!(t.is_fresh(1_000, margin));
        assert!(t.is_fresh(15_999, margin));
        assert!(!t.is_fresh(16_000, margin));
        // the fallback lifetime caps it the same way
        let t = CachedToken::from_vendor(Secret::new("t"), 0, 0, Duration::from_secs(8));
        assert!(t.is_fresh(5_999, margin));
        assert!(!t.is_fresh(6_000, margin));
        // a long-lived token keeps the configured margin
        let t = CachedToken::from_vendor(Secret::new("t"), 3_600_000, 0, Duration::ZERO);
        assert!(t.is_fresh(3_299_999, margin));
        assert!(!t.is_fresh(3_300_000, margin));
        // a token already past its expiry is never fresh
        assert!(!t.is_fresh(3_600_000, Duration::ZERO));
    }

    #[test]
    fn debug_hides_token() {
        let t = CachedToken::from_vendor(Secret::new("tok-secret"), 10, 0, Duration::ZERO);
        assert!(!format!("{t:?}").contains("tok-secret"));
    }
}
