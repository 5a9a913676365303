//! Material endpoints: face swap create, content preheating, file warming create / query /
//! delete, and material transcoding. `param` fields are JSON text on the wire; here they are
//! typed and encoded by the SDK.

use super::embedded::EmbeddedJson;
use super::lenient;
use crate::Client;
use mediatask_core::{Error, Operation, Result};
use mediatask_http::OutgoingRequest;
use serde::{Deserialize, Serialize};

pub(crate) fn require(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid_field(field, "must not be empty").with_provider(crate::PROVIDER));
    }
    Ok(())
}

pub(crate) fn require_url(field: &str, value: &str) -> Result<()> {
    require(field, value)?;
    let v = value.trim();
    if !(v.starts_with("https://") || v.starts_with("http://")) {
        return Err(
            Error::invalid_field(field, "must be an http(s) URL").with_provider(crate::PROVIDER)
        );
    }
    Ok(())
}

pub(crate) fn in_range(field: &str, value: Option<f64>, lo: f64, hi: f64) -> Result<()> {
    if let Some(v) = value
        && !(v.is_finite() && (lo..=hi).contains(&v))
    {
        return Err(
            Error::invalid_field(field, format!("must be within [{lo}, {hi}], got {v}"))
                .with_provider(crate::PROVIDER),
        );
    }
    Ok(())
}

/// The documented voice ranges of a `param.tts_config`: pitch [-60, 60], speed [0.5, 2],
/// volume [1, 400] (unset values pass).
pub(crate) fn voice_ranges(
    pitch: Option<f64>,
    speed: Option<f64>,
    volume: Option<i64>,
) -> Result<()> {
    in_range("param.tts_config.pitch_offset", pitch, -60.0, 60.0)?;
    in_range("param.tts_config.speed_ratio", speed, 0.5, 2.0)?;
    in_range(
        "param.tts_config.volume",
        volume.map(|v| v as f64),
        1.0,
        400.0,
    )
}

/// A named file-list request: the name is set and there is at least one file.
fn require_name_and_files(material_name: &str, file_count: usize) -> Result<()> {
    require("materialName", material_name)?;
    if file_count == 0 {
        return Err(Error::invalid_field("files", "must hold at least one file"));
    }
    Ok(())
}

/// `POST /api/2dvh/v1/material/face/swap/create` (internal testing at the vendor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaceSwapRequest {
    /// Template face image.
    pub face_photo_url: String,
    /// Original video.
    pub video_url: String,
    /// Task name. Required by the vendor; may be omitted (empty) inside a
    /// journal's scope, where it becomes the job id (see [`crate::tasks::tagged_name`]).
    #[serde(default)]
    pub material_name: String,
}

impl FaceSwapRequest {
    /// Check the documented rules (all fields required; URLs http(s)).
    pub fn validate(&self) -> Result<()> {
        require_url("facePhotoUrl", &self.face_photo_url)?;
        require_url("videoUrl", &self.video_url)?;
        require("materialName", &self.material_name)
    }
}

/// Digital human of a preheat request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigitalRoleRef {
    /// Face feature id.
    pub face_feature_id: String,
    /// Name.
    pub name: String,
}

/// TTS configuration of a preheat request.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PreheatTtsConfig {
    /// Voice QID (required when text is present).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qid: Option<String>,
    /// Speaker name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Pitch, [-60, 60].
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::api::lenient::ser_opt_num"
    )]
    pub pitch_offset: Option<f64>,
    /// Speech rate (higher = slower), [0.5, 2].
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::api::lenient::ser_opt_num"
    )]
    pub speed_ratio: Option<f64>,
    /// Volume, [1, 400].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<i64>,
}

/// Text of one preheated item.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TtsQuery {
    /// Text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Whether `content` is SSML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssml: Option<bool>,
}

/// One preheated item: text (TTS) or an audio URL (TTS wins when both are set; all items must
/// be of the same kind).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct VoiceContent {
    /// Text request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tts_query: Option<TtsQuery>,
    /// Audio takeover URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
}

impl VoiceContent {
    fn is_text(&self) -> bool {
        self.tts_query
            .as_ref()
            .and_then(|q| q.content.as_deref())
            .is_some_and(|c| !c.trim().is_empty())
    }
    fn is_audio(&self) -> bool {
        self.audio.as_deref().is_some_and(|a| !a.trim().is_empty())
    }
}

/// Use of a preheated library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreheatType {
    /// Filler speech in interactive digital humans.
    QuickResponse,
    /// Start-of-broadcast script in live streaming.
    StartupScript,
}

