//! Shared helpers of the wire tests: a client on an httpmock server (with a path prefix), a
//! fake clock and instant sleeper, the expected signed headers of a body, canned mocks and
//! vendor answers.
#![allow(dead_code, unreachable_pub)]

use httpmock::{Method, Mock, MockServer, When};
use mediatask_core::TaskHandle;
use mediatask_http::{HttpConfig, RetryPolicy};
use mediatask_tencent_vod::auth::{SignInput, sign};
use mediatask_tencent_vod::{Client, Credentials, TencentVodConfig};
use mediatask_testkit::FakeClock;
use std::sync::Arc;
use std::time::Duration;

pub const SECRET_ID: &str = "AKIDwiretest0001";
pub const SECRET_KEY: &str = "wire-secret-key-never-printed";
pub const TOKEN: &str = "sts-token-never-printed";
pub const SUB_APP_ID: u64 = 221073;
/// The fake clock's start: 2026-01-01T00:00:00Z.
pub const T0: i64 = 1_767_225_600;
pub const PREFIX: &str = "/tc";

pub fn config(server: &MockServer) -> TencentVodConfig {
    TencentVodConfig::default()
        .with_credentials(Credentials::new(SECRET_ID, SECRET_KEY))
        .with_base_url(server.url(PREFIX))
        .with_sub_app_id(Some(SUB_APP_ID))
        .with_http(
            HttpConfig::default()
                .with_request_timeout(Duration::from_millis(400))
                .with_retry(
                    RetryPolicy::default()
                        .with_max_attempts(3)
                        .with_base_delay(Duration::from_secs(1))
                        .with_max_delay(Duration::from_secs(1)),
                ),
        )
}

pub fn client_with(config: TencentVodConfig) -> (Client, Arc<FakeClock>) {
    let (rt, clock, _sleeper) = mediatask_testkit::fake_runtime();
    (Client::with_runtime(config, rt).expect("client"), clock)
}

pub fn client(server: &MockServer) -> (Client, Arc<FakeClock>) {
    client_with(config(server))
}

/// `host:port` of the mock server (the signed Host).
pub fn host(server: &MockServer) -> String {
    server.address().to_string()
}

/// The Authorization header a correct signer produces for this exact body.
pub fn expected_authorization(
    server: &MockServer,
    action: &str,
    timestamp: i64,
    body: &str,
) -> String {
    let host = host(server);
    let input =
        SignInput::new(SECRET_ID, SECRET_KEY, &host, action, timestamp).with_body(body.as_bytes());
    sign(&input).authorization
}

/// Match one fully signed call of `action` at [`T0`] carrying exactly `body`: method, path and
/// every TC3 header (Authorization, Content-Type, Host, X-TC-Action/Version/Timestamp).
pub fn signed_call(when: When, server: &MockServer, action: &str, body: &str) -> When {
    when.method(Method::POST)
        .path("/tc/")
        .header(
            "Authorization",
            expected_authorization(server, action, T0, body),
        )
        .header("Content-Type", "application/json")
        .header("Host", host(server))
        .header("X-TC-Action", action)
        .header("X-TC-Version", "2018-07-17")
        .header("X-TC-Timestamp", T0.to_string())
        .body(body)
}

/// Every POST is answered with `answer` (HTTP 200).
pub async fn answer_every_post(server: &MockServer, answer: serde_json::Value) -> Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(Method::POST);
            then.status(200).json_body(answer);
        })
        .await
}

/// Every call of `action` is answered with `answer` (HTTP 200).
pub async fn answer_action<'a>(
    server: &'a MockServer,
    action: &str,
    answer: serde_json::Value,
) -> Mock<'a> {
    server
        .mock_async(|when, then| {
            when.header("X-TC-Action", action);
            then.status(200).json_body(answer);
        })
        .await
}

/// A handle of this provider's `kind` for vendor task `id`.
pub fn handle(kind: &str, id: &str) -> TaskHandle {
    TaskHandle::new("tencent-vod", kind, id)
}

pub fn ok(fields: serde_json::Value) -> serde_json::Value {
    let mut obj = fields.as_object().cloned().unwrap_or_default();
    obj.insert("RequestId".into(), "req-ok-1".into());
    serde_json::json!({ "Response": obj })
}

pub fn vendor_error(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "req-err-1"}})
}

/// A DescribeTaskDetail answer for an AIGC sub-task (the other detail objects are `null`).
pub fn detail(
    task_type: &str,
    field: &str,
    status: &str,
    sub: serde_json::Value,
) -> serde_json::Value {
    let mut r = serde_json::Map::new();
    r.insert("TaskType".into(), task_type.into());
    r.insert("Status".into(), status.into());
    r.insert("CreateTime".into(), "2026-01-01T00:00:00Z".into());
    r.insert("BeginProcessTime".into(), "2026-01-01T00:00:05Z".into());
    r.insert(
        "FinishTime".into(),
        if status == "FINISH" {
            "2026-01-01T00:05:00Z"
        } else {
            ""
        }
        .into(),
    );
    for other in [
        "AigcVideoTask",
        "AigcImageTask",
        "AigcAudioTask",
        "CreateAigcAudioCloneTask",
        "ProcedureTask",
    ] {
        r.insert(other.into(), serde_json::Value::Null);
    }
    r.insert(field.into(), sub);
    r.insert("RequestId".into(), "req-poll-1".into());
    serde_json::json!({ "Response": r })
}
