//! CreateAigcAudioTask: request types (field names from the official SDK models). This action has no `SessionId`.

use serde::{Deserialize, Serialize};

/// A reference audio or video of CreateAigcAudioTask (`AigcAudioReferenceAudioInfo` / `AigcAudioReferenceVideoInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct AudioReferenceFile {
    /// `File` or `Url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// VOD media file id (`Type` = `File`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// Public URL (`Type` = `Url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Output settings of CreateAigcAudioTask (`AigcAudioOutputConfig`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct AudioOutputConfig {
    /// `Temporary` (default; URL valid 7 days) or `Permanent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_mode: Option<String>,
    /// Output name (≤ 64 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_name: Option<String>,
    /// VOD category id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_id: Option<i64>,
    /// ISO 8601 deletion time of the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    /// Audio length in seconds, 0–60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Output audio format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_audio_format: Option<String>,
}

/// CreateAigcAudioTask request: generate sound effects or music (billed). This action has no `SessionId`: a lost answer is never retried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct AudioGenerationRequest {
    /// VOD application id (`SubAppId`); `None` uses the client default. Required for accounts opened after 2023-12-25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_app_id: Option<u64>,
    /// Model name.
    pub model_name: String,
    /// Model version (default: current stable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_version: Option<String>,
    /// `sfx` (sound effect) or `music`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scene_type: Option<String>,
    /// Description of the audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// Reference videos.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub video_infos: Vec<AudioReferenceFile>,
    /// Reference audios (e.g. for music).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audio_infos: Vec<AudioReferenceFile>,
    /// Output settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_config: Option<AudioOutputConfig>,
    /// Model-specific parameters as a JSON string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_parameters: Option<String>,
}
