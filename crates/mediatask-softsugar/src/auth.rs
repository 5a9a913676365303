//! The SoftSugar token scheme, sans-IO: the `sign` of the token request, the request body, the
//! token response and the cache rules (when a cached token must be re-issued). The time is always
//! passed in, so every rule is testable without a clock.
//!
//! `sign = lowercase hex MD5(appId + timestamp + appKey)` and the token is sent as
//! `Authorization: Bearer <accessToken>` (<https://aigc.softsugar.com/html/help/en-US/12-FAQ.html>).
//!
//! ```
//! use mediatask_softsugar::auth::sign;
//! // the vendor's published example
//! assert_eq!(
//!     sign("c103af9ac77646ca9fb0122e75f30811", "1686730537", "89f81a207e5e4a1297ed1255879191ee"),
//!     "f6ffecf33d2073d9b3b93ba157665cfc"
//! );
//! ```

use chrono::{DateTime, Utc};
use md5::{Digest, Md5};
use mediatask_core::{Error, ErrorKind, Operation, Result, Secret};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// Unit of the `timestamp` sent to the token endpoint. The vendor's example is a 10-digit value
/// (seconds); one third-party client sends milliseconds, so both are selectable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimestampUnit {
    /// Unix seconds (the vendor's documented example). Default.
    #[default]
    Seconds,
    /// Unix milliseconds.
    Milliseconds,
}

impl TimestampUnit {
    /// Format `now` in this unit.
    ///
    /// ```
    /// use mediatask_softsugar::auth::TimestampUnit;
    /// let t = chrono::DateTime::from_timestamp(1686730537, 0).unwrap();
    /// assert_eq!(TimestampUnit::Seconds.format(t), "1686730537");
    /// assert_eq!(TimestampUnit::Milliseconds.format(t), "1686730537000");
    /// ```
    pub fn format(self, now: DateTime<Utc>) -> String {
        match self {
            TimestampUnit::Seconds => now.timestamp().to_string(),
            TimestampUnit::Milliseconds => now.timestamp_millis().to_string(),
        }
    }
}

/// Lowercase hex MD5 of `app_id + timestamp + app_key` (the token request `sign`).
pub fn sign(app_id: &str, timestamp: &str, app_key: &str) -> String {
    let mut md5 = Md5::new();
    md5.update(app_id.as_bytes());
    md5.update(timestamp.as_bytes());
    md5.update(app_key.as_bytes());
    hex::encode(md5.finalize())
}

/// Body of `POST /api/uc/v1/access/api/token`. Debug redacts the signature.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    /// The account's app id.
    pub app_id: String,
    /// The timestamp as text (seconds by default).
    pub timestamp: String,
    /// `md5(appId + timestamp + appKey)`.
    pub sign: String,
    /// Always `"sign"`.
    pub grant_type: &'static str,
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("app_id", &self.app_id)
            .field("timestamp", &self.timestamp)
            .field("sign", &"***")
            .finish()
    }
}

impl TokenRequest {
    /// Build the token request for `now`.
    ///
    /// ```
    /// use mediatask_core::Secret;
    /// use mediatask_softsugar::auth::{TimestampUnit, TokenRequest};
    /// let now = chrono::DateTime::from_timestamp(1686730537, 0).unwrap();
    /// let req = TokenRequest::new("c103af9ac77646ca9fb0122e75f30811",
    ///     &Secret::new("89f81a207e5e4a1297ed1255879191ee"), TimestampUnit::Seconds, now);
    /// assert_eq!(req.sign, "f6ffecf33d2073d9b3b93ba157665cfc");
    /// ```
    pub fn new(app_id: &str, app_key: &Secret, unit: TimestampUnit, now: DateTime<Utc>) -> Self {
        let timestamp = unit.format(now);
        let sign = sign(app_id, &timestamp, app_key.expose());
        TokenRequest {
            app_id: app_id.to_owned(),
            timestamp,
            sign,
            grant_type: "sign",
        }
    }
}

/// What the token endpoint returned. The FAQ names `accessToken`; a third-party client reads it
/// (with `expiresIn` seconds, `refreshToken`, `refreshTokenExpiresIn`) under `data`. Both places
/// are accepted. Debug redacts the tokens.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenData {
    /// The bearer token.
    pub access_token: Secret,
    /// Lifetime in seconds, when the vendor tells it.
    #[serde(default, deserialize_with = "crate::api::lenient::opt_i64")]
    pub expires_in: Option<i64>,
    /// The refresh token, when sent (the SDK re-issues with the sign grant instead; the refresh
    /// body is undocumented).
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    /// Refresh-token lifetime in seconds.
    #[serde(default, deserialize_with = "crate::api::lenient::opt_i64")]
    pub refresh_token_expires_in: Option<i64>,
}

