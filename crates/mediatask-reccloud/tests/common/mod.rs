//! Shared helpers of the RecCloud integration tests.
#![allow(dead_code, unreachable_pub)]

use httpmock::Method::POST;
use httpmock::{Mock, MockServer};
use mediatask_http::{HttpConfig, RetryPolicy};
use mediatask_reccloud::{Endpoints, RecCloudClient, RecCloudConfig, SpeechToTextRequest};
use mediatask_testkit::{FakeClock, fake_runtime};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// The API key used by every test (must never appear in logs, errors or Debug).
pub const KEY: &str = "rk-test-SECRET-4242";

/// Short, instant retries.
pub fn http() -> HttpConfig {
    HttpConfig::default().with_retry(
        RetryPolicy::default()
            .with_max_attempts(3)
            .with_base_delay(Duration::from_millis(1))
            .with_max_delay(Duration::from_millis(5)),
    )
}

/// A config against the mock server (default 2 QPS / 2 parallel tasks).
pub fn config(server: &MockServer) -> RecCloudConfig {
    RecCloudConfig::default()
        .with_api_key(KEY)
        .with_base_url(server.base_url())
        .with_http(http())
}

/// Endpoints with the unconfirmed text-to-speech / text-to-video paths set.
pub fn endpoints_with_generation() -> Endpoints {
    let mut e = Endpoints::default();
    e.text_to_speech = Some("/api/tasks/audio/tts".into());
    e.text_to_video = Some("/api/tasks/video/text-to-video".into());
    e
}

/// A client with the fake runtime (limiter waits and backoff are instant).
pub fn client(server: &MockServer) -> (RecCloudClient, Arc<FakeClock>) {
    client_with(config(server))
}

/// A client from a config with the fake runtime.
pub fn client_with(config: RecCloudConfig) -> (RecCloudClient, Arc<FakeClock>) {
    let (rt, clock, _sleeper) = fake_runtime();
    (
        RecCloudClient::with_runtime(config, rt).expect("client"),
        clock,
    )
}

/// A success envelope.
pub fn ok(data: Value) -> Value {
    json!({"status": 200, "message": "success", "data": data})
}

/// A query answer.
pub fn state(task_id: &str, state: i64, progress: i64, result: Value) -> Value {
    let mut data = json!({
        "state": state, "state_detail": if state == 1 { "Complete" } else { "Processing" },
        "task_id": task_id, "created_at": 1767225600, "processed_at": 1767225601,
        "completed_at": if state == 1 { json!(1767225660) } else { Value::Null },
        "progress": progress
    });
    if !result.is_null() {
        data["result"] = result;
    }
    ok(data)
}

/// A plain speech-to-text request.
pub fn stt_req() -> SpeechToTextRequest {
    SpeechToTextRequest::new("https://h.example/a.mp3")
}

/// A mock answering every request with 200, for tests that prove nothing is sent (assert 0
/// hits on it).
pub async fn catch_all(server: &MockServer) -> Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await
}

/// Mock the speech-to-text create call (`POST /api/tasks/audio/recognition`) answering
/// `status` with the JSON `body`.
pub async fn on_stt_create(server: &MockServer, status: u16, body: Value) -> Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(POST).path("/api/tasks/audio/recognition");
            then.status(status).json_body(body);
        })
        .await
}
