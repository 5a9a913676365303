//! Video synthesis create — **endpoint path unconfirmed**.
//!
//! The seed omits the create call. The public video-synthesis page
//! (<https://aigc.softsugar.com/html/help/en-US/4-短视频合成.html>) describes the capability but its
//! endpoint section could not be retrieved. The documented *request JSON* comes from the
//! deprecated sibling `POST /api/2dvh/v1/material/video/takeover/create`
//! (<https://aigc.softsugar.com/html/help/en-US/7-视频直播.html>): `{"videoName", "param": "<video
//! synthesis task JSON>", "thumbnailUrl"}`. The SDK sends that body to
//! [`crate::SoftSugarConfig::video_create_path`], default `/api/2dvh/v1/material/video/create`
//! (a GUESS by analogy; `Capabilities.endpoint_confirmed = false`).

use super::embedded::EmbeddedJson;
use super::materials::{require, voice_ranges};
use crate::Client;
use mediatask_core::{Error, Operation, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Watermark settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Watermark {
    /// Show it.
    #[serde(default)]
    pub show: bool,
    /// Text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

/// Position in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Position {
    /// X.
    pub x: f64,
    /// Y.
    pub y: f64,
}

/// The avatar of a video.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DigitalRole {
    /// Avatar model id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Face feature id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_feature_id: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Model package URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Preheated file id.
    #[serde(default, rename = "fileId", skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// Position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// Scale.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::api::lenient::ser_opt_num"
    )]
    pub scale: Option<f64>,
    /// Layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub z_position: Option<i64>,
    /// Rotation.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::api::lenient::ser_opt_num"
    )]
    pub rotation: Option<f64>,
    /// First frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_frame_index: Option<i64>,
}

/// Voice of a video.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TtsConfig {
    /// Legacy voice id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Voice QID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qid: Option<String>,
    /// Speaker name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Voice vendor id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_id: Option<i64>,
    /// Language (`zh-CN`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Pitch [-60, 60].
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::api::lenient::ser_opt_num"
    )]
    pub pitch_offset: Option<f64>,
    /// Speech rate [0.5, 2].
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::api::lenient::ser_opt_num"
    )]
    pub speed_ratio: Option<f64>,
    /// Volume [1, 400].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<i64>,
}

/// The "video synthesis task JSON" (sent as the JSON text `param`). Undocumented extra fields
/// (backgrounds, foregrounds, subtitles…) go in `extra` and are sent verbatim.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct VideoSynthesisParam {
    /// Schema version (`0.0.13` in the vendor example).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `MP4` or `WEBM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_format: Option<String>,
    /// `[width, height]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<[u32; 2]>,
    /// Bit rate (Mbps).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::api::lenient::ser_opt_num"
    )]
    pub bit_rate: Option<f64>,
    /// Frame rate (25 documented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_rate: Option<u32>,
    /// Watermark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark: Option<Watermark>,
    /// Avatar.
    pub digital_role: DigitalRole,
    /// Voice (needed with `tts_query`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tts_config: Option<TtsConfig>,
    /// Text to speak.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tts_query: Option<super::TtsQuery>,
    /// Audio tracks (`[{"url": …}, …]`) instead of text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audios: Vec<Value>,
    /// Other fields, sent verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A video synthesis create call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoSynthesisRequest {
    /// Video name. Required by the vendor; may be omitted (empty) inside a journal's scope,
    /// where it becomes the job id (see [`crate::tasks::tagged_name`]).
    #[serde(default)]
    pub video_name: String,
    /// The task JSON.
    pub param: VideoSynthesisParam,
    /// Thumbnail URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
}

impl VideoSynthesisRequest {
    /// Name; an avatar (id, face feature id, URL or file id); text with a voice, or audio;
    /// format MP4/WEBM; voice ranges.
    pub fn validate(&self) -> Result<()> {
        require("videoName", &self.video_name)?;
        let p = &self.param;
        let r = &p.digital_role;
        let has_avatar = r.id.is_some()
            || [&r.face_feature_id, &r.url, &r.file_id]
                .iter()
                .any(|v| v.as_deref().is_some_and(|s| !s.trim().is_empty()));
        if !has_avatar {
            return Err(Error::invalid_field(
                "param.digital_role",
                "needs an id, face_feature_id, url or fileId",
            ));
        }
        let has_text = p
            .tts_query
            .as_ref()
            .and_then(|q| q.content.as_deref())
            .is_some_and(|c| !c.trim().is_empty());
        if !has_text && p.audios.is_empty() {
            return Err(Error::invalid_field(
                "param.tts_query",
                "text (tts_query.content) or audios is required",
            ));
        }
        if has_text && p.tts_config.is_none() {
            return Err(Error::invalid_field(
                "param.tts_config",
                "is required with tts_query",
            ));
        }
        if let Some(f) = &p.video_format
            && !matches!(f.to_ascii_uppercase().as_str(), "MP4" | "WEBM")
        {
            return Err(Error::invalid_field(
                "param.video_format",
                "must be MP4 or WEBM",
            ));
        }
        if let Some([w, h]) = p.resolution
            && (w == 0 || h == 0)
        {
            return Err(Error::invalid_field(
                "param.resolution",
                "width and height must be positive",
            ));
        }
        if let Some(t) = &p.tts_config {
            voice_ranges(t.pitch_offset, t.speed_ratio, t.volume)?;
        }
        Ok(())
    }
}

impl Client {
    /// Create a video synthesis task at the configured (unconfirmed) path; returns the task id.
    pub async fn create_video_synthesis(&self, request: &VideoSynthesisRequest) -> Result<i64> {
        request.validate()?;
        let param = EmbeddedJson::encode(&request.param)?;
        let body = VideoBody {
            video_name: &request.video_name,
            param: &param,
            thumbnail_url: request.thumbnail_url.as_deref(),
        };
        self.post_create(
            "VideoSynthesisCreate",
            self.config().video_create_path.clone(),
            &body,
            Operation::Submit,
        )
        .await
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VideoBody<'a> {
    video_name: &'a str,
    param: &'a EmbeddedJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_url: Option<&'a str>,
}
