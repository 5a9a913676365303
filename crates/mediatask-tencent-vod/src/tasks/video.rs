//! [`VideoGeneration`]: CreateAigcVideoTask (default 1 concurrent task → a task pool) polled
//! through DescribeTaskDetail (`AigcVideoTask`).

use super::KindSpec;
use super::kind::{AigcKind, ResultParts, aigc_task};
use crate::api::{
    DescribeTaskDetailResponse, OutputFile, SubTask, VideoGenerationRequest, VideoTaskOutput,
    VideoUsage,
};
use crate::config::VIDEO_POOL;
use crate::generated::tables;
use crate::validate;
use mediatask_core::{Artifact, ArtifactKind, HasArtifacts, Result, TaskInfo};
use serde::Serialize;

const SPEC: KindSpec = KindSpec {
    kind: "video_generation",
    action: "CreateAigcVideoTask",
    detail_field: "AigcVideoTask",
    pool: Some(VIDEO_POOL),
};

aigc_task! {
    /// AI video generation (CreateAigcVideoTask).
    ///
    /// ```no_run
    /// # async fn demo(client: mediatask_tencent_vod::Client) -> mediatask_core::Result<()> {
    /// use mediatask_core::{MediaTask, MediaTaskExt, WaitPolicy};
    /// use mediatask_tencent_vod::{VideoGeneration, VideoGenerationRequest};
    /// let req: VideoGenerationRequest = serde_json::from_value(serde_json::json!({
    ///     "ModelName": "Kling", "ModelVersion": "2.1", "Prompt": "a cat surfing at sunset"
    /// }))?;
    /// let task = VideoGeneration::new(client);
    /// let handle = task.submit(req).await?;
    /// let snap = task.wait(&handle, &WaitPolicy::default()).await?;
    /// # let _ = snap; Ok(()) }
    /// ```
    pub struct VideoGeneration: VideoGenerationRequest => VideoGenerationOutput;
}

impl VideoGeneration {
    /// Identity and capabilities.
    pub fn task_info() -> TaskInfo {
        let mut info = TaskInfo {
            provider: crate::PROVIDER,
            kind: SPEC.kind,
            description: "Generate a video from a prompt and/or images (CreateAigcVideoTask)",
            capabilities: super::capabilities(
                true,
                None,
                Some(tables::VIDEO_MAX_CONCURRENT_TASKS as u32),
                "default 1 concurrent task (SDK waits for a slot; configurable); SessionId dedupe (auto); \
                 AigcVideoTaskComplete event; Temporary URLs live 7 days; DescribeTaskDetail only within 3 days",
            ),
        };
        info.capabilities.callbacks = true;
        info
    }

    /// Check documented limits; nothing is sent when this fails.
    pub fn validate(req: &VideoGenerationRequest) -> Result<()> {
        validate::required("ModelName", &req.model_name)?;
        validate::common(
            req.session_id.as_deref(),
            req.session_context.as_deref(),
            req.tasks_priority,
        )?;
        let has_prompt = req.prompt.as_deref().is_some_and(|p| !p.trim().is_empty());
        if !has_prompt
            && req.file_infos.is_empty()
            && req.scene_type.is_none()
            && req.subject_infos.is_empty()
        {
            return Err(validate::invalid(
                "Prompt",
                "is required when no FileInfos, SubjectInfos or SceneType are given",
            ));
        }
        for f in &req.file_infos {
            validate::file_ref(
                "FileInfos",
                f.r#type.as_deref(),
                f.file_id.as_deref(),
                f.url.as_deref(),
                f.base64.as_deref(),
            )?;
        }
        if (req.last_frame_file_id.is_some() || req.last_frame_url.is_some())
            && req.file_infos.is_empty()
        {
            return Err(validate::invalid(
                "FileInfos",
                "must hold the first frame when LastFrameFileId/LastFrameUrl is set",
            ));
        }
        validate::output_media_name(
            req.output_config
                .as_ref()
                .and_then(|o| o.media_name.as_deref()),
        )?;
        Ok(())
    }
}

/// The result of a video generation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VideoGenerationOutput {
    /// Task id.
    pub task_id: String,
    /// Output files (URLs expire: see `ExpireTime`).
    pub files: Vec<OutputFile>,
    /// Task-flow task ids, when a `Procedure` was given.
    pub procedure_task_ids: Vec<String>,
    /// Usage counters.
    pub usage: Option<VideoUsage>,
    /// The SessionId.
    pub session_id: Option<String>,
    /// The SessionContext echoed back.
    pub session_context: Option<String>,
    /// `FinishTime` of the task.
    pub finish_time: Option<String>,
}

impl HasArtifacts for VideoGenerationOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        super::artifacts(
            &self.files,
            ArtifactKind::Video,
            self.finish_time.as_deref(),
        )
    }
}

impl AigcKind for VideoGeneration {
    const SPEC: KindSpec = SPEC;
    type Detail = VideoTaskOutput;

    fn take_detail(response: &mut DescribeTaskDetailResponse) -> Option<SubTask<Self::Detail>> {
        response.aigc_video_task.take()
    }

    fn id_fields(
        request: &mut VideoGenerationRequest,
    ) -> (Option<&mut Option<String>>, &mut Option<u64>) {
        (Some(&mut request.session_id), &mut request.sub_app_id)
    }

    fn output(parts: ResultParts<VideoTaskOutput>) -> VideoGenerationOutput {
        let out = parts.detail;
        VideoGenerationOutput {
            task_id: parts.task_id,
            files: out.file_infos.unwrap_or_default(),
            procedure_task_ids: out.procedure_task_ids.unwrap_or_default(),
            usage: out.usage,
            session_id: parts.session_id,
            session_context: parts.session_context,
            finish_time: parts.finish_time,
        }
    }
}
