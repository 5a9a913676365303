//! Text-to-speech and text-to-video. RecCloud prices both (seed: 1 credit / 200 words;
//! 10 credits per text-to-video job; input caps 30 000 and 800 words) but **no public endpoint
//! page was found**, so nothing here is confirmed: the create path has no default (set
//! [`crate::config::Endpoints::text_to_speech`] / `text_to_video`), the query path defaults to
//! the create path + `/{task_id}` (inferred), and the body — `{"text": …}` plus any `params`
//! you pass, verbatim — is a guess modelled on the documented endpoints.

use super::{TaskQuery, find_url};
use crate::credits::count_words;
use crate::generated::tables::{TEXT_TO_SPEECH_MAX_WORDS, TEXT_TO_VIDEO_MAX_WORDS};
use crate::hygiene::invalid;
use mediatask_core::{Artifact, ArtifactKind, HasArtifacts, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A text-to-speech or text-to-video request (**unconfirmed wire format**).
///
/// ```
/// use mediatask_reccloud::TextRequest;
/// let req: TextRequest = serde_json::from_value(serde_json::json!({
///     "text": "Hello there", "params": {"voice": "en-US-1"}
/// })).unwrap();
/// assert_eq!(req.to_body(800).unwrap()["voice"], "en-US-1");
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TextRequest {
    /// The text (text-to-speech: ≤ 30 000 words; text-to-video: ≤ 800 words).
    pub text: String,
    /// Further body fields, sent verbatim (voice, language, … — names unconfirmed).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
}

impl TextRequest {
    /// A request with only `text`.
    pub fn new(text: impl Into<String>) -> Self {
        TextRequest {
            text: text.into(),
            params: Map::new(),
        }
    }
    /// Add a body field.
    pub fn with_param(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.params.insert(key.into(), value.into());
        self
    }

    /// Validate (non-empty, at most `max_words` words as counted by
    /// [`crate::credits::count_words`]) and build the body: `params` plus `text`.
    pub fn to_body(&self, max_words: u64) -> Result<Value> {
        if self.text.trim().is_empty() {
            return Err(invalid("text", "is required"));
        }
        let words = count_words(&self.text);
        if words > max_words {
            return Err(invalid(
                "text",
                &format!("has {words} words; RecCloud accepts at most {max_words}"),
            ));
        }
        if self.params.contains_key("text") {
            return Err(invalid("params.text", "duplicates `text`"));
        }
        let mut body = self.params.clone();
        body.insert("text".into(), Value::String(self.text.clone()));
        Ok(Value::Object(body))
    }
}

/// The result of a finished text-to-speech or text-to-video task (shape unconfirmed: the first
/// URL found in `result` — a URL string, or `audio`/`video`/`url`/`file` fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GeneratedMediaOutput {
    /// Task id.
    pub task_id: String,
    /// The produced file, when a link was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What the file is (audio for TTS, video for text-to-video).
    pub kind: ArtifactKind,
    /// The raw `result`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
}

impl HasArtifacts for GeneratedMediaOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        self.url
            .iter()
            .map(|u| Artifact::new(self.kind.clone(), u.clone()))
            .collect()
    }
}

/// Parse a finished generation query.
pub fn parse_generated(
    task_id: &str,
    query: &TaskQuery,
    kind: ArtifactKind,
) -> GeneratedMediaOutput {
    let keys: &[&str] = match kind {
        ArtifactKind::Audio => &["audio", "audio_url", "url", "file", "download_url"],
        _ => &["video", "video_url", "url", "file", "download_url"],
    };
    GeneratedMediaOutput {
        task_id: task_id.to_owned(),
        url: find_url(query.result.as_ref(), keys),
        kind,
        result: query.result.clone(),
    }
}

/// A text-to-speech request: a [`TextRequest`] (same JSON form), at most 30 000 words.
///
/// ```
/// let req = mediatask_reccloud::TextToSpeechRequest::new("Hello").with_param("voice", "v1");
/// assert_eq!(req.0.params["voice"], "v1");
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct TextToSpeechRequest(pub TextRequest);

/// A text-to-video request: a [`TextRequest`] (same JSON form), at most 800 words.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct TextToVideoRequest(pub TextRequest);

impl TextToSpeechRequest {
    /// Validate (≤ 30 000 words) and build the body.
    pub fn to_body(&self) -> Result<Value> {
        self.0.to_body(TEXT_TO_SPEECH_MAX_WORDS)
    }
    /// A request with only `text`.
    pub fn new(text: impl Into<String>) -> Self {
        TextToSpeechRequest(TextRequest::new(text))
    }
    /// Add a body field.
    pub fn with_param(self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        TextToSpeechRequest(self.0.with_param(key, value))
    }
}

impl TextToVideoRequest {
    /// Validate (≤ 800 words) and build the body.
    pub fn to_body(&self) -> Result<Value> {
        self.0.to_body(TEXT_TO_VIDEO_MAX_WORDS)
    }
    /// A request with only `text`.
    pub fn new(text: impl Into<String>) -> Self {
        TextToVideoRequest(TextRequest::new(text))
    }
    /// Add a body field.
    pub fn with_param(self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        TextToVideoRequest(self.0.with_param(key, value))
    }
}
