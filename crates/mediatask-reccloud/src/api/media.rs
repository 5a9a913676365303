//! Media services: subtitle burn-in ("video synthesis", `POST /api/tasks/media/subtitle`,
//! <https://reccloud.com/ai-subtitle-create-video-api-doc>) and video translation
//! (`POST /api/tasks/media/video-translation/preview` and `/synthesis`,
//! <https://reccloud.com/tw/ai-translate-create-preview-task-api-doc>,
//! <https://reccloud.com/tw/ai-translate-create-merge-task-api-doc>).
//!
//! The create paths are documented; the query paths (create path + `/{task_id}`) are
//! **inferred** and configurable. Result shapes follow the documented older video-translation
//! queries (`result.source_subtitles`, `result.translated_subtitles`, `result.video`); the raw
//! `result` is always kept in the output.

use super::{Segment, TaskQuery, bool_as_int, find_url};
use crate::api::recognition::check_media_hints;
use crate::hygiene::{check_extension, clean_source_url, invalid};
use mediatask_core::{Artifact, ArtifactKind, Error, ErrorKind, HasArtifacts, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Subtitle style of a burn-in (every option optional; RecCloud's defaults apply).
/// Colours are `rgba` strings such as `"255,255,255,1"`.
///
/// ```
/// use mediatask_reccloud::api::media::SubtitleStyle;
/// let style: SubtitleStyle = serde_json::from_value(serde_json::json!({
///     "alignment": 2, "font": 9, "font_size": 28, "enable_stroke": true
/// })).unwrap();
/// assert_eq!(style.font_size, Some(28));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SubtitleStyle {
    /// 0 left, 2 centre (default), 3 right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alignment: Option<u8>,
    /// Background colour (rgba), default `0,0,0,0.8`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backcolor: Option<String>,
    /// Draw the background (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_bg: Option<bool>,
    /// Draw a text outline (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_stroke: Option<bool>,
    /// Font id 0–9: 0 andalemo (default), 1 open sans, 2 comic, 3 impat, 4 times new roman,
    /// 5 SimSun, 6 SimHei, 7 KaiTi, 8 LiShu, 9 Microsoft YaHei.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font: Option<u8>,
    /// Bold (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_bold: Option<bool>,
    /// Font colour (rgba), default `255,255,255,1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_color: Option<String>,
    /// Italic (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_italic: Option<bool>,
    /// Font size in pixels (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_size: Option<u32>,
    /// Underline (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_underline: Option<bool>,
    /// Outline colour (rgba), default `255,255,255,1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stroke_color: Option<String>,
    /// Outline width in pixels (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stroke_width: Option<u32>,
    /// Distance from the bottom in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vertical_position: Option<i64>,
    /// Further style options RecCloud may accept, sent verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SubtitleStyle {
    fn validate(&self) -> Result<()> {
        if let Some(a) = self.alignment
            && !matches!(a, 0 | 2 | 3)
        {
            return Err(invalid(
                "subtitle_style.alignment",
                "must be 0 (left), 2 (centre) or 3 (right)",
            ));
        }
        if self.font.is_some_and(|f| f > 9) {
            return Err(invalid(
                "subtitle_style.font",
                "must be a font id from 0 to 9",
            ));
        }
        if self.font_size == Some(0) {
            return Err(invalid(
                "subtitle_style.font_size",
                "must be at least 1 pixel",
            ));
        }
        for (field, colour) in [
            ("subtitle_style.backcolor", &self.backcolor),
            ("subtitle_style.font_color", &self.font_color),
            ("subtitle_style.stroke_color", &self.stroke_color),
        ] {
            if let Some(c) = colour
                && !is_rgba(c)
            {
                return Err(invalid(
                    field,
                    "must be an rgba colour like `255,255,255,1`",
                ));
            }
        }
        Ok(())
    }
}

/// `r,g,b,a` with 0–255 channels and alpha 0–1 (an optional `rgba( … )` wrapper is accepted).
fn is_rgba(c: &str) -> bool {
    let inner = c.trim();
    let inner = inner
        .strip_prefix("rgba(")
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(inner);
    let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
    parts.len() == 4
        && parts[..3].iter().all(|p| p.parse::<u8>().is_ok())
        && parts[3]
            .parse::<f64>()
            .is_ok_and(|a| (0.0..=1.0).contains(&a))
}

/// Burn a subtitle file into a video (`POST /api/tasks/media/subtitle`).
///
/// ```
/// use mediatask_reccloud::SubtitleBurnInRequest;
/// let req = SubtitleBurnInRequest::new("https://example.com/v.mp4", "https://example.com/v.srt");
/// assert!(req.to_body().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SubtitleBurnInRequest {
    /// Video URL.
    pub url: String,
    /// Subtitle file URL.
    pub primary_subtitle_file_url: String,
    /// Extension; required when the video URL path has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// Export file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Burn subtitles in (default true; sent as 1/0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_subtitle: Option<bool>,
    /// Style.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle_style: Option<SubtitleStyle>,
    /// Local hint, not sent: media duration in seconds (limit check and credit estimate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<f64>,
}

