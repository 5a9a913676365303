//! [`SoftSugarConfig`]: host, credentials (`SOFTSUGAR_APP_ID` / `SOFTSUGAR_APP_KEY`), token
//! rules, the unconfirmed video-create path, the delete style and HTTP limits. Debug redacts the
//! app key.
//!
//! ```
//! use mediatask_softsugar::SoftSugarConfig;
//! let cfg = SoftSugarConfig::new("my-app-id", "my-app-key").with_base_url("http://127.0.0.1:9");
//! assert!(!format!("{cfg:?}").contains("my-app-key"));
//! ```

use crate::api::DeleteStyle;
use crate::auth::TimestampUnit;
use crate::generated::tables;
use mediatask_core::{Error, ErrorKind, Operation, Result, Secret};
use mediatask_http::{HttpConfig, LimitConfig};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// Environment variable holding the app id.
pub const ENV_APP_ID: &str = "SOFTSUGAR_APP_ID";
/// Environment variable holding the app key.
pub const ENV_APP_KEY: &str = "SOFTSUGAR_APP_KEY";
/// Optional environment variable overriding the base URL.
pub const ENV_BASE_URL: &str = "SOFTSUGAR_BASE_URL";

/// Configuration of one SoftSugar account.
#[derive(Clone)]
#[non_exhaustive]
pub struct SoftSugarConfig {
    /// Service host (default `https://aigc.softsugar.com`).
    pub base_url: String,
    /// App id.
    pub app_id: Option<String>,
    /// App key (never printed).
    pub app_key: Option<Secret>,
    /// Unit of the token `timestamp` (default seconds, as in the vendor's example).
    pub timestamp_unit: TimestampUnit,
    /// Re-issue the token this long before the expiry the vendor announced (never more than a
    /// quarter of the announced lifetime, [`crate::auth::effective_margin`]).
    pub token_refresh_margin: Duration,
    /// Token lifetime to assume when the vendor sends no `expiresIn` (None: keep the token until
    /// the vendor rejects it, then re-issue once).
    pub token_fallback_ttl: Option<Duration>,
    /// Path of the video synthesis create endpoint (**unconfirmed**; see docs).
    pub video_create_path: String,
    /// How `DELETE /api/2dvh/v1/task/del` carries the id (default: path `/del/{id}`).
    pub delete_style: DeleteStyle,
    /// `algoType` the vendor assigns to transcode tasks (undocumented; informational only).
    pub transcode_algo_type: Option<i64>,
    /// While a task is queued, also read its queue position from `listWithQueue` (one extra
    /// idempotent call per queued poll).
    pub poll_queue_info: bool,
    /// Inside a journal's scope ([`mediatask_core::journal::with_client_job_id`]), put the job
    /// id into the submit's name field (`materialName`, or `videoName` for video synthesis): an
    /// empty name becomes the job id, any other name gets ` [<job id>]` appended
    /// ([`crate::tasks::tagged_name`]). A journal's recovery finds a submit whose answer was
    /// lost by that id in `listWithQueue`; with this off it cannot (`CannotTell`, the job is
    /// parked). Default `true`. Do not switch it off while journaled submits may be in flight.
    pub tag_names_with_job_id: bool,
    /// The longest name to send when tagging (characters): the caller's part is shortened to
    /// fit, never the job id. The seed documents no limit for these fields; default `None`.
    pub tagged_name_max_chars: Option<usize>,
    /// Timeouts, retries and limits.
    pub http: HttpConfig,
}

impl fmt::Debug for SoftSugarConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoftSugarConfig")
            .field("base_url", &self.base_url)
            .field("app_id", &self.app_id)
            .field("app_key", &self.app_key.as_ref().map(|_| "***"))
            .field("timestamp_unit", &self.timestamp_unit)
            .field("token_refresh_margin", &self.token_refresh_margin)
            .field("token_fallback_ttl", &self.token_fallback_ttl)
            .field("video_create_path", &self.video_create_path)
            .field("delete_style", &self.delete_style)
            .field("transcode_algo_type", &self.transcode_algo_type)
            .field("poll_queue_info", &self.poll_queue_info)
            .field("tag_names_with_job_id", &self.tag_names_with_job_id)
            .field("tagged_name_max_chars", &self.tagged_name_max_chars)
            .field("http", &self.http)
            .finish()
    }
}

