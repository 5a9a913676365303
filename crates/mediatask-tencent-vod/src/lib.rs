//! # mediatask-tencent-vod
//!
//! Tencent Cloud VOD AIGC jobs for mediatask, signed with TC3-HMAC-SHA256:
//!
//! | kind | action | notes |
//! |---|---|---|
//! | `audio_clone` | `CreateAigcAudioClone` | 20 requests/second |
//! | `video_generation` | `CreateAigcVideoTask` | default 1 concurrent task |
//! | `image_generation` | `CreateAigcImageTask` | default 1 concurrent task |
//! | `audio_generation` | `CreateAigcAudioTask` | no `SessionId` (no dedupe) |
//!
//! All kinds poll through `DescribeTaskDetail` (tasks submitted within the last 3 days only) and
//! cancel through `ManageTask` `Abort`.
//!
//! **Money safety.** Every submit except `audio_generation` carries a `SessionId` (the caller's,
//! else the journal's job id inside [`mediatask_core::journal::with_client_job_id`], else a
//! generated one). Tencent rejects a repeated SessionId, so a submit whose answer was lost is
//! retried with the same SessionId; if the retry is rejected as a duplicate, the call returns
//! `ErrorKind::OutcomeUnknown` carrying the SessionId in `Reconcile::dedupe_key` — never a second
//! job. A journal's recovery (`MediaTask::find_submitted`) resends a recorded submit with its
//! SessionId and, on a duplicate refusal, finds the task through `DescribeTasks`; when it is not
//! listed the answer is `CannotTell`, never `NotFound`.
//!
//! ```no_run
//! # async fn demo() -> mediatask_core::Result<()> {
//! use mediatask_core::{MediaTaskExt, WaitPolicy};
//! use mediatask_tencent_vod::{AudioClone, AudioCloneRequest, Client, TencentVodConfig};
//! let client = Client::new(TencentVodConfig::from_env().with_sub_app_id(Some(1500000001)))?;
//! let req: AudioCloneRequest = serde_json::from_value(serde_json::json!({
//!     "AudioFileInfo": {"Type": "Url", "Url": "https://example.com/voice.mp3"},
//!     "VoiceId": "myvoice01",
//!     "Text": "Hello!"
//! }))?;
//! let out = AudioClone::new(client).run(req, &WaitPolicy::default()).await?;
//! println!("voice {:?}, preview {:?}", out.voice_id, out.demo_audio_url);
//! # Ok(()) }
//! ```

pub mod api;
pub mod auth;
pub mod client;
pub mod config;
pub mod error;
pub mod generated;
pub mod protocol;
pub mod tasks;
pub mod validate;

pub use api::{
    AudioCloneRequest, AudioGenerationRequest, ImageGenerationRequest, VideoGenerationRequest,
};
pub use client::Client;
/// The same client under the `<Vendor>Client` name every vendor crate exports.
pub type TencentVodClient = Client;
pub use config::{Credentials, Endpoint, TencentVodConfig};
pub use tasks::{
    AudioClone, AudioCloneOutput, AudioGeneration, AudioGenerationOutput, ImageGeneration,
    ImageGenerationOutput, VideoGeneration, VideoGenerationOutput,
};

use mediatask_core::{DynMediaTask, Provider, Result, TaskInfo};
use std::sync::Arc;

/// Provider name.
pub const PROVIDER: &str = "tencent-vod";

/// Every job kind of this provider, as a [`Provider`] for the registry and the CLI.
#[derive(Debug, Clone)]
pub struct TencentVodProvider {
    client: Client,
}

impl TencentVodProvider {
    /// A provider over a client.
    pub fn new(client: Client) -> Self {
        TencentVodProvider { client }
    }
}

impl Provider for TencentVodProvider {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    fn kinds(&self) -> Vec<TaskInfo> {
        vec![
            AudioClone::task_info(),
            VideoGeneration::task_info(),
            ImageGeneration::task_info(),
            AudioGeneration::task_info(),
        ]
    }

    fn task(&self, kind: &str) -> Result<Arc<dyn DynMediaTask>> {
        let c = self.client.clone();
        Ok(match kind {
            "audio_clone" => Arc::new(AudioClone::new(c)),
            "video_generation" => Arc::new(VideoGeneration::new(c)),
            "image_generation" => Arc::new(ImageGeneration::new(c)),
            "audio_generation" => Arc::new(AudioGeneration::new(c)),
            other => return Err(mediatask_core::unknown_kind(PROVIDER, other, &self.kinds())),
        })
    }
}

/// Build the provider from a JSON config object (`{}` → everything from the environment and
/// defaults; `"base_url"` overrides the host). See [`TencentVodConfig`] for the fields.
///
/// ```
/// let p = mediatask_tencent_vod::provider_from_json(serde_json::json!({
///     "secret_id": "AKIDexample", "secret_key": "example-key", "endpoint": "china"
/// })).unwrap();
/// assert_eq!(p.kinds().len(), 4);
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
    let mut config: TencentVodConfig = serde_json::from_value(config).map_err(|e| {
        mediatask_core::Error::new(
            mediatask_core::ErrorKind::Config,
            format!("invalid tencent-vod config: {e}"),
        )
        .with_provider(PROVIDER)
        .with_operation(mediatask_core::Operation::Local)
    })?;
    tune_http(&mut config.http);
    Ok(Arc::new(TencentVodProvider::new(Client::new(config)?)))
}
