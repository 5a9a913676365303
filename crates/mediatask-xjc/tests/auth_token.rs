//! Sign vectors and the token lifecycle (injected clock): cache until margin, refresh after,
//! single flight, one re-issue on 20002, no loop on a second 20002, clock-skew message.

mod common;

use common::*;
use futures::future::join_all;
use httpmock::prelude::*;
use mediatask_core::ErrorKind;
use mediatask_xjc::auth;
use serde_json::json;
use std::time::Duration;

#[test]
fn sign_vector_from_vendors_md() {
    // vendors.md §3.2 [CALC]: AK_TEST, 1700000000000, SK_TEST
    assert_eq!(
        auth::string_to_sign("AK_TEST", 1_700_000_000_000, "SK_TEST"),
        "AK_TEST1700000000000SK_TEST"
    );
    assert_eq!(
        auth::sign("AK_TEST", 1_700_000_000_000, "SK_TEST"),
        "997174d9d3b64238ae54744e97d0fceb"
    );
}

#[test]
fn sign_changes_with_every_input() {
    let base = auth::sign("AK_TEST", 1_700_000_000_000, "SK_TEST");
    assert_ne!(base, auth::sign("AK_TESU", 1_700_000_000_000, "SK_TEST"));
    assert_ne!(base, auth::sign("AK_TEST", 1_700_000_000_001, "SK_TEST"));
    assert_ne!(base, auth::sign("AK_TEST", 1_700_000_000_000, "SK_TESU"));
    // md5("abc") stage check: timestamp 0 would add "0", so use the string stage directly
    assert!(
        base.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    );
}

#[tokio::test]
async fn token_request_is_signed_with_the_clock_time() {
    let e = env().await;
    let ts = START_MS.to_string();
    let sign = auth::sign(AK, START_MS, SK);
    let token = e
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(TOKEN_PATH)
                .query_param("accessKey", AK)
                .query_param("timestamp", ts.as_str())
                .query_param("sign", sign.as_str());
            then.status(200).json_body(ok(
                json!({"token": TOKEN, "expiresIn": START_MS + 7_200_000}),
            ));
        })
        .await;
    let balance = e
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/model/v5/user/balance")
                .header("authorization-token", TOKEN);
            then.status(200).json_body(ok(json!({"balance": 5})));
        })
        .await;
    assert_eq!(e.client.balance().await.unwrap().balance, Some(5));
    token.assert_hits_async(1).await;
    balance.assert_hits_async(1).await;
}

async fn balance_mock(server: &httpmock::MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/model/v5/user/balance");
            then.status(200).json_body(ok(json!({"balance": 1})));
        })
        .await
}

#[tokio::test]
async fn token_is_cached_until_the_margin_then_refreshed() {
    let e = env_with(|c| c.with_token_refresh_margin(Duration::from_secs(300))).await;
    let expires = START_MS + 3_600_000; // one hour
    let token = token_mock(&e.server, TOKEN, expires).await;
    let _b = balance_mock(&e.server).await;

    e.client.balance().await.unwrap();
    token.assert_hits_async(1).await;
    // 55 min − 1 ms later: still outside the 5-minute margin → cached
    e.clock.advance(Duration::from_millis(3_300_000 - 1));
    e.client.balance().await.unwrap();
    e.client.balance().await.unwrap();
    token.assert_hits_async(1).await;
    // at expiry − margin: refreshed
    e.clock.advance(Duration::from_millis(1));
    token.delete_async().await;
    let token2 = token_mock(&e.server, TOKEN, START_MS + 7_200_000).await;
    e.client.balance().await.unwrap();
    token2.assert_hits_async(1).await;
    // the new expiry is honoured again
    e.clock.advance(Duration::from_secs(60));
    e.client.balance().await.unwrap();
    token2.assert_hits_async(1).await;
    assert_eq!(e.client.token_fetches(), 2);
}

/// Issue #11 item 3: a margin (default 300 s) longer than the token's life (20 s) must not
/// fetch a new token before every call — the margin is capped at a quarter of the lifetime.
#[tokio::test]
async fn short_lived_tokens_with_the_default_margin_are_reused() {
    let e = env().await; // default token_refresh_margin: 300 s
    let token = token_mock(&e.server, TOKEN, START_MS + 20_000).await;
    let balance = balance_mock(&e.server).await;
    // 8 calls within 15 s (t = 0, 2, …, 14 s)
    for i in 0..8 {
        if i > 0 {
            e.clock.advance(Duration::from_secs(2));
        }
        e.client.balance().await.unwrap();
    }
    balance.assert_hits_async(8).await;
    token.assert_hits_async(1).await;
    assert_eq!(e.client.token_fetches(), 1);
    // 5 s before the expiry (t = 15 s) the token is refreshed, never used up to its expiry
    e.clock.advance(Duration::from_secs(1));
    e.client.balance().await.unwrap();
    token.assert_hits_async(2).await;
}

