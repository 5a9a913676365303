//! Wire tests per task: exact method, path, headers and body of every create and query call,
//! and parsing of every documented query response shape.

mod common;

use common::*;
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use mediatask_core::{ErrorKind, MediaTask, TaskStatus};
use mediatask_reccloud::api::media::SubtitleStyle;
use mediatask_reccloud::{
    Segment, SpeechToText, SpeechToTextRequest, SubtitleBurnIn, SubtitleBurnInRequest,
    TextToSpeech, TextToSpeechRequest, TextToVideo, TextToVideoRequest, VideoTranslationPreview,
    VideoTranslationPreviewRequest, VideoTranslationSynthesis, VideoTranslationSynthesisRequest,
};
use serde_json::json;

#[tokio::test]
async fn speech_to_text_exact_wire_and_unicode_escape_fixup() {
    let server = MockServer::start_async().await;
    // the body must carry `&`, never the `\u0026` the caller's tool produced
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/tasks/audio/recognition")
                .header("x-api-key", KEY)
                .header("content-type", "application/json")
                .body(
                    r#"{"url":"https://oss.example.com/talk.mp3?Expires=1679986124&OSSAccessKeyId=AK&Signature=s","type":4,"language":"en","speaker_recognition":1}"#,
                );
            then.status(200).json_body(ok(json!({"task_id": "stt-1"})));
        })
        .await;
    let query = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/tasks/audio/recognition/stt-1")
                .header("x-api-key", KEY);
            then.status(200)
                .json_body(state("stt-1", 4, 40, json!(null)));
        })
        .await;
    let (client, _) = client(&server);
    let task = SpeechToText::new(client);
    let req = SpeechToTextRequest::new(
        r"https://oss.example.com/talk.mp3?Expires=1679986124\u0026OSSAccessKeyId=AK\u0026Signature=s",
    )
    .with_language("en")
    .with_speaker_recognition(true);
    let handle = task.submit(req).await.unwrap();
    create.assert_hits_async(1).await;
    assert_eq!(
        (
            handle.provider.as_str(),
            handle.kind.as_str(),
            handle.task_id.as_str()
        ),
        ("reccloud", "speech_to_text", "stt-1")
    );
    let snap = task.poll(&handle).await.unwrap();
    query.assert_hits_async(1).await;
    assert_eq!(snap.status, TaskStatus::Running);
    assert_eq!(snap.progress, Some(40));
    assert_eq!(snap.detail.as_deref(), Some("Processing"));
}

#[tokio::test]
async fn speech_to_text_minimal_body_and_extension_rule() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/tasks/audio/recognition")
                .body(r#"{"url":"https://h.example/download?id=7","type":4,"extension":"wav"}"#);
            then.status(200).json_body(ok(json!({"task_id": 98765})));
        })
        .await;
    let (client, _) = client(&server);
    let task = SpeechToText::new(client);
    // no extension in the URL and none given: rejected locally, nothing sent
    let err = task
        .submit(SpeechToTextRequest::new("https://h.example/download?id=7"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.field(), Some("extension"));
    create.assert_hits_async(0).await;
    // numeric task ids are accepted as text
    let h = task
        .submit(SpeechToTextRequest::new("https://h.example/download?id=7").with_extension("wav"))
        .await
        .unwrap();
    assert_eq!(h.task_id, "98765");
    create.assert_hits_async(1).await;
}

#[tokio::test]
async fn speech_to_text_documented_limits_send_nothing() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(ok(json!({"task_id": "x"})));
        })
        .await;
    let (client, _) = client(&server);
    let task = SpeechToText::new(client);
    let long = format!("https://h.example/{}.mp3", "a".repeat(600));
    let cases = [
        (SpeechToTextRequest::new(long), "url"),
        (SpeechToTextRequest::new("not a url"), "url"),
        (
            SpeechToTextRequest::new("https://h.example/a.mp3")
                .with_media_info(Some(5 << 30), None),
            "file_size_bytes",
        ),
        (
            SpeechToTextRequest::new("https://h.example/a.mp3")
                .with_media_info(None, Some(3.0 * 3600.0 + 1.0)),
            "duration_secs",
        ),
    ];
    for (req, field) in cases {
        let e = task.submit(req).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.field(), Some(field));
    }
    any.assert_hits_async(0).await;
    let limiter = task.client().transport().limiter().clone();
    assert_eq!(
        limiter.available_slots("reccloud-tasks"),
        Some(2),
        "rejected submits hold no slot"
    );
}

