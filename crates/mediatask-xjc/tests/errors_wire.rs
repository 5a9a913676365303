//! Every documented error code, answered on the wire inside an HTTP 200 envelope, is classified
//! from the generated table (kind, retry behaviour, vendor code and Chinese message kept).

mod common;

use common::*;
use httpmock::prelude::*;
use mediatask_core::{ErrorKind, Retryability};
use mediatask_xjc::generated::tables::ERROR_CODES;
use serde_json::json;

#[tokio::test]
async fn every_documented_code_on_a_poll() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let mut checked = 0;
    for row in ERROR_CODES.iter().filter(|r| r.code != "0") {
        let code: i64 = row.code.parse().unwrap();
        let m = e
            .server
            .mock_async(|when, then| {
                when.method(POST).path("/api/model/v5/works/inspect");
                then.status(200)
                    .json_body(json!({"code": code, "msg": row.vendor_message, "data": null}));
            })
            .await;
        let err = e.client.works_inspect("j").await.unwrap_err();
        assert_eq!(err.kind(), row.kind, "code {}", row.code);
        assert_eq!(err.vendor_code(), Some(row.code));
        assert_eq!(err.vendor_message(), Some(row.vendor_message));
        assert!(
            !err.message().is_empty() && err.message().is_ascii(),
            "English message for {}",
            row.code
        );
        let expected_hits = if row.retryable {
            assert_eq!(
                err.retryability(),
                Retryability::Exhausted,
                "code {}",
                row.code
            );
            3
        } else if row.code == "20002" {
            2
        } else {
            assert_eq!(
                err.retryability(),
                Retryability::Permanent,
                "code {}",
                row.code
            );
            1
        };
        m.assert_hits_async(expected_hits).await;
        m.delete_async().await;
        checked += 1;
    }
    assert_eq!(checked, 35);
}

#[tokio::test]
async fn http_errors_without_an_envelope() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    for (status, kind, hits) in [
        (503u16, ErrorKind::Unavailable, 3),
        (429, ErrorKind::RateLimited, 3),
        (404, ErrorKind::NotFound, 1),
        (401, ErrorKind::Unauthenticated, 1),
    ] {
        let m = e
            .server
            .mock_async(|when, then| {
                when.method(GET).path("/api/model/v5/user/balance");
                then.status(status).body("<html>nginx</html>");
            })
            .await;
        let err = e.client.balance().await.unwrap_err();
        assert_eq!(err.kind(), kind, "HTTP {status}");
        assert_eq!(err.http_status(), Some(status));
        m.assert_hits_async(hits).await;
        m.delete_async().await;
    }
}

#[tokio::test]
async fn malformed_success_bodies_are_decode_errors() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    for body in [
        "",
        "{\"code\":0,\"msg\":\"\",\"data\":{\"status\":",
        "{\"code\":0,\"msg\":\"\",\"data\":null}",
        "[]",
    ] {
        let m = e
            .server
            .mock_async(|when, then| {
                when.method(POST).path("/api/model/v5/works/inspect");
                then.status(200).body(body);
            })
            .await;
        let err = e.client.works_inspect("j").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{body:?}");
        m.assert_hits_async(1).await;
        m.delete_async().await;
    }
}

#[tokio::test]
async fn unmapped_status_is_unknown_with_the_raw_code() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let _m = post_mock(
        &e.server,
        "/api/model/v5/works/inspect",
        r#"{"jobId":"j"}"#,
        ok(json!({"status": 7})),
    )
    .await;
    use mediatask_core::MediaTask;
    let snap = mediatask_xjc::Works::new(e.client.clone())
        .poll(&mediatask_core::TaskHandle::new("xjc", "works", "j"))
        .await
        .unwrap();
    assert_eq!(snap.status, mediatask_core::TaskStatus::Unknown);
    assert_eq!(snap.vendor_status.code, "7");
}
