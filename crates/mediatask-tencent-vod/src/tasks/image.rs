//! [`ImageGeneration`]: CreateAigcImageTask (default 1 concurrent task → a task pool) polled
//! through DescribeTaskDetail (`AigcImageTask`).

use super::KindSpec;
use super::kind::{AigcKind, ResultParts, aigc_task};
use crate::api::{
    DescribeTaskDetailResponse, ImageGenerationRequest, ImageTaskOutput, OutputFile, SubTask,
};
use crate::config::IMAGE_POOL;
use crate::generated::tables;
use crate::validate;
use mediatask_core::{Artifact, ArtifactKind, HasArtifacts, Result, TaskInfo};
use serde::Serialize;

const SPEC: KindSpec = KindSpec {
    kind: "image_generation",
    action: "CreateAigcImageTask",
    detail_field: "AigcImageTask",
    pool: Some(IMAGE_POOL),
};

aigc_task! {
    /// AI image generation (CreateAigcImageTask).
    ///
    /// ```no_run
    /// # async fn demo(client: mediatask_tencent_vod::Client) -> mediatask_core::Result<()> {
    /// use mediatask_core::{MediaTaskExt, WaitPolicy};
    /// use mediatask_tencent_vod::{ImageGeneration, ImageGenerationRequest};
    /// let req: ImageGenerationRequest = serde_json::from_value(serde_json::json!({
    ///     "ModelName": "GG", "ModelVersion": "2.5", "Prompt": "a watercolor fox"
    /// }))?;
    /// let out = ImageGeneration::new(client).run(req, &WaitPolicy::default()).await?;
    /// # let _ = out; Ok(()) }
    /// ```
    pub struct ImageGeneration: ImageGenerationRequest => ImageGenerationOutput;
}

impl ImageGeneration {
    /// Identity and capabilities.
    pub fn task_info() -> TaskInfo {
        let mut info = TaskInfo {
            provider: crate::PROVIDER,
            kind: SPEC.kind,
            description: "Generate images from a prompt and/or reference images (CreateAigcImageTask)",
            capabilities: super::capabilities(
                true,
                None,
                Some(tables::IMAGE_MAX_CONCURRENT_TASKS as u32),
                "default 1 concurrent task (SDK waits for a slot; configurable); SessionId dedupe (auto); \
                 AigcImageTaskComplete event; Temporary URLs live 7 days; DescribeTaskDetail only within 3 days",
            ),
        };
        info.capabilities.callbacks = true;
        info
    }

    /// Check documented limits; nothing is sent when this fails.
    pub fn validate(req: &ImageGenerationRequest) -> Result<()> {
        validate::required("ModelName", &req.model_name)?;
        validate::common(
            req.session_id.as_deref(),
            req.session_context.as_deref(),
            req.tasks_priority,
        )?;
        let has_prompt = req.prompt.as_deref().is_some_and(|p| !p.trim().is_empty());
        if !has_prompt && req.file_infos.is_empty() {
            return Err(validate::invalid(
                "Prompt",
                "is required when FileInfos is empty",
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
        validate::output_media_name(
            req.output_config
                .as_ref()
                .and_then(|o| o.media_name.as_deref()),
        )?;
        Ok(())
    }
}

/// The result of an image generation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImageGenerationOutput {
    /// Task id.
    pub task_id: String,
    /// Output images.
    pub files: Vec<OutputFile>,
    /// The SessionId.
    pub session_id: Option<String>,
    /// The SessionContext echoed back.
    pub session_context: Option<String>,
    /// `FinishTime` of the task.
    pub finish_time: Option<String>,
}

impl HasArtifacts for ImageGenerationOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        super::artifacts(
            &self.files,
            ArtifactKind::Image,
            self.finish_time.as_deref(),
        )
    }
}

impl AigcKind for ImageGeneration {
    const SPEC: KindSpec = SPEC;
    type Detail = ImageTaskOutput;

    fn take_detail(response: &mut DescribeTaskDetailResponse) -> Option<SubTask<Self::Detail>> {
        response.aigc_image_task.take()
    }

    fn id_fields(
        request: &mut ImageGenerationRequest,
    ) -> (Option<&mut Option<String>>, &mut Option<u64>) {
        (Some(&mut request.session_id), &mut request.sub_app_id)
    }

    fn output(parts: ResultParts<ImageTaskOutput>) -> ImageGenerationOutput {
        ImageGenerationOutput {
            task_id: parts.task_id,
            files: parts.detail.file_infos.unwrap_or_default(),
            session_id: parts.session_id,
            session_context: parts.session_context,
            finish_time: parts.finish_time,
        }
    }
}
