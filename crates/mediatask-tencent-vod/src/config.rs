//! [`TencentVodConfig`]: endpoint (intl / China / custom base URL), credentials (code or the
//! `TENCENTCLOUD_*` environment variables), `SubAppId`, limits and the configurable guesses
//! (duplicate-SessionId codes, signed header list). Debug never shows the SecretKey or token.

use crate::auth::SignedHeaderSet;
use crate::generated::tables;
use mediatask_core::{Error, ErrorKind, Operation, Result, Secret};
use mediatask_http::{HttpConfig, LimitConfig};
use serde::Deserialize;
use std::fmt;

/// Environment variable holding the SecretId.
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// Environment variable holding the SecretKey.
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
/// Environment variable holding the temporary-credential token (optional).
pub const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";
/// Environment variable holding the default VOD `SubAppId` (used when the config has none).
pub const ENV_SUB_APP_ID: &str = "TENCENTCLOUD_VOD_SUBAPPID";

/// Task pool name used for CreateAigcVideoTask concurrency.
pub const VIDEO_POOL: &str = "CreateAigcVideoTask";
/// Task pool name used for CreateAigcImageTask concurrency.
pub const IMAGE_POOL: &str = "CreateAigcImageTask";

/// Which Tencent Cloud site to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `https://vod.intl.tencentcloudapi.com` (the seed doc's host; default).
    #[default]
    Intl,
    /// `https://vod.tencentcloudapi.com`.
    China,
}

impl Endpoint {
    /// The base URL of this site.
    pub fn base_url(self) -> String {
        match self {
            Endpoint::Intl => format!("https://{}", tables::INTL_HOST),
            Endpoint::China => format!("https://{}", tables::CHINA_HOST),
        }
    }
}

/// SecretId, SecretKey and optional STS token. Debug shows only a SecretId prefix.
///
/// ```
/// use mediatask_tencent_vod::Credentials;
/// let c = Credentials::new("AKIDabcdefgh", "my-secret-key");
/// assert!(!format!("{c:?}").contains("my-secret-key"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    /// SecretId.
    pub secret_id: String,
    /// SecretKey.
    pub secret_key: Secret,
    /// Temporary-credential token (`X-TC-Token`).
    pub token: Option<Secret>,
}

impl Credentials {
    /// Permanent credentials.
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials {
            secret_id: secret_id.into(),
            secret_key: Secret::new(secret_key.into()),
            token: None,
        }
    }
    /// Add an STS token (temporary credentials).
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret::new(token.into()));
        self
    }
}

/// A SecretId shown as its first 4 characters plus `***`.
pub(crate) fn masked_id(id: &str) -> String {
    let prefix: String = id.chars().take(4).collect();
    format!("{prefix}***")
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &masked_id(&self.secret_id))
            .field("secret_key", &self.secret_key)
            .field("token", &self.token)
            .finish()
    }
}

/// Parse a `TENCENTCLOUD_VOD_SUBAPPID` value.
fn parse_sub_app_id(value: &str) -> Result<u64> {
    match value.trim().parse::<u64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(Error::new(
            ErrorKind::Config,
            format!(
                "{ENV_SUB_APP_ID} must be the VOD application id (a positive integer), got `{}`",
                value.trim()
            ),
        )
        .with_provider(crate::PROVIDER)
        .with_operation(Operation::Local)),
    }
}

