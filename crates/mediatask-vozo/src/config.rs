//! [`VozoConfig`]: base URL, API key, concurrency pools and the configurable guesses of this
//! crate. Every field is optional when deserialised; the API key falls back to `VOZO_API_KEY`.

use crate::generated::tables;
use mediatask_core::{Error, ErrorKind, Operation, Result, Secret};
use mediatask_http::{HttpConfig, LimitConfig};
use serde::Deserialize;
use std::time::Duration;

/// Task pool shared by `lip_sync` and `reusable_lip_sync` jobs (≤ 10 concurrent incl. queued).
pub const LIP_SYNC_POOL: &str = "lip_sync";
/// Task pool of `translate_dub` jobs (separate limit, number undocumented).
pub const TRANSLATE_POOL: &str = "translate_dub";
/// Default query path prefix of reusable lip-sync jobs (GUESS: same as LipSync).
pub const DEFAULT_REUSABLE_LIP_SYNC_QUERY_PATH: &str = "/v1/video_generation";

/// Configuration of one Vozo account.
///
/// ```
/// use mediatask_vozo::VozoConfig;
/// let config = VozoConfig::new("vz-key").with_base_url("http://127.0.0.1:9");
/// assert_eq!(config.base_url, "http://127.0.0.1:9");
/// assert!(!format!("{config:?}").contains("vz-key"));
/// ```
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct VozoConfig {
    /// API host (default `https://api.vozo.ai`).
    pub base_url: String,
    /// API key sent as `Authorization: Bearer <api_key>`; env `VOZO_API_KEY` when absent.
    pub api_key: Option<Secret>,
    /// Cap on lip-sync jobs in flight, queued ones included (documented: 10). Shared by
    /// `lip_sync` and `reusable_lip_sync` (GUESS: one pool). `0` disables the local cap.
    pub lip_sync_max_concurrent_jobs: usize,
    /// Cap on translate & dub jobs in flight (GUESS: 10; the number is undocumented).
    /// `0` disables the local cap.
    pub translate_max_concurrent_jobs: usize,
    /// How long (ms) a submit waits for a free task slot before failing with
    /// `ConcurrencyLimited` (nothing is sent then). Default 10 minutes.
    pub task_slot_wait_ms: u64,
    /// Optional account-wide requests-per-second cap (Vozo documents none).
    pub requests_per_second: Option<u32>,
    /// Upper bound accepted for `speaker_number.max` (GUESS: 50; undocumented).
    pub speaker_number_max: u32,
    /// Query path prefix of reusable lip-sync jobs (GUESS: `/v1/video_generation`; the task id
    /// is appended).
    pub reusable_lip_sync_query_path: String,
    /// Transport settings (timeouts, retries); not deserialised.
    #[serde(skip)]
    pub http: HttpConfig,
}

impl Default for VozoConfig {
    fn default() -> Self {
        VozoConfig {
            base_url: tables::DEFAULT_BASE_URL.to_owned(),
            api_key: None,
            lip_sync_max_concurrent_jobs: tables::LIP_SYNC_MAX_CONCURRENT_JOBS as usize,
            translate_max_concurrent_jobs: tables::DEFAULT_TRANSLATE_MAX_CONCURRENT_JOBS as usize,
            task_slot_wait_ms: 600_000,
            requests_per_second: None,
            speaker_number_max: tables::DEFAULT_SPEAKER_NUMBER_MAX as u32,
            reusable_lip_sync_query_path: DEFAULT_REUSABLE_LIP_SYNC_QUERY_PATH.to_owned(),
            http: HttpConfig::default(),
        }
    }
}

impl std::fmt::Debug for VozoConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VozoConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field(
                "lip_sync_max_concurrent_jobs",
                &self.lip_sync_max_concurrent_jobs,
            )
            .field(
                "translate_max_concurrent_jobs",
                &self.translate_max_concurrent_jobs,
            )
            .field("task_slot_wait_ms", &self.task_slot_wait_ms)
            .field("requests_per_second", &self.requests_per_second)
            .field("speaker_number_max", &self.speaker_number_max)
            .field(
                "reusable_lip_sync_query_path",
                &self.reusable_lip_sync_query_path,
            )
            .finish_non_exhaustive()
    }
}

impl VozoConfig {
    /// A config with an explicit API key and defaults otherwise.
    pub fn new(api_key: impl Into<Secret>) -> Self {
        VozoConfig {
            api_key: Some(api_key.into()),
            ..Default::default()
        }
    }

    /// Defaults with the API key from `VOZO_API_KEY` (may be absent: building a client then
    /// fails with a `Config` error).
    pub fn from_env() -> Self {
        VozoConfig {
            api_key: Secret::from_env(tables::API_KEY_ENV),
            ..Default::default()
        }
    }

    /// Deserialise from JSON (`{}` = everything from env/defaults).
    ///
    /// ```
    /// let c = mediatask_vozo::VozoConfig::from_json(serde_json::json!({
    ///     "api_key": "k", "base_url": "http://localhost:1", "translate_max_concurrent_jobs": 3
    /// })).unwrap();
    /// assert_eq!(c.translate_max_concurrent_jobs, 3);
    /// ```
    pub fn from_json(value: serde_json::Value) -> Result<Self> {
        let mut config: VozoConfig = serde_json::from_value(value).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("invalid Vozo configuration: {e}"),
            )
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Local)
        })?;
        if config.api_key.as_ref().is_none_or(Secret::is_empty) {
            config.api_key = Secret::from_env(tables::API_KEY_ENV);
        }
        Ok(config)
    }

    /// Set the base URL.
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }
    /// Set the transport configuration.
    pub fn with_http(mut self, http: HttpConfig) -> Self {
        self.http = http;
        self
    }
    /// Set the lip-sync cap (`0` = no local cap).
    pub fn with_lip_sync_max_concurrent_jobs(mut self, n: usize) -> Self {
        self.lip_sync_max_concurrent_jobs = n;
        self
    }
    /// Set the translate & dub cap (`0` = no local cap).
    pub fn with_translate_max_concurrent_jobs(mut self, n: usize) -> Self {
        self.translate_max_concurrent_jobs = n;
        self
    }
    /// Set how long a submit waits for a task slot.
    pub fn with_task_slot_wait(mut self, d: Duration) -> Self {
        self.task_slot_wait_ms = d.as_millis() as u64;
        self
    }

    /// The transport configuration with this config's pools and rate limit applied.
    pub(crate) fn effective_http(&self) -> HttpConfig {
        let mut http = self.http.clone();
        let mut limits: LimitConfig = http.limits.clone();
        if self.lip_sync_max_concurrent_jobs > 0 {
            limits = limits.with_task_pool(LIP_SYNC_POOL, self.lip_sync_max_concurrent_jobs);
        }
        if self.translate_max_concurrent_jobs > 0 {
            limits = limits.with_task_pool(TRANSLATE_POOL, self.translate_max_concurrent_jobs);
        }
        if self.requests_per_second.is_some() {
            limits = limits.with_requests_per_second(self.requests_per_second);
        }
        limits = limits.with_task_slot_wait(Duration::from_millis(self.task_slot_wait_ms));
        http.limits = limits;
        http
    }

    /// The API key, or a `Config` error naming the env var.
    pub(crate) fn require_api_key(&self) -> Result<Secret> {
        self.api_key
            .clone()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    format!(
                        "no Vozo API key: pass `api_key` or set {}",
                        tables::API_KEY_ENV
                    ),
                )
                .with_provider(crate::PROVIDER)
                .with_operation(Operation::Local)
            })
    }
}