/// The `param` JSON of a content preheat request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentPreheatParam {
    /// `quick_response` or `startup_script`.
    #[serde(rename = "type")]
    pub kind: PreheatType,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
    /// Digital human.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digital_role: Option<DigitalRoleRef>,
    /// TTS configuration.
    pub tts_config: PreheatTtsConfig,
    /// Items to preheat.
    pub voice_content: Vec<VoiceContent>,
}

/// `POST /api/2dvh/v1/material/voice/content/repository/create`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentPreheatRequest {
    /// Library name. Required by the vendor; may be omitted (empty) inside a
    /// journal's scope, where it becomes the job id (see [`crate::tasks::tagged_name`]).
    #[serde(default)]
    pub material_name: String,
    /// The library (sent as JSON text).
    pub param: ContentPreheatParam,
    /// Thumbnail URL (the table says `thumbnailUrl`; the seed's example shows `url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
}

impl ContentPreheatRequest {
    /// Check the documented rules: name, at least one item, no TTS/audio mixing, `qid` with
    /// text, pitch [-60, 60], speed [0.5, 2], volume [1, 400].
    pub fn validate(&self) -> Result<()> {
        require("materialName", &self.material_name)?;
        let p = &self.param;
        if p.voice_content.is_empty() {
            return Err(Error::invalid_field(
                "param.voice_content",
                "must hold at least one item",
            ));
        }
        let texts = p.voice_content.iter().filter(|c| c.is_text()).count();
        let audios = p
            .voice_content
            .iter()
            .filter(|c| !c.is_text() && c.is_audio())
            .count();
        if texts + audios != p.voice_content.len() {
            return Err(Error::invalid_field(
                "param.voice_content",
                "every item needs tts_query.content or audio",
            ));
        }
        if texts > 0 && audios > 0 {
            return Err(Error::invalid_field(
                "param.voice_content",
                "must be all TTS or all audio, not mixed",
            ));
        }
        if texts > 0
            && p.tts_config
                .qid
                .as_deref()
                .is_none_or(|q| q.trim().is_empty())
        {
            return Err(Error::invalid_field(
                "param.tts_config.qid",
                "is required when text is present",
            ));
        }
        if let Some(r) = &p.digital_role {
            require("param.digital_role.face_feature_id", &r.face_feature_id)?;
            require("param.digital_role.name", &r.name)?;
        }
        voice_ranges(
            p.tts_config.pitch_offset,
            p.tts_config.speed_ratio,
            p.tts_config.volume,
        )
    }

    fn wire(&self) -> Result<WireParamBody> {
        Ok(WireParamBody {
            material_name: self.material_name.clone(),
            param: EmbeddedJson::encode(&self.param)?,
            thumbnail_url: self.thumbnail_url.clone(),
        })
    }
}

/// Body shape shared by every `{materialName, param: "<json>"}` create call.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireParamBody {
    pub(crate) material_name: String,
    pub(crate) param: EmbeddedJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) thumbnail_url: Option<String>,
}

impl WireParamBody {
    /// The body of a file-list create call (file warming, transcode): no thumbnail.
    fn files<T: Serialize>(material_name: &str, files: &[T]) -> Result<Self> {
        Ok(WireParamBody {
            material_name: material_name.to_owned(),
            param: EmbeddedJson::encode(files)?,
            thumbnail_url: None,
        })
    }
}

/// One file to preheat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileWarmingItem {
    /// Material file id.
    pub file_id: String,
    /// Material file URL.
    pub file_url: String,
}

/// `POST /api/2dvh/v1/material/file/warming` (no cancel, no regeneration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileWarmingRequest {
    /// Task name. Required by the vendor; may be omitted (empty) inside a
    /// journal's scope, where it becomes the job id (see [`crate::tasks::tagged_name`]).
    #[serde(default)]
    pub material_name: String,
    /// Files (sent as the JSON-text array `param`).
    pub files: Vec<FileWarmingItem>,
}

impl FileWarmingRequest {
    /// Name, at least one file, every id and URL present.
    pub fn validate(&self) -> Result<()> {
        require_name_and_files(&self.material_name, self.files.len())?;
        for (i, f) in self.files.iter().enumerate() {
            require(&format!("files[{i}].fileId"), &f.file_id)?;
            require_url(&format!("files[{i}].fileUrl"), &f.file_url)?;
        }
        Ok(())
    }
}

/// One file to transcode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscodeItem {
    /// Material file URL.
    pub file_url: String,
}