async fn finished_stt(result: serde_json::Value) -> mediatask_reccloud::SpeechToTextOutput {
    let server = MockServer::start_async().await;
    let mut body = state("t1", 1, 100, result);
    body["data"]["duration"] = json!(75);
    body["data"]["source_language"] = json!("en");
    body["data"]["target_language"] = json!("fr");
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/tasks/audio/recognition/t1");
            then.status(200).json_body(body);
        })
        .await;
    let (client, _) = client(&server);
    let task = SpeechToText::new(client);
    let h = mediatask_core::TaskHandle::new("reccloud", "speech_to_text", "t1");
    task.result(&h).await.unwrap()
}

#[tokio::test]
async fn recognition_result_as_plain_string() {
    let out = finished_stt(json!("Hello world. Second sentence.")).await;
    assert_eq!(out.text, "Hello world. Second sentence.");
    assert!(out.segments.is_empty());
    assert_eq!(out.duration_secs, Some(75.0));
    assert_eq!(out.source_language.as_deref(), Some("en"));
    assert_eq!(out.target_language.as_deref(), Some("fr"));
}

#[tokio::test]
async fn recognition_result_as_segments() {
    let out = finished_stt(json!([
        {"start": 0, "end": 1500, "text": "Bonjour"},
        {"start": 1500, "end": 3200, "text": "le monde"}
    ]))
    .await;
    assert_eq!(
        out.segments,
        vec![
            Segment::new(0, 1500, "Bonjour"),
            Segment::new(1500, 3200, "le monde")
        ]
    );
    assert_eq!(out.text, "Bonjour\nle monde");
    assert!(out.speakers.is_empty());
}

#[tokio::test]
async fn recognition_result_with_speakers() {
    let out = finished_stt(json!([
        {"start": 0, "end": 900, "text": "Hi", "speaker": "speaker0"},
        {"start": 900, "end": 2000, "text": "Hello", "speaker": 1},
        {"start": 2000, "end": 2500, "text": "Bye", "speaker": "speaker0"}
    ]))
    .await;
    assert_eq!(out.segments[0].speaker.as_deref(), Some("speaker0"));
    assert_eq!(out.segments[1].speaker.as_deref(), Some("1"));
    assert_eq!(out.speakers, vec!["speaker0".to_owned(), "1".to_owned()]);
}

