//! The testkit conformance suite for every task kind, plus Debug/log redaction of credentials
//! and the `provider_from_json` registry entry point.

mod common;

use common::*;
use httpmock::prelude::*;
use mediatask_core::{ErrorKind, MediaTask};
use mediatask_tencent_vod::{
    AudioClone, AudioGeneration, Client, Credentials, ImageGeneration, TencentVodConfig,
    VideoGeneration, provider_from_json,
};
use mediatask_testkit::conformance::{Report, Suite, run};
use serde::de::DeserializeOwned;
use serde_json::json;
use std::fmt::Debug;

/// Mocks: submits return `conf-new`; polls of `conf-running`/`conf-new` are PROCESSING, polls of
/// `conf-done` are FINISH (success) for the given detail field.
async fn arrange(server: &MockServer, task_type: &str, field: &str, output: serde_json::Value) {
    server
        .mock_async(|when, then| {
            when.method(POST).matches(|r| {
                r.headers.iter().flatten().any(|(k, v)| {
                    k.eq_ignore_ascii_case("x-tc-action") && v.starts_with("CreateAigc")
                })
            });
            then.status(200)
                .json_body(ok(json!({"TaskId": "conf-new"})));
        })
        .await;
    for id in ["conf-running", "conf-new"] {
        server
            .mock_async(|when, then| {
                when.header("X-TC-Action", "DescribeTaskDetail")
                    .body_contains(format!("\"TaskId\":\"{id}\""));
                then.status(200).json_body(detail(
                    task_type,
                    field,
                    "PROCESSING",
                    json!({"Status": "PROCESSING", "Progress": 10}),
                ));
            })
            .await;
    }
    server
        .mock_async(|when, then| {
            when.header("X-TC-Action", "DescribeTaskDetail")
                .body_contains("\"TaskId\":\"conf-done\"");
            then.status(200).json_body(detail(task_type, field, "FINISH", json!({
            "Status": "FINISH", "ErrCode": 0, "ErrCodeExt": "", "Progress": 100, "Output": output
        })));
        })
        .await;
}

fn secrets() -> Vec<String> {
    vec![SECRET_KEY.to_owned(), TOKEN.to_owned()]
}

fn token_client(server: &MockServer) -> Client {
    client_with(
        config(server).with_credentials(Credentials::new(SECRET_ID, SECRET_KEY).with_token(TOKEN)),
    )
    .0
}

/// Arrange the mocks on a fresh server and run the testkit suite on the task `new_task` builds,
/// with handles of `kind` and `submit` as the accepted request.
async fn conformance<T: MediaTask>(
    new_task: impl FnOnce(Client) -> T,
    kind: &str,
    (task_type, field): (&str, &str),
    output: serde_json::Value,
    submit: serde_json::Value,
) -> Report
where
    T::Request: DeserializeOwned,
    T::Output: Debug,
{
    let server = MockServer::start_async().await;
    arrange(&server, task_type, field, output).await;
    let task = new_task(token_client(&server));
    run(Suite {
        task: &task,
        submit: Some(serde_json::from_value(submit).unwrap()),
        running: handle(kind, "conf-running"),
        finished: handle(kind, "conf-done"),
        secrets: secrets(),
    })
    .await
}

#[tokio::test]
async fn conformance_audio_clone() {
    let report = conformance(
        AudioClone::new,
        "audio_clone",
        ("CreateAigcAudioClone", "CreateAigcAudioCloneTask"),
        json!({"VoiceId": "maigua111", "DemoAudio": "https://cdn.example/d.mp3"}),
        json!({"AudioFileInfo": {"Type": "Url", "Url": "https://e.x/a.mp3"}, "VoiceId": "maigua111", "Text": "hi"}),
    )
    .await;
    assert!(report.submitted.is_some());
}

#[tokio::test]
async fn conformance_video_generation() {
    conformance(
        VideoGeneration::new,
        "video_generation",
        ("AigcVideoTask", "AigcVideoTask"),
        json!({"FileInfos": [{"FileUrl": "https://cdn.example/v.mp4"}]}),
        json!({"ModelName": "Kling", "Prompt": "p"}),
    )
    .await;
}

