//! Voice tasks: [`VoiceLiteTrain`], [`VoiceProTrain`] (task id = `speakerId`) and
//! [`VoiceLiteSynthesis`], [`VoiceProSynthesis`] (task id = `jobId`). The edition only changes
//! the endpoint paths and the validation rules.

use super::{cancel_unsupported, capabilities, missing_result, not_succeeded, snapshot};
use crate::{PROVIDER, VoiceEdition, VoiceSynthesisRequest, VoiceTrainRequest, XjcClient};
use async_trait::async_trait;
use mediatask_core::{
    Artifact, ArtifactKind, CancelOutcome, HasArtifacts, MediaTask, Result, TaskHandle, TaskInfo,
    TaskSnapshot, TaskStatus,
};
use serde::Serialize;

/// A trained voice.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VoiceTrainOutput {
    /// The voice id to pass to synthesis (`speakerId`).
    pub speaker_id: String,
    /// LITE or PRO.
    pub edition: VoiceEdition,
    /// The vendor's `type` field, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice_type: Option<String>,
}

impl HasArtifacts for VoiceTrainOutput {
    /// A trained voice is an id, not a file: no downloadable artifact.
    fn artifacts(&self) -> Vec<Artifact> {
        Vec::new()
    }
}

/// A finished synthesis.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VoiceSynthesisOutput {
    /// The vendor job id.
    pub job_id: String,
    /// The audio (lifetime undocumented: copy it promptly).
    pub audio_url: String,
    /// Duration in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<f64>,
    /// LITE or PRO.
    pub edition: VoiceEdition,
}

impl HasArtifacts for VoiceSynthesisOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        vec![
            Artifact::new(ArtifactKind::Audio, self.audio_url.clone())
                .with_duration_secs(self.duration_secs),
        ]
    }
}

/// Shared implementation of the two training kinds.
#[derive(Debug, Clone)]
struct TrainTask {
    client: XjcClient,
    edition: VoiceEdition,
    info: TaskInfo,
}

impl TrainTask {
    async fn detail(
        &self,
        handle: &TaskHandle,
    ) -> Result<(TaskSnapshot, crate::api::voice::VoiceTrainDetail)> {
        handle.expect(PROVIDER, self.info.kind)?;
        let (detail, rid) = self
            .client
            .voice_train_detail(self.edition, &handle.task_id)
            .await
            .map_err(|e| e.with_task_id(handle.task_id.clone()))?;
        Ok((
            snapshot(detail.status, detail.error_message.as_deref(), rid),
            detail,
        ))
    }

    async fn submit(&self, request: VoiceTrainRequest) -> Result<TaskHandle> {
        let (speaker_id, _rid) = self.client.voice_train(self.edition, &request).await?;
        Ok(TaskHandle::new(PROVIDER, self.info.kind, speaker_id))
    }

    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        let (snap, detail) = self.detail(handle).await?;
        Ok(snap.keeping_result(|s| self.output_of(handle, s, detail)))
    }

    async fn result(&self, handle: &TaskHandle) -> Result<VoiceTrainOutput> {
        let (snap, detail) = self.detail(handle).await?;
        self.output_of(handle, &snap, detail)
    }

    fn output_of(
        &self,
        handle: &TaskHandle,
        snap: &TaskSnapshot,
        detail: crate::api::voice::VoiceTrainDetail,
    ) -> Result<VoiceTrainOutput> {
        if snap.status != TaskStatus::Succeeded {
            return Err(not_succeeded(handle, snap));
        }
        Ok(VoiceTrainOutput {
            speaker_id: detail
                .speaker_id
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| handle.task_id.clone()),
            edition: self.edition,
            voice_type: detail.voice_type,
        })
    }
}

/// Shared implementation of the two synthesis kinds.
#[derive(Debug, Clone)]
struct SynthesisTask {
    client: XjcClient,
    edition: VoiceEdition,
    info: TaskInfo,
}

impl SynthesisTask {
    async fn detail(
        &self,
        handle: &TaskHandle,
    ) -> Result<(TaskSnapshot, crate::api::voice::VoiceSynthesisDetail)> {
        handle.expect(PROVIDER, self.info.kind)?;
        let (detail, rid) = self
            .client
            .voice_create_detail(self.edition, &handle.task_id)
            .await
            .map_err(|e| e.with_task_id(handle.task_id.clone()))?;
        Ok((
            snapshot(detail.status, detail.error_message.as_deref(), rid),
            detail,
        ))
    }

