//! LipSync: `POST /v1/video_generation` (create), `GET /v1/video_generation/{task_id}` (query)
//! — <https://www.vozo.ai/docs/api_reference/endpoints/lipsync/create>,
//! <https://www.vozo.ai/docs/fr/api_reference/endpoints/lipsync/get.md> — and reusable-model
//! LipSync: `POST /v1/reusable_lipsync_model_video_generation`
//! (<https://www.vozo.ai/docs/fr/api_reference/endpoints/reusable_lipsync/create.md>), whose query
//! endpoint is undocumented (configurable, default the LipSync query path).

use super::{JobCreated, check_task_id, opt_string_or_number};
use crate::client::VozoClient;
use mediatask_core::{Operation, Result};
use mediatask_http::{HttpResponse, OutgoingRequest};
use serde::{Deserialize, Serialize};

/// Path of the LipSync create endpoint (the query endpoint appends `/{task_id}`).
pub const VIDEO_GENERATION_PATH: &str = "/v1/video_generation";
/// Path of the reusable-model LipSync create endpoint.
pub const REUSABLE_VIDEO_GENERATION_PATH: &str = "/v1/reusable_lipsync_model_video_generation";

wire_enum! {
    /// `model`: quality/speed trade-off.
    LipSyncModel {
        /** Faster, lower quality (~10 min). */ StandardV1 = "standard_v1",
        /** Slower, higher quality (~20 min); needed to create reusable models. */ PrecisionV1 = "precision_v1",
    }
}

wire_enum! {
    /// `reference_file_type`: what `reference_file_url` points to.
    ReferenceFileType {
        /** A video (.mp4 .mov .webm .avi .wmv). */ Video = "video",
        /** An image (.jpg .jpeg .png .webp) — a talking photo. */ Image = "image",
    }
}

/// The body of `POST /v1/video_generation`, serialised exactly as sent.
///
/// ```
/// use mediatask_vozo::api::lipsync::*;
/// let req = LipSyncRequest::new("https://cdn.example/face.mp4", ReferenceFileType::Video,
///     "https://cdn.example/voice.wav", LipSyncModel::StandardV1);
/// assert_eq!(serde_json::to_value(&req).unwrap()["model"], "standard_v1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LipSyncRequest {
    /// Public URL of the reference video or image (single face; the largest face is used).
    pub reference_file_url: String,
    /// Public URL of the driving audio (.wav .mp3 .m4a).
    pub audio_url: String,
    /// `standard_v1` or `precision_v1`.
    pub model: LipSyncModel,
    /// `video` or `image`.
    pub reference_file_type: ReferenceFileType,
    /// Webhook URL for status changes (a hint: confirm by polling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

impl LipSyncRequest {
    /// A request without callback.
    pub fn new(
        reference_file_url: impl Into<String>,
        reference_file_type: ReferenceFileType,
        audio_url: impl Into<String>,
        model: LipSyncModel,
    ) -> Self {
        LipSyncRequest {
            reference_file_url: reference_file_url.into(),
            audio_url: audio_url.into(),
            model,
            reference_file_type,
            callback_url: None,
        }
    }
    /// Set `callback_url`.
    pub fn with_callback_url(mut self, u: impl Into<String>) -> Self {
        self.callback_url = Some(u.into());
        self
    }
}

/// The body of `POST /v1/reusable_lipsync_model_video_generation`.
///
/// ```
/// let req = mediatask_vozo::api::lipsync::ReusableLipSyncRequest::new("model-1", "https://cdn.example/a.mp3");
/// assert_eq!(serde_json::to_string(&req).unwrap(), r#"{"model_id":"model-1","audio_url":"https://cdn.example/a.mp3"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReusableLipSyncRequest {
    /// Id of the reusable lip-sync model (created from a precision LipSync task; the model
    /// creation endpoint is not public).
    pub model_id: String,
    /// Public URL of the driving audio (.wav .mp3 .m4a).
    pub audio_url: String,
    /// Webhook URL for status changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

impl ReusableLipSyncRequest {
    /// A request without callback.
    pub fn new(model_id: impl Into<String>, audio_url: impl Into<String>) -> Self {
        ReusableLipSyncRequest {
            model_id: model_id.into(),
            audio_url: audio_url.into(),
            callback_url: None,
        }
    }
    /// Set `callback_url`.
    pub fn with_callback_url(mut self, u: impl Into<String>) -> Self {
        self.callback_url = Some(u.into());
        self
    }
}

/// The answer of `GET /v1/video_generation/{task_id}` — also the webhook body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LipSyncStatusBody {
    /// `pending`, `processing`, `done`, `failed` (verbatim; unknown values poll as `Unknown`).
    pub status: String,
    /// The lip-synced video when done.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub video_url: Option<String>,
    /// Job error code (not in the documented schema; read when present).
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub err_code: Option<String>,
    /// Job error message (not in the documented schema; read when present).
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub err_message: Option<String>,
    /// Task id, if Vozo includes it (not documented).
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub task_id: Option<String>,
}

/// `POST /v1/video_generation`. The body must already be validated.
pub async fn create(
    client: &VozoClient,
    request: &LipSyncRequest,
) -> Result<(JobCreated, HttpResponse)> {
    client.transport().send_json(create_request(request)?).await
}

/// The unsigned `POST /v1/video_generation` request (a `Submit`: never blindly retried).
pub fn create_request(request: &LipSyncRequest) -> Result<OutgoingRequest> {
    Ok(
        OutgoingRequest::post_json("lipsync.create", VIDEO_GENERATION_PATH, request)?
            .with_operation(Operation::Submit),
    )
}

/// `POST /v1/reusable_lipsync_model_video_generation`. The body must already be validated.
pub async fn create_reusable(
    client: &VozoClient,
    request: &ReusableLipSyncRequest,
) -> Result<(JobCreated, HttpResponse)> {
    client
        .transport()
        .send_json(create_reusable_request(request)?)
        .await
}

/// The unsigned `POST /v1/reusable_lipsync_model_video_generation` request (a `Submit`).
pub fn create_reusable_request(request: &ReusableLipSyncRequest) -> Result<OutgoingRequest> {
    Ok(OutgoingRequest::post_json(
        "reusable_lipsync.create",
        REUSABLE_VIDEO_GENERATION_PATH,
        request,
    )?
    .with_operation(Operation::Submit))
}

/// `GET {query_path}/{task_id}` (`/v1/video_generation` for LipSync).
pub async fn get(
    client: &VozoClient,
    query_path: &str,
    task_id: &str,
    operation: Operation,
) -> Result<(LipSyncStatusBody, HttpResponse)> {
    check_task_id(task_id)?;
    let base = query_path.trim_end_matches('/');
    let req =
        OutgoingRequest::get("lipsync.get", format!("{base}/{task_id}")).with_operation(operation);
    client.transport().send_json(req).await
}
