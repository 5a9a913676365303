//! DescribeTaskDetail output types shared by the AIGC task kinds.

use serde::{Deserialize, Serialize};

/// An output file of an AIGC task (`Aigc{Video,Image,Audio}TaskOutputFileInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OutputFile {
    /// `Temporary` (URL valid 7 days) or `Permanent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_mode: Option<String>,
    /// File name (Permanent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_name: Option<String>,
    /// VOD category (Permanent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_id: Option<i64>,
    /// ISO 8601 expiry of the file/URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    /// e.g. `mp4`, `png`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_type: Option<String>,
    /// Download URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_url: Option<String>,
    /// Inline content (video `UsageType` = `position_info`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_content: Option<String>,
    /// VOD media id (Permanent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// Media metadata (`MediaMetaData`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_data: Option<serde_json::Value>,
    /// Purpose of the file (3D outputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_type: Option<String>,
    /// Duration in seconds (audio).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
}

/// Usage counters of a video task (`AigcVideoTaskUsage`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct VideoUsage {
    /// Input tokens (GV omni).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<i64>,
    /// Thinking tokens (GV omni).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thought_tokens: Option<i64>,
    /// Input images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_image_count: Option<i64>,
    /// Input video seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_seconds: Option<i64>,
    /// Output video seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_seconds: Option<i64>,
    /// Input + output seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_seconds: Option<i64>,
}

/// `AigcVideoTask.Output`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct VideoTaskOutput {
    /// Output files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_infos: Option<Vec<OutputFile>>,
    /// Task-flow task ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_task_ids: Option<Vec<String>>,
    /// Usage counters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<VideoUsage>,
}

/// `AigcImageTask.Output`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ImageTaskOutput {
    /// Output files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_infos: Option<Vec<OutputFile>>,
}

/// `AigcAudioTask.Output`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AudioTaskOutput {
    /// Output audio files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_infos: Option<Vec<OutputFile>>,
    /// Output video files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_infos: Option<Vec<OutputFile>>,
}

/// `CreateAigcAudioCloneTask.Output`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AudioCloneTaskOutput {
    /// Task id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// Processing state (values undocumented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The cloned voice id (absent on failure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_id: Option<String>,
    /// Preview audio URL (when `Text` was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demo_audio: Option<String>,
    /// The pass-through payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}
