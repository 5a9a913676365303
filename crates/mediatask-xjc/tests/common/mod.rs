//! Shared helpers of the ai-xjc wire tests: a client on an httpmock server with a fake clock,
//! and token-endpoint mocks.
#![allow(dead_code, unreachable_pub)]

use httpmock::prelude::*;
use httpmock::{Mock, MockServer};
use mediatask_http::{HttpConfig, RetryPolicy};
use mediatask_testkit::FakeClock;
use mediatask_xjc::{XjcClient, XjcConfig};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

pub const AK: &str = "AK_TEST_4f1c";
pub const SK: &str = "SK_SECRET_9d2e";
pub const TOKEN: &str = "tok-0b7e51";
pub const TOKEN_PATH: &str = "/api/model/v5/oauth/token";

/// Wall clock of the fake runtime at start, in epoch ms (2026-01-01T00:00:00Z).
pub const START_MS: i64 = 1_767_225_600_000;

pub struct Env {
    pub server: MockServer,
    pub client: XjcClient,
    pub clock: Arc<FakeClock>,
}

pub fn config(server: &MockServer) -> XjcConfig {
    XjcConfig::new(AK, SK)
        .with_base_url(server.base_url())
        .with_http(
            HttpConfig::default().with_retry(
                RetryPolicy::default()
                    .with_max_attempts(3)
                    .with_base_delay(Duration::from_millis(5))
                    .with_max_delay(Duration::from_millis(20)),
            ),
        )
}

pub async fn env_with(f: impl FnOnce(XjcConfig) -> XjcConfig) -> Env {
    let server = MockServer::start_async().await;
    let (rt, clock, _sleeper) = mediatask_testkit::fake_runtime();
    let client = XjcClient::with_runtime(f(config(&server)), rt).expect("client");
    Env {
        server,
        client,
        clock,
    }
}

pub async fn env() -> Env {
    env_with(|c| c).await
}

pub fn ok(data: Value) -> Value {
    json!({"code": 0, "msg": "", "data": data})
}

/// A token mock answering `token` valid for `lifetime_ms` after START_MS (any timestamp).
pub async fn token_mock<'a>(server: &'a MockServer, token: &str, expires_at_ms: i64) -> Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(TOKEN_PATH)
                .query_param("accessKey", AK)
                .query_param_exists("timestamp")
                .query_param_exists("sign")
                .matches(|req| {
                    // never sends a token header to the token endpoint
                    !req.headers.as_ref().is_some_and(|h| {
                        h.iter()
                            .any(|(k, _)| k.eq_ignore_ascii_case("authorization-token"))
                    })
                });
            then.status(200)
                .json_body(ok(json!({"token": token, "expiresIn": expires_at_ms})));
        })
        .await
}

/// The default token mock: `TOKEN`, valid two hours.
pub async fn default_token(server: &MockServer) -> Mock<'_> {
    token_mock(server, TOKEN, START_MS + 2 * 3600 * 1000).await
}

/// A POST mock on `path` with the token header and an exact body, answering `answer`.
pub async fn post_mock<'a>(
    server: &'a MockServer,
    path: &str,
    body: &str,
    answer: Value,
) -> Mock<'a> {
    let path = path.to_owned();
    let body = body.to_owned();
    server
        .mock_async(move |when, then| {
            when.method(POST)
                .path(path)
                .header("authorization-token", TOKEN)
                .header("content-type", "application/json")
                .body(body);
            then.status(200).json_body(answer);
        })
        .await
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
