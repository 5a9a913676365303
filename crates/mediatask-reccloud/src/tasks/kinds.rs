//! The six RecCloud job kinds: request → body, paths, result parser, capability notes, and
//! the credit service each request is billed under.

use super::JobKind;
use crate::api::TaskQuery;
use crate::api::generation::{
    GeneratedMediaOutput, TextToSpeechRequest, TextToVideoRequest, parse_generated,
};
use crate::api::media::{
    SubtitleBurnInOutput, SubtitleBurnInRequest, VideoTranslationPreviewOutput,
    VideoTranslationPreviewRequest, VideoTranslationSynthesisOutput,
    VideoTranslationSynthesisRequest, parse_preview, parse_subtitle, parse_synthesis,
};
use crate::api::recognition::{SpeechToTextOutput, SpeechToTextRequest, parse_recognition};
use crate::client::RecCloudClient;
use crate::config::{Endpoints, config_error};
use crate::credits::{Billable, CreditService};
use mediatask_core::{ArtifactKind, Error, ErrorKind, Result};
use serde::Serialize;

/// Serialise a body struct as-is (field order = documented order).
fn to_bytes<T: Serialize>(body: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(body).map_err(|e| {
        Error::new(
            ErrorKind::InvalidRequest,
            format!("cannot encode request: {e}"),
        )
        .with_provider(crate::PROVIDER)
    })
}

/// Speech-to-text / AI subtitles (`audio/recognition`; create and query documented).
#[derive(Debug)]
pub struct SpeechToTextKind;

impl JobKind for SpeechToTextKind {
    type Request = SpeechToTextRequest;
    type Output = SpeechToTextOutput;
    const KIND: &'static str = "speech_to_text";
    const DESCRIPTION: &'static str =
        "Speech-to-text / AI subtitles: text, timed segments, speaker labels, optional translation";
    const ENDPOINT_CONFIRMED: bool = true;
    const NOTES: &'static str = "Source ≤ 4 GB and ≤ 3 h, URL ≤ 512 chars. Only `type` 4 is documented. \
        No cancel. 2 QPS / 2 parallel tasks per key by default.";
    fn body(request: &Self::Request) -> Result<Vec<u8>> {
        to_bytes(&request.to_body()?)
    }
    fn create_path(client: &RecCloudClient) -> Result<String> {
        Ok(client.endpoints().recognition.clone())
    }
    fn query_path(client: &RecCloudClient) -> Result<String> {
        Ok(client.endpoints().recognition_query.clone())
    }
    fn parse(task_id: &str, query: &TaskQuery) -> Result<Self::Output> {
        parse_recognition(task_id, query)
    }
}

impl Billable for SpeechToTextRequest {
    fn credit_service(&self) -> CreditService {
        CreditService::SpeechToText
    }
}

/// Subtitle burn-in "video synthesis" (`media/subtitle`; query path inferred).
#[derive(Debug)]
pub struct SubtitleBurnInKind;

impl JobKind for SubtitleBurnInKind {
    type Request = SubtitleBurnInRequest;
    type Output = SubtitleBurnInOutput;
    const KIND: &'static str = "subtitle_burn_in";
    const DESCRIPTION: &'static str = "Burn a subtitle file into a video with a subtitle style";
    const ENDPOINT_CONFIRMED: bool = false;
    const NOTES: &'static str = "Create path documented; query path `/api/tasks/media/subtitle/{task_id}` \
        and result shape INFERRED (configurable: endpoints.subtitle_query). No cancel.";
    fn body(request: &Self::Request) -> Result<Vec<u8>> {
        to_bytes(&request.to_body()?)
    }
    fn create_path(client: &RecCloudClient) -> Result<String> {
        Ok(client.endpoints().subtitle.clone())
    }
    fn query_path(client: &RecCloudClient) -> Result<String> {
        Ok(client.endpoints().subtitle_query.clone())
    }
    fn parse(task_id: &str, query: &TaskQuery) -> Result<Self::Output> {
        Ok(parse_subtitle(task_id, query))
    }
}