impl SubtitleBurnInRequest {
    /// A burn-in of `subtitle_url` into `video_url` with default style.
    pub fn new(video_url: impl Into<String>, subtitle_url: impl Into<String>) -> Self {
        SubtitleBurnInRequest {
            url: video_url.into(),
            primary_subtitle_file_url: subtitle_url.into(),
            extension: None,
            filename: None,
            enable_subtitle: None,
            subtitle_style: None,
            duration_secs: None,
        }
    }
    /// Set the style.
    pub fn with_style(mut self, style: SubtitleStyle) -> Self {
        self.subtitle_style = Some(style);
        self
    }

    /// Validate and build the exact wire body.
    pub fn to_body(&self) -> Result<SubtitleBody> {
        let url = clean_source_url("url", &self.url)?;
        let subtitle =
            clean_source_url("primary_subtitle_file_url", &self.primary_subtitle_file_url)?;
        let extension = check_extension(&url, self.extension.as_deref())?;
        check_media_hints(None, self.duration_secs)?;
        if let Some(style) = &self.subtitle_style {
            style.validate()?;
        }
        Ok(SubtitleBody {
            url,
            primary_subtitle_file_url: subtitle,
            extension,
            filename: self.filename.clone().filter(|f| !f.trim().is_empty()),
            enable_subtitle: self.enable_subtitle,
            subtitle_style: self.subtitle_style.clone(),
        })
    }
}

/// The exact JSON body of `POST /api/tasks/media/subtitle`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubtitleBody {
    /// Video URL.
    pub url: String,
    /// Subtitle URL.
    pub primary_subtitle_file_url: String,
    /// Extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// File name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// 1/0.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "bool_as_int"
    )]
    pub enable_subtitle: Option<bool>,
    /// Style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle_style: Option<SubtitleStyle>,
}

/// Video-translation step 1: recognise, translate and preview (`…/video-translation/preview`).
///
/// ```
/// use mediatask_reccloud::VideoTranslationPreviewRequest;
/// let req = VideoTranslationPreviewRequest::new("https://example.com/v.mp4", "en-US").with_voice("v1");
/// assert!(req.to_body().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct VideoTranslationPreviewRequest {
    /// Video URL.
    pub url: String,
    /// Target language, e.g. `zh-CN`, `en-US` (RecCloud uses the part before any `_`).
    pub language: String,
    /// Original-language SRT to use instead of speech recognition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_srt_url: Option<String>,
    /// Translated SRT to use instead of machine translation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translate_srt_url: Option<String>,
    /// Distinguish speakers (sent as 1/0; default no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_identification: Option<bool>,
    /// Voice id; required unless `speaker_identification` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
    /// Local hint, not sent: media duration in seconds (credit estimate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<f64>,
}

impl VideoTranslationPreviewRequest {
    /// A preview of `url` translated to `language`.
    pub fn new(url: impl Into<String>, language: impl Into<String>) -> Self {
        VideoTranslationPreviewRequest {
            url: url.into(),
            language: language.into(),
            original_srt_url: None,
            translate_srt_url: None,
            speaker_identification: None,
            voice: None,
            duration_secs: None,
        }
    }
    /// Set the voice.
    pub fn with_voice(mut self, voice: impl Into<String>) -> Self {
        self.voice = Some(voice.into());
        self
    }
    /// Distinguish speakers.
    pub fn with_speaker_identification(mut self, on: bool) -> Self {
        self.speaker_identification = Some(on);
        self
    }

