//! Token lifecycle against a loopback server: caching, single flight under concurrency, refresh
//! before a known expiry, exactly one re-issue on an auth failure, no loop on a second failure,
//! configurable timestamp unit, and secrets kept out of logs and errors.

mod common;

use common::*;
use httpmock::prelude::*;
use mediatask_core::ErrorKind;
use mediatask_softsugar::auth::TimestampUnit;
use serde_json::json;
use std::time::Duration;

fn info_ok<'a>(server: &'a MockServer, bearer: &str) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/task/info")
            .header("authorization", bearer);
        then.status(200)
            .json_body(ok(json!([{"id": 7, "status": 2, "algoType": 14}])));
    })
}

fn info_unauthorized<'a>(server: &'a MockServer, bearer: &str) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/task/info")
            .header("authorization", bearer);
        then.status(200)
            .json_body(json!({"code": 401, "message": "token expired", "data": null}));
    })
}

#[tokio::test]
async fn token_is_fetched_once_and_cached() {
    let server = MockServer::start_async().await;
    let token = mock_token(&server, TOKEN);
    let info = info_ok(&server, BEARER);
    let client = client(&server);
    client.task_info(&[7]).await.unwrap();
    client.task_info(&[7]).await.unwrap();
    token.assert_hits(1);
    info.assert_hits(2);
    assert_eq!(client.protocol().tokens_issued(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_first_calls_make_one_token_request() {
    let server = MockServer::start_async().await;
    let token = server.mock(|when, then| {
        when.method(POST).path("/api/uc/v1/access/api/token");
        then.status(200)
            .delay(Duration::from_millis(150))
            .json_body(ok(json!({"accessToken": TOKEN})));
    });
    let info = info_ok(&server, BEARER);
    let client = client(&server);
    let calls = (0..20).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.task_info(&[7]).await })
    });
    for r in futures::future::join_all(calls).await {
        r.unwrap().unwrap();
    }
    token.assert_hits(1);
    info.assert_hits(20);
}

#[tokio::test]
async fn expired_token_is_reissued_exactly_once_then_succeeds() {
    let server = MockServer::start_async().await;
    let mut first = mock_token(&server, "tok-old");
    let mut old_ok = info_ok(&server, "Bearer tok-old");
    let client = client(&server);
    client.task_info(&[7]).await.unwrap();
    first.assert_hits(1);
    // the vendor now rejects the old token and issues a new one
    old_ok.delete();
    first.delete();
    let old_rejected = info_unauthorized(&server, "Bearer tok-old");
    let second = mock_token(&server, "tok-new");
    let new_ok = info_ok(&server, "Bearer tok-new");
    let records = client.task_info(&[7]).await.unwrap();
    assert_eq!(records[0].id, 7);
    old_rejected.assert_hits(1);
    second.assert_hits(1);
    new_ok.assert_hits(1);
}