impl Default for SoftSugarConfig {
    fn default() -> Self {
        SoftSugarConfig {
            base_url: tables::DEFAULT_BASE_URL.to_owned(),
            app_id: None,
            app_key: None,
            timestamp_unit: TimestampUnit::Seconds,
            token_refresh_margin: Duration::from_secs(300),
            token_fallback_ttl: None,
            video_create_path: tables::DEFAULT_VIDEO_CREATE_PATH.to_owned(),
            delete_style: DeleteStyle::default(),
            transcode_algo_type: None,
            poll_queue_info: true,
            tag_names_with_job_id: true,
            tagged_name_max_chars: None,
            http: HttpConfig::default(),
        }
    }
}

impl SoftSugarConfig {
    /// Credentials from code, everything else default.
    pub fn new(app_id: impl Into<String>, app_key: impl Into<String>) -> Self {
        SoftSugarConfig {
            app_id: Some(app_id.into()),
            app_key: Some(Secret::new(app_key.into())),
            ..Default::default()
        }
    }

    /// Credentials (and optionally the base URL) from the environment.
    pub fn from_env() -> Self {
        let mut cfg = SoftSugarConfig::default();
        cfg.fill_from_env();
        cfg
    }

    fn fill_from_env(&mut self) {
        if self.app_id.is_none() {
            self.app_id = std::env::var(ENV_APP_ID).ok().filter(|v| !v.is_empty());
        }
        if self.app_key.is_none() {
            self.app_key = Secret::from_env(ENV_APP_KEY);
        }
    }

    /// Override the base URL.
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }
    /// Set the timestamp unit.
    pub fn with_timestamp_unit(mut self, unit: TimestampUnit) -> Self {
        self.timestamp_unit = unit;
        self
    }
    /// Set the refresh margin.
    pub fn with_token_refresh_margin(mut self, d: Duration) -> Self {
        self.token_refresh_margin = d;
        self
    }
    /// Set the fallback token lifetime.
    pub fn with_token_fallback_ttl(mut self, d: Option<Duration>) -> Self {
        self.token_fallback_ttl = d;
        self
    }
    /// Set the video create path.
    pub fn with_video_create_path(mut self, path: impl Into<String>) -> Self {
        self.video_create_path = path.into();
        self
    }
    /// Set the delete style.
    pub fn with_delete_style(mut self, style: DeleteStyle) -> Self {
        self.delete_style = style;
        self
    }
    /// Enable or disable queue-position lookups while polling.
    pub fn with_poll_queue_info(mut self, on: bool) -> Self {
        self.poll_queue_info = on;
        self
    }
    /// Enable or disable putting the journal's job id into submit names (see
    /// [`SoftSugarConfig::tag_names_with_job_id`]).
    pub fn with_tag_names_with_job_id(mut self, on: bool) -> Self {
        self.tag_names_with_job_id = on;
        self
    }
    /// Cap the length of tagged names (see [`SoftSugarConfig::tagged_name_max_chars`]).
    pub fn with_tagged_name_max_chars(mut self, max: Option<usize>) -> Self {
        self.tagged_name_max_chars = max;
        self
    }
    /// Set the HTTP configuration.
    pub fn with_http(mut self, http: HttpConfig) -> Self {
        self.http = http;
        self
    }

    /// The credentials, or a `Config` error naming the missing env var.
    pub fn credentials(&self) -> Result<(&str, &Secret)> {
        let missing = |what: &str, var: &str| {
            Error::new(
                ErrorKind::Config,
                format!("SoftSugar {what} missing: set it in code or via `{var}`"),
            )
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Local)
        };
        let id = self
            .app_id
            .as_deref()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing("app id", ENV_APP_ID))?;
        let key = self
            .app_key
            .as_ref()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing("app key", ENV_APP_KEY))?;
        Ok((id, key))
    }

    /// Deserialize from JSON (every field optional; credentials fall back to the environment).
    ///
    /// ```
    /// let cfg = mediatask_softsugar::SoftSugarConfig::from_json(serde_json::json!({
    ///     "base_url": "http://127.0.0.1:1", "app_id": "id", "app_key": "key",
    ///     "timestamp_unit": "milliseconds", "delete_style": "query"
    /// })).unwrap();
    /// assert_eq!(cfg.base_url, "http://127.0.0.1:1");
    /// ```
    pub fn from_json(value: serde_json::Value) -> Result<Self> {
        let raw: RawConfig = serde_json::from_value(value).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("invalid SoftSugar configuration: {e}"),
            )
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Local)
        })?;
        Ok(raw.into_config())
    }
}

