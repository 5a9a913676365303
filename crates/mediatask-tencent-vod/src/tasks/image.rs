//! [`ImageGeneration`]: CreateAigcImageTask (default 1 concurrent task → a task pool) polled
//! through DescribeTaskDetail (`AigcImageTask`).

use super::{KindSpec, STATE_SESSION_ID};
use crate::api::{ImageGenerationRequest, ImageTaskOutput, OutputFile};
use crate::client::Client;
use crate::config::IMAGE_POOL;
use crate::generated::tables;
use crate::validate;
use async_trait::async_trait;
use mediatask_core::{
    Artifact, ArtifactKind, CancelOutcome, HasArtifacts, MediaTask, Result, TaskHandle, TaskInfo,
    TaskSnapshot,
};
use serde::Serialize;

const SPEC: KindSpec = KindSpec {
    kind: "image_generation",
    action: "CreateAigcImageTask",
    detail_field: "AigcImageTask",
    pool: Some(IMAGE_POOL),
};

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
#[derive(Debug, Clone)]
pub struct ImageGeneration {
    client: Client,
    info: TaskInfo,
}

impl ImageGeneration {
    /// The task over a shared client.
    pub fn new(client: Client) -> Self {
        ImageGeneration {
            client,
            info: Self::task_info(),
        }
    }

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
            return Err(mediatask_core::Error::invalid_field(
                "Prompt",
                "is required when FileInfos is empty",
            )
            .with_provider(crate::PROVIDER));
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
        if let Some(o) = &req.output_config {
            validate::max_chars(
                "OutputConfig.MediaName",
                o.media_name.as_deref(),
                tables::MAX_MEDIA_NAME_CHARS,
            )?;
        }
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

#[async_trait]
impl MediaTask for ImageGeneration {
    type Request = ImageGenerationRequest;
    type Output = ImageGenerationOutput;

    fn info(&self) -> &TaskInfo {
        &self.info
    }

    async fn submit(&self, mut req: ImageGenerationRequest) -> Result<TaskHandle> {
        Self::validate(&req)?;
        let session_id = super::effective_session_id(req.session_id.take());
        req.session_id = Some(session_id.clone());
        req.sub_app_id = super::effective_sub_app_id(&self.client, req.sub_app_id);
        super::submit(&self.client, &SPEC, &req, Some(&session_id), req.sub_app_id).await
    }

    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        Ok(super::poll::<ImageTaskOutput>(&self.client, &SPEC, handle)
            .await?
            .snapshot)
    }

    async fn cancel(&self, handle: &TaskHandle) -> Result<CancelOutcome> {
        super::cancel::<ImageTaskOutput>(&self.client, &SPEC, handle).await
    }

    async fn result(&self, handle: &TaskHandle) -> Result<ImageGenerationOutput> {
        let (sub, response) =
            super::succeeded::<ImageTaskOutput>(&self.client, &SPEC, handle).await?;
        let out = sub.output.unwrap_or_default();
        Ok(ImageGenerationOutput {
            task_id: handle.task_id.clone(),
            files: out.file_infos.unwrap_or_default(),
            session_id: sub
                .session_id
                .or_else(|| handle.state_str(STATE_SESSION_ID).map(str::to_owned)),
            session_context: sub.session_context,
            finish_time: response.finish_time,
        })
    }
}
