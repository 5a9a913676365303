//! [`XjcConfig`]: base URL, credentials, token-refresh policy, validation switches and HTTP
//! limits of one ai-xjc account. Credentials come from code or from `XJC_ACCESS_KEY` /
//! `XJC_SECRET_KEY`; `Debug` never shows them.

use crate::generated::tables::DEFAULT_BASE_URL;
use mediatask_core::{Error, ErrorKind, Operation, Result, Secret};
use mediatask_http::{HttpConfig, RetryPolicy};
use serde::Deserialize;
use std::time::Duration;

/// Environment variable holding the access key.
pub const ENV_ACCESS_KEY: &str = "XJC_ACCESS_KEY";
/// Environment variable holding the secret key.
pub const ENV_SECRET_KEY: &str = "XJC_SECRET_KEY";
/// Environment variable overriding the base URL.
pub const ENV_BASE_URL: &str = "XJC_BASE_URL";

/// Configuration of an ai-xjc client.
///
/// ```
/// use mediatask_xjc::XjcConfig;
/// let config = XjcConfig::new("AK", "SK").with_base_url("http://127.0.0.1:9999");
/// assert!(!format!("{config:?}").contains("SK"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct XjcConfig {
    /// Scheme + host (+ port). Default [`DEFAULT_BASE_URL`] (`https://doc.ai-xjc.com`, the only
    /// host evidenced; a separate production host is unknown).
    pub base_url: String,
    /// The account's AccessKey (also echoed in callbacks).
    pub access_key: Option<Secret>,
    /// The account's SecretKey (only used to sign token requests).
    pub secret_key: Option<Secret>,
    /// Refresh the cached token when it expires within this margin (default 5 minutes). The
    /// margin applied never exceeds a quarter of the token's announced lifetime
    /// ([`crate::auth::effective_margin`]).
    pub token_refresh_margin: Duration,
    /// Lifetime assumed when the vendor's `expiresIn` is not a future epoch-ms value (default
    /// 10 minutes; a guess, see the crate docs).
    pub fallback_token_lifetime: Duration,
    /// When true, a works `audioUrl` whose extension is not one of the documented `mp3`, `m4a`,
    /// `wav` is rejected before sending. Default false: the docs say "mp3, m4a, wav etc.".
    pub strict_audio_formats: bool,
    /// Cap on works jobs in flight enforced locally (the vendor cap behind code 20007 is
    /// undocumented). Default none.
    pub max_works_in_flight: Option<usize>,
    /// Timeouts, retry budget and rate limits.
    pub http: HttpConfig,
}

impl std::fmt::Debug for XjcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XjcConfig")
            .field("base_url", &self.base_url)
            .field("access_key", &self.access_key.as_ref().map(|_| "***"))
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field("token_refresh_margin", &self.token_refresh_margin)
            .field("fallback_token_lifetime", &self.fallback_token_lifetime)
            .field("strict_audio_formats", &self.strict_audio_formats)
            .field("max_works_in_flight", &self.max_works_in_flight)
            .field("http", &self.http)
            .finish()
    }
}

impl Default for XjcConfig {
    fn default() -> Self {
        XjcConfig {
            base_url: DEFAULT_BASE_URL.to_owned(),
            access_key: None,
            secret_key: None,
            token_refresh_margin: Duration::from_secs(300),
            fallback_token_lifetime: Duration::from_secs(600),
            strict_audio_formats: false,
            max_works_in_flight: None,
            http: HttpConfig::default(),
        }
    }
}

impl XjcConfig {
    /// A configuration with explicit credentials and defaults elsewhere.
    pub fn new(access_key: impl Into<Secret>, secret_key: impl Into<Secret>) -> Self {
        XjcConfig {
            access_key: Some(access_key.into()),
            secret_key: Some(secret_key.into()),
            ..Default::default()
        }
    }

    /// Defaults, with credentials and base URL from `XJC_ACCESS_KEY`, `XJC_SECRET_KEY` and
    /// `XJC_BASE_URL` when set.
    pub fn from_env() -> Self {
        let mut c = XjcConfig {
            access_key: Secret::from_env(ENV_ACCESS_KEY),
            secret_key: Secret::from_env(ENV_SECRET_KEY),
            ..Default::default()
        };
        if let Ok(url) = std::env::var(ENV_BASE_URL)
            && !url.is_empty()
        {
            c.base_url = url;
        }
        c
    }

