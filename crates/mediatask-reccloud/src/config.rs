//! [`RecCloudConfig`]: host (global, China or custom), API key, limits and endpoint paths.
//!
//! Every field is optional when deserialised (the registry and the CLI pass JSON); the API key
//! falls back to the `RECCLOUD_API_KEY` environment variable. `Debug` never shows the key.

use crate::generated::tables::{
    API_KEY_ENV, CHINA_BASE_URL, DEFAULT_PARALLEL_TASKS, DEFAULT_REQUESTS_PER_SECOND,
    GLOBAL_BASE_URL,
};
use mediatask_core::{Error, ErrorKind, Operation, Result, Secret};
use mediatask_http::{HttpConfig, LimitConfig};
use serde::Deserialize;

/// The task pool every RecCloud job kind shares (the vendor caps parallel tasks per key).
pub const TASK_POOL: &str = "reccloud-tasks";

/// Which RecCloud host to talk to when no explicit `base_url` is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    /// `https://techhk.aoscdn.com` (used throughout reccloud.com docs).
    #[default]
    #[serde(alias = "techhk", alias = "hk")]
    Global,
    /// `https://techsz.aoscdn.com` (mainland China).
    #[serde(alias = "techsz", alias = "cn", alias = "sz")]
    China,
}

impl Region {
    /// The host of this region.
    ///
    /// ```
    /// use mediatask_reccloud::config::Region;
    /// assert_eq!(Region::China.base_url(), "https://techsz.aoscdn.com");
    /// ```
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Global => GLOBAL_BASE_URL,
            Region::China => CHINA_BASE_URL,
        }
    }
}

/// Request paths of every endpoint. Documented paths are the defaults; paths RecCloud does not
/// document are either inferred (`/{task_id}` appended to the create path — marked in the
/// capability table with `endpoint_confirmed = false`) or absent (`None`: text-to-speech and
/// text-to-video, whose endpoints were not found in RecCloud's public docs).
///
/// Query paths contain the placeholder `{task_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Endpoints {
    /// Create speech recognition / AI subtitles (documented).
    pub recognition: String,
    /// Query speech recognition (documented).
    pub recognition_query: String,
    /// Create subtitle burn-in "video synthesis" (documented).
    pub subtitle: String,
    /// Query subtitle burn-in (**inferred**).
    pub subtitle_query: String,
    /// Create video-translation preview (documented, 2026 docs).
    pub translation_preview: String,
    /// Query video-translation preview (**inferred**).
    pub translation_preview_query: String,
    /// Create video-translation synthesis (documented, 2026 docs).
    pub translation_synthesis: String,
    /// Query video-translation synthesis (**inferred**).
    pub translation_synthesis_query: String,
    /// Create text-to-speech: **not documented**, no default; set it to enable the task.
    pub text_to_speech: Option<String>,
    /// Query text-to-speech; defaults to `text_to_speech` + `/{task_id}` (**inferred**).
    pub text_to_speech_query: Option<String>,
    /// Create text-to-video: **not documented**, no default; set it to enable the task.
    pub text_to_video: Option<String>,
    /// Query text-to-video; defaults to `text_to_video` + `/{task_id}` (**inferred**).
    pub text_to_video_query: Option<String>,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            recognition: "/api/tasks/audio/recognition".into(),
            recognition_query: "/api/tasks/audio/recognition/{task_id}".into(),
            subtitle: "/api/tasks/media/subtitle".into(),
            subtitle_query: "/api/tasks/media/subtitle/{task_id}".into(),
            translation_preview: "/api/tasks/media/video-translation/preview".into(),
            translation_preview_query: "/api/tasks/media/video-translation/preview/{task_id}"
                .into(),
            translation_synthesis: "/api/tasks/media/video-translation/synthesis".into(),
            translation_synthesis_query: "/api/tasks/media/video-translation/synthesis/{task_id}"
                .into(),
            text_to_speech: None,
            text_to_speech_query: None,
            text_to_video: None,
            text_to_video_query: None,
        }
    }
}

impl Endpoints {
    /// Check every path: relative (`/…`) and, for query paths, containing `{task_id}`.
    pub fn validate(&self) -> Result<()> {
        let creates = [
            ("recognition", Some(&self.recognition)),
            ("subtitle", Some(&self.subtitle)),
            ("translation_preview", Some(&self.translation_preview)),
            ("translation_synthesis", Some(&self.translation_synthesis)),
            ("text_to_speech", self.text_to_speech.as_ref()),
            ("text_to_video", self.text_to_video.as_ref()),
        ];
        let queries = [
            ("recognition_query", Some(&self.recognition_query)),
            ("subtitle_query", Some(&self.subtitle_query)),
            (
                "translation_preview_query",
                Some(&self.translation_preview_query),
            ),
            (
                "translation_synthesis_query",
                Some(&self.translation_synthesis_query),
            ),
            ("text_to_speech_query", self.text_to_speech_query.as_ref()),
            ("text_to_video_query", self.text_to_video_query.as_ref()),
        ];
        for (name, path) in creates.iter().chain(queries.iter()) {
            if let Some(p) = path
                && (!p.starts_with('/') || p.starts_with("//") || p.contains("://"))
            {
                return Err(config_error(format!(
                    "endpoint `{name}` = `{p}` must be a path starting with `/`"
                )));
            }
        }
        for (name, path) in queries {
            if let Some(p) = path
                && !p.contains("{task_id}")
            {
                return Err(config_error(format!(
                    "endpoint `{name}` = `{p}` must contain the `{{task_id}}` placeholder"
                )));
            }
        }
        Ok(())
    }
}