    /// Validate and build the exact wire body.
    pub fn to_body(&self) -> Result<PreviewBody> {
        let url = clean_source_url("url", &self.url)?;
        let language = self.language.trim();
        if language.is_empty() {
            return Err(invalid("language", "is required (e.g. `en-US`)"));
        }
        let original = self
            .original_srt_url
            .as_deref()
            .map(|u| clean_source_url("original_srt_url", u))
            .transpose()?;
        let translated = self
            .translate_srt_url
            .as_deref()
            .map(|u| clean_source_url("translate_srt_url", u))
            .transpose()?;
        let voice = self
            .voice
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty());
        if self.speaker_identification != Some(true) && voice.is_none() {
            return Err(invalid(
                "voice",
                "is required when speakers are not distinguished (speaker_identification off)",
            ));
        }
        check_media_hints(None, self.duration_secs)?;
        Ok(PreviewBody {
            url,
            language: language.to_owned(),
            original_srt_url: original,
            translate_srt_url: translated,
            speaker_identification: self.speaker_identification,
            voice: voice.map(str::to_owned),
        })
    }
}

/// The exact JSON body of `POST /api/tasks/media/video-translation/preview`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewBody {
    /// Video URL.
    pub url: String,
    /// Target language.
    pub language: String,
    /// Original SRT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_srt_url: Option<String>,
    /// Translated SRT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translate_srt_url: Option<String>,
    /// 1/0.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "bool_as_int"
    )]
    pub speaker_identification: Option<bool>,
    /// Voice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
}

/// Video-translation step 2: dub and render with (edited) subtitles (`…/synthesis`).
///
/// ```
/// use mediatask_reccloud::{api::Segment, VideoTranslationSynthesisRequest};
/// let req = VideoTranslationSynthesisRequest::new("https://example.com/v.mp4")
///     .with_subtitles(vec![Segment::new(0, 1200, "Hola").with_speaker("speaker0").with_voice("v1")]);
/// assert!(req.to_body().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct VideoTranslationSynthesisRequest {
    /// Video URL.
    pub url: String,
    /// Target language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Subtitles (`start`/`end` ms, `text`, optional `speaker`, `voice`, `modified`), sent as
    /// a JSON array.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subtitles: Vec<Segment>,
    /// Local hint, not sent: media duration in seconds (credit estimate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<f64>,
}

impl VideoTranslationSynthesisRequest {
    /// A synthesis of `url`.
    pub fn new(url: impl Into<String>) -> Self {
        VideoTranslationSynthesisRequest {
            url: url.into(),
            language: None,
            subtitles: Vec::new(),
            duration_secs: None,
        }
    }
    /// Set the subtitles.
    pub fn with_subtitles(mut self, subtitles: Vec<Segment>) -> Self {
        self.subtitles = subtitles;
        self
    }
    /// Set the language.
    pub fn with_language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Validate and build the exact wire body.
    pub fn to_body(&self) -> Result<SynthesisBody> {
        let url = clean_source_url("url", &self.url)?;
        for (i, s) in self.subtitles.iter().enumerate() {
            if s.start < 0 || s.end < s.start {
                return Err(invalid(
                    &format!("subtitles[{i}]"),
                    "needs 0 <= start <= end (milliseconds)",
                ));
            }
        }
        check_media_hints(None, self.duration_secs)?;
        Ok(SynthesisBody {
            url,
            language: self.language.clone().filter(|l| !l.trim().is_empty()),
            subtitles: self.subtitles.clone(),
        })
    }
}

/// The exact JSON body of `POST /api/tasks/media/video-translation/synthesis`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SynthesisBody {
    /// Video URL.
    pub url: String,
    /// Language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Subtitles.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subtitles: Vec<Segment>,
}

/// `POST /api/tasks/media/subtitle` (low-level: no task slot; prefer [`crate::SubtitleBurnIn`]).
pub async fn create_subtitle(
    client: &crate::RecCloudClient,
    body: &SubtitleBody,
) -> Result<String> {
    let path = client.endpoints().subtitle.clone();
    super::create(client, "create_subtitle_burn_in", &path, body).await
}

/// `GET /api/tasks/media/subtitle/{task_id}` (**inferred** path, configurable).
pub async fn query_subtitle(client: &crate::RecCloudClient, task_id: &str) -> Result<TaskQuery> {
    let template = client.endpoints().subtitle_query.clone();
    super::query(client, "query_subtitle_burn_in", &template, task_id).await
}

/// `POST /api/tasks/media/video-translation/preview` (low-level: no task slot; prefer
/// [`crate::VideoTranslationPreview`]).
pub async fn create_preview(client: &crate::RecCloudClient, body: &PreviewBody) -> Result<String> {
    let path = client.endpoints().translation_preview.clone();
    super::create(client, "create_video_translation_preview", &path, body).await
}

