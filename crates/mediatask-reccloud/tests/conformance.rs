//! The testkit conformance suite for every RecCloud job kind, plus the provider/registry
//! entry point (`provider_from_json`, `kinds`, `task`).

mod common;

use common::*;
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use mediatask_core::{ErrorKind, MediaTask, TaskHandle};
use mediatask_reccloud::{
    RecCloudClient, SpeechToText, SpeechToTextRequest, SubtitleBurnIn, SubtitleBurnInRequest,
    TextToSpeech, TextToSpeechRequest, TextToVideo, TextToVideoRequest, VideoTranslationPreview,
    VideoTranslationPreviewRequest, VideoTranslationSynthesis, VideoTranslationSynthesisRequest,
    provider_from_json,
};
use mediatask_testkit::conformance::{Report, Suite, run};
use serde_json::json;

/// Mock the create call (`path`) and the queries (`path/run-<kind>` running,
/// `path/done-<kind>` done with `result`).
async fn mock_kind(server: &MockServer, path: &str, kind: &str, result: serde_json::Value) {
    let running = format!("run-{kind}");
    let done = format!("done-{kind}");
    let create = path.to_owned();
    server
        .mock_async(move |when, then| {
            when.method(POST).path(create).header("x-api-key", KEY);
            then.status(200).json_body(ok(json!({"task_id": running})));
        })
        .await;
    let p = format!("{path}/run-{kind}");
    server
        .mock_async(move |when, then| {
            when.method(GET).path(p);
            then.status(200)
                .json_body(state("r", 2, 10, serde_json::Value::Null));
        })
        .await;
    let p = format!("{path}/{done}");
    server
        .mock_async(move |when, then| {
            when.method(GET).path(p);
            then.status(200).json_body(state("d", 1, 100, result));
        })
        .await;
}

fn handles(kind: &str) -> (TaskHandle, TaskHandle) {
    (
        TaskHandle::new("reccloud", kind, format!("run-{kind}")),
        TaskHandle::new("reccloud", kind, format!("done-{kind}")),
    )
}

/// Run the conformance suite on the task `new_task` builds (TTS/TTV paths configured), its
/// create call on `path` and its queries on `path/{task_id}`, answering `result` once done.
async fn conform<T: MediaTask>(
    new_task: fn(RecCloudClient) -> T,
    path: &str,
    result: serde_json::Value,
    request: T::Request,
) -> Report
where
    T::Output: std::fmt::Debug,
{
    let server = MockServer::start_async().await;
    let (client, _) = client_with(config(&server).with_endpoints(endpoints_with_generation()));
    let task = new_task(client);
    let kind = task.info().kind;
    mock_kind(&server, path, kind, result).await;
    let (running, finished) = handles(kind);
    run(Suite {
        task: &task,
        submit: Some(request),
        running,
        finished,
        secrets: vec![KEY.into()],
    })
    .await
}

#[tokio::test]
async fn speech_to_text_conformance() {
    let report = conform(
        SpeechToText::new,
        "/api/tasks/audio/recognition",
        json!("hi"),
        SpeechToTextRequest::new("https://h.example/a.mp3"),
    )
    .await;
    assert_eq!(
        report.cancel_after_terminal,
        Some(Err(ErrorKind::Unsupported))
    );
}

#[tokio::test]
async fn subtitle_burn_in_conformance() {
    conform(
        SubtitleBurnIn::new,
        "/api/tasks/media/subtitle",
        json!({"video": "https://cdn/x.mp4"}),
        SubtitleBurnInRequest::new("https://h.example/v.mp4", "https://h.example/s.srt"),
    )
    .await;
}

#[tokio::test]
async fn video_translation_preview_conformance() {
    conform(
        VideoTranslationPreview::new,
        "/api/tasks/media/video-translation/preview",
        json!({"source_subtitles": [], "translated_subtitles": []}),
        VideoTranslationPreviewRequest::new("https://h.example/v.mp4", "en").with_voice("v"),
    )
    .await;
}

#[tokio::test]
async fn video_translation_synthesis_conformance() {
    conform(
        VideoTranslationSynthesis::new,
        "/api/tasks/media/video-translation/synthesis",
        json!({"video": "https://cdn/d.mp4"}),
        VideoTranslationSynthesisRequest::new("https://h.example/v.mp4"),
    )
    .await;
}

#[tokio::test]
async fn text_to_speech_conformance() {
    conform(
        TextToSpeech::new,
        "/api/tasks/audio/tts",
        json!({"audio": "https://cdn/a.mp3"}),
        TextToSpeechRequest::new("Hello"),
    )
    .await;
}

#[tokio::test]
async fn text_to_video_conformance() {
    conform(
        TextToVideo::new,
        "/api/tasks/video/text-to-video",
        json!("https://cdn/v.mp4"),
        TextToVideoRequest::new("a cat on a skateboard"),
    )
    .await;
}

#[tokio::test]
async fn provider_from_json_builds_every_kind_and_submits_json() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/tasks/audio/recognition")
                .header("x-api-key", KEY)
                .json_body(
                    json!({"url": "https://h.example/a.mp3", "type": 4, "speaker_recognition": 0}),
                );
            then.status(200).json_body(ok(json!({"task_id": "dyn-1"})));
        })
        .await;
    let provider =
        provider_from_json(json!({"api_key": KEY, "base_url": server.base_url()})).unwrap();
    assert_eq!(provider.name(), "reccloud");
    let kinds: Vec<&str> = provider.kinds().iter().map(|k| k.kind).collect();
    assert_eq!(
        kinds,
        [
            "speech_to_text",
            "subtitle_burn_in",
            "video_translation_preview",
            "video_translation_synthesis",
            "text_to_speech",
            "text_to_video"
        ]
    );
    for info in provider.kinds() {
        assert_eq!(provider.task(info.kind).unwrap().info().kind, info.kind);
        assert_eq!(info.capabilities.requests_per_second, Some(2));
        assert_eq!(info.capabilities.max_in_flight_tasks, Some(2));
        assert!(!info.capabilities.cancel);
        let confirmed = info.kind == "speech_to_text";
        assert_eq!(
            info.capabilities.endpoint_confirmed, confirmed,
            "{}",
            info.kind
        );
    }
    assert_eq!(
        provider.task("lip_sync").unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let task = provider.task("speech_to_text").unwrap();
    let h = task
        .submit_json(json!({"url": "https://h.example/a.mp3", "speaker_recognition": false}))
        .await
        .unwrap();
    assert_eq!(h.task_id, "dyn-1");
    create.assert_hits_async(1).await;
    let e = task.submit_json(json!({"uri": "x"})).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
}

#[test]
fn provider_config_errors_are_clear() {
    let e = provider_from_json(json!({"api_key": "k", "bogus": 1})).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    let e = provider_from_json(
        json!({"api_key": "k", "endpoints": {"subtitle_query": "/no/placeholder"}}),
    )
    .unwrap_err();
    assert!(e.message().contains("{task_id}"), "{e}");
    let e = provider_from_json(json!({"api_key": "k", "base_url": "ftp://x"})).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    let p = provider_from_json(json!({"api_key": "k", "region": "china", "requests_per_second": 5, "max_parallel_tasks": 0})).unwrap();
    let caps = &p.kinds()[0].capabilities;
    assert_eq!(
        (caps.requests_per_second, caps.max_in_flight_tasks),
        (Some(5), None)
    );
    if std::env::var_os("RECCLOUD_API_KEY").is_none() {
        let e = provider_from_json(json!({})).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(e.message().contains("RECCLOUD_API_KEY"));
    }
}