#[tokio::test]
async fn subtitle_burn_in_full_style_wire() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/tasks/media/subtitle")
                .header("x-api-key", KEY)
                .json_body(json!({
                    "url": "https://h.example/v?id=1",
                    "primary_subtitle_file_url": "https://h.example/s.srt?a=1&b=2",
                    "extension": "mp4",
                    "filename": "out.mp4",
                    "enable_subtitle": 1,
                    "subtitle_style": {
                        "alignment": 3, "backcolor": "0,0,0,0.8", "enable_bg": false,
                        "enable_stroke": true, "font": 9, "font_bold": true,
                        "font_color": "255,255,0,1", "font_italic": false, "font_size": 28,
                        "font_underline": true, "stroke_color": "0,0,0,1", "stroke_width": 2,
                        "vertical_position": 40, "letter_spacing": 1
                    }
                }));
            then.status(200).json_body(ok(json!({"task_id": "sub-1"})));
        })
        .await;
    let query = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/tasks/media/subtitle/sub-1")
                .header("x-api-key", KEY);
            then.status(200).json_body(state(
                "sub-1",
                1,
                100,
                json!({"video": "https://cdn.example/out.mp4"}),
            ));
        })
        .await;
    let (client, _) = client(&server);
    let task = SubtitleBurnIn::new(client);
    let style: SubtitleStyle = serde_json::from_value(json!({
        "alignment": 3, "backcolor": "0,0,0,0.8", "enable_bg": false, "enable_stroke": true,
        "font": 9, "font_bold": true, "font_color": "255,255,0,1", "font_italic": false,
        "font_size": 28, "font_underline": true, "stroke_color": "0,0,0,1", "stroke_width": 2,
        "vertical_position": 40, "letter_spacing": 1
    }))
    .unwrap();
    let mut req = SubtitleBurnInRequest::new(
        "https://h.example/v?id=1",
        r"https://h.example/s.srt?a=1\u0026b=2",
    )
    .with_style(style);
    req.extension = Some("mp4".into());
    req.filename = Some("out.mp4".into());
    req.enable_subtitle = Some(true);
    let h = task.submit(req).await.unwrap();
    create.assert_hits_async(1).await;
    let snap = task.poll(&h).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Succeeded);
    let out = task.result(&h).await.unwrap();
    assert_eq!(
        out.video_url.as_deref(),
        Some("https://cdn.example/out.mp4")
    );
    use mediatask_core::HasArtifacts;
    assert_eq!(out.artifacts()[0].url, "https://cdn.example/out.mp4");
    query.assert_hits_async(2).await;
}

#[tokio::test]
async fn subtitle_style_is_validated_locally() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let (client, _) = client(&server);
    let task = SubtitleBurnIn::new(client);
    for (style, field) in [
        (json!({"alignment": 1}), "subtitle_style.alignment"),
        (json!({"font": 10}), "subtitle_style.font"),
        (json!({"font_size": 0}), "subtitle_style.font_size"),
        (json!({"font_color": "white"}), "subtitle_style.font_color"),
    ] {
        let style: SubtitleStyle = serde_json::from_value(style).unwrap();
        let req = SubtitleBurnInRequest::new("https://h.example/v.mp4", "https://h.example/s.srt")
            .with_style(style);
        assert_eq!(task.submit(req).await.unwrap_err().field(), Some(field));
    }
    any.assert_hits_async(0).await;
}

#[tokio::test]
async fn video_translation_preview_wire_and_subtitles_out() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/tasks/media/video-translation/preview")
                .header("x-api-key", KEY)
                .json_body(json!({
                    "url": "https://h.example/v.mp4",
                    "language": "es-ES",
                    "original_srt_url": "https://h.example/o.srt",
                    "speaker_identification": 0,
                    "voice": "es-female-1"
                }));
            then.status(200).json_body(ok(json!({"task_id": "pv-1"})));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/tasks/media/video-translation/preview/pv-1");
            then.status(200).json_body(state("pv-1", 1, 100, json!({
                "source_subtitles": [{"start": 0, "end": 1000, "text": "Hello"}],
                "translated_subtitles": [{"start": 0, "end": 1000, "text": "Hola", "speaker": "speaker0", "voice": "es-female-1"}]
            })));
        })
        .await;
    let (client, _) = client(&server);
    let task = VideoTranslationPreview::new(client);
    let mut req = VideoTranslationPreviewRequest::new("https://h.example/v.mp4", "es-ES")
        .with_voice("es-female-1")
        .with_speaker_identification(false);
    req.original_srt_url = Some("https://h.example/o.srt".into());
    let h = task.submit(req).await.unwrap();
    create.assert_hits_async(1).await;
    let out = task.result(&h).await.unwrap();
    assert_eq!(out.source_subtitles, vec![Segment::new(0, 1000, "Hello")]);
    assert_eq!(
        out.translated_subtitles,
        vec![
            Segment::new(0, 1000, "Hola")
                .with_speaker("speaker0")
                .with_voice("es-female-1")
        ]
    );
}

