//! CreateAigcAudioClone: request/response types (field names from the seed doc and the official SDK models).

use serde::{Deserialize, Serialize};

/// An input audio file of CreateAigcAudioClone (`AigcAudioCloneInputFileInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct AudioCloneFileInfo {
    /// `File` (a VOD media file, set `FileId`) or `Url` (set `Url`).
    pub r#type: String,
    /// VOD media file id (when `Type` = `File`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// Reachable URL (when `Type` = `Url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// CreateAigcAudioClone request: clone a voice from a sample (billed; TTS preview billed per character).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct AudioCloneRequest {
    /// VOD application id (`SubAppId`); `None` uses the client default. Required for accounts opened after 2023-12-25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_app_id: Option<u64>,
    /// Source audio (mp3/m4a/wav, 10 s – 5 min, ≤ 20 MB).
    pub audio_file_info: AudioCloneFileInfo,
    /// New voice id: 8–256 chars, starts with a letter, `[A-Za-z0-9_-]`, not ending in `-`/`_`, unused.
    pub voice_id: String,
    /// Preview text read with the cloned voice (≤ 1000 chars).
    pub text: String,
    /// Short sample audio (< 8 s) improving similarity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_audio_file_info: Option<AudioCloneFileInfo>,
    /// Transcript of the sample audio (ending with punctuation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_text: Option<String>,
    /// Pass-through data (≤ 1,048,576 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// Dedupe key (≤ 50 chars). `None` → the SDK generates one, so a lost answer can be retried safely.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Pass-through context echoed in callbacks (≤ 1000 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_context: Option<String>,
    /// Priority −10..=10 (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks_priority: Option<i64>,
    /// Reserved / model-specific extra parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_info: Option<String>,
}
