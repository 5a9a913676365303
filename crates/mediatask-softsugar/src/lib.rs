//! # mediatask-softsugar
//!
//! SenseTime SoftSugar 2D digital-human provider for mediatask (`https://aigc.softsugar.com`).
//!
//! * Auth: a bearer token from `POST /api/uc/v1/access/api/token` with
//!   `sign = md5(appId + timestamp + appKey)` — cached, re-issued before a known expiry, fetched
//!   once under concurrency, re-issued once on an auth failure ([`auth`], [`protocol`]).
//! * Every endpoint of the vendor's API reference as a typed method on [`Client`] ([`api`]), with
//!   typed pages ([`api::Page`]), streams over all pages ([`api::paginate`]) and JSON-in-a-string
//!   fields decoded on demand with the raw text kept ([`api::EmbeddedJson`]).
//! * Job kinds ([`tasks`]): `face_swap`, `video_synthesis` (create path **unconfirmed**),
//!   `file_warming`, `transcode`, `content_preheat`, `task_by_id`.
//! * Callbacks ([`callback`]): typed body, signature helper, confirm-by-polling.
//!
//! ```no_run
//! # async fn demo() -> mediatask_core::Result<()> {
//! use mediatask_core::{MediaTaskExt, WaitPolicy};
//! use mediatask_softsugar::{api::FaceSwapRequest, tasks::FaceSwap, Client, SoftSugarConfig};
//! let client = Client::new(SoftSugarConfig::from_env())?;
//! let out = FaceSwap::new(client)
//!     .run(FaceSwapRequest {
//!         face_photo_url: "https://example.com/face.png".into(),
//!         video_url: "https://example.com/in.mp4".into(),
//!         material_name: "demo".into(),
//!     }, &WaitPolicy::default())
//!     .await?;
//! println!("{:?}", out.artifacts);
//! # Ok(()) }
//! ```

pub mod api;
pub mod auth;
pub mod callback;
mod client;
pub mod config;
pub mod error;
pub mod generated;
pub mod protocol;
pub mod tasks;

pub use client::Client;
/// The same client under the `<Vendor>Client` name every vendor crate exports.
pub type SoftSugarClient = Client;
pub use config::SoftSugarConfig;
pub use tasks::{
    ContentPreheat, FaceSwap, FileWarming, TaskById, TaskOutput, Transcode, VideoSynthesis,
};

use mediatask_core::{DynMediaTask, MediaTask, Provider, Result, TaskInfo};
use std::sync::Arc;

/// Provider name.
pub const PROVIDER: &str = "softsugar";

/// Every job kind of this provider.
pub const KINDS: &[&str] = &[
    "face_swap",
    "video_synthesis",
    "file_warming",
    "transcode",
    "content_preheat",
    "task_by_id",
];

/// The SoftSugar [`Provider`]: builds each job kind over one shared client.
#[derive(Debug, Clone)]
pub struct SoftSugarProvider {
    client: Client,
}

impl SoftSugarProvider {
    /// A provider over `client`.
    pub fn new(client: Client) -> Self {
        SoftSugarProvider { client }
    }

    /// The shared client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    fn build(&self, kind: &str) -> Option<Arc<dyn DynMediaTask>> {
        let c = self.client.clone();
        Some(match kind {
            "face_swap" => Arc::new(FaceSwap::new(c)),
            "video_synthesis" => Arc::new(VideoSynthesis::new(c)),
            "file_warming" => Arc::new(FileWarming::new(c)),
            "transcode" => Arc::new(Transcode::new(c)),
            "content_preheat" => Arc::new(ContentPreheat::new(c)),
            "task_by_id" => Arc::new(TaskById::new(c)),
            _ => return None,
        })
    }
}

impl Provider for SoftSugarProvider {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    fn kinds(&self) -> Vec<TaskInfo> {
        let c = self.client.clone();
        vec![
            MediaTask::info(&FaceSwap::new(c.clone())).clone(),
            MediaTask::info(&VideoSynthesis::new(c.clone())).clone(),
            MediaTask::info(&FileWarming::new(c.clone())).clone(),
            MediaTask::info(&Transcode::new(c.clone())).clone(),
            MediaTask::info(&ContentPreheat::new(c.clone())).clone(),
            MediaTask::info(&TaskById::new(c)).clone(),
        ]
    }

    fn task(&self, kind: &str) -> Result<Arc<dyn DynMediaTask>> {
        self.build(kind)
            .ok_or_else(|| mediatask_core::unknown_kind(PROVIDER, kind, &self.kinds()))
    }
}

/// Build the provider from JSON configuration (`{}` → credentials from `SOFTSUGAR_APP_ID` /
/// `SOFTSUGAR_APP_KEY`, defaults elsewhere; `"base_url"` overrides the host).
///
/// ```
/// let p = mediatask_softsugar::provider_from_json(serde_json::json!({"app_id": "a", "app_key": "k"})).unwrap();
/// assert_eq!(p.kinds().len(), 6);
/// ```
pub fn provider_from_json(config: serde_json::Value) -> Result<Arc<dyn Provider>> {
    provider_from_json_with(config, &|_| {})
}

/// [`provider_from_json`], letting the caller adjust the transport configuration (which JSON
/// cannot carry), e.g. a shared rate gate for every process on the account.
pub fn provider_from_json_with(
    config: serde_json::Value,
    tune_http: &dyn Fn(&mut mediatask_http::HttpConfig),
) -> Result<Arc<dyn Provider>> {
    let config = if config.is_null() {
        serde_json::json!({})
    } else {
        config
    };
    let mut cfg = SoftSugarConfig::from_json(config)?;
    tune_http(&mut cfg.http);
    Ok(Arc::new(SoftSugarProvider::new(Client::new(cfg)?)))
}