/// `POST /api/2dvh/v1/material/file/transcode` (no cancel, no regeneration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscodeRequest {
    /// Task name. Required by the vendor; may be omitted (empty) inside a
    /// journal's scope, where it becomes the job id (see [`crate::tasks::tagged_name`]).
    #[serde(default)]
    pub material_name: String,
    /// Files (sent as the JSON-text array `param`).
    pub files: Vec<TranscodeItem>,
}

impl TranscodeRequest {
    /// Name, at least one file, every URL present.
    pub fn validate(&self) -> Result<()> {
        require_name_and_files(&self.material_name, self.files.len())?;
        for (i, f) in self.files.iter().enumerate() {
            require_url(&format!("files[{i}].fileUrl"), &f.file_url)?;
        }
        Ok(())
    }
}

/// A preheated file (`material/file/warming/query`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WarmingFile {
    /// Owner account.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub owner: Option<i64>,
    /// Warming task id (documented String, sent as a number).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub task_id: Option<String>,
    /// File id.
    #[serde(default)]
    pub file_id: Option<String>,
    /// File URL.
    #[serde(default)]
    pub file_url: Option<String>,
    /// 0 not started, 1 waiting, 2 in progress, 5 done, 9 error (`WARMING_FILE_STATUS`).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub status: Option<i64>,
}

impl WarmingFile {
    /// The per-file status normalised through `WARMING_FILE_STATUS` (unmapped → `Unknown`).
    ///
    /// ```
    /// let f: mediatask_softsugar::api::WarmingFile = serde_json::from_str(r#"{"status": 5}"#).unwrap();
    /// assert_eq!(f.normalized_status(), mediatask_core::TaskStatus::Succeeded);
    /// ```
    pub fn normalized_status(&self) -> mediatask_core::TaskStatus {
        super::normalized_status(crate::generated::tables::WARMING_FILE_STATUS, self.status)
    }
}

impl Client {
    /// Create a face swap task; returns the task id. Validates first; a `Submit` (never blindly
    /// retried).
    pub async fn create_face_swap(&self, request: &FaceSwapRequest) -> Result<i64> {
        request.validate()?;
        self.post_create(
            "FaceSwapCreate",
            "/api/2dvh/v1/material/face/swap/create",
            request,
            Operation::Submit,
        )
        .await
    }

    /// Create a content preheating (quick-response library) task; returns the task id.
    pub async fn create_content_preheat(&self, request: &ContentPreheatRequest) -> Result<i64> {
        request.validate()?;
        self.post_create(
            "ContentPreheatCreate",
            "/api/2dvh/v1/material/voice/content/repository/create",
            &request.wire()?,
            Operation::Submit,
        )
        .await
    }

    /// Create a file warming task; returns the task id.
    pub async fn create_file_warming(&self, request: &FileWarmingRequest) -> Result<i64> {
        request.validate()?;
        self.post_create(
            "FileWarmingCreate",
            "/api/2dvh/v1/material/file/warming",
            &WireParamBody::files(&request.material_name, &request.files)?,
            Operation::Submit,
        )
        .await
    }

    /// Query preheated files by id (`GET …/warming/query?fileIds=a,b`).
    pub async fn query_file_warming(&self, file_ids: &[String]) -> Result<Vec<WarmingFile>> {
        require_file_ids(file_ids)?;
        let req = OutgoingRequest::get(
            "FileWarmingQuery",
            "/api/2dvh/v1/material/file/warming/query",
        )
        .with_query("fileIds", file_ids.join(","))
        .with_operation(Operation::Query);
        Ok(self.send_list(req).await?.0)
    }

    /// Delete preheated files; returns the id of the deletion task (`algoType` 45).
    pub async fn delete_file_warming(&self, file_ids: &[String]) -> Result<i64> {
        require_file_ids(file_ids)?;
        self.post_create(
            "FileWarmingDelete",
            "/api/2dvh/v1/material/file/warming/del",
            &serde_json::json!({ "fileIds": file_ids }),
            Operation::Manage,
        )
        .await
    }

    /// Create a material transcode task; returns the task id.
    pub async fn create_transcode(&self, request: &TranscodeRequest) -> Result<i64> {
        request.validate()?;
        self.post_create(
            "TranscodeCreate",
            "/api/2dvh/v1/material/file/transcode",
            &WireParamBody::files(&request.material_name, &request.files)?,
            Operation::Submit,
        )
        .await
    }
}

fn require_file_ids(file_ids: &[String]) -> Result<()> {
    if file_ids.is_empty() {
        return Err(Error::invalid_field("fileIds", "must hold at least one id"));
    }
    Ok(())
}
