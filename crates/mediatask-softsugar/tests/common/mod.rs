//! Shared test helpers: a client against a loopback mock server with a fake clock, the token
//! mock, envelopes and fixtures.
#![allow(dead_code, unreachable_pub)]

use httpmock::Mock;
use httpmock::prelude::*;
use mediatask_http::{HttpConfig, RetryPolicy};
use mediatask_softsugar::{Client, SoftSugarConfig};
use mediatask_testkit::FakeClock;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// The vendor's published example credentials (FAQ).
pub const APP_ID: &str = "c103af9ac77646ca9fb0122e75f30811";
pub const APP_KEY: &str = "89f81a207e5e4a1297ed1255879191ee";
pub const TOKEN: &str = "tok-ZGQ4OGQ0OGE0ZTgxMGE4ZjE1";
pub const BEARER: &str = "Bearer tok-ZGQ4OGQ0OGE0ZTgxMGE4ZjE1";
/// `FakeClock::default_start()` = 2026-01-01T00:00:00Z.
pub const FAKE_NOW_SECS: &str = "1767225600";

pub fn config(server: &MockServer) -> SoftSugarConfig {
    let retry = RetryPolicy::default()
        .with_max_attempts(3)
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5));
    SoftSugarConfig::new(APP_ID, APP_KEY)
        .with_base_url(server.base_url())
        .with_poll_queue_info(false)
        .with_http(
            HttpConfig::default()
                .with_retry(retry)
                .with_request_timeout(Duration::from_secs(10)),
        )
}

pub fn client_with(
    server: &MockServer,
    f: impl FnOnce(SoftSugarConfig) -> SoftSugarConfig,
) -> (Client, Arc<FakeClock>) {
    let (rt, clock, _sleeper) = mediatask_testkit::fake_runtime();
    let client = Client::with_runtime(f(config(server)), rt).expect("client");
    (client, clock)
}

pub fn client(server: &MockServer) -> Client {
    client_with(server, |c| c).0
}

/// Token endpoint answering `token` (exact documented request body at the fake clock's time).
pub fn mock_token<'a>(server: &'a MockServer, token: &str) -> Mock<'a> {
    let sign = mediatask_softsugar::auth::sign(APP_ID, FAKE_NOW_SECS, APP_KEY);
    server.mock(|when, then| {
        when.method(POST)
            .path("/api/uc/v1/access/api/token")
            .header("content-type", "application/json")
            .json_body(json!({"appId": APP_ID, "timestamp": FAKE_NOW_SECS, "sign": sign, "grantType": "sign"}));
        then.status(200).json_body(json!({"code": 0, "message": "success", "data": {"accessToken": token}}));
    })
}

/// `POST path` with the bearer token, the JSON content type and exactly `body`, answering 200
/// with the fixture `fixture_name`.
pub fn mock_post<'a>(
    server: &'a MockServer,
    path: &str,
    body: Value,
    fixture_name: &str,
) -> Mock<'a> {
    let text = fixture(fixture_name);
    server.mock(|when, then| {
        when.method(POST)
            .path(path)
            .header("authorization", BEARER)
            .header("content-type", "application/json")
            .json_body(body);
        then.status(200).body(text);
    })
}

pub fn ok(data: Value) -> Value {
    json!({"code": 0, "message": "success", "data": data})
}

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).expect("fixture is JSON")
}