impl Billable for SubtitleBurnInRequest {
    fn credit_service(&self) -> CreditService {
        CreditService::SubtitleSynthesis
    }
}

/// Video translation, step 1: preview (`media/video-translation/preview`; query inferred).
#[derive(Debug)]
pub struct VideoTranslationPreviewKind;

impl JobKind for VideoTranslationPreviewKind {
    type Request = VideoTranslationPreviewRequest;
    type Output = VideoTranslationPreviewOutput;
    const KIND: &'static str = "video_translation_preview";
    const DESCRIPTION: &'static str = "Video translation step 1: recognise and translate, returning source and translated subtitles";
    const ENDPOINT_CONFIRMED: bool = false;
    const NOTES: &'static str = "Create path documented (2026 docs); query path `…/preview/{task_id}` and \
        result shape INFERRED (configurable: endpoints.translation_preview_query). No cancel.";
    fn body(request: &Self::Request) -> Result<Vec<u8>> {
        to_bytes(&request.to_body()?)
    }
    fn create_path(client: &RecCloudClient) -> Result<String> {
        Ok(client.endpoints().translation_preview.clone())
    }
    fn query_path(client: &RecCloudClient) -> Result<String> {
        Ok(client.endpoints().translation_preview_query.clone())
    }
    fn parse(task_id: &str, query: &TaskQuery) -> Result<Self::Output> {
        parse_preview(task_id, query)
    }
}

impl Billable for VideoTranslationPreviewRequest {
    fn credit_service(&self) -> CreditService {
        CreditService::VideoTranslation
    }
}

/// Video translation, step 2: synthesis (`media/video-translation/synthesis`; query inferred).
#[derive(Debug)]
pub struct VideoTranslationSynthesisKind;

impl JobKind for VideoTranslationSynthesisKind {
    type Request = VideoTranslationSynthesisRequest;
    type Output = VideoTranslationSynthesisOutput;
    const KIND: &'static str = "video_translation_synthesis";
    const DESCRIPTION: &'static str =
        "Video translation step 2: dub and render the video from (edited) subtitles";
    const ENDPOINT_CONFIRMED: bool = false;
    const NOTES: &'static str = "Create path documented (2026 docs); query path `…/synthesis/{task_id}` \
        INFERRED (configurable: endpoints.translation_synthesis_query). No cancel.";
    fn body(request: &Self::Request) -> Result<Vec<u8>> {
        to_bytes(&request.to_body()?)
    }
    fn create_path(client: &RecCloudClient) -> Result<String> {
        Ok(client.endpoints().translation_synthesis.clone())
    }
    fn query_path(client: &RecCloudClient) -> Result<String> {
        Ok(client.endpoints().translation_synthesis_query.clone())
    }
    fn parse(task_id: &str, query: &TaskQuery) -> Result<Self::Output> {
        Ok(parse_synthesis(task_id, query))
    }
}

impl Billable for VideoTranslationSynthesisRequest {
    fn credit_service(&self) -> CreditService {
        CreditService::VideoTranslationSynthesis
    }
}

/// A kind whose endpoint RecCloud does not document: the create path has no default
/// (`endpoints.<setting>` must be set, else a configuration error and nothing is sent); the
/// query path is `endpoints.<setting>_query`, defaulting to the create path + `/{task_id}`.
struct UndocumentedEndpoint {
    /// The `Endpoints` field holding the create path.
    setting: &'static str,
    /// What the endpoint does, for the error message.
    what: &'static str,
    /// The configured (create, query) paths.
    paths: fn(&Endpoints) -> (Option<&String>, Option<&String>),
}

impl UndocumentedEndpoint {
    fn create_path(&self, client: &RecCloudClient) -> Result<String> {
        let (create, _) = (self.paths)(client.endpoints());
        create.cloned().ok_or_else(|| self.not_configured())
    }