impl fmt::Debug for TokenData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenData")
            .field("access_token", &"***")
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "***"))
            .field("refresh_token_expires_in", &self.refresh_token_expires_in)
            .finish()
    }
}

/// Parse a token endpoint body: `{"code":0,"data":{"accessToken":…}}` or a bare
/// `{"accessToken":…}`. An answer without a token is an `Unauthenticated` error (never a panic).
pub fn parse_token_response(body: &[u8]) -> Result<TokenData> {
    let value: serde_json::Value = mediatask_http::decode_json(body)?;
    let candidate = match value.get("data") {
        Some(d) if d.get("accessToken").is_some() => d.clone(),
        _ => value,
    };
    if candidate
        .get("accessToken")
        .and_then(|t| t.as_str())
        .is_none_or(str::is_empty)
    {
        return Err(Error::new(
            ErrorKind::Unauthenticated,
            "token endpoint answered without an accessToken",
        )
        .with_operation(Operation::Auth));
    }
    serde_json::from_value(candidate).map_err(|e| {
        Error::new(
            ErrorKind::Decode,
            format!("token response of an unexpected shape: {e}"),
        )
        .with_operation(Operation::Auth)
    })
}

/// A cached token and when to stop using it.
#[derive(Clone)]
pub struct CachedToken {
    /// The bearer token.
    pub token: Secret,
    /// When it was issued (wall clock).
    pub issued_at: DateTime<Utc>,
    /// When it expires, if known (vendor `expiresIn` or the configured fallback TTL).
    pub expires_at: Option<DateTime<Utc>>,
}

impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("token", &"***")
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl CachedToken {
    /// Build from a token response received at `now`. `fallback_ttl` applies when the vendor
    /// sends no `expiresIn` (None = keep until the vendor rejects it).
    pub fn from_response(
        data: &TokenData,
        now: DateTime<Utc>,
        fallback_ttl: Option<Duration>,
    ) -> Self {
        let ttl = data
            .expires_in
            .filter(|s| *s > 0)
            .map(|s| chrono::Duration::seconds(s))
            .or_else(|| fallback_ttl.and_then(|d| chrono::Duration::from_std(d).ok()));
        CachedToken {
            token: data.access_token.clone(),
            issued_at: now,
            expires_at: ttl.map(|t| now + t),
        }
    }

    /// True when the token must be re-issued before use at `now`: it expires within the
    /// effective margin, `min(margin, lifetime / 4)` ([`effective_margin`]; the lifetime is
    /// `expires_at - issued_at`). A margin longer than the token's life (the default 300 s with
    /// `expiresIn: 20`) therefore never forces a new token before every call, and the token is
    /// still never used past its expiry.
    ///
    /// ```
    /// use mediatask_softsugar::auth::CachedToken;
    /// use std::time::Duration;
    /// let now = chrono::Utc::now();
    /// let t = CachedToken { token: "t".into(), issued_at: now,
    ///     expires_at: Some(now + chrono::Duration::seconds(100)) };
    /// assert!(!t.needs_refresh(now, Duration::from_secs(20)));
    /// assert!(t.needs_refresh(now + chrono::Duration::seconds(81), Duration::from_secs(20)));
    /// // a margin longer than the whole lifetime is capped at a quarter of it (25 s)
    /// assert!(!t.needs_refresh(now + chrono::Duration::seconds(74), Duration::from_secs(300)));
    /// assert!(t.needs_refresh(now + chrono::Duration::seconds(75), Duration::from_secs(300)));
    /// ```
    pub fn needs_refresh(&self, now: DateTime<Utc>, margin: Duration) -> bool {
        match self.expires_at {
            None => false,
            Some(exp) => {
                let margin = effective_margin(margin, self.lifetime().unwrap_or_default());
                let margin = chrono::Duration::from_std(margin).unwrap_or_default();
                now + margin >= exp
            }
        }
    }

    /// The lifetime the token was given (`expires_at - issued_at`), when an expiry is known.
    pub fn lifetime(&self) -> Option<Duration> {
        self.expires_at
            .map(|exp| (exp - self.issued_at).to_std().unwrap_or_default())
    }
}

/// The refresh margin never exceeds this fraction of a token's lifetime: the effective margin
/// is `min(configured margin, lifetime / MARGIN_LIFETIME_DIVISOR)`, so a short-lived token is
/// used for at least three quarters of its life.
pub const MARGIN_LIFETIME_DIVISOR: u32 = 4;