#[tokio::test]
async fn preview_needs_a_voice_unless_speakers_are_distinguished() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let (client, _) = client(&server);
    let task = VideoTranslationPreview::new(client);
    let e = task
        .submit(VideoTranslationPreviewRequest::new(
            "https://h.example/v.mp4",
            "fr",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("voice"));
    let e = task
        .submit(VideoTranslationPreviewRequest::new("https://h.example/v.mp4", " ").with_voice("v"))
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("language"));
    any.assert_hits_async(0).await;
}

#[tokio::test]
async fn video_translation_synthesis_wire_and_video_link() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/tasks/media/video-translation/synthesis")
                .header("x-api-key", KEY)
                .json_body(json!({
                    "url": "https://h.example/v.mp4",
                    "language": "es",
                    "subtitles": [
                        {"start": 0, "end": 1000, "text": "Hola", "speaker": "speaker0", "voice": "v1", "modified": 1},
                        {"start": 1000, "end": 2000, "text": "Adiós"}
                    ]
                }));
            then.status(200).json_body(ok(json!({"task_id": "syn-1"})));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/tasks/media/video-translation/synthesis/syn-1");
            then.status(200).json_body(state(
                "syn-1",
                1,
                100,
                json!({"video": "https://cdn.example/dub.mp4"}),
            ));
        })
        .await;
    let (client, _) = client(&server);
    let task = VideoTranslationSynthesis::new(client);
    let req = VideoTranslationSynthesisRequest::new("https://h.example/v.mp4")
        .with_language("es")
        .with_subtitles(vec![
            Segment::new(0, 1000, "Hola")
                .with_speaker("speaker0")
                .with_voice("v1")
                .modified(),
            Segment::new(1000, 2000, "Adiós"),
        ]);
    let h = task.submit(req).await.unwrap();
    create.assert_hits_async(1).await;
    let out = task.result(&h).await.unwrap();
    assert_eq!(
        out.video_url.as_deref(),
        Some("https://cdn.example/dub.mp4")
    );
    let bad = VideoTranslationSynthesisRequest::new("https://h.example/v.mp4")
        .with_subtitles(vec![Segment::new(500, 100, "x")]);
    assert_eq!(
        task.submit(bad).await.unwrap_err().field(),
        Some("subtitles[0]")
    );
    create.assert_hits_async(1).await;
}

#[tokio::test]
async fn unconfirmed_generation_endpoints_need_a_configured_path() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let (client, _) = client(&server);
    let tts = TextToSpeech::new(client.clone());
    assert!(!tts.info().capabilities.endpoint_confirmed);
    let e = tts
        .submit(TextToSpeechRequest::new("hello"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.message().contains("endpoints.text_to_speech"), "{e}");
    let ttv = TextToVideo::new(client);
    let e = ttv
        .submit(TextToVideoRequest::new("a cat"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    let h = mediatask_core::TaskHandle::new("reccloud", "text_to_video", "x");
    assert_eq!(ttv.poll(&h).await.unwrap_err().kind(), ErrorKind::Config);
    any.assert_hits_async(0).await;
}

#[tokio::test]
async fn generation_with_configured_paths() {
    let server = MockServer::start_async().await;
    let tts_create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/tasks/audio/tts")
                .header("x-api-key", KEY)
                .json_body(json!({"text": "Hello there", "voice": "en-1"}));
            then.status(200).json_body(ok(json!({"task_id": "tts-1"})));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/tasks/audio/tts/tts-1");
            then.status(200).json_body(state(
                "tts-1",
                1,
                100,
                json!({"audio": "https://cdn.example/a.mp3"}),
            ));
        })
        .await;
    let ttv_create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/tasks/video/text-to-video")
                .json_body(json!({"text": "a cat"}));
            then.status(200).json_body(ok(json!({"task_id": "ttv-1"})));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/tasks/video/text-to-video/ttv-1");
            then.status(200)
                .json_body(state("ttv-1", 1, 100, json!("https://cdn.example/v.mp4")));
        })
        .await;
    let (client, _) = client_with(config(&server).with_endpoints(endpoints_with_generation()));
    let tts = TextToSpeech::new(client.clone());
    let h = tts
        .submit(TextToSpeechRequest::new("Hello there").with_param("voice", "en-1"))
        .await
        .unwrap();
    tts_create.assert_hits_async(1).await;
    assert_eq!(
        tts.result(&h).await.unwrap().url.as_deref(),
        Some("https://cdn.example/a.mp3")
    );
    let ttv = TextToVideo::new(client);
    let too_long = TextToVideoRequest::new("word ".repeat(801));
    assert_eq!(
        ttv.submit(too_long).await.unwrap_err().field(),
        Some("text")
    );
    let h = ttv.submit(TextToVideoRequest::new("a cat")).await.unwrap();
    ttv_create.assert_hits_async(1).await;
    assert_eq!(
        ttv.result(&h).await.unwrap().url.as_deref(),
        Some("https://cdn.example/v.mp4")
    );
}

