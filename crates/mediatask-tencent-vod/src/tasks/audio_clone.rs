//! [`AudioClone`]: CreateAigcAudioClone (clone a voice; 20 requests/second) polled through
//! DescribeTaskDetail (`CreateAigcAudioCloneTask`).

use super::KindSpec;
use super::kind::{AigcKind, ResultParts, aigc_task};
use crate::api::{AudioCloneRequest, AudioCloneTaskOutput, DescribeTaskDetailResponse, SubTask};
use crate::generated::tables;
use crate::validate;
use mediatask_core::{Artifact, ArtifactKind, HasArtifacts, Result, TaskInfo};
use serde::Serialize;

const SPEC: KindSpec = KindSpec {
    kind: "audio_clone",
    action: "CreateAigcAudioClone",
    detail_field: "CreateAigcAudioCloneTask",
    pool: None,
};

aigc_task! {
    /// Voice cloning (CreateAigcAudioClone).
    ///
    /// ```no_run
    /// # async fn demo(client: mediatask_tencent_vod::Client) -> mediatask_core::Result<()> {
    /// use mediatask_core::{MediaTaskExt, WaitPolicy};
    /// use mediatask_tencent_vod::{AudioClone, AudioCloneRequest};
    /// let req: AudioCloneRequest = serde_json::from_value(serde_json::json!({
    ///     "AudioFileInfo": {"Type": "Url", "Url": "https://example.com/sample.mp3"},
    ///     "VoiceId": "myvoice01",
    ///     "Text": "Hello from my cloned voice."
    /// }))?;
    /// let out = AudioClone::new(client).run(req, &WaitPolicy::default()).await?;
    /// println!("{:?}", out.voice_id);
    /// # Ok(()) }
    /// ```
    pub struct AudioClone: AudioCloneRequest => AudioCloneOutput;
}

impl AudioClone {
    /// Identity and capabilities.
    pub fn task_info() -> TaskInfo {
        TaskInfo {
            provider: crate::PROVIDER,
            kind: SPEC.kind,
            description: "Clone a voice from a sample (CreateAigcAudioClone) and get a preview clip",
            capabilities: super::capabilities(
                true,
                Some(tables::AUDIO_CLONE_REQUESTS_PER_SECOND as u32),
                None,
                "20 req/s; SessionId dedupe (auto-generated); no completion event: poll; DescribeTaskDetail \
                 only within 3 days; ManageTask Abort applicability to AIGC unconfirmed; DemoAudio URL TTL unknown",
            ),
        }
    }

    /// Check every documented limit; nothing is sent when this fails.
    pub fn validate(req: &AudioCloneRequest) -> Result<()> {
        validate::voice_id(&req.voice_id)?;
        validate::required("Text", &req.text)?;
        validate::max_chars("Text", Some(&req.text), tables::MAX_TEXT_CHARS)?;
        validate::max_chars("Payload", req.payload.as_deref(), tables::MAX_PAYLOAD_CHARS)?;
        validate::common(
            req.session_id.as_deref(),
            req.session_context.as_deref(),
            req.tasks_priority,
        )?;
        for (field, t) in [
            ("AudioFileInfo", Some(&req.audio_file_info.r#type)),
            (
                "PromptAudioFileInfo",
                req.prompt_audio_file_info.as_ref().map(|p| &p.r#type),
            ),
        ] {
            if let Some(t) = t
                && t != "File"
                && t != "Url"
            {
                return Err(validate::invalid(field, "`Type` must be `File` or `Url`"));
            }
        }
        let f = &req.audio_file_info;
        validate::file_ref(
            "AudioFileInfo",
            Some(f.r#type.as_str()),
            f.file_id.as_deref(),
            f.url.as_deref(),
            None,
        )?;
        if let Some(p) = &req.prompt_audio_file_info {
            validate::file_ref(
                "PromptAudioFileInfo",
                Some(p.r#type.as_str()),
                p.file_id.as_deref(),
                p.url.as_deref(),
                None,
            )?;
        }
        Ok(())
    }
}

/// The result of a voice clone.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AudioCloneOutput {
    /// Task id.
    pub task_id: String,
    /// The new voice id (absent when cloning failed).
    pub voice_id: Option<String>,
    /// Preview audio URL (`DemoAudio`), when `Text` was given. Its lifetime is undocumented.
    pub demo_audio_url: Option<String>,
    /// `Output.State` (values undocumented).
    pub state: Option<String>,
    /// The pass-through payload.
    pub payload: Option<String>,
    /// `Output.CreatedAt`.
    pub created_at: Option<String>,
    /// The SessionId the task was submitted with.
    pub session_id: Option<String>,
    /// The SessionContext echoed back.
    pub session_context: Option<String>,
    /// `FinishTime` of the task.
    pub finish_time: Option<String>,
}

impl HasArtifacts for AudioCloneOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        self.demo_audio_url
            .iter()
            .filter(|u| !u.is_empty())
            .map(|u| Artifact::new(ArtifactKind::Audio, u.clone()).with_label("demo"))
            .collect()
    }
}

impl AigcKind for AudioClone {
    const SPEC: KindSpec = SPEC;
    type Detail = AudioCloneTaskOutput;

    fn take_detail(response: &mut DescribeTaskDetailResponse) -> Option<SubTask<Self::Detail>> {
        response.create_aigc_audio_clone_task.take()
    }

    fn id_fields(
        request: &mut AudioCloneRequest,
    ) -> (Option<&mut Option<String>>, &mut Option<u64>) {
        (Some(&mut request.session_id), &mut request.sub_app_id)
    }

    fn output(parts: ResultParts<AudioCloneTaskOutput>) -> AudioCloneOutput {
        let out = parts.detail;
        AudioCloneOutput {
            task_id: parts.task_id,
            voice_id: out.voice_id,
            demo_audio_url: out.demo_audio.filter(|u| !u.is_empty()),
            state: out.state,
            payload: out.payload,
            created_at: out.created_at,
            session_id: parts.session_id,
            session_context: parts.session_context,
            finish_time: parts.finish_time,
        }
    }
}