/// `GET /api/tasks/media/video-translation/preview/{task_id}` (**inferred**, configurable).
pub async fn query_preview(client: &crate::RecCloudClient, task_id: &str) -> Result<TaskQuery> {
    let template = client.endpoints().translation_preview_query.clone();
    super::query(
        client,
        "query_video_translation_preview",
        &template,
        task_id,
    )
    .await
}

/// `POST /api/tasks/media/video-translation/synthesis` (low-level: no task slot; prefer
/// [`crate::VideoTranslationSynthesis`]).
pub async fn create_synthesis(
    client: &crate::RecCloudClient,
    body: &SynthesisBody,
) -> Result<String> {
    let path = client.endpoints().translation_synthesis.clone();
    super::create(client, "create_video_translation_synthesis", &path, body).await
}

/// `GET /api/tasks/media/video-translation/synthesis/{task_id}` (**inferred**, configurable).
pub async fn query_synthesis(client: &crate::RecCloudClient, task_id: &str) -> Result<TaskQuery> {
    let template = client.endpoints().translation_synthesis_query.clone();
    super::query(
        client,
        "query_video_translation_synthesis",
        &template,
        task_id,
    )
    .await
}

const VIDEO_KEYS: &[&str] = &["video", "video_url", "url", "file", "download_url"];

/// The result of a finished burn-in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SubtitleBurnInOutput {
    /// Task id.
    pub task_id: String,
    /// The rendered video, when the result carries a link (shape inferred: a URL string or
    /// `result.video`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// The raw `result`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
}

impl HasArtifacts for SubtitleBurnInOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        self.video_url
            .iter()
            .map(|u| Artifact::new(ArtifactKind::Video, u.clone()))
            .collect()
    }
}

/// Parse a finished burn-in query.
pub fn parse_subtitle(task_id: &str, query: &TaskQuery) -> SubtitleBurnInOutput {
    SubtitleBurnInOutput {
        task_id: task_id.to_owned(),
        video_url: find_url(query.result.as_ref(), VIDEO_KEYS),
        result: query.result.clone(),
    }
}

/// The result of a finished preview: source and translated subtitles.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VideoTranslationPreviewOutput {
    /// Task id.
    pub task_id: String,
    /// Subtitles in the source language.
    pub source_subtitles: Vec<Segment>,
    /// Translated subtitles (edit them and pass them to synthesis).
    pub translated_subtitles: Vec<Segment>,
    /// A preview video link, when the result carries one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// The raw `result`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
}

impl HasArtifacts for VideoTranslationPreviewOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        self.video_url
            .iter()
            .map(|u| Artifact::new(ArtifactKind::Video, u.clone()).with_label("preview"))
            .collect()
    }
}

fn segments_at(result: Option<&Value>, key: &str) -> Result<Vec<Segment>> {
    match result.and_then(|r| r.get(key)) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| {
            Error::new(ErrorKind::Decode, format!("video-translation `{key}`: {e}"))
                .with_provider(crate::PROVIDER)
        }),
    }
}

/// Parse a finished preview query (`result.source_subtitles`, `result.translated_subtitles`).
pub fn parse_preview(task_id: &str, query: &TaskQuery) -> Result<VideoTranslationPreviewOutput> {
    let result = query.result.as_ref();
    Ok(VideoTranslationPreviewOutput {
        task_id: task_id.to_owned(),
        source_subtitles: segments_at(result, "source_subtitles")?,
        translated_subtitles: segments_at(result, "translated_subtitles")?,
        video_url: find_url(result, VIDEO_KEYS),
        result: query.result.clone(),
    })
}

/// The result of a finished synthesis: the dubbed video link (`result.video`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VideoTranslationSynthesisOutput {
    /// Task id.
    pub task_id: String,
    /// The dubbed video.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// The raw `result`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
}

impl HasArtifacts for VideoTranslationSynthesisOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        self.video_url
            .iter()
            .map(|u| Artifact::new(ArtifactKind::Video, u.clone()))
            .collect()
    }
}

/// Parse a finished synthesis query.
pub fn parse_synthesis(task_id: &str, query: &TaskQuery) -> VideoTranslationSynthesisOutput {
    VideoTranslationSynthesisOutput {
        task_id: task_id.to_owned(),
        video_url: find_url(query.result.as_ref(), VIDEO_KEYS),
        result: query.result.clone(),
    }
}
