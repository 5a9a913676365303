//! [`LipSync`] (`lip_sync`) and [`ReusableLipSync`] (`reusable_lip_sync`): lip-synced talking
//! videos. Both share the `lip_sync` task pool (≤ 10 concurrent jobs incl. queued) and the
//! status schema of `GET /v1/video_generation/{task_id}`.

use super::{cancel_unsupported, expect_handle, not_succeeded, settle, snapshot, submit_job};
use crate::api::lipsync::{self, LipSyncRequest, LipSyncStatusBody, ReusableLipSyncRequest};
use crate::client::VozoClient;
use crate::config::LIP_SYNC_POOL;
use crate::generated::tables;
use async_trait::async_trait;
use mediatask_core::{
    Artifact, ArtifactKind, CancelOutcome, Capabilities, Error, ErrorKind, HasArtifacts, MediaTask,
    Operation, Result, TaskHandle, TaskInfo, TaskSnapshot, TaskStatus,
};
use serde::Serialize;

/// Kind name of [`LipSync`].
pub const LIP_SYNC_KIND: &str = "lip_sync";
/// Kind name of [`ReusableLipSync`].
pub const REUSABLE_LIP_SYNC_KIND: &str = "reusable_lip_sync";

/// The result of a finished lip-sync job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LipSyncOutput {
    /// The Vozo task id.
    pub task_id: String,
    /// The lip-synced video.
    pub video_url: String,
}

impl HasArtifacts for LipSyncOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        // Vozo documents no URL lifetime: expires_at stays None.
        vec![Artifact::new(ArtifactKind::Video, &self.video_url).with_label("lip-synced video")]
    }
}

/// Shared poll/result logic of both lip-sync kinds.
#[derive(Debug, Clone)]
struct LipSyncCore {
    client: VozoClient,
    kind: &'static str,
}

impl LipSyncCore {
    fn query_path(&self) -> String {
        if self.kind == REUSABLE_LIP_SYNC_KIND {
            self.client.config().reusable_lip_sync_query_path.clone()
        } else {
            lipsync::VIDEO_GENERATION_PATH.to_owned()
        }
    }

    async fn fetch(
        &self,
        handle: &TaskHandle,
        op: Operation,
    ) -> Result<(LipSyncStatusBody, TaskSnapshot)> {
        expect_handle(handle, self.kind)?;
        let (body, response) = lipsync::get(&self.client, &self.query_path(), &handle.task_id, op)
            .await
            .map_err(|e| e.with_task_id(handle.task_id.clone()))?;
        let snap = snapshot(
            tables::LIPSYNC_STATUS,
            &body.status,
            || crate::error::job_failure(body.err_code.as_deref(), body.err_message.as_deref()),
            &response,
        );
        settle(&self.client, handle, &snap);
        Ok((body, snap))
    }

    /// Poll; a succeeded snapshot keeps its output (the status answer carries the result), so
    /// `result_from_snapshot` needs no second request.
    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        let (body, snap) = self.fetch(handle, Operation::Poll).await?;
        Ok(snap.keeping_result(|s| output_of(handle, s, body)))
    }

    async fn result(&self, handle: &TaskHandle) -> Result<LipSyncOutput> {
        let (body, snap) = self.fetch(handle, Operation::Result).await?;
        output_of(handle, &snap, body)
    }

    async fn result_from_snapshot(
        &self,
        handle: &TaskHandle,
        snapshot: &TaskSnapshot,
    ) -> Result<LipSyncOutput> {
        match snapshot.kept_result::<LipSyncOutput>() {
            Some(output) => Ok(output.clone()),
            None => self.result(handle).await,
        }
    }
}

/// The output of one status answer, or the error for a job that has not succeeded.
fn output_of(
    handle: &TaskHandle,
    snap: &TaskSnapshot,
    body: LipSyncStatusBody,
) -> Result<LipSyncOutput> {
    if snap.status != TaskStatus::Succeeded {
        return Err(not_succeeded(handle, snap));
    }
    let video_url = body.video_url.ok_or_else(|| {
        Error::new(
            ErrorKind::Decode,
            "Vozo reported `done` without a video_url",
        )
        .with_provider(crate::PROVIDER)
        .with_operation(Operation::Result)
        .with_task_id(handle.task_id.clone())
    })?;
    Ok(LipSyncOutput {
        task_id: handle.task_id.clone(),
        video_url,
    })
}

