//! CreateAigcVideoTask: request types (field names from the official SDK models, `tencentcloud-sdk-python-vod` 3.1.194).

use serde::{Deserialize, Serialize};

/// An input file of CreateAigcVideoTask (`AigcVideoTaskInputFileInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct VideoInputFile {
    /// `File`, `Url` or `Base64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// `Image`, `Video` or `Audio`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// VOD media file id (`Type` = `File`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// Reachable URL (`Type` = `Url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Base64 content without a `data:` prefix (`Type` = `Base64`; all files ≤ 7 MB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
    /// Reference kind (GV: `asset`/`style`; Kling video: `feature`/`base`; PixVerse: `subject`/`background`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_type: Option<String>,
    /// Vidu subject id (images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    /// Voice id for the subject (Vidu q2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_id: Option<String>,
    /// `Enabled`/`Disabled` (videos).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_original_sound: Option<String>,
    /// `FirstFrame` (default), `LastFrame` or `Reference`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<String>,
    /// Name of the image for `@name` references (PixVerse).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A subject of CreateAigcVideoTask (`AigcVideoTaskInputSubjectInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct VideoSubjectInfo {
    /// Subject id (required for Kling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Subject name (required for Vidu; use `[@name]` in the prompt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Voice id (Vidu).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_id: Option<String>,
    /// Temporary subject images (Vidu, ≤ 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_urls: Vec<String>,
    /// Temporary subject video (Vidu, ≤ 1 of 5 s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub video_urls: Vec<String>,
}

/// Output settings of CreateAigcVideoTask (`AigcVideoOutputConfig`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct VideoOutputConfig {
    /// `Temporary` (default; URL valid 7 days) or `Permanent` (stored in VOD, `FileId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_mode: Option<String>,
    /// Output name (≤ 64 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_name: Option<String>,
    /// VOD category id (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_id: Option<i64>,
    /// ISO 8601 deletion time of the output (default: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    /// Video length in seconds (model-specific range).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    /// e.g. `720P`, `1080P` (model-specific).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// e.g. `16:9`, `9:16`, `1:1` (model-specific).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<String>,
    /// `Enabled`/`Disabled` (default): also generate audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_generation: Option<String>,
    /// `AllowAdult` or `Disallowed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_generation: Option<String>,
    /// `Enabled`/`Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_compliance_check: Option<String>,
    /// `Enabled`/`Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_compliance_check: Option<String>,
    /// `Enabled`/`Disabled`: video enhancement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enhance_switch: Option<String>,
    /// `Enabled`/`Disabled`: off-peak processing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub off_peak: Option<String>,
    /// `Enabled`/`Disabled` (Vidu).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_interpolate: Option<String>,
    /// `Enabled`/`Disabled`: logo watermark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_add: Option<String>,
    /// `Enabled`/`Disabled` (default): add background music.
    #[serde(rename = "EnableBGM")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_bgm: Option<String>,
}

/// CreateAigcVideoTask request: generate a video (billed; default 1 concurrent task).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct VideoGenerationRequest {
    /// VOD application id (`SubAppId`); `None` uses the client default. Required for accounts opened after 2023-12-25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_app_id: Option<u64>,
    /// Model: `Kling`, `Vidu`, `Hailuo`, `Hunyuan`, `Mingmou`, `GV`, `OS`, `PixVerse`…
    pub model_name: String,
    /// Model version (model-specific, e.g. Kling `2.1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_version: Option<String>,
    /// Input files (first/last frame, references, video to edit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_infos: Vec<VideoInputFile>,
    /// Subjects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subject_infos: Vec<VideoSubjectInfo>,
    /// Last-frame VOD file id (needs a first frame in `FileInfos`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_frame_file_id: Option<String>,
    /// Last-frame URL (needs a first frame in `FileInfos`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_frame_url: Option<String>,
    /// Prompt (required when no input file and no scene type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// What to avoid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    /// `Enabled`/`Disabled`: let the vendor rewrite the prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enhance_prompt: Option<String>,
    /// Output settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_config: Option<VideoOutputConfig>,
    /// `Mainland` (default), `Oversea`, `OverseaUSWest`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_region: Option<String>,
    /// Scene (`motion_control`, `avatar_i2v`, `lip_sync`, `template_effect`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scene_type: Option<String>,
    /// VOD task flow to run on the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<String>,
    /// Random seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
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
