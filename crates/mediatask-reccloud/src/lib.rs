//! # mediatask-reccloud
//!
//! [RecCloud](https://reccloud.com) (Apowersoft) AI media tasks for mediatask, on the
//! `aoscdn.com` task API: speech-to-text / AI subtitles, subtitle burn-in, two-step video
//! translation, and — behind configurable, **unconfirmed** paths — text-to-speech and
//! text-to-video. Plus a credit estimator ([`credits`]) and source-URL hygiene ([`hygiene`]).
//!
//! * Auth: `X-API-KEY` header; key from code or `RECCLOUD_API_KEY`.
//! * Hosts: `https://techhk.aoscdn.com` (global, default), `https://techsz.aoscdn.com` (China),
//!   or any base URL.
//! * Limits: 2 requests per sliding second and 2 tasks in flight per key by default (the
//!   documented limits, configurable), enforced by the shared limiter so the SDK itself never
//!   provokes HTTP 429. A task slot is held from submit until a poll sees the task terminal.
//! * No cancel, no callbacks, no submit dedupe: a submit whose answer is lost is
//!   `OutcomeUnknown`, never resent.
//!
//! ```no_run
//! # async fn demo() -> mediatask_core::Result<()> {
//! use mediatask_core::{MediaTaskExt, WaitPolicy};
//! use mediatask_reccloud::{RecCloudClient, RecCloudConfig, SpeechToText, SpeechToTextRequest};
//!
//! let client = RecCloudClient::new(RecCloudConfig::from_env())?;
//! let task = SpeechToText::new(client);
//! let out = task
//!     .run(SpeechToTextRequest::new("https://example.com/talk.mp3").with_speaker_recognition(true),
//!          &WaitPolicy::default())
//!     .await?;
//! for seg in &out.segments {
//!     println!("{:?} {}–{} ms: {}", seg.speaker, seg.start, seg.end, seg.text);
//! }
//! # Ok(()) }
//! ```

pub mod api;
pub mod auth;
mod client;
pub mod config;
pub mod credits;
pub mod error;
#[allow(missing_docs)]
pub mod generated;
pub mod hygiene;
pub mod tasks;

pub use api::Segment;
pub use api::generation::{
    GeneratedMediaOutput, TextRequest, TextToSpeechRequest, TextToVideoRequest,
};
pub use api::media::{
    SubtitleBurnInOutput, SubtitleBurnInRequest, SubtitleStyle, VideoTranslationPreviewOutput,
    VideoTranslationPreviewRequest, VideoTranslationSynthesisOutput,
    VideoTranslationSynthesisRequest,
};
pub use api::recognition::{SpeechToTextOutput, SpeechToTextRequest};
pub use client::RecCloudClient;
/// The same client under the plain `Client` name every vendor crate exports.
pub type Client = RecCloudClient;
pub use config::{Endpoints, RecCloudConfig, Region};
pub use credits::{CreditEstimate, CreditService, Usage, estimate_credits};
pub use tasks::{JobKind, RecCloudTask};

use mediatask_core::{DynMediaTask, Provider, Result, TaskInfo};
use std::sync::Arc;

/// Provider name.
pub const PROVIDER: &str = "reccloud";

/// Speech-to-text / AI subtitles.
pub type SpeechToText = RecCloudTask<tasks::SpeechToTextKind>;
/// Subtitle burn-in ("video synthesis" of AI subtitles).
pub type SubtitleBurnIn = RecCloudTask<tasks::SubtitleBurnInKind>;
/// Video translation step 1 (preview: subtitles in both languages).
pub type VideoTranslationPreview = RecCloudTask<tasks::VideoTranslationPreviewKind>;
/// Video translation step 2 (synthesis: the dubbed video).
pub type VideoTranslationSynthesis = RecCloudTask<tasks::VideoTranslationSynthesisKind>;
/// Text-to-speech (unconfirmed endpoint).
pub type TextToSpeech = RecCloudTask<tasks::TextToSpeechKind>;
/// Text-to-video (unconfirmed endpoint).
pub type TextToVideo = RecCloudTask<tasks::TextToVideoKind>;

/// The RecCloud [`Provider`]: every job kind over one shared client.
#[derive(Debug, Clone)]
pub struct RecCloudProvider {
    client: RecCloudClient,
}

impl RecCloudProvider {
    /// A provider over `client`.
    pub fn new(client: RecCloudClient) -> Self {
        RecCloudProvider { client }
    }
    /// The shared client.
    pub fn client(&self) -> &RecCloudClient {
        &self.client
    }
}

impl Provider for RecCloudProvider {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    fn kinds(&self) -> Vec<TaskInfo> {
        use tasks::task_info;
        let c = &self.client;
        vec![
            task_info::<tasks::SpeechToTextKind>(c),
            task_info::<tasks::SubtitleBurnInKind>(c),
            task_info::<tasks::VideoTranslationPreviewKind>(c),
            task_info::<tasks::VideoTranslationSynthesisKind>(c),
            task_info::<tasks::TextToSpeechKind>(c),
            task_info::<tasks::TextToVideoKind>(c),
        ]
    }

    fn task(&self, kind: &str) -> Result<Arc<dyn DynMediaTask>> {
        let c = self.client.clone();
        let task: Arc<dyn DynMediaTask> = match kind {
            "speech_to_text" => Arc::new(SpeechToText::new(c)),
            "subtitle_burn_in" => Arc::new(SubtitleBurnIn::new(c)),
            "video_translation_preview" => Arc::new(VideoTranslationPreview::new(c)),
            "video_translation_synthesis" => Arc::new(VideoTranslationSynthesis::new(c)),
            "text_to_speech" => Arc::new(TextToSpeech::new(c)),
            "text_to_video" => Arc::new(TextToVideo::new(c)),
            other => return Err(mediatask_core::unknown_kind(PROVIDER, other, &self.kinds())),
        };
        Ok(task)
    }
}

/// Build the provider from a JSON config object (`{}` → key from `RECCLOUD_API_KEY`, global
/// host, default limits; `"base_url"` overrides the host). Used by the registry and the CLI.
///
/// ```
/// let p = mediatask_reccloud::provider_from_json(serde_json::json!({
///     "api_key": "k", "base_url": "http://127.0.0.1:9"
/// })).unwrap();
/// assert_eq!(p.name(), "reccloud");
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
        serde_json::Value::Object(Default::default())
    } else {
        config
    };
    let mut config: RecCloudConfig = serde_json::from_value(config).map_err(|e| {
        mediatask_core::Error::new(
            mediatask_core::ErrorKind::Config,
            format!("invalid RecCloud config: {e}"),
        )
        .with_provider(PROVIDER)
        .with_operation(mediatask_core::Operation::Local)
    })?;
    tune_http(&mut config.http);
    Ok(Arc::new(RecCloudProvider::new(RecCloudClient::new(
        config,
    )?)))
}