#[tokio::test]
async fn second_auth_failure_is_unauthenticated_without_a_loop() {
    let server = MockServer::start_async().await;
    let token = mock_token(&server, TOKEN);
    let rejected = info_unauthorized(&server, BEARER);
    let client = client(&server);
    let err = client.task_info(&[7]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert_eq!(err.vendor_code(), Some("401"));
    token.assert_hits(2); // first issue + exactly one re-issue
    rejected.assert_hits(2); // original attempt + one retry with the re-issued token
}

#[tokio::test]
async fn http_401_also_triggers_one_reissue() {
    let server = MockServer::start_async().await;
    let token = mock_token(&server, TOKEN);
    let rejected = server.mock(|when, then| {
        when.method(POST).path("/api/2dvh/v1/task/info");
        then.status(401).body("unauthorized");
    });
    let err = client(&server).task_info(&[7]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert_eq!(err.http_status(), Some(401));
    token.assert_hits(2);
    rejected.assert_hits(2);
}

#[tokio::test]
async fn token_is_reissued_before_the_announced_expiry() {
    let server = MockServer::start_async().await;
    let token = server.mock(|when, then| {
        when.method(POST).path("/api/uc/v1/access/api/token");
        then.status(200)
            .json_body(ok(json!({"accessToken": TOKEN, "expiresIn": 3600, "refreshToken": "r", "refreshTokenExpiresIn": 7200})));
    });
    let info = info_ok(&server, BEARER);
    let (client, clock) = client_with(&server, |c| {
        c.with_token_refresh_margin(Duration::from_secs(300))
    });
    client.task_info(&[7]).await.unwrap();
    clock.advance(Duration::from_secs(3000)); // 600 s left: still good
    client.task_info(&[7]).await.unwrap();
    token.assert_hits(1);
    clock.advance(Duration::from_secs(400)); // 200 s left: inside the 300 s margin
    client.task_info(&[7]).await.unwrap();
    token.assert_hits(2);
    info.assert_hits(3);
}

/// Issue #11 item 3: a margin (default 300 s) longer than the token's life (`expiresIn: 20`)
/// must not re-issue the token before every call — the margin is capped at a quarter of the
/// lifetime.
#[tokio::test]
async fn short_lived_tokens_with_the_default_margin_are_reused() {
    let server = MockServer::start_async().await;
    let token = server.mock(|when, then| {
        when.method(POST).path("/api/uc/v1/access/api/token");
        then.status(200)
            .json_body(ok(json!({"accessToken": TOKEN, "expiresIn": 20})));
    });
    let info = info_ok(&server, BEARER);
    let (client, clock) = client_with(&server, |c| c); // default margin: 300 s
    // 8 calls within 15 s (t = 0, 2, …, 14 s)
    for i in 0..8 {
        if i > 0 {
            clock.advance(Duration::from_secs(2));
        }
        client.task_info(&[7]).await.unwrap();
    }
    info.assert_hits(8);
    token.assert_hits(1);
    assert_eq!(client.protocol().tokens_issued(), 1);
    // 5 s before the expiry (t = 15 s) the token is re-issued, never used up to its expiry
    clock.advance(Duration::from_secs(1));
    client.task_info(&[7]).await.unwrap();
    token.assert_hits(2);
}

#[tokio::test]
async fn fallback_ttl_applies_when_the_vendor_gives_no_expiry() {
    let server = MockServer::start_async().await;
    let token = server.mock(|when, then| {
        when.method(POST).path("/api/uc/v1/access/api/token");
        then.status(200)
            .json_body(ok(json!({"accessToken": TOKEN})));
    });
    let _info = info_ok(&server, BEARER);
    let (client, clock) = client_with(&server, |c| {
        c.with_token_fallback_ttl(Some(Duration::from_secs(1000)))
            .with_token_refresh_margin(Duration::from_secs(100))
    });
    client.task_info(&[7]).await.unwrap();
    clock.advance(Duration::from_secs(950));
    client.task_info(&[7]).await.unwrap();
    token.assert_hits(2);
}

#[tokio::test]
async fn millisecond_timestamp_is_configurable() {
    let server = MockServer::start_async().await;
    let ms = format!("{FAKE_NOW_SECS}000");
    let sign = mediatask_softsugar::auth::sign(APP_ID, &ms, APP_KEY);
    let token = server.mock(|when, then| {
        when.method(POST)
            .path("/api/uc/v1/access/api/token")
            .json_body(
                json!({"appId": APP_ID, "timestamp": ms, "sign": sign, "grantType": "sign"}),
            );
        then.status(200)
            .json_body(ok(json!({"accessToken": TOKEN})));
    });
    let _info = info_ok(&server, BEARER);
    let (client, _) = client_with(&server, |c| {
        c.with_timestamp_unit(TimestampUnit::Milliseconds)
    });
    client.task_info(&[7]).await.unwrap();
    token.assert_hits(1);
}

#[tokio::test]
async fn refused_token_request_is_unauthenticated_and_not_looped() {
    let server = MockServer::start_async().await;
    let token = server.mock(|when, then| {
        when.method(POST).path("/api/uc/v1/access/api/token");
        then.status(200)
            .json_body(json!({"code": 10001, "message": "sign invalid", "data": null}));
    });
    let info = info_ok(&server, BEARER);
    let err = client(&server).task_info(&[7]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert_eq!(err.vendor_code(), Some("10001"));
    token.assert_hits(1);
    info.assert_hits(0);
}

#[tokio::test]
async fn missing_credentials_fail_before_sending() {
    let server = MockServer::start_async().await;
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let (client, _) = client_with(&server, |mut c| {
        c.app_key = None;
        c
    });
    if std::env::var("SOFTSUGAR_APP_KEY").is_err() {
        let err = client.task_info(&[7]).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.message().contains("SOFTSUGAR_APP_KEY"));
        any.assert_hits(0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_failures_with_a_stale_token_reissue_once() {
    let server = MockServer::start_async().await;
    let mut first = mock_token(&server, "tok-old");
    let mut old_ok = info_ok(&server, "Bearer tok-old");
    let client = client(&server);
    client.task_info(&[7]).await.unwrap();
    old_ok.delete();
    first.delete();
    let old_rejected = server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/task/info")
            .header("authorization", "Bearer tok-old");
        then.status(200)
            .delay(Duration::from_millis(100))
            .json_body(json!({"code": 401, "message": "token expired", "data": null}));
    });
    let second = server.mock(|when, then| {
        when.method(POST).path("/api/uc/v1/access/api/token");
        then.status(200)
            .delay(Duration::from_millis(100))
            .json_body(ok(json!({"accessToken": "tok-new"})));
    });
    let new_ok = info_ok(&server, "Bearer tok-new");
    let calls = (0..10).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.task_info(&[7]).await })
    });
    for r in futures::future::join_all(calls).await {
        r.unwrap().unwrap();
    }
    assert_eq!(old_rejected.hits(), 10);
    second.assert_hits(1);
    new_ok.assert_hits(10);
}