    /// Set the base URL.
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }
    /// Set the token refresh margin.
    pub fn with_token_refresh_margin(mut self, d: Duration) -> Self {
        self.token_refresh_margin = d;
        self
    }
    /// Set the fallback token lifetime.
    pub fn with_fallback_token_lifetime(mut self, d: Duration) -> Self {
        self.fallback_token_lifetime = d;
        self
    }
    /// Reject undocumented audio extensions.
    pub fn with_strict_audio_formats(mut self, on: bool) -> Self {
        self.strict_audio_formats = on;
        self
    }
    /// Cap works jobs in flight.
    pub fn with_max_works_in_flight(mut self, n: Option<usize>) -> Self {
        self.max_works_in_flight = n;
        self
    }
    /// Set the HTTP configuration.
    pub fn with_http(mut self, http: HttpConfig) -> Self {
        self.http = http;
        self
    }

    /// The credentials, or a `Config` error naming the missing environment variable.
    pub fn credentials(&self) -> Result<(&Secret, &Secret)> {
        require_credentials(self.access_key.as_ref(), self.secret_key.as_ref())
    }
}

/// Both keys, non-empty, or a `Config` error naming the environment variable of the first
/// one missing (AccessKey before SecretKey).
pub(crate) fn require_credentials<'a>(
    access_key: Option<&'a Secret>,
    secret_key: Option<&'a Secret>,
) -> Result<(&'a Secret, &'a Secret)> {
    let missing = |name: &str| {
        Error::new(
            ErrorKind::Config,
            format!("missing ai-xjc credential: set {name} or pass it in XjcConfig"),
        )
        .with_provider(crate::PROVIDER)
        .with_operation(Operation::Auth)
    };
    let ak = access_key
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing(ENV_ACCESS_KEY))?;
    let sk = secret_key
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing(ENV_SECRET_KEY))?;
    Ok((ak, sk))
}

/// The JSON form accepted by [`crate::provider_from_json`]: every field optional; credentials
/// and base URL fall back to the environment.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: Option<String>,
    access_key: Option<Secret>,
    secret_key: Option<Secret>,
    token_refresh_margin_secs: Option<u64>,
    fallback_token_lifetime_secs: Option<u64>,
    strict_audio_formats: Option<bool>,
    max_works_in_flight: Option<usize>,
    requests_per_second: Option<u32>,
    request_timeout_secs: Option<u64>,
    max_attempts: Option<u32>,
}

impl<'de> Deserialize<'de> for XjcConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = RawConfig::deserialize(d)?;
        let mut c = XjcConfig::from_env();
        if let Some(v) = raw.base_url {
            c.base_url = v;
        }
        if raw.access_key.is_some() {
            c.access_key = raw.access_key;
        }
        if raw.secret_key.is_some() {
            c.secret_key = raw.secret_key;
        }
        if let Some(v) = raw.token_refresh_margin_secs {
            c.token_refresh_margin = Duration::from_secs(v);
        }
        if let Some(v) = raw.fallback_token_lifetime_secs {
            c.fallback_token_lifetime = Duration::from_secs(v);
        }
        if let Some(v) = raw.strict_audio_formats {
            c.strict_audio_formats = v;
        }
        if raw.max_works_in_flight.is_some() {
            c.max_works_in_flight = raw.max_works_in_flight;
        }
        if let Some(rps) = raw.requests_per_second {
            let limits = c.http.limits.clone().with_requests_per_second(Some(rps));
            c.http = c.http.with_limits(limits);
        }
        if let Some(secs) = raw.request_timeout_secs {
            c.http = c.http.with_request_timeout(Duration::from_secs(secs));
        }
        if let Some(n) = raw.max_attempts {
            let retry: RetryPolicy = c.http.retry.clone().with_max_attempts(n);
            c.http = c.http.with_retry(retry);
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_overrides_and_redacts() {
        let c: XjcConfig = serde_json::from_value(serde_json::json!({
            "base_url": "http://127.0.0.1:1",
            "access_key": "ak-visible?",
            "secret_key": "sk-hidden",
            "token_refresh_margin_secs": 30,
            "requests_per_second": 3
        }))
        .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:1");
        assert_eq!(c.token_refresh_margin, Duration::from_secs(30));
        assert_eq!(c.http.limits.requests_per_second, Some(3));
        let dbg = format!("{c:?}");
        assert!(
            !dbg.contains("sk-hidden") && !dbg.contains("ak-visible"),
            "{dbg}"
        );
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let r: std::result::Result<XjcConfig, _> =
            serde_json::from_value(serde_json::json!({"secretkey": "x"}));
        assert!(r.is_err());
    }

    #[test]
    fn missing_credentials_are_a_config_error() {
        let c = XjcConfig {
            access_key: None,
            ..XjcConfig::new("a", "b")
        };
        assert_eq!(c.credentials().unwrap_err().kind(), ErrorKind::Config);
    }
}