/// The margin actually applied to a token living `lifetime`: `min(margin, lifetime / 4)`.
///
/// ```
/// use std::time::Duration;
/// use mediatask_softsugar::auth::effective_margin;
/// let m = Duration::from_secs(300);
/// assert_eq!(effective_margin(m, Duration::from_secs(20)), Duration::from_secs(5));
/// assert_eq!(effective_margin(m, Duration::from_secs(2)), Duration::from_millis(500));
/// assert_eq!(effective_margin(m, Duration::from_secs(7200)), m);
/// ```
pub fn effective_margin(margin: Duration, lifetime: Duration) -> Duration {
    margin.min(lifetime / MARGIN_LIFETIME_DIVISOR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_input_is_plain_concatenation() {
        // stage 1: the MD5 input of the published example
        let input = format!(
            "{}{}{}",
            "c103af9ac77646ca9fb0122e75f30811", "1686730537", "89f81a207e5e4a1297ed1255879191ee"
        );
        assert_eq!(
            input,
            "c103af9ac77646ca9fb0122e75f30811168673053789f81a207e5e4a1297ed1255879191ee"
        );
        // stage 2: its digest
        assert_eq!(
            hex::encode(Md5::digest(input.as_bytes())),
            "f6ffecf33d2073d9b3b93ba157665cfc"
        );
    }

    #[test]
    fn token_body_is_the_documented_json() {
        let now = DateTime::from_timestamp(1686730537, 0).unwrap();
        let req = TokenRequest::new(
            "c103af9ac77646ca9fb0122e75f30811",
            &Secret::new("89f81a207e5e4a1297ed1255879191ee"),
            TimestampUnit::Seconds,
            now,
        );
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            serde_json::json!({
                "appId": "c103af9ac77646ca9fb0122e75f30811",
                "timestamp": "1686730537",
                "sign": "f6ffecf33d2073d9b3b93ba157665cfc",
                "grantType": "sign"
            })
        );
        assert!(!format!("{req:?}").contains("f6ffecf3"));
    }

    #[test]
    fn margin_is_capped_by_the_announced_lifetime() {
        let now = DateTime::from_timestamp(1686730537, 0).unwrap();
        let data = TokenData {
            access_token: Secret::new("t"),
            expires_in: Some(2),
            refresh_token: None,
            refresh_token_expires_in: None,
        };
        let margin = Duration::from_secs(300);
        // `expiresIn: 2` with the default 300 s margin: usable for 1.5 s
        let t = CachedToken::from_response(&data, now, None);
        assert_eq!(t.lifetime(), Some(Duration::from_secs(2)));
        assert!(!t.needs_refresh(now, margin));
        assert!(!t.needs_refresh(now + chrono::Duration::milliseconds(1_499), margin));
        assert!(t.needs_refresh(now + chrono::Duration::milliseconds(1_500), margin));
        // a long-lived token keeps the configured margin
        let long = TokenData {
            expires_in: Some(3600),
            ..data.clone()
        };
        let t = CachedToken::from_response(&long, now, None);
        assert!(!t.needs_refresh(now + chrono::Duration::seconds(3299), margin));
        assert!(t.needs_refresh(now + chrono::Duration::seconds(3300), margin));
        // the fallback TTL caps it the same way; no expiry at all: never refreshed locally
        let none = TokenData {
            expires_in: None,
            ..data
        };
        let t = CachedToken::from_response(&none, now, Some(Duration::from_secs(8)));
        assert!(!t.needs_refresh(now + chrono::Duration::seconds(5), margin));
        assert!(t.needs_refresh(now + chrono::Duration::seconds(6), margin));
        let t = CachedToken::from_response(&none, now, None);
        assert!(!t.needs_refresh(now + chrono::Duration::days(1), margin));
    }

    #[test]
    fn token_response_in_data_or_top_level() {
        let a = parse_token_response(
            br#"{"code":0,"message":"success","data":{"accessToken":"abc","expiresIn":"7200"}}"#,
        )
        .unwrap();
        assert_eq!(a.access_token.expose(), "abc");
        assert_eq!(a.expires_in, Some(7200));
        let b = parse_token_response(br#"{"accessToken":"xyz"}"#).unwrap();
        assert_eq!(b.expires_in, None);
        assert!(!format!("{a:?}").contains("abc"));
        let e = parse_token_response(br#"{"code":0,"data":{}}"#).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    }
}
