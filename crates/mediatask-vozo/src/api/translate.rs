//! Translate & Dub: `POST /v1/media/translate` (create) and `GET /v1/media/translate/{task_id}`
//! (query) — <https://www.vozo.ai/docs/api_reference/endpoints/translate_dub/create> and
//! <https://www.vozo.ai/docs/api_reference/endpoints/translate_dub/get>.

use super::{JobCreated, check_task_id, opt_string_or_number};
use crate::client::VozoClient;
use mediatask_core::{Operation, Result};
use mediatask_http::{HttpResponse, OutgoingRequest};
use serde::{Deserialize, Serialize};

/// Path of the create endpoint (the query endpoint appends `/{task_id}`).
pub const TRANSLATE_PATH: &str = "/v1/media/translate";

wire_enum! {
    /// `media_type`: the kind of input.
    MediaType { /** Video input. */ Video = "video", /** Audio input. */ Audio = "audio" }
}

wire_enum! {
    /// `export_type`: which outputs to render. Audio input cannot export `video` or `all`.
    ExportType {
        /** Match the input type. */ Auto = "auto",
        /** Output a video. */ Video = "video",
        /** Output an audio track. */ Audio = "audio",
        /** Output both video and audio. */ All = "all",
    }
}

wire_enum! {
    /// `subtitle_usage_type`: how a provided `subtitle_url` is used.
    SubtitleUsageType {
        /** The subtitles are the original script (transcription is skipped). */ Original = "original",
        /** The subtitles are the final translation (translation is skipped). */ FinalTranslated = "final_translated",
    }
}

wire_enum! {
    /// `project_mode` (newer docs revision): whether an editable web project is kept.
    ProjectMode { /** No project. */ None = "none", /** An editable project in the Vozo console. */ Editable = "editable" }
}

#[allow(clippy::derivable_impls)] // the enum is macro-generated
impl Default for ExportType {
    fn default() -> Self {
        ExportType::Auto
    }
}

/// `ocr_text_box`: normalised region (0–1, origin top-left) of on-screen text to read with OCR.
/// Video only; mutually exclusive with `subtitle_url`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OcrTextBox {
    /// Left edge, 0–1.
    pub x: f64,
    /// Top edge, 0–1.
    pub y: f64,
    /// Width, 0–1.
    pub width: f64,
    /// Height, 0–1.
    pub height: f64,
}

/// `speaker_number`: expected speaker range (omit for automatic detection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakerNumber {
    /// Fewest speakers.
    pub min: u32,
    /// Most speakers.
    pub max: u32,
}

/// The body of `POST /v1/media/translate`, serialised exactly as sent (absent options are
/// omitted). Validated by [`crate::validate::translate_dub`] before sending.
///
/// ```
/// use mediatask_vozo::api::translate::*;
/// let req = TranslateDubRequest::new(MediaType::Video, "https://cdn.example/in.mp4", "en-us", "ZH-cn");
/// let body = serde_json::to_value(&req).unwrap();
/// // language codes are sent in the tables' spelling
/// assert_eq!(body["source_language"], "en-US");
/// assert_eq!(body["target_language"], "zh-CN");
/// assert_eq!(body["export_type"], "auto");
/// assert!(body.get("subtitle_url").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TranslateDubRequest {
    /// `video` or `audio`.
    pub media_type: MediaType,
    /// Public URL of the input (≤ 2 hours).
    pub media_url: String,
    /// Source language from the source table, or `auto`, matched case-insensitively (BCP 47);
    /// the body carries the table's spelling (`en-us` is sent as `en-US`).
    #[serde(serialize_with = "crate::languages::serialize_source")]
    pub source_language: String,
    /// Target language (`en`, `en-US`…): the language part must be in the target table; matched
    /// case-insensitively and sent in canonical case (`ZH-cn` is sent as `zh-CN`).
    #[serde(serialize_with = "crate::languages::serialize_target")]
    pub target_language: String,
    /// Output type (default `auto`).
    #[serde(default)]
    pub export_type: ExportType,
    /// Public URL of an SRT file; mutually exclusive with `ocr_text_box`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle_url: Option<String>,
    /// How `subtitle_url` is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle_usage_type: Option<SubtitleUsageType>,
    /// OCR region (video only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr_text_box: Option<OcrTextBox>,
    /// Speaker range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_number: Option<SpeakerNumber>,
    /// Glossary ids (listed in the overview; format GUESS: strings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glossary_ids: Option<Vec<String>>,
    /// Free-text instructions for translation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_prompt: Option<String>,
    /// `none` or `editable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_mode: Option<ProjectMode>,
    /// Webhook URL for status changes (a hint: confirm by polling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