fn info(
    kind: &'static str,
    description: &'static str,
    max_in_flight: usize,
    confirmed: bool,
) -> TaskInfo {
    let mut caps = Capabilities::basic();
    caps.callbacks = true;
    caps.max_in_flight_tasks = (max_in_flight > 0).then_some(max_in_flight as u32);
    caps.endpoint_confirmed = confirmed;
    caps.notes = if confirmed {
        "≤ 10 concurrent jobs incl. queued (pool `lip_sync`); single face; queue 1–120 min; \
         cancel undocumented; result URL lifetime unknown."
    } else {
        "Create endpoint documented; its query endpoint is NOT (default GUESS: \
         GET /v1/video_generation/{task_id}, configurable). Shares the `lip_sync` pool (guess)."
    };
    TaskInfo {
        provider: crate::PROVIDER,
        kind,
        description,
        capabilities: caps,
    }
}

/// LipSync: `POST /v1/video_generation` with a reference video or image, polled with
/// `GET /v1/video_generation/{task_id}` (`pending` → `processing` → `done`/`failed`).
#[derive(Debug, Clone)]
pub struct LipSync {
    core: LipSyncCore,
    info: TaskInfo,
}

impl LipSync {
    /// The task over a shared client.
    pub fn new(client: VozoClient) -> Self {
        let info = info(
            LIP_SYNC_KIND,
            "Lip-sync a reference video or photo to an audio track",
            client.config().lip_sync_max_concurrent_jobs,
            true,
        );
        LipSync {
            core: LipSyncCore {
                client,
                kind: LIP_SYNC_KIND,
            },
            info,
        }
    }
}

#[async_trait]
impl MediaTask for LipSync {
    type Request = LipSyncRequest;
    type Output = LipSyncOutput;

    fn info(&self) -> &TaskInfo {
        &self.info
    }

    async fn submit(&self, request: LipSyncRequest) -> Result<TaskHandle> {
        crate::validate::lip_sync(&request)?;
        let outgoing = lipsync::create_request(&request)?;
        drop(request); // the body bytes are all that is sent: free the typed copy while waiting
        submit_job(
            &self.core.client,
            LIP_SYNC_POOL,
            LIP_SYNC_KIND,
            &outgoing,
            serde_json::Value::Null,
        )
        .await
    }

    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        self.core.poll(handle).await
    }

    async fn cancel(&self, handle: &TaskHandle) -> Result<CancelOutcome> {
        expect_handle(handle, LIP_SYNC_KIND)?;
        Err(cancel_unsupported(handle))
    }

    async fn result(&self, handle: &TaskHandle) -> Result<LipSyncOutput> {
        self.core.result(handle).await
    }

    async fn result_from_snapshot(
        &self,
        handle: &TaskHandle,
        snapshot: &TaskSnapshot,
    ) -> Result<LipSyncOutput> {
        self.core.result_from_snapshot(handle, snapshot).await
    }
}

/// Reusable-model LipSync: `POST /v1/reusable_lipsync_model_video_generation` with a model id
/// and an audio track. The query endpoint is undocumented: polled with
/// `GET {reusable_lip_sync_query_path}/{task_id}` (default `/v1/video_generation`, a GUESS).
#[derive(Debug, Clone)]
pub struct ReusableLipSync {
    core: LipSyncCore,
    info: TaskInfo,
}

impl ReusableLipSync {
    /// The task over a shared client.
    pub fn new(client: VozoClient) -> Self {
        let info = info(
            REUSABLE_LIP_SYNC_KIND,
            "Lip-sync an audio track with a reusable lip-sync model",
            client.config().lip_sync_max_concurrent_jobs,
            false,
        );
        ReusableLipSync {
            core: LipSyncCore {
                client,
                kind: REUSABLE_LIP_SYNC_KIND,
            },
            info,
        }
    }
}

#[async_trait]
impl MediaTask for ReusableLipSync {
    type Request = ReusableLipSyncRequest;
    type Output = LipSyncOutput;

    fn info(&self) -> &TaskInfo {
        &self.info
    }

    async fn submit(&self, request: ReusableLipSyncRequest) -> Result<TaskHandle> {
        crate::validate::reusable_lip_sync(&request)?;
        let outgoing = lipsync::create_reusable_request(&request)?;
        let state = serde_json::json!({ "model_id": request.model_id });
        drop(request); // the body bytes are all that is sent: free the typed copy while waiting
        submit_job(
            &self.core.client,
            LIP_SYNC_POOL,
            REUSABLE_LIP_SYNC_KIND,
            &outgoing,
            state,
        )
        .await
    }

    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        self.core.poll(handle).await
    }

    async fn cancel(&self, handle: &TaskHandle) -> Result<CancelOutcome> {
        expect_handle(handle, REUSABLE_LIP_SYNC_KIND)?;
        Err(cancel_unsupported(handle))
    }

    async fn result(&self, handle: &TaskHandle) -> Result<LipSyncOutput> {
        self.core.result(handle).await
    }

    async fn result_from_snapshot(
        &self,
        handle: &TaskHandle,
        snapshot: &TaskSnapshot,
    ) -> Result<LipSyncOutput> {
        self.core.result_from_snapshot(handle, snapshot).await
    }
}
