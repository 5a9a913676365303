//! Secrets (secret key, access key, token, sign) never reach the `tracing` output of a full
//! token + submit + re-issue flow. Alone in its own test binary: `tracing` caches callsite
//! interest process-wide, so a concurrently running test without the capturing subscriber
//! could otherwise disable these callsites for it.

mod common;

use common::*;
use httpmock::prelude::*;
use mediatask_core::MediaTask;
use mediatask_xjc::{Works, WorksRequest, auth};
use serde_json::json;

#[tokio::test(flavor = "current_thread")]
async fn full_token_and_submit_flow_logs_no_secret() {
    let (logs, _guard) = mediatask_testkit::logs::capture();
    let e = env().await;
    let sign = auth::sign(AK, START_MS, SK);
    // first token is rejected by the API (20002) → re-issue → submit → poll
    let _t = default_token(&e.server).await;
    let rejected = e
        .server
        .mock_async(|when, then| {
            when.method(POST).path("/api/model/v5/works/inspect");
            then.status(200)
                .json_body(json!({"code": 20002, "msg": "无效token", "data": null}));
        })
        .await;
    let _c = post_mock(
        &e.server,
        "/api/model/v5/works/create",
        r#"{"videoUrl":"https://cdn.example/a.mp4","text":"hi"}"#,
        ok(json!({"jobId": "j-log"})),
    )
    .await;
    let works = Works::new(e.client.clone());
    let h = works
        .submit(WorksRequest::text_driven("https://cdn.example/a.mp4", "hi"))
        .await
        .unwrap();
    let err = works.poll(&h).await.unwrap_err();
    rejected.assert_hits_async(2).await;

    let text = logs.contents();
    assert!(
        text.contains("oauth_token") && text.contains("works_create"),
        "logs were captured: {text}"
    );
    assert!(
        text.contains("sign=***") && text.contains("accessKey=***"),
        "query redacted: {text}"
    );
    for secret in [SK, TOKEN, AK, sign.as_str()] {
        assert!(
            !text.contains(secret),
            "secret `{secret}` leaked into logs:\n{text}"
        );
        assert!(!err.to_string().contains(secret) && !format!("{err:?}").contains(secret));
        assert!(!format!("{:?}", e.client).contains(secret));
        assert!(!format!("{works:?}").contains(secret));
    }
}
