//! [`AudioGeneration`]: CreateAigcAudioTask (sound effects / music) polled through
//! DescribeTaskDetail (`AigcAudioTask`). The action has no `SessionId`, so a submit whose answer
//! is lost is never retried: it becomes `OutcomeUnknown`.

use super::KindSpec;
use super::kind::{AigcKind, ResultParts, aigc_task};
use crate::api::{
    AudioGenerationRequest, AudioTaskOutput, DescribeTaskDetailResponse, OutputFile, SubTask,
};
use crate::validate;
use mediatask_core::{Artifact, ArtifactKind, HasArtifacts, Result, TaskInfo};
use serde::Serialize;

/// Longest `OutputConfig.Duration` (seconds).
pub(crate) const MAX_AUDIO_DURATION_SECS: i64 = 60;

const SPEC: KindSpec = KindSpec {
    kind: "audio_generation",
    action: "CreateAigcAudioTask",
    detail_field: "AigcAudioTask",
    pool: None,
};

aigc_task! {
    /// AI audio generation (CreateAigcAudioTask).
    ///
    /// ```no_run
    /// # async fn demo(client: mediatask_tencent_vod::Client) -> mediatask_core::Result<()> {
    /// use mediatask_core::{MediaTaskExt, WaitPolicy};
    /// use mediatask_tencent_vod::{AudioGeneration, AudioGenerationRequest};
    /// let req: AudioGenerationRequest = serde_json::from_value(serde_json::json!({
    ///     "ModelName": "example-model", "SceneType": "sfx", "Prompt": "rain on a tin roof"
    /// }))?;
    /// let out = AudioGeneration::new(client).run(req, &WaitPolicy::default()).await?;
    /// # let _ = out; Ok(()) }
    /// ```
    pub struct AudioGeneration: AudioGenerationRequest => AudioGenerationOutput;
}

impl AudioGeneration {
    /// Identity and capabilities.
    pub fn task_info() -> TaskInfo {
        TaskInfo {
            provider: crate::PROVIDER,
            kind: SPEC.kind,
            description: "Generate sound effects or music (CreateAigcAudioTask)",
            capabilities: super::capabilities(
                false,
                None,
                None,
                "no SessionId on this action: a lost submit answer is OutcomeUnknown, never retried; \
                 Temporary URLs live 7 days; DescribeTaskDetail only within 3 days",
            ),
        }
    }

    /// Check documented limits; nothing is sent when this fails.
    pub fn validate(req: &AudioGenerationRequest) -> Result<()> {
        validate::required("ModelName", &req.model_name)?;
        for f in req.audio_infos.iter().chain(&req.video_infos) {
            validate::file_ref(
                "AudioInfos/VideoInfos",
                f.r#type.as_deref(),
                f.file_id.as_deref(),
                f.url.as_deref(),
                None,
            )?;
        }
        if let Some(o) = &req.output_config {
            validate::output_media_name(o.media_name.as_deref())?;
            if let Some(d) = o.duration
                && !(0..=MAX_AUDIO_DURATION_SECS).contains(&d)
            {
                return Err(validate::invalid(
                    "OutputConfig.Duration",
                    format!("must be 0–{MAX_AUDIO_DURATION_SECS} seconds (got {d})"),
                ));
            }
        }
        if let Some(p) = &req.additional_parameters
            && serde_json::from_str::<serde_json::Value>(p).is_err()
        {
            return Err(validate::invalid(
                "AdditionalParameters",
                "must be a JSON document serialised as a string",
            ));
        }
        Ok(())
    }
}

/// The result of an audio generation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AudioGenerationOutput {
    /// Task id.
    pub task_id: String,
    /// Output audio files.
    pub audio_files: Vec<OutputFile>,
    /// Output video files (when a reference video was dubbed).
    pub video_files: Vec<OutputFile>,
    /// `FinishTime` of the task.
    pub finish_time: Option<String>,
}

impl HasArtifacts for AudioGenerationOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        let mut a = super::artifacts(
            &self.audio_files,
            ArtifactKind::Audio,
            self.finish_time.as_deref(),
        );
        a.extend(super::artifacts(
            &self.video_files,
            ArtifactKind::Video,
            self.finish_time.as_deref(),
        ));
        a
    }
}

impl AigcKind for AudioGeneration {
    const SPEC: KindSpec = SPEC;
    type Detail = AudioTaskOutput;

    fn take_detail(response: &mut DescribeTaskDetailResponse) -> Option<SubTask<Self::Detail>> {
        response.aigc_audio_task.take()
    }

    /// CreateAigcAudioTask has no SessionId.
    fn id_fields(
        request: &mut AudioGenerationRequest,
    ) -> (Option<&mut Option<String>>, &mut Option<u64>) {
        (None, &mut request.sub_app_id)
    }

    fn output(parts: ResultParts<AudioTaskOutput>) -> AudioGenerationOutput {
        AudioGenerationOutput {
            task_id: parts.task_id,
            audio_files: parts.detail.audio_infos.unwrap_or_default(),
            video_files: parts.detail.video_infos.unwrap_or_default(),
            finish_time: parts.finish_time,
        }
    }
}
