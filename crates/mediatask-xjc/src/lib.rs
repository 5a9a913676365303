//! # mediatask-xjc
//!
//! The [ai-xjc](https://doc.ai-xjc.com) provider of mediatask: digital-human talking videos
//! ("works") and LITE / PRO voice training and synthesis, behind the common
//! submit → poll → result `MediaTask` interface.
//!
//! | kind | task | request | output |
//! |---|---|---|---|
//! | `works` | [`Works`] | [`WorksRequest`] | [`WorksOutput`] (video URL + duration) |
//! | `voice_lite_train` | [`VoiceLiteTrain`] | [`VoiceTrainRequest`] | [`VoiceTrainOutput`] (speakerId) |
//! | `voice_lite_synthesis` | [`VoiceLiteSynthesis`] | [`VoiceSynthesisRequest`] | [`VoiceSynthesisOutput`] (audio URL + duration) |
//! | `voice_pro_train` | [`VoiceProTrain`] | [`VoiceTrainRequest`] | [`VoiceTrainOutput`] |
//! | `voice_pro_synthesis` | [`VoiceProSynthesis`] | [`VoiceSynthesisRequest`] | [`VoiceSynthesisOutput`] |
//!
//! * **Auth** ([`auth`]): a token from `GET /api/model/v5/oauth/token` signed with
//!   `md5(accessKey + timestamp_ms + secretKey)`, sent as `authorization-token`. It is cached
//!   until `expiresIn` (absolute epoch ms) minus a configurable margin, fetched once under
//!   concurrency, and re-issued once when a call answers 20002 (a second 20002 is a typed
//!   `Unauthenticated` error). Credentials: [`XjcConfig`] or `XJC_ACCESS_KEY` /
//!   `XJC_SECRET_KEY`.
//! * **Host**: only `https://doc.ai-xjc.com` is evidenced; override it with
//!   [`XjcConfig::with_base_url`] or `XJC_BASE_URL`.
//! * **Errors** ([`error`]): business codes inside HTTP 200 map through the generated table
//!   (every documented code, the vendor's Chinese message kept).
//! * **No cancel**: `cancel` is a typed `Unsupported` error. **No submit dedupe**: a submit
//!   whose answer is lost is `OutcomeUnknown`, never resent.
//! * **Callbacks** ([`callback`]) are unsigned: parse, check the echoed accessKey, confirm by
//!   polling.
//!
//! ```no_run
//! # async fn demo() -> mediatask_core::Result<()> {
//! use mediatask_core::{MediaTaskExt, WaitPolicy};
//! use mediatask_xjc::{VoiceLiteSynthesis, VoiceLiteTrain, VoiceSynthesisRequest, VoiceTrainRequest, XjcClient};
//! let client = XjcClient::from_env()?;
//! let voice = VoiceLiteTrain::new(client.clone())
//!     .run(VoiceTrainRequest::new("https://cdn.example/sample.wav"), &WaitPolicy::default())
//!     .await?;
//! let speech = VoiceLiteSynthesis::new(client)
//!     .run(VoiceSynthesisRequest::new(voice.speaker_id, "你好"), &WaitPolicy::default())
//!     .await?;
//! println!("{}", speech.audio_url);
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

pub use api::account::{Balance, BillItem, BillPage};
pub use api::voice::{VoiceEdition, VoiceSynthesisRequest, VoiceTrainRequest};
pub use api::works::WorksRequest;
pub use client::{Answer, XjcClient};
/// The same client under the plain `Client` name every vendor crate exports.
pub type Client = XjcClient;
pub use config::XjcConfig;
pub use tasks::{
    VoiceLiteSynthesis, VoiceLiteTrain, VoiceProSynthesis, VoiceProTrain, VoiceSynthesisOutput,
    VoiceTrainOutput, Works, WorksOutput,
};

use mediatask_core::{DynMediaTask, MediaTask, Provider, Result, TaskInfo};
use std::sync::Arc;

/// Provider name.
pub const PROVIDER: &str = "xjc";

/// Every job kind name of this provider.
pub const KINDS: &[&str] = &[
    "works",
    "voice_lite_train",
    "voice_lite_synthesis",
    "voice_pro_train",
    "voice_pro_synthesis",
];

/// The ai-xjc [`Provider`]: builds every job kind from one shared client.
#[derive(Debug, Clone)]
pub struct XjcProvider {
    client: XjcClient,
}

impl XjcProvider {
    /// A provider over `client`.
    pub fn new(client: XjcClient) -> Self {
        XjcProvider { client }
    }

    /// The shared client.
    pub fn client(&self) -> &XjcClient {
        &self.client
    }
}

impl Provider for XjcProvider {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    fn kinds(&self) -> Vec<TaskInfo> {
        let c = &self.client;
        vec![
            MediaTask::info(&Works::new(c.clone())).clone(),
            MediaTask::info(&VoiceLiteTrain::new(c.clone())).clone(),
            MediaTask::info(&VoiceLiteSynthesis::new(c.clone())).clone(),
            MediaTask::info(&VoiceProTrain::new(c.clone())).clone(),
            MediaTask::info(&VoiceProSynthesis::new(c.clone())).clone(),
        ]
    }

    fn task(&self, kind: &str) -> Result<Arc<dyn DynMediaTask>> {
        let c = self.client.clone();
        Ok(match kind {
            "works" => Arc::new(Works::new(c)),
            "voice_lite_train" => Arc::new(VoiceLiteTrain::new(c)),
            "voice_lite_synthesis" => Arc::new(VoiceLiteSynthesis::new(c)),
            "voice_pro_train" => Arc::new(VoiceProTrain::new(c)),
            "voice_pro_synthesis" => Arc::new(VoiceProSynthesis::new(c)),
            other => return Err(mediatask_core::unknown_kind(PROVIDER, other, &self.kinds())),
        })
    }
}

/// Build the provider from a JSON config object (`{}` → everything from the environment and
/// defaults; see [`XjcConfig`]'s JSON fields, e.g. `"base_url"`, `"access_key"`).
///
/// ```
/// let p = mediatask_xjc::provider_from_json(serde_json::json!({
///     "base_url": "http://127.0.0.1:9", "access_key": "AK", "secret_key": "SK"
/// })).unwrap();
/// assert_eq!(p.kinds().len(), 5);
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
    let mut config: XjcConfig = serde_json::from_value(config).map_err(|e| {
        mediatask_core::Error::new(
            mediatask_core::ErrorKind::Config,
            format!("invalid xjc config: {e}"),
        )
        .with_provider(PROVIDER)
        .with_operation(mediatask_core::Operation::Local)
    })?;
    tune_http(&mut config.http);
    Ok(Arc::new(XjcProvider::new(XjcClient::new(config)?)))
}
