//! Secrets stay out of logs (own test binary: `tracing` caches callsite interest per process,
//! so a thread-local capture must not race other tests hitting the same callsites first).

mod common;

use common::*;
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use mediatask_core::{ErrorKind, MediaTask};
use mediatask_reccloud::SpeechToText;
use serde_json::json;

#[tokio::test(flavor = "current_thread")]
async fn the_key_never_reaches_logs_errors_or_debug() {
    let (logs, _guard) = mediatask_testkit::logs::capture();
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/tasks/audio/recognition")
                .header("x-api-key", KEY);
            then.status(200).json_body(ok(json!({"task_id": "sec-1"})));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/tasks/audio/recognition/sec-1");
            then.status(401)
                .json_body(json!({"status": 401, "message": "Unauthorized"}));
        })
        .await;
    let (client, _) = client(&server);
    let task = SpeechToText::new(client.clone());
    let h = task.submit(stt_req()).await.unwrap();
    let e = task.poll(&h).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    for text in [
        logs.contents(),
        e.to_string(),
        format!("{e:?}"),
        format!("{client:?}"),
        format!("{task:?}"),
        format!("{:?}", config(&server)),
    ] {
        assert!(!text.contains(KEY), "key leaked: {text}");
    }
    assert!(
        logs.contents().contains("mediatask.http"),
        "spans were captured: {}",
        logs.contents()
    );
}