/// Configuration of the Tencent VOD provider. Every field is optional in JSON; credentials fall
/// back to `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY` / `TENCENTCLOUD_SESSION_TOKEN`.
///
/// ```
/// use mediatask_tencent_vod::TencentVodConfig;
/// let cfg: TencentVodConfig = serde_json::from_value(serde_json::json!({
///     "endpoint": "china",
///     "secret_id": "AKIDxxxx",
///     "secret_key": "never-printed",
///     "sub_app_id": 1500000001
/// })).unwrap();
/// assert_eq!(cfg.resolved_base_url(), "https://vod.tencentcloudapi.com");
/// assert!(!format!("{cfg:?}").contains("never-printed"));
/// ```
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct TencentVodConfig {
    /// Intl (default) or China site.
    pub endpoint: Endpoint,
    /// Custom base URL (`scheme://host[:port][/prefix]`); overrides `endpoint`. Requests go to
    /// `POST <base_url>/` and the signed `Host` is the `host[:port]` of this URL.
    pub base_url: Option<String>,
    /// SecretId (else `TENCENTCLOUD_SECRET_ID`).
    pub secret_id: Option<String>,
    /// SecretKey (else `TENCENTCLOUD_SECRET_KEY`).
    pub secret_key: Option<Secret>,
    /// STS token (else `TENCENTCLOUD_SESSION_TOKEN`).
    pub session_token: Option<Secret>,
    /// Default VOD `SubAppId` (else `TENCENTCLOUD_VOD_SUBAPPID`; each request may override it).
    /// Tencent requires it for accounts opened after 2023-12-25: a submit with no SubAppId
    /// from the request, this field or the environment is refused locally (`InvalidRequest`,
    /// nothing sent) unless `allow_missing_sub_app_id` is set.
    pub sub_app_id: Option<u64>,
    /// Opt-out for legacy accounts (opened before 2023-12-25) that have no VOD application:
    /// `true` sends submits without `SubAppId` when none is configured. Default `false`.
    pub allow_missing_sub_app_id: bool,
    /// `X-TC-Region`; VOD AIGC APIs do not require it (left unset by default).
    pub region: Option<String>,
    /// `X-TC-Language` (`zh-CN` / `en-US`), optional.
    pub language: Option<String>,
    /// Error codes meaning "duplicate SessionId". Default: `InvalidParameterValue.SessionId`,
    /// `FailedOperation.TaskDuplicate` (the exact AIGC code is unconfirmed).
    pub duplicate_session_codes: Vec<String>,
    /// CreateAigcAudioClone requests per second (default 20, documented). `0` = no limit.
    pub audio_clone_requests_per_second: u32,
    /// Account-wide requests per second across all actions (default: none).
    pub requests_per_second: Option<u32>,
    /// CreateAigcVideoTask tasks in flight (default 1, documented). `0` = no cap.
    pub video_max_concurrent_tasks: usize,
    /// CreateAigcImageTask tasks in flight (default 1, documented). `0` = no cap.
    pub image_max_concurrent_tasks: usize,
    /// Also sign `x-tc-action` (current Chinese doc revision). Default false (`content-type;host`).
    pub sign_action_header: bool,
    /// Timeouts, retries and limits of the HTTP transport (code only; rate limits above are
    /// merged into it when the client is built).
    #[serde(skip)]
    pub http: HttpConfig,
}

impl Default for TencentVodConfig {
    fn default() -> Self {
        TencentVodConfig {
            endpoint: Endpoint::default(),
            base_url: None,
            secret_id: None,
            secret_key: None,
            session_token: None,
            sub_app_id: None,
            allow_missing_sub_app_id: false,
            region: None,
            language: None,
            duplicate_session_codes: tables::DEFAULT_DUPLICATE_SESSION_CODES
                .iter()
                .map(|row| row[0].to_owned())
                .collect(),
            audio_clone_requests_per_second: tables::AUDIO_CLONE_REQUESTS_PER_SECOND as u32,
            requests_per_second: None,
            video_max_concurrent_tasks: tables::VIDEO_MAX_CONCURRENT_TASKS as usize,
            image_max_concurrent_tasks: tables::IMAGE_MAX_CONCURRENT_TASKS as usize,
            sign_action_header: false,
            http: HttpConfig::default(),
        }
    }
}

impl fmt::Debug for TencentVodConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TencentVodConfig")
            .field("endpoint", &self.endpoint)
            .field("base_url", &self.base_url)
            .field("secret_id", &self.secret_id.as_deref().map(masked_id))
            .field("secret_key", &self.secret_key)
            .field("session_token", &self.session_token)
            .field("sub_app_id", &self.sub_app_id)
            .field("allow_missing_sub_app_id", &self.allow_missing_sub_app_id)
            .field("region", &self.region)
            .field("duplicate_session_codes", &self.duplicate_session_codes)
            .field(
                "audio_clone_requests_per_second",
                &self.audio_clone_requests_per_second,
            )
            .field(
                "video_max_concurrent_tasks",
                &self.video_max_concurrent_tasks,
            )
            .field(
                "image_max_concurrent_tasks",
                &self.image_max_concurrent_tasks,
            )
            .finish_non_exhaustive()
    }
}