#[tokio::test]
async fn a_past_expiry_uses_the_fallback_lifetime() {
    let e = env_with(|c| {
        c.with_token_refresh_margin(Duration::from_secs(10))
            .with_fallback_token_lifetime(Duration::from_secs(60))
    })
    .await;
    let token = token_mock(&e.server, TOKEN, 0).await; // the docs' example value
    let _b = balance_mock(&e.server).await;
    e.client.balance().await.unwrap();
    e.clock.advance(Duration::from_secs(49));
    e.client.balance().await.unwrap();
    token.assert_hits_async(1).await;
    e.clock.advance(Duration::from_secs(1));
    e.client.balance().await.unwrap();
    token.assert_hits_async(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_first_calls_fetch_one_token() {
    let e = env().await;
    let token = default_token(&e.server).await;
    let balance = balance_mock(&e.server).await;
    let calls = (0..20).map(|_| {
        let c = e.client.clone();
        tokio::spawn(async move { c.balance().await })
    });
    for r in join_all(calls).await {
        r.unwrap().unwrap();
    }
    token.assert_hits_async(1).await;
    balance.assert_hits_async(20).await;
}

/// The mocks of a stale-token scenario: the cached token `tok-old` is refused (20002, after
/// `delay`), the token endpoint issues `TOKEN`, and the balance call with `TOKEN` answers
/// `balance`.
struct StaleToken<'a> {
    fresh: httpmock::Mock<'a>,
    rejected: httpmock::Mock<'a>,
    accepted: httpmock::Mock<'a>,
}

async fn stale_token(e: &Env, delay: Duration, balance: i64) -> StaleToken<'_> {
    // seed the cache with a token the API will reject
    let old = token_mock(&e.server, "tok-old", START_MS + 7_200_000).await;
    e.client.token().await.unwrap();
    old.delete_async().await;
    let fresh = default_token(&e.server).await;
    let rejected = e
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/model/v5/user/balance")
                .header("authorization-token", "tok-old");
            then.status(200)
                .delay(delay)
                .json_body(json!({"code": 20002, "msg": "无效token", "data": null}));
        })
        .await;
    let accepted = e
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/model/v5/user/balance")
                .header("authorization-token", TOKEN);
            then.status(200).json_body(ok(json!({"balance": balance})));
        })
        .await;
    StaleToken {
        fresh,
        rejected,
        accepted,
    }
}

#[tokio::test]
async fn invalid_token_is_reissued_once_and_the_call_retried() {
    let e = env().await;
    let StaleToken {
        fresh,
        rejected,
        accepted,
    } = stale_token(&e, Duration::ZERO, 42).await;
    assert_eq!(e.client.balance().await.unwrap().balance, Some(42));
    rejected.assert_hits_async(1).await;
    fresh.assert_hits_async(1).await;
    accepted.assert_hits_async(1).await;
}

/// Ten calls refused at once with the same stale token fetch ONE new token: a call whose
/// refused token was already replaced by another call retries with the current one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_invalid_token_answers_reissue_one_token() {
    let e = env().await;
    // refused slowly enough that all ten are in flight with the old token
    let StaleToken {
        fresh,
        rejected,
        accepted,
    } = stale_token(&e, Duration::from_millis(200), 7).await;
    let calls = (0..10).map(|_| {
        let c = e.client.clone();
        tokio::spawn(async move { c.balance().await })
    });
    for r in join_all(calls).await {
        assert_eq!(r.unwrap().unwrap().balance, Some(7));
    }
    rejected.assert_hits_async(10).await;
    fresh.assert_hits_async(1).await;
    accepted.assert_hits_async(10).await;
    assert_eq!(
        e.client.token_fetches(),
        2,
        "the seeded token and one re-issue"
    );
}

#[tokio::test]
async fn a_second_invalid_token_is_unauthenticated_without_looping() {
    let e = env().await;
    let token = default_token(&e.server).await;
    let api = e
        .server
        .mock_async(|when, then| {
            when.method(POST).path("/api/model/v5/works/inspect");
            then.status(200)
                .json_body(json!({"code": 20002, "msg": "无效token", "data": null}));
        })
        .await;
    let err = e.client.works_inspect("job-1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert_eq!(err.vendor_code(), Some("20002"));
    assert!(!err.is_transient());
    api.assert_hits_async(2).await; // the call and exactly one retry
    token.assert_hits_async(2).await; // the first token and exactly one re-issue
}

#[tokio::test]
async fn bad_signature_explains_clock_skew_and_is_not_retried() {
    let e = env().await;
    let token = e
        .server
        .mock_async(|when, then| {
            when.method(GET).path(TOKEN_PATH);
            then.status(200)
                .json_body(json!({"code": 20003, "msg": "签名错误", "data": null}));
        })
        .await;
    let api = balance_mock(&e.server).await;
    let err = e.client.balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert_eq!(err.vendor_code(), Some("20003"));
    assert!(
        err.message().contains("3 minutes") && err.message().contains("clock"),
        "{err}"
    );
    assert_eq!(err.vendor_message(), Some("签名错误"));
    token.assert_hits_async(1).await;
    api.assert_hits_async(0).await;
}

#[tokio::test]
async fn token_error_example_from_the_docs_host() {
    // the stored answer of https://doc.ai-xjc.com/api/model/v5/oauth/token without parameters
    let e = env().await;
    let _t = e
        .server
        .mock_async(|when, then| {
            when.method(GET).path(TOKEN_PATH);
            then.status(200).json_body(
                json!({"code": 20004, "msg": "accessKey必传, 时间戳必传, 签名必传", "data": null}),
            );
        })
        .await;
    let err = e.client.token().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        err.vendor_message(),
        Some("accessKey必传, 时间戳必传, 签名必传")
    );
}

#[tokio::test]
async fn token_answer_without_token_is_a_decode_error() {
    let e = env().await;
    let _t = e
        .server
        .mock_async(|when, then| {
            when.method(GET).path(TOKEN_PATH);
            then.status(200)
                .json_body(ok(json!({"token": "", "expiresIn": 0})));
        })
        .await;
    assert_eq!(
        e.client.token().await.unwrap_err().kind(),
        ErrorKind::Decode
    );
}

#[tokio::test]
async fn missing_credentials_send_nothing() {
    let server = httpmock::MockServer::start_async().await;
    let any = catch_all(&server).await;
    let mut cfg = config(&server);
    cfg.secret_key = None;
    let client = mediatask_xjc::XjcClient::new(cfg).unwrap();
    let err = client.balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.message().contains("XJC_SECRET_KEY"));
    any.assert_hits_async(0).await;
}
