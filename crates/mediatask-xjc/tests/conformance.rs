//! The testkit conformance suite for every ai-xjc task, plus the provider registry surface.

mod common;

use common::*;
use mediatask_core::{CancelOutcome, ErrorKind, MediaTask, TaskHandle};
use mediatask_testkit::conformance::{Suite, run};
use mediatask_xjc::*;
use serde_json::{Value, json};

fn secrets() -> Vec<String> {
    vec![AK.to_owned(), SK.to_owned(), TOKEN.to_owned()]
}

/// Mock the submit call (`submit_path`, answering `{"<id_key>": "sub-1"}`) and the detail
/// calls on `detail_path` (`sub-1` processing, `run-1` queued, `fin-1` answering `done`).
async fn arrange(e: &Env, submit_path: &str, detail_path: &str, id_key: &str, done: Value) {
    let m = |path: &str, body: String, answer: Value| {
        let path = path.to_owned();
        e.server.mock(move |when, then| {
            when.method(httpmock::Method::POST)
                .path(path)
                .header("authorization-token", TOKEN)
                .body(body);
            then.status(200).json_body(ok(answer));
        });
    };
    let submit_answer = json!({ id_key: "sub-1" });
    e.server.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .path(submit_path.to_owned())
            .header("authorization-token", TOKEN);
        then.status(200).json_body(ok(submit_answer));
    });
    m(
        detail_path,
        format!(r#"{{"{id_key}":"sub-1"}}"#),
        json!({"status": 2}),
    );
    m(
        detail_path,
        format!(r#"{{"{id_key}":"run-1"}}"#),
        json!({"status": 1}),
    );
    m(detail_path, format!(r#"{{"{id_key}":"fin-1"}}"#), done);
}

/// Run the conformance suite on the task `new_task` builds, arranged as [`arrange`] does, and
/// check that cancel is `Unsupported`.
async fn conform<T: MediaTask>(
    new_task: fn(XjcClient) -> T,
    submit_path: &str,
    detail_path: &str,
    id_key: &str,
    done: Value,
    request: T::Request,
) where
    T::Output: std::fmt::Debug,
{
    let e = env().await;
    let _t = default_token(&e.server).await;
    arrange(&e, submit_path, detail_path, id_key, done).await;
    let task = new_task(e.client.clone());
    let kind = task.info().kind;
    let report = run(Suite {
        task: &task,
        submit: Some(request),
        running: TaskHandle::new("xjc", kind, "run-1"),
        finished: TaskHandle::new("xjc", kind, "fin-1"),
        secrets: secrets(),
    })
    .await;
    let cancel: &Option<Result<CancelOutcome, ErrorKind>> = &report.cancel_after_terminal;
    assert_eq!(cancel, &Some(Err(ErrorKind::Unsupported)));
}

#[tokio::test]
async fn works_conformance() {
    conform(
        Works::new,
        "/api/model/v5/works/create",
        "/api/model/v5/works/inspect",
        "jobId",
        json!({"status": 3, "videoUrl": "https://cdn.example/v.mp4", "duration": 5}),
        WorksRequest::text_driven("https://cdn.example/a.mp4", "hi"),
    )
    .await;
}

#[tokio::test]
async fn voice_lite_train_conformance() {
    conform(
        VoiceLiteTrain::new,
        "/api/model/v5/voice/lite/train",
        "/api/model/v5/voice/lite/train/detail",
        "speakerId",
        json!({"status": 3, "speakerId": "fin-1", "type": "LITE"}),
        VoiceTrainRequest::new("https://cdn.example/s.wav"),
    )
    .await;
}

#[tokio::test]
async fn voice_pro_train_conformance() {
    conform(
        VoiceProTrain::new,
        "/api/model/v5/voice/pro/train",
        "/api/model/v5/voice/pro/train/detail",
        "speakerId",
        json!({"status": 3, "speakerId": "fin-1", "type": "PRO"}),
        VoiceTrainRequest::new("https://cdn.example/s.wav"),
    )
    .await;
}

#[tokio::test]
async fn voice_lite_synthesis_conformance() {
    conform(
        VoiceLiteSynthesis::new,
        "/api/model/v5/voice/lite/create",
        "/api/model/v5/voice/lite/create/detail",
        "jobId",
        json!({"status": 3, "url": "https://cdn.example/a.mp3", "duration": 2}),
        VoiceSynthesisRequest::new("spk", "你好"),
    )
    .await;
}

#[tokio::test]
async fn voice_pro_synthesis_conformance() {
    conform(
        VoiceProSynthesis::new,
        "/api/model/v5/voice/pro/create",
        "/api/model/v5/voice/pro/create/detail",
        "jobId",
        json!({"status": 3, "url": "https://cdn.example/a.mp3", "duration": 2}),
        VoiceSynthesisRequest::new("spk", "hello"),
    )
    .await;
}

#[test]
fn provider_lists_every_kind_and_builds_each() {
    let p = provider_from_json(
        json!({"base_url": "http://127.0.0.1:9", "access_key": AK, "secret_key": SK}),
    )
    .unwrap();
    assert_eq!(p.name(), "xjc");
    let kinds: Vec<&str> = p.kinds().iter().map(|k| k.kind).collect();
    assert_eq!(kinds, KINDS);
    for info in p.kinds() {
        assert!(
            !info.capabilities.cancel
                && info.capabilities.callbacks
                && !info.capabilities.dedupe_submit
        );
        let t = p.task(info.kind).unwrap();
        assert_eq!(t.info().kind, info.kind);
        assert!(!format!("{t:?}").contains(SK) && !format!("{t:?}").contains(AK));
    }
    assert_eq!(p.task("lip_sync").unwrap_err().kind(), ErrorKind::NotFound);
    assert!(!format!("{p:?}").contains(SK));
}

#[test]
fn provider_config_errors_are_typed() {
    let e =
        provider_from_json(json!({"base_url": "not a url", "access_key": "a", "secret_key": "b"}))
            .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    let e = provider_from_json(json!({"bogus": 1})).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn dyn_submit_takes_the_documented_json() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let create = post_mock(
        &e.server,
        "/api/model/v5/voice/lite/create",
        r#"{"speakerId":"spk","content":"你好","kyyRole":"yes","speedRatio":"0.8"}"#,
        ok(json!({"jobId": "d-1"})),
    )
    .await;
    let p = XjcProvider::new(e.client.clone());
    use mediatask_core::Provider;
    let t = p.task("voice_lite_synthesis").unwrap();
    let h = t
        .submit_json(json!({"speakerId": "spk", "content": "你好", "crossLanguage": true, "speedRatio": 0.8}))
        .await
        .unwrap();
    assert_eq!(h.task_id, "d-1");
    create.assert_hits_async(1).await;
    let bad = t
        .submit_json(json!({"speakerId": "spk", "content": "x", "speed": 1}))
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        MediaTask::info(&VoiceLiteSynthesis::new(e.client.clone())).kind,
        "voice_lite_synthesis"
    );
}
