//! [`Works`]: the digital-human talking-video job (`works/create` → `works/inspect`).

use super::{cancel_unsupported, capabilities, missing_result, not_succeeded, snapshot};
use crate::client::WORKS_POOL;
use crate::{PROVIDER, WorksRequest, XjcClient};
use async_trait::async_trait;
use mediatask_core::{
    Artifact, ArtifactKind, CancelOutcome, HasArtifacts, MediaTask, Result, TaskHandle, TaskInfo,
    TaskSnapshot, TaskStatus,
};
use serde::Serialize;

/// The works job kind.
///
/// ```no_run
/// # async fn demo() -> mediatask_core::Result<()> {
/// use mediatask_core::{MediaTaskExt, WaitPolicy};
/// use mediatask_xjc::{Works, WorksRequest, XjcClient};
/// let works = Works::new(XjcClient::from_env()?);
/// let req = WorksRequest::audio_driven("https://cdn.example/avatar.mp4", "https://cdn.example/a.mp3");
/// let out = works.run(req, &WaitPolicy::default()).await?;
/// println!("{}", out.video_url);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Works {
    client: XjcClient,
    info: TaskInfo,
}

/// A finished works job.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct WorksOutput {
    /// The vendor job id.
    pub job_id: String,
    /// The video (lifetime undocumented: copy it promptly).
    pub video_url: String,
    /// Duration in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<f64>,
}

impl HasArtifacts for WorksOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        vec![
            Artifact::new(ArtifactKind::Video, self.video_url.clone())
                .with_duration_secs(self.duration_secs),
        ]
    }
}

impl Works {
    /// Kind name.
    pub const KIND: &'static str = "works";

    /// The task over `client`.
    pub fn new(client: XjcClient) -> Self {
        let info = TaskInfo {
            provider: PROVIDER,
            kind: Self::KIND,
            description: "talking-avatar video (audio- or text-driven digital human)",
            capabilities: capabilities(&client, true),
        };
        Works { client, info }
    }

    fn check(&self, handle: &TaskHandle) -> Result<()> {
        handle.expect(PROVIDER, Self::KIND)
    }

    async fn inspect(
        &self,
        handle: &TaskHandle,
    ) -> Result<(TaskSnapshot, crate::api::works::WorksDetail)> {
        self.check(handle)?;
        let (detail, request_id) = self
            .client
            .works_inspect(&handle.task_id)
            .await
            .map_err(|e| e.with_task_id(handle.task_id.clone()))?;
        let snap = snapshot(detail.status, detail.error_message.as_deref(), request_id);
        if snap.is_terminal() {
            self.client
                .transport()
                .limiter()
                .release_task(&handle.task_id);
        }
        Ok((snap, detail))
    }
}

#[async_trait]
impl MediaTask for Works {
    type Request = WorksRequest;
    type Output = WorksOutput;

    fn info(&self) -> &TaskInfo {
        &self.info
    }

    async fn submit(&self, request: WorksRequest) -> Result<TaskHandle> {
        request.validate(self.client.config().strict_audio_formats)?;
        let slot = self
            .client
            .transport()
            .reserve_task_slot(WORKS_POOL)
            .await?;
        let (job_id, _request_id) = self.client.works_create(&request).await?;
        self.client.transport().limiter().bind_task(slot, &job_id);
        Ok(TaskHandle::new(PROVIDER, Self::KIND, job_id))
    }

    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        let (snap, detail) = self.inspect(handle).await?;
        // the inspect answer carries the result: `result_from_snapshot` needs no second request
        Ok(snap.keeping_result(|s| output_of(handle, s, detail)))
    }

    async fn cancel(&self, handle: &TaskHandle) -> Result<CancelOutcome> {
        self.check(handle)?;
        Err(cancel_unsupported(handle))
    }

    async fn result(&self, handle: &TaskHandle) -> Result<WorksOutput> {
        let (snap, detail) = self.inspect(handle).await?;
        output_of(handle, &snap, detail)
    }

    async fn result_from_snapshot(
        &self,
        handle: &TaskHandle,
        snapshot: &TaskSnapshot,
    ) -> Result<WorksOutput> {
        match snapshot.kept_result::<WorksOutput>() {
            Some(output) => Ok(output.clone()),
            None => self.result(handle).await,
        }
    }
}

/// The output of one inspect answer, or the error for a job that has not succeeded.
fn output_of(
    handle: &TaskHandle,
    snap: &TaskSnapshot,
    detail: crate::api::works::WorksDetail,
) -> Result<WorksOutput> {
    if snap.status != TaskStatus::Succeeded {
        return Err(not_succeeded(handle, snap));
    }
    let video_url = detail
        .video_url
        .filter(|u| !u.is_empty())
        .ok_or_else(|| missing_result(handle, "videoUrl"))?;
    Ok(WorksOutput {
        job_id: handle.task_id.clone(),
        video_url,
        duration_secs: detail.duration,
    })
}