#[tokio::test]
async fn host_selection() {
    use mediatask_reccloud::{RecCloudClient, RecCloudConfig, Region};
    let c = RecCloudClient::new(RecCloudConfig::default().with_api_key("k")).unwrap();
    assert_eq!(c.transport().host(), "techhk.aoscdn.com");
    let c = RecCloudClient::new(
        RecCloudConfig::default()
            .with_api_key("k")
            .with_region(Region::China),
    )
    .unwrap();
    assert_eq!(c.transport().host(), "techsz.aoscdn.com");
    let c = RecCloudClient::new(
        RecCloudConfig::default()
            .with_api_key("k")
            .with_region(Region::China)
            .with_base_url("https://proxy.example:8443"),
    )
    .unwrap();
    assert_eq!(c.transport().host(), "proxy.example:8443");
}

#[tokio::test]
async fn run_submits_waits_and_returns_the_result() {
    use mediatask_core::{MediaTaskExt, WaitPolicy};
    let server = MockServer::start_async().await;
    let create = on_stt_create(&server, 200, ok(json!({"task_id": "run-1"}))).await;
    let query = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/tasks/audio/recognition/run-1");
            then.status(200).json_body(state(
                "run-1",
                1,
                100,
                json!([{"start": 0, "end": 10, "text": "done"}]),
            ));
        })
        .await;
    let (client, _) = client(&server);
    let task = SpeechToText::new(client);
    let (rt, _, _) = mediatask_testkit::fake_runtime();
    let mut policy = WaitPolicy::default();
    policy.runtime = rt;
    let out = task
        .run(SpeechToTextRequest::new("https://h.example/a.mp3"), &policy)
        .await
        .unwrap();
    assert_eq!(out.text, "done");
    create.assert_hits_async(1).await;
    // one wait poll, whose answer carries the result (no second query under the 2 QPS limit)
    query.assert_hits_async(1).await;
    assert_eq!(task.client().transport().limiter().tasks_in_flight(), 0);
}

#[tokio::test]
async fn low_level_endpoint_functions() {
    use mediatask_reccloud::api::{media, recognition};
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/tasks/media/video-translation/synthesis")
                .header("x-api-key", KEY)
                .body(r#"{"url":"https://h.example/v.mp4"}"#);
            then.status(200).json_body(ok(json!({"task_id": "ll-1"})));
        })
        .await;
    let query = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/tasks/audio/recognition/ll-2");
            then.status(200).json_body(state("ll-2", 0, 0, json!(null)));
        })
        .await;
    let (client, _) = client(&server);
    let body = VideoTranslationSynthesisRequest::new("https://h.example/v.mp4")
        .to_body()
        .unwrap();
    assert_eq!(
        media::create_synthesis(&client, &body).await.unwrap(),
        "ll-1"
    );
    let q = recognition::query_recognition(&client, "ll-2")
        .await
        .unwrap();
    assert_eq!((q.state, q.progress), (0, Some(0)));
    create.assert_hits_async(1).await;
    query.assert_hits_async(1).await;
}