#[tokio::test]
async fn conformance_image_generation() {
    conformance(
        ImageGeneration::new,
        "image_generation",
        ("AigcImageTask", "AigcImageTask"),
        json!({"FileInfos": [{"FileUrl": "https://cdn.example/i.png"}]}),
        json!({"ModelName": "GG", "Prompt": "p"}),
    )
    .await;
}

#[tokio::test]
async fn conformance_audio_generation() {
    conformance(
        AudioGeneration::new,
        "audio_generation",
        ("AigcAudioTask", "AigcAudioTask"),
        json!({"AudioInfos": [{"FileUrl": "https://cdn.example/a.mp3"}]}),
        json!({"ModelName": "m", "Prompt": "p"}),
    )
    .await;
}

#[tokio::test]
async fn debug_never_shows_secrets() {
    let server = MockServer::start_async().await;
    let cfg =
        config(&server).with_credentials(Credentials::new(SECRET_ID, SECRET_KEY).with_token(TOKEN));
    let creds = Credentials::new(SECRET_ID, SECRET_KEY).with_token(TOKEN);
    let client = Client::new(cfg.clone()).unwrap();
    for text in [
        format!("{cfg:?}"),
        format!("{cfg:#?}"),
        format!("{creds:?}"),
        format!("{client:?}"),
        format!("{:?}", AudioClone::new(client.clone())),
    ] {
        assert!(
            !text.contains(SECRET_KEY) && !text.contains(TOKEN),
            "{text}"
        );
        assert!(
            !text.contains(SECRET_ID),
            "the full SecretId is masked too: {text}"
        );
    }
}

#[test]
fn provider_from_json_lists_kinds_and_builds_tasks() {
    let p = provider_from_json(json!({
        "secret_id": "AKIDjson", "secret_key": "json-key", "base_url": "http://127.0.0.1:9/emu/tencent",
        "sub_app_id": 7, "audio_clone_requests_per_second": 5
    }))
    .unwrap();
    assert_eq!(p.name(), "tencent-vod");
    let kinds: Vec<&str> = p.kinds().iter().map(|k| k.kind).collect();
    assert_eq!(
        kinds,
        [
            "audio_clone",
            "video_generation",
            "image_generation",
            "audio_generation"
        ]
    );
    for k in &kinds {
        assert_eq!(p.task(k).unwrap().info().kind, *k);
    }
    assert_eq!(p.task("nope").unwrap_err().kind(), ErrorKind::NotFound);
    let audio = &p.kinds()[0];
    assert_eq!(audio.capabilities.requests_per_second, Some(20));
    assert!(audio.capabilities.dedupe_submit);
    assert!(!p.kinds()[3].capabilities.dedupe_submit);
    assert_eq!(p.kinds()[1].capabilities.max_in_flight_tasks, Some(1));
}

#[test]
fn config_json_errors_are_config_errors() {
    let e = provider_from_json(json!({"secret_id": "a", "secret_key": "b", "endpoint": "mars"}))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    let e =
        provider_from_json(json!({"secret_id": "a", "secret_key": "b", "bogus": 1})).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
}

#[test]
fn base_url_and_endpoints() {
    let creds = Credentials::new("AKIDx", "k");
    let c = Client::new(TencentVodConfig::default().with_credentials(creds.clone())).unwrap();
    assert_eq!(c.host(), "vod.intl.tencentcloudapi.com");
    let c = Client::new(
        TencentVodConfig::default()
            .with_credentials(creds.clone())
            .with_endpoint(mediatask_tencent_vod::Endpoint::China),
    )
    .unwrap();
    assert_eq!(c.host(), "vod.tencentcloudapi.com");
    let c = Client::new(
        TencentVodConfig::default()
            .with_credentials(creds)
            .with_base_url("http://127.0.0.1:8081/emu/tencent/"),
    )
    .unwrap();
    assert_eq!(c.host(), "127.0.0.1:8081");
    assert_eq!(
        c.transport().base_url().as_str(),
        "http://127.0.0.1:8081/emu/tencent"
    );
}