    async fn submit(&self, request: VoiceSynthesisRequest) -> Result<TaskHandle> {
        let (job_id, _rid) = self.client.voice_create(self.edition, &request).await?;
        Ok(TaskHandle::new(PROVIDER, self.info.kind, job_id))
    }

    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        let (snap, detail) = self.detail(handle).await?;
        Ok(snap.keeping_result(|s| self.output_of(handle, s, detail)))
    }

    async fn result(&self, handle: &TaskHandle) -> Result<VoiceSynthesisOutput> {
        let (snap, detail) = self.detail(handle).await?;
        self.output_of(handle, &snap, detail)
    }

    fn output_of(
        &self,
        handle: &TaskHandle,
        snap: &TaskSnapshot,
        detail: crate::api::voice::VoiceSynthesisDetail,
    ) -> Result<VoiceSynthesisOutput> {
        if snap.status != TaskStatus::Succeeded {
            return Err(not_succeeded(handle, snap));
        }
        let audio_url = detail
            .url
            .filter(|u| !u.is_empty())
            .ok_or_else(|| missing_result(handle, "url"))?;
        Ok(VoiceSynthesisOutput {
            job_id: handle.task_id.clone(),
            audio_url,
            duration_secs: detail.duration,
            edition: self.edition,
        })
    }
}

macro_rules! voice_task {
    ($(#[$doc:meta])* $name:ident, $inner:ident, $edition:expr, $kind:literal, $desc:literal, $req:ty, $out:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name($inner);

        impl $name {
            /// Kind name.
            pub const KIND: &'static str = $kind;

            /// The task over `client`.
            pub fn new(client: XjcClient) -> Self {
                let info = TaskInfo {
                    provider: PROVIDER,
                    kind: $kind,
                    description: $desc,
                    capabilities: capabilities(&client, false),
                };
                $name($inner { client, edition: $edition, info })
            }
        }

        #[async_trait]
        impl MediaTask for $name {
            type Request = $req;
            type Output = $out;

            fn info(&self) -> &TaskInfo {
                &self.0.info
            }
            async fn submit(&self, request: $req) -> Result<TaskHandle> {
                self.0.submit(request).await
            }
            // the detail answer carries the result: the snapshot keeps it for
            // `result_from_snapshot`, which then needs no second request
            async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
                self.0.poll(handle).await
            }
            async fn cancel(&self, handle: &TaskHandle) -> Result<CancelOutcome> {
                handle.expect(PROVIDER, $kind)?;
                Err(cancel_unsupported(handle))
            }
            async fn result(&self, handle: &TaskHandle) -> Result<$out> {
                self.0.result(handle).await
            }
            async fn result_from_snapshot(
                &self,
                handle: &TaskHandle,
                snapshot: &TaskSnapshot,
            ) -> Result<$out> {
                match snapshot.kept_result::<$out>() {
                    Some(output) => Ok(output.clone()),
                    None => self.0.result(handle).await,
                }
            }
        }
    };
}

voice_task!(
    /// LITE voice training: the handle's task id is the `speakerId`.
    VoiceLiteTrain, TrainTask, VoiceEdition::Lite, "voice_lite_train",
    "LITE (standard) voice training from an audio sample", VoiceTrainRequest, VoiceTrainOutput
);
voice_task!(
    /// PRO voice training: the handle's task id is the `speakerId`.
    VoiceProTrain, TrainTask, VoiceEdition::Pro, "voice_pro_train",
    "PRO (professional) voice training from an audio sample", VoiceTrainRequest, VoiceTrainOutput
);
voice_task!(
    /// LITE speech synthesis with a trained `speakerId`.
    VoiceLiteSynthesis, SynthesisTask, VoiceEdition::Lite, "voice_lite_synthesis",
    "LITE text-to-speech with a trained voice", VoiceSynthesisRequest, VoiceSynthesisOutput
);
voice_task!(
    /// PRO speech synthesis with a trained `speakerId`.
    VoiceProSynthesis, SynthesisTask, VoiceEdition::Pro, "voice_pro_synthesis",
    "PRO text-to-speech with a trained voice", VoiceSynthesisRequest, VoiceSynthesisOutput
);
