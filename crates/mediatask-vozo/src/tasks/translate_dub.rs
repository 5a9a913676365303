//! [`TranslateDub`]: video/audio translation with dubbing (`translate_dub`).

use super::{cancel_unsupported, expect_handle, not_succeeded, settle, snapshot, submit_job};
use crate::api::translate::{self, TranslateDubRequest, TranslateStatusBody};
use crate::client::VozoClient;
use crate::config::TRANSLATE_POOL;
use crate::generated::tables;
use async_trait::async_trait;
use mediatask_core::{
    Artifact, ArtifactKind, CancelOutcome, Capabilities, Error, ErrorKind, HasArtifacts, MediaTask,
    Operation, Result, TaskHandle, TaskInfo, TaskSnapshot, TaskStatus,
};
use serde::Serialize;

/// Kind name.
pub const KIND: &str = "translate_dub";

/// Translate & Dub: `POST /v1/media/translate`, polled with `GET /v1/media/translate/{task_id}`.
/// Stages `queuing` → `preprocessing` → `transcribing` → `translating` → `dubbing` →
/// `rendering` → `done`/`failed`; the stage name is in [`TaskSnapshot::detail`].
///
/// ```no_run
/// # async fn demo() -> mediatask_core::Result<()> {
/// use mediatask_core::{MediaTaskExt, WaitPolicy};
/// use mediatask_vozo::api::translate::{MediaType, TranslateDubRequest};
/// use mediatask_vozo::{TranslateDub, VozoClient, VozoConfig};
/// let task = TranslateDub::new(VozoClient::new(VozoConfig::from_env())?);
/// let req = TranslateDubRequest::new(MediaType::Video, "https://cdn.example/in.mp4", "auto", "de");
/// let out = task.run(req, &WaitPolicy::default()).await?;
/// println!("{:?}", out.video_url);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct TranslateDub {
    client: VozoClient,
    info: TaskInfo,
}

impl TranslateDub {
    /// The task over a shared client.
    pub fn new(client: VozoClient) -> Self {
        let info = info(client.config().translate_max_concurrent_jobs);
        TranslateDub { client, info }
    }

    async fn fetch(
        &self,
        handle: &TaskHandle,
        op: Operation,
    ) -> Result<(TranslateStatusBody, TaskSnapshot)> {
        expect_handle(handle, KIND)?;
        let (body, response) = translate::get(&self.client, &handle.task_id, op)
            .await
            .map_err(|e| e.with_task_id(handle.task_id.clone()))?;
        let snap = snapshot(
            tables::TRANSLATE_STATUS,
            &body.status,
            || crate::error::job_failure(body.err_code.as_deref(), body.err_message.as_deref()),
            &response,
        );
        settle(&self.client, handle, &snap);
        Ok((body, snap))
    }
}

/// The [`TaskInfo`] of `translate_dub` with the configured cap.
pub(crate) fn info(max_in_flight: usize) -> TaskInfo {
    let mut caps = Capabilities::basic();
    caps.callbacks = true;
    caps.max_in_flight_tasks = (max_in_flight > 0).then_some(max_in_flight as u32);
    caps.notes = "Stages surface in detail; cancel undocumented; concurrency limit separate from \
                  lip-sync, number undocumented (local cap is a configurable guess); result URL \
                  lifetime unknown.";
    TaskInfo {
        provider: crate::PROVIDER,
        kind: KIND,
        description: "Translate a video or audio and dub it into another language",
        capabilities: caps,
    }
}

/// The result of a finished Translate & Dub job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TranslateDubOutput {
    /// The Vozo task id.
    pub task_id: String,
    /// Dubbed video (when exported).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// Dubbed audio (when exported).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_url: Option<String>,
    /// Translated subtitles (SRT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle_url: Option<String>,
    /// Vozo console project, when returned (undocumented field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_url: Option<String>,
}

impl HasArtifacts for TranslateDubOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        // Vozo documents no URL lifetime: expires_at stays None.
        let mut out = Vec::new();
        if let Some(u) = &self.video_url {
            out.push(Artifact::new(ArtifactKind::Video, u).with_label("dubbed video"));
        }
        if let Some(u) = &self.audio_url {
            out.push(Artifact::new(ArtifactKind::Audio, u).with_label("dubbed audio"));
        }
        if let Some(u) = &self.subtitle_url {
            out.push(Artifact::new(ArtifactKind::Subtitle, u).with_label("translated subtitles"));
        }
        if let Some(u) = &self.project_url {
            out.push(Artifact::new(ArtifactKind::Project, u).with_label("Vozo project"));
        }
        out
    }
}

#[async_trait]
impl MediaTask for TranslateDub {
    type Request = TranslateDubRequest;
    type Output = TranslateDubOutput;

    fn info(&self) -> &TaskInfo {
        &self.info
    }

    async fn submit(&self, request: TranslateDubRequest) -> Result<TaskHandle> {
        crate::validate::translate_dub(&request, self.client.config().speaker_number_max)?;
        let outgoing = translate::create_request(&request)?;
        drop(request); // the body bytes are all that is sent: free the typed copy while waiting
        submit_job(
            &self.client,
            TRANSLATE_POOL,
            KIND,
            &outgoing,
            serde_json::Value::Null,
        )
        .await
    }

    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        let (body, snap) = self.fetch(handle, Operation::Poll).await?;
        // the status answer carries the result: `result_from_snapshot` needs no second request
        Ok(snap.keeping_result(|s| output_of(handle, s, body)))
    }

    async fn cancel(&self, handle: &TaskHandle) -> Result<CancelOutcome> {
        expect_handle(handle, KIND)?;
        Err(cancel_unsupported(handle))
    }

    async fn result(&self, handle: &TaskHandle) -> Result<TranslateDubOutput> {
        let (body, snap) = self.fetch(handle, Operation::Result).await?;
        output_of(handle, &snap, body)
    }

    async fn result_from_snapshot(
        &self,
        handle: &TaskHandle,
        snapshot: &TaskSnapshot,
    ) -> Result<TranslateDubOutput> {
        match snapshot.kept_result::<TranslateDubOutput>() {
            Some(output) => Ok(output.clone()),
            None => self.result(handle).await,
        }
    }
}

/// The output of one status answer, or the error for a job that has not succeeded.
fn output_of(
    handle: &TaskHandle,
    snap: &TaskSnapshot,
    body: TranslateStatusBody,
) -> Result<TranslateDubOutput> {
    if snap.status != TaskStatus::Succeeded {
        return Err(not_succeeded(handle, snap));
    }
    let urls = body.result.unwrap_or_default();
    let output = TranslateDubOutput {
        task_id: handle.task_id.clone(),
        video_url: urls.video_url,
        audio_url: urls.audio_url,
        subtitle_url: urls.subtitle_url,
        project_url: urls.project_url,
    };
    if output.video_url.is_none() && output.audio_url.is_none() && output.subtitle_url.is_none() {
        return Err(Error::new(
            ErrorKind::Decode,
            "Vozo reported `done` without any result URL",
        )
        .with_provider(crate::PROVIDER)
        .with_operation(Operation::Result)
        .with_task_id(handle.task_id.clone()));
    }
    Ok(output)
}