impl TranslateDubRequest {
    /// A request with the required fields and `export_type = auto`.
    pub fn new(
        media_type: MediaType,
        media_url: impl Into<String>,
        source_language: impl Into<String>,
        target_language: impl Into<String>,
    ) -> Self {
        TranslateDubRequest {
            media_type,
            media_url: media_url.into(),
            source_language: source_language.into(),
            target_language: target_language.into(),
            export_type: ExportType::Auto,
            subtitle_url: None,
            subtitle_usage_type: None,
            ocr_text_box: None,
            speaker_number: None,
            glossary_ids: None,
            user_prompt: None,
            project_mode: None,
            callback_url: None,
        }
    }
    /// Set `export_type`.
    pub fn with_export_type(mut self, t: ExportType) -> Self {
        self.export_type = t;
        self
    }
    /// Set `subtitle_url` and `subtitle_usage_type`.
    pub fn with_subtitles(
        mut self,
        url: impl Into<String>,
        usage: Option<SubtitleUsageType>,
    ) -> Self {
        self.subtitle_url = Some(url.into());
        self.subtitle_usage_type = usage;
        self
    }
    /// Set `ocr_text_box`.
    pub fn with_ocr_text_box(mut self, b: OcrTextBox) -> Self {
        self.ocr_text_box = Some(b);
        self
    }
    /// Set `speaker_number`.
    pub fn with_speaker_number(mut self, min: u32, max: u32) -> Self {
        self.speaker_number = Some(SpeakerNumber { min, max });
        self
    }
    /// Set `glossary_ids`.
    pub fn with_glossary_ids(mut self, ids: Vec<String>) -> Self {
        self.glossary_ids = Some(ids);
        self
    }
    /// Set `user_prompt`.
    pub fn with_user_prompt(mut self, p: impl Into<String>) -> Self {
        self.user_prompt = Some(p.into());
        self
    }
    /// Set `project_mode`.
    pub fn with_project_mode(mut self, m: ProjectMode) -> Self {
        self.project_mode = Some(m);
        self
    }
    /// Set `callback_url`.
    pub fn with_callback_url(mut self, u: impl Into<String>) -> Self {
        self.callback_url = Some(u.into());
        self
    }
}

/// Result URLs of a finished job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranslateResultUrls {
    /// Dubbed video.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_string_or_number"
    )]
    pub video_url: Option<String>,
    /// Dubbed audio.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_string_or_number"
    )]
    pub audio_url: Option<String>,
    /// Translated subtitles (SRT).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_string_or_number"
    )]
    pub subtitle_url: Option<String>,
    /// Vozo console project (seen by third-party clients only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_string_or_number"
    )]
    pub project_url: Option<String>,
}

/// The answer of `GET /v1/media/translate/{task_id}` — also the webhook body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TranslateStatusBody {
    /// `queuing`, `preprocessing`, `transcribing`, `translating`, `dubbing`, `rendering`, `done`,
    /// `failed` (kept verbatim; unknown values poll as `Unknown`).
    pub status: String,
    /// Job error code when failed.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub err_code: Option<String>,
    /// Job error message when failed.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub err_message: Option<String>,
    /// Result URLs when available.
    #[serde(default)]
    pub result: Option<TranslateResultUrls>,
    /// Task id, if Vozo includes it (undocumented; useful in webhooks).
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub task_id: Option<String>,
}

/// `POST /v1/media/translate`. The body must already be validated. Returns the new task id and
/// the raw response.
pub async fn create(
    client: &VozoClient,
    request: &TranslateDubRequest,
) -> Result<(JobCreated, HttpResponse)> {
    client.transport().send_json(create_request(request)?).await
}

/// The unsigned `POST /v1/media/translate` request (a `Submit`: never blindly retried).
pub fn create_request(request: &TranslateDubRequest) -> Result<OutgoingRequest> {
    Ok(
        OutgoingRequest::post_json("translate.create", TRANSLATE_PATH, request)?
            .with_operation(Operation::Submit),
    )
}

/// `GET /v1/media/translate/{task_id}` with the given operation (`Poll` or `Result`).
pub async fn get(
    client: &VozoClient,
    task_id: &str,
    operation: Operation,
) -> Result<(TranslateStatusBody, HttpResponse)> {
    check_task_id(task_id)?;
    let req = OutgoingRequest::get("translate.get", format!("{TRANSLATE_PATH}/{task_id}"))
        .with_operation(operation);
    client.transport().send_json(req).await
}