impl TencentVodConfig {
    /// Defaults with credentials read from the environment now.
    pub fn from_env() -> Self {
        TencentVodConfig {
            secret_id: std::env::var(ENV_SECRET_ID).ok().filter(|v| !v.is_empty()),
            secret_key: Secret::from_env(ENV_SECRET_KEY),
            session_token: Secret::from_env(ENV_SESSION_TOKEN),
            ..Default::default()
        }
    }
    /// Set credentials in code.
    pub fn with_credentials(mut self, credentials: Credentials) -> Self {
        self.secret_id = Some(credentials.secret_id);
        self.secret_key = Some(credentials.secret_key);
        self.session_token = credentials.token;
        self
    }
    /// Choose the site.
    pub fn with_endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = endpoint;
        self
    }
    /// Use a custom base URL (emulator, proxy).
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
    /// Set the default SubAppId.
    pub fn with_sub_app_id(mut self, id: Option<u64>) -> Self {
        self.sub_app_id = id;
        self
    }
    /// Allow submits without a `SubAppId` (legacy accounts opened before 2023-12-25 only).
    pub fn with_allow_missing_sub_app_id(mut self, allow: bool) -> Self {
        self.allow_missing_sub_app_id = allow;
        self
    }
    /// Set the region header.
    pub fn with_region(mut self, region: Option<String>) -> Self {
        self.region = region;
        self
    }
    /// Replace the duplicate-SessionId code set.
    pub fn with_duplicate_session_codes(mut self, codes: Vec<String>) -> Self {
        self.duplicate_session_codes = codes;
        self
    }
    /// Set the CreateAigcAudioClone rate (`0` = no limit).
    pub fn with_audio_clone_requests_per_second(mut self, rps: u32) -> Self {
        self.audio_clone_requests_per_second = rps;
        self
    }
    /// Set the video task concurrency (`0` = no cap).
    pub fn with_video_max_concurrent_tasks(mut self, n: usize) -> Self {
        self.video_max_concurrent_tasks = n;
        self
    }
    /// Set the image task concurrency (`0` = no cap).
    pub fn with_image_max_concurrent_tasks(mut self, n: usize) -> Self {
        self.image_max_concurrent_tasks = n;
        self
    }
    /// Sign `x-tc-action` too.
    pub fn with_sign_action_header(mut self, on: bool) -> Self {
        self.sign_action_header = on;
        self
    }
    /// Set the HTTP transport settings.
    pub fn with_http(mut self, http: HttpConfig) -> Self {
        self.http = http;
        self
    }

    /// The base URL requests go to.
    pub fn resolved_base_url(&self) -> String {
        match &self.base_url {
            Some(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_owned(),
            _ => self.endpoint.base_url(),
        }
    }

    /// The signed header set.
    pub fn signed_header_set(&self) -> SignedHeaderSet {
        if self.sign_action_header {
            SignedHeaderSet::ContentTypeHostAction
        } else {
            SignedHeaderSet::ContentTypeHost
        }
    }

    /// The default SubAppId: `sub_app_id`, else `TENCENTCLOUD_VOD_SUBAPPID` (blank = unset).
    /// A variable that is not a positive integer is a `Config` error.
    ///
    /// ```
    /// use mediatask_tencent_vod::TencentVodConfig;
    /// let cfg = TencentVodConfig::default().with_sub_app_id(Some(1500000001));
    /// assert_eq!(cfg.resolve_sub_app_id().unwrap(), Some(1500000001));
    /// ```
    pub fn resolve_sub_app_id(&self) -> Result<Option<u64>> {
        if self.sub_app_id.is_some() {
            return Ok(self.sub_app_id);
        }
        match std::env::var(ENV_SUB_APP_ID) {
            Ok(v) if !v.trim().is_empty() => parse_sub_app_id(&v).map(Some),
            _ => Ok(None),
        }
    }

    /// Credentials from this config, falling back to the environment per field.
    pub fn resolve_credentials(&self) -> Result<Credentials> {
        let secret_id = self
            .secret_id
            .clone()
            .filter(|v| !v.is_empty())
            .or_else(|| std::env::var(ENV_SECRET_ID).ok().filter(|v| !v.is_empty()));
        let secret_key = self
            .secret_key
            .clone()
            .filter(|v| !v.is_empty())
            .or_else(|| Secret::from_env(ENV_SECRET_KEY));
        let token = self
            .session_token
            .clone()
            .filter(|v| !v.is_empty())
            .or_else(|| Secret::from_env(ENV_SESSION_TOKEN));
        match (secret_id, secret_key) {
            (Some(secret_id), Some(secret_key)) => Ok(Credentials {
                secret_id,
                secret_key,
                token,
            }),
            _ => Err(Error::new(
                ErrorKind::Config,
                format!(
                    "Tencent Cloud credentials missing: set `secret_id`/`secret_key` in the config \
                     or the {ENV_SECRET_ID} / {ENV_SECRET_KEY} environment variables"
                ),
            )
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Local)),
        }
    }

    /// The transport settings with this provider's rate limits and task pools merged in.
    pub fn effective_http(&self) -> HttpConfig {
        let mut http = self.http.clone();
        let mut limits: LimitConfig = http.limits.clone();
        if self.audio_clone_requests_per_second > 0 {
            limits = limits
                .with_action_limit("CreateAigcAudioClone", self.audio_clone_requests_per_second);
        }
        if self.requests_per_second.is_some() {
            limits = limits.with_requests_per_second(self.requests_per_second);
        }
        if self.video_max_concurrent_tasks > 0 {
            limits = limits.with_task_pool(VIDEO_POOL, self.video_max_concurrent_tasks);
        }
        if self.image_max_concurrent_tasks > 0 {
            limits = limits.with_task_pool(IMAGE_POOL, self.image_max_concurrent_tasks);
        }
        http.limits = limits;
        http
    }
}
