//! One function per endpoint plus the request/response serde types, split by endpoint group.
//! Wire names are Tencent's (PascalCase); the same types deserialise the JSON requests the CLI
//! and registry submit.

pub mod audio;
pub mod audio_clone;
pub mod image;
pub mod outputs;
pub mod task;
pub mod video;

use crate::client::Client;
use mediatask_core::{Operation, Result};
use serde::{Deserialize, Serialize};

pub use audio::{AudioGenerationRequest, AudioOutputConfig, AudioReferenceFile};
pub use audio_clone::{AudioCloneFileInfo, AudioCloneRequest};
pub use image::{ImageGenerationRequest, ImageInputFile, ImageOutputConfig};
pub use outputs::{
    AudioCloneTaskOutput, AudioTaskOutput, ImageTaskOutput, OutputFile, VideoTaskOutput, VideoUsage,
};
pub use task::{
    DescribeTaskDetailResponse, DescribeTasksRequest, DescribeTasksResponse, ManageTaskResponse,
    SubTask, TaskSimpleInfo, TimeRange,
};
pub use video::{VideoGenerationRequest, VideoInputFile, VideoOutputConfig, VideoSubjectInfo};

/// Response of every `CreateAigc*` action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CreateTaskResponse {
    /// Task id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// Request id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// Call a `CreateAigc*` action. `session_id` is the dedupe key Tencent honours (absent for
/// CreateAigcAudioTask, which has none); with it, a lost answer may be retried safely.
pub async fn create_task<B: Serialize + ?Sized>(
    client: &Client,
    action: &'static str,
    body: &B,
    session_id: Option<&str>,
) -> Result<CreateTaskResponse> {
    client
        .call(action, Operation::Submit, body, session_id)
        .await
}