/// Configuration of a RecCloud client.
///
/// ```
/// use mediatask_reccloud::RecCloudConfig;
/// let config: RecCloudConfig = serde_json::from_value(serde_json::json!({
///     "region": "china",
///     "api_key": "k-123",
///     "max_parallel_tasks": 4
/// })).unwrap();
/// assert_eq!(config.resolved_base_url(), "https://techsz.aoscdn.com");
/// assert!(!format!("{config:?}").contains("k-123"));
/// ```
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct RecCloudConfig {
    /// Explicit base URL (scheme + host [+ port]); overrides `region`.
    pub base_url: Option<String>,
    /// Host selection when `base_url` is unset (default: global `techhk`).
    pub region: Region,
    /// The API key sent as `X-API-KEY`; falls back to `RECCLOUD_API_KEY`.
    pub api_key: Option<Secret>,
    /// Requests per second for this key (default 2, the documented limit; 0 disables limiting).
    pub requests_per_second: u32,
    /// Tasks in flight for this key (default 2, the documented limit; 0 disables the cap).
    pub max_parallel_tasks: u32,
    /// Endpoint paths (documented defaults; inferred ones configurable).
    pub endpoints: Endpoints,
    /// Timeouts, retry budget and limiter tuning (not deserialised; set in code).
    #[serde(skip)]
    pub http: HttpConfig,
}

impl Default for RecCloudConfig {
    fn default() -> Self {
        RecCloudConfig {
            base_url: None,
            region: Region::Global,
            api_key: None,
            requests_per_second: DEFAULT_REQUESTS_PER_SECOND as u32,
            max_parallel_tasks: DEFAULT_PARALLEL_TASKS as u32,
            endpoints: Endpoints::default(),
            http: HttpConfig::default(),
        }
    }
}

impl std::fmt::Debug for RecCloudConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecCloudConfig")
            .field("base_url", &self.resolved_base_url())
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("requests_per_second", &self.requests_per_second)
            .field("max_parallel_tasks", &self.max_parallel_tasks)
            .field("endpoints", &self.endpoints)
            .field("http", &self.http)
            .finish()
    }
}

impl RecCloudConfig {
    /// Defaults with the key from `RECCLOUD_API_KEY` (global host, 2 QPS, 2 parallel tasks).
    pub fn from_env() -> Self {
        RecCloudConfig {
            api_key: Secret::from_env(API_KEY_ENV),
            ..Default::default()
        }
    }

    /// Defaults with an explicit key.
    pub fn with_api_key(mut self, key: impl Into<Secret>) -> Self {
        self.api_key = Some(key.into());
        self
    }
    /// Use a custom base URL (e.g. a proxy or a test server).
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
    /// Choose the host by region.
    pub fn with_region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }
    /// Set the requests-per-second limit (0 disables limiting).
    pub fn with_requests_per_second(mut self, rps: u32) -> Self {
        self.requests_per_second = rps;
        self
    }
    /// Set the parallel-task cap (0 disables it).
    pub fn with_max_parallel_tasks(mut self, n: u32) -> Self {
        self.max_parallel_tasks = n;
        self
    }
    /// Replace the endpoint paths.
    pub fn with_endpoints(mut self, endpoints: Endpoints) -> Self {
        self.endpoints = endpoints;
        self
    }
    /// Replace the HTTP settings (its `limits` are combined with the RecCloud limits).
    pub fn with_http(mut self, http: HttpConfig) -> Self {
        self.http = http;
        self
    }

    /// The base URL requests go to.
    pub fn resolved_base_url(&self) -> &str {
        self.base_url
            .as_deref()
            .unwrap_or_else(|| self.region.base_url())
    }

    /// The API key, from the config or the environment; a `Config` error when neither is set.
    pub fn resolved_api_key(&self) -> Result<Secret> {
        self.api_key
            .clone()
            .filter(|k| !k.is_empty())
            .or_else(|| Secret::from_env(API_KEY_ENV))
            .ok_or_else(|| {
                config_error(format!(
                    "no RecCloud API key: set `api_key` or the {API_KEY_ENV} environment variable"
                ))
            })
    }

    /// The HTTP configuration with the RecCloud limits applied: `requests_per_second` in any
    /// sliding one-second window and at most `max_parallel_tasks` tasks in pool [`TASK_POOL`].
    pub fn http_config(&self) -> HttpConfig {
        let mut limits: LimitConfig = self.http.limits.clone();
        limits = limits.with_requests_per_second(Some(self.requests_per_second));
        if self.max_parallel_tasks > 0 {
            limits = limits.with_task_pool(TASK_POOL, self.max_parallel_tasks as usize);
        } else {
            limits.task_pools.remove(TASK_POOL);
        }
        self.http.clone().with_limits(limits)
    }
}

pub(crate) fn config_error(message: String) -> Error {
    Error::new(ErrorKind::Config, message)
        .with_provider(crate::PROVIDER)
        .with_operation(Operation::Local)
}