    fn query_path(&self, client: &RecCloudClient) -> Result<String> {
        match (self.paths)(client.endpoints()) {
            (_, Some(q)) => Ok(q.clone()),
            (Some(c), None) => Ok(format!("{}/{{task_id}}", c.trim_end_matches('/'))),
            (None, None) => Err(self.not_configured()),
        }
    }

    fn not_configured(&self) -> Error {
        config_error(format!(
            "RecCloud's {} endpoint is not publicly documented, so the SDK has no default path: \
             set `endpoints.{}` (e.g. from your RecCloud contact) to enable this task; nothing was sent",
            self.what, self.setting
        ))
    }
}

const TEXT_TO_SPEECH: UndocumentedEndpoint = UndocumentedEndpoint {
    setting: "text_to_speech",
    what: "text-to-speech",
    paths: |e| (e.text_to_speech.as_ref(), e.text_to_speech_query.as_ref()),
};

const TEXT_TO_VIDEO: UndocumentedEndpoint = UndocumentedEndpoint {
    setting: "text_to_video",
    what: "text-to-video",
    paths: |e| (e.text_to_video.as_ref(), e.text_to_video_query.as_ref()),
};

/// Text-to-speech (**endpoint not documented**: configurable path, unconfirmed).
#[derive(Debug)]
pub struct TextToSpeechKind;

impl JobKind for TextToSpeechKind {
    type Request = TextToSpeechRequest;
    type Output = GeneratedMediaOutput;
    const KIND: &'static str = "text_to_speech";
    const DESCRIPTION: &'static str =
        "Text-to-speech (UNCONFIRMED endpoint; set endpoints.text_to_speech)";
    const ENDPOINT_CONFIRMED: bool = false;
    const NOTES: &'static str = "No public endpoint page found: path has no default (endpoints.text_to_speech), \
        query defaults to path + /{task_id}, body {text, ...params} is a guess. ≤ 30 000 words.";
    fn body(request: &Self::Request) -> Result<Vec<u8>> {
        to_bytes(&request.to_body()?)
    }
    fn create_path(client: &RecCloudClient) -> Result<String> {
        TEXT_TO_SPEECH.create_path(client)
    }
    fn query_path(client: &RecCloudClient) -> Result<String> {
        TEXT_TO_SPEECH.query_path(client)
    }
    fn parse(task_id: &str, query: &TaskQuery) -> Result<Self::Output> {
        Ok(parse_generated(task_id, query, ArtifactKind::Audio))
    }
}

impl Billable for TextToSpeechRequest {
    fn credit_service(&self) -> CreditService {
        CreditService::TextToSpeech
    }
}

/// Text-to-video (**endpoint not documented**: configurable path, unconfirmed).
#[derive(Debug)]
pub struct TextToVideoKind;

impl JobKind for TextToVideoKind {
    type Request = TextToVideoRequest;
    type Output = GeneratedMediaOutput;
    const KIND: &'static str = "text_to_video";
    const DESCRIPTION: &'static str =
        "Text-to-video, basic model (UNCONFIRMED endpoint; set endpoints.text_to_video)";
    const ENDPOINT_CONFIRMED: bool = false;
    const NOTES: &'static str = "No public endpoint page found: path has no default (endpoints.text_to_video), \
        query defaults to path + /{task_id}, body {text, ...params} is a guess. ≤ 800 words.";
    fn body(request: &Self::Request) -> Result<Vec<u8>> {
        to_bytes(&request.to_body()?)
    }
    fn create_path(client: &RecCloudClient) -> Result<String> {
        TEXT_TO_VIDEO.create_path(client)
    }
    fn query_path(client: &RecCloudClient) -> Result<String> {
        TEXT_TO_VIDEO.query_path(client)
    }
    fn parse(task_id: &str, query: &TaskQuery) -> Result<Self::Output> {
        Ok(parse_generated(task_id, query, ArtifactKind::Video))
    }
}

impl Billable for TextToVideoRequest {
    fn credit_service(&self) -> CreditService {
        CreditService::TextToVideo
    }
}
