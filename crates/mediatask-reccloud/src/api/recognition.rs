//! Speech recognition / AI subtitles: `POST /api/tasks/audio/recognition` and
//! `GET /api/tasks/audio/recognition/{task_id}` (both documented:
//! <https://reccloud.com/speech-to-text-speaker-create-api-doc>,
//! <https://reccloud.com/it/speech-to-text-query-api-doc>,
//! <https://reccloud.com/it/ai-subtitle-query-api-doc>).

use super::{Segment, TaskQuery, bool_as_int};
use crate::generated::tables::{MAX_FILE_BYTES, MAX_MEDIA_SECONDS, SPEAKER_MODE_TYPE};
use crate::hygiene::{check_extension, clean_source_url, invalid};
use mediatask_core::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

fn default_mode() -> u32 {
    SPEAKER_MODE_TYPE as u32
}

/// A speech-to-text / AI-subtitle request.
///
/// `type` defaults to `4`, the only value RecCloud documents ("Mode: enter 4"; it returns
/// timed segments, with speaker labels when `speaker_recognition` is on). Other values (plain
/// text) are passed through unchanged but are **not documented**.
///
/// ```
/// use mediatask_reccloud::SpeechToTextRequest;
/// let req: SpeechToTextRequest = serde_json::from_value(serde_json::json!({
///     "url": "https://example.com/talk.mp3",
///     "language": "en",
///     "speaker_recognition": true
/// })).unwrap();
/// assert_eq!(req.mode, 4);
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SpeechToTextRequest {
    /// Source media URL (http(s), at most 512 characters; file ≤ 4 GB and ≤ 3 h).
    pub url: String,
    /// Recognition mode sent as `type` (default `4`).
    #[serde(rename = "type", alias = "mode", default = "default_mode")]
    pub mode: u32,
    /// File extension; required when the URL path has none (e.g. `mp3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// Output (translation) language; default: auto-detected source language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Detect speakers (`speaker_recognition` 1/0; default off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_recognition: Option<bool>,
    /// Local hint, not sent: the file size in bytes, checked against the 4 GB limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_size_bytes: Option<u64>,
    /// Local hint, not sent: the media duration in seconds, checked against the 3 h limit
    /// (also used by the credit estimator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<f64>,
}

impl SpeechToTextRequest {
    /// A request for `url` in the documented mode `4`.
    pub fn new(url: impl Into<String>) -> Self {
        SpeechToTextRequest {
            url: url.into(),
            mode: default_mode(),
            extension: None,
            language: None,
            speaker_recognition: None,
            file_size_bytes: None,
            duration_secs: None,
        }
    }
    /// Set the output language.
    pub fn with_language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }
    /// Turn speaker recognition on or off.
    pub fn with_speaker_recognition(mut self, on: bool) -> Self {
        self.speaker_recognition = Some(on);
        self
    }
    /// Set the extension.
    pub fn with_extension(mut self, ext: impl Into<String>) -> Self {
        self.extension = Some(ext.into());
        self
    }
    /// Set the local size/duration hints.
    pub fn with_media_info(
        mut self,
        file_size_bytes: Option<u64>,
        duration_secs: Option<f64>,
    ) -> Self {
        self.file_size_bytes = file_size_bytes;
        self.duration_secs = duration_secs;
        self
    }

    /// Validate and build the exact wire body (nothing is sent on error).
    pub fn to_body(&self) -> Result<RecognitionBody> {
        let url = clean_source_url("url", &self.url)?;
        let extension = check_extension(&url, self.extension.as_deref())?;
        check_media_hints(self.file_size_bytes, self.duration_secs)?;
        let language = self
            .language
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty());
        Ok(RecognitionBody {
            url,
            mode: self.mode,
            extension,
            language: language.map(str::to_owned),
            speaker_recognition: self.speaker_recognition,
        })
    }
}