/// The JSON form of [`SoftSugarConfig`] (what `provider_from_json` accepts).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawConfig {
    base_url: Option<String>,
    app_id: Option<String>,
    app_key: Option<Secret>,
    timestamp_unit: Option<TimestampUnit>,
    token_refresh_margin_secs: Option<u64>,
    token_fallback_ttl_secs: Option<u64>,
    video_create_path: Option<String>,
    delete_style: Option<DeleteStyle>,
    transcode_algo_type: Option<i64>,
    poll_queue_info: Option<bool>,
    tag_names_with_job_id: Option<bool>,
    tagged_name_max_chars: Option<usize>,
    requests_per_second: Option<u32>,
    max_concurrent_tasks: BTreeMap<String, usize>,
    request_timeout_secs: Option<u64>,
    max_attempts: Option<u32>,
}

impl RawConfig {
    fn into_config(self) -> SoftSugarConfig {
        let mut cfg = SoftSugarConfig::default();
        if let Some(u) = self.base_url.filter(|u| !u.is_empty()) {
            cfg.base_url = u;
        } else if let Ok(u) = std::env::var(ENV_BASE_URL)
            && !u.is_empty()
        {
            cfg.base_url = u;
        }
        cfg.app_id = self.app_id;
        cfg.app_key = self.app_key;
        cfg.fill_from_env();
        if let Some(u) = self.timestamp_unit {
            cfg.timestamp_unit = u;
        }
        if let Some(s) = self.token_refresh_margin_secs {
            cfg.token_refresh_margin = Duration::from_secs(s);
        }
        cfg.token_fallback_ttl = self.token_fallback_ttl_secs.map(Duration::from_secs);
        if let Some(p) = self.video_create_path {
            cfg.video_create_path = p;
        }
        if let Some(d) = self.delete_style {
            cfg.delete_style = d;
        }
        cfg.transcode_algo_type = self.transcode_algo_type;
        if let Some(q) = self.poll_queue_info {
            cfg.poll_queue_info = q;
        }
        if let Some(t) = self.tag_names_with_job_id {
            cfg.tag_names_with_job_id = t;
        }
        cfg.tagged_name_max_chars = self.tagged_name_max_chars;
        let mut limits: LimitConfig = cfg
            .http
            .limits
            .clone()
            .with_requests_per_second(self.requests_per_second);
        for (pool, max) in self.max_concurrent_tasks {
            limits = limits.with_task_pool(pool, max);
        }
        cfg.http = cfg.http.with_limits(limits);
        if let Some(t) = self.request_timeout_secs {
            cfg.http = cfg.http.with_request_timeout(Duration::from_secs(t));
        }
        if let Some(n) = self.max_attempts {
            let retry = cfg.http.retry.clone().with_max_attempts(n);
            cfg.http = cfg.http.with_retry(retry);
        }
        cfg
    }
}
