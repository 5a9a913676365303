//! CreateAigcImageTask: request types (field names from the official SDK models).

use serde::{Deserialize, Serialize};

/// An input image of CreateAigcImageTask (`AigcImageTaskInputFileInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct ImageInputFile {
    /// `File`, `Url` or `Base64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// VOD media file id (`Type` = `File`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// Reachable URL (`Type` = `Url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Base64 content without a `data:` prefix (all files ≤ 7 MB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
    /// Description of the image (GEM 2.5/3.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `mask` (OG only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_type: Option<String>,
}

/// Output settings of CreateAigcImageTask (`AigcImageOutputConfig`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct ImageOutputConfig {
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
    /// e.g. `1K`, `2K`, `4K` (model-specific).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// e.g. `1:1`, `16:9` (model-specific).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<String>,
    /// `AllowAdult` or `Disallowed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_generation: Option<String>,
    /// `Enabled`/`Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_compliance_check: Option<String>,
    /// `Enabled`/`Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_compliance_check: Option<String>,
    /// Number of images (Kling 1–9, OG 1–8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_image_count: Option<i64>,
    /// `jpeg` or `png`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_format: Option<String>,
    /// `Enabled`/`Disabled` (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_add: Option<String>,
}

/// CreateAigcImageTask request: generate images (billed; default 1 concurrent task).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct ImageGenerationRequest {
    /// VOD application id (`SubAppId`); `None` uses the client default. Required for accounts opened after 2023-12-25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_app_id: Option<u64>,
    /// Model: `OG`, `GG`, `Hunyuan`, `Vidu`, `Kling`…
    pub model_name: String,
    /// Model version (model-specific).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_version: Option<String>,
    /// Reference images (model-specific maximum).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_infos: Vec<ImageInputFile>,
    /// Prompt (required when `FileInfos` is empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// What to avoid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    /// `Enabled`/`Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enhance_prompt: Option<String>,
    /// Output settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_config: Option<ImageOutputConfig>,
    /// `Mainland`, `Oversea`, `OverseaUSWest`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_region: Option<String>,
    /// Scene (`3d_panorama`, `image_expand`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scene_type: Option<String>,
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