/// Check the optional local size/duration hints against the documented 4 GB / 3 h limits.
pub(crate) fn check_media_hints(size: Option<u64>, duration: Option<f64>) -> Result<()> {
    if let Some(size) = size
        && size > MAX_FILE_BYTES
    {
        return Err(invalid(
            "file_size_bytes",
            "exceeds RecCloud's 4 GB file limit",
        ));
    }
    if let Some(d) = duration {
        if !d.is_finite() || d < 0.0 {
            return Err(invalid(
                "duration_secs",
                "must be a non-negative number of seconds",
            ));
        }
        if d > MAX_MEDIA_SECONDS as f64 {
            return Err(invalid(
                "duration_secs",
                "exceeds RecCloud's 3-hour media limit",
            ));
        }
    }
    Ok(())
}

/// The exact JSON body of `POST /api/tasks/audio/recognition`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecognitionBody {
    /// Source URL (after `\u0026` fix-up).
    pub url: String,
    /// Mode.
    #[serde(rename = "type")]
    pub mode: u32,
    /// Extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// Output language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Speaker recognition as 0/1.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "bool_as_int"
    )]
    pub speaker_recognition: Option<bool>,
}

/// `POST /api/tasks/audio/recognition`: create a recognition task from a validated body
/// (low-level: no task slot is reserved; prefer [`crate::SpeechToText`]).
pub async fn create_recognition(
    client: &crate::RecCloudClient,
    body: &RecognitionBody,
) -> Result<String> {
    let path = client.endpoints().recognition.clone();
    super::create(client, "create_speech_to_text", &path, body).await
}

/// `GET /api/tasks/audio/recognition/{task_id}`: the raw query answer.
pub async fn query_recognition(client: &crate::RecCloudClient, task_id: &str) -> Result<TaskQuery> {
    let template = client.endpoints().recognition_query.clone();
    super::query(client, "query_speech_to_text", &template, task_id).await
}

/// The result of a finished recognition.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SpeechToTextOutput {
    /// Task id.
    pub task_id: String,
    /// The full text: the plain-text result, or the segments' texts joined with newlines.
    pub text: String,
    /// Timed segments (`start`/`end` in ms; `speaker` in speaker mode). Empty for plain text.
    pub segments: Vec<Segment>,
    /// Distinct speaker labels, in order of first appearance.
    pub speakers: Vec<String>,
    /// Media duration in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<f64>,
    /// Detected source language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_language: Option<String>,
    /// Output language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_language: Option<String>,
}

impl mediatask_core::HasArtifacts for SpeechToTextOutput {
    /// Recognition returns text inline: there is no file to download.
    fn artifacts(&self) -> Vec<mediatask_core::Artifact> {
        Vec::new()
    }
}

/// Parse a finished recognition query: `result` is a string (plain text) or an array of
/// `{start, end, text[, speaker]}` segments.
pub fn parse_recognition(task_id: &str, query: &TaskQuery) -> Result<SpeechToTextOutput> {
    let (text, segments) = match &query.result {
        Some(Value::String(s)) => (s.clone(), Vec::new()),
        Some(v @ Value::Array(_)) => {
            let segments: Vec<Segment> = serde_json::from_value(v.clone()).map_err(|e| {
                Error::new(
                    ErrorKind::Decode,
                    format!("recognition result segments: {e}"),
                )
                .with_provider(crate::PROVIDER)
            })?;
            let text = segments
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            (text, segments)
        }
        Some(Value::Null) | None => (String::new(), Vec::new()),
        Some(other) => {
            return Err(Error::new(
                ErrorKind::Decode,
                format!(
                    "recognition result has an unexpected shape: {}",
                    kind_of(other)
                ),
            )
            .with_provider(crate::PROVIDER));
        }
    };
    let mut speakers: Vec<String> = Vec::new();
    for s in segments.iter().filter_map(|s| s.speaker.as_ref()) {
        if !speakers.contains(s) {
            speakers.push(s.clone());
        }
    }
    Ok(SpeechToTextOutput {
        task_id: task_id.to_owned(),
        text,
        segments,
        speakers,
        duration_secs: query.duration,
        source_language: query.source_language.clone(),
        target_language: query.target_language.clone(),
    })
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
