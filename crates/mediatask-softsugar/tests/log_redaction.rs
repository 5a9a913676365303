//! Secrets (app key, sign, token) never reach logs, `Debug` or error text. Alone in its own
//! test binary so no concurrent test can race the thread-local log subscriber.

mod common;

use common::*;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test(flavor = "current_thread")]
async fn secrets_never_reach_logs_debug_or_errors() {
    let (logs, _guard) = mediatask_testkit::logs::capture();
    let server = MockServer::start_async().await;
    let _token = mock_token(&server, TOKEN);
    let _rejected = server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/task/info")
            .header("authorization", BEARER);
        then.status(200)
            .json_body(json!({"code": 401, "message": "token expired", "data": null}));
    });
    let client = client(&server);
    let err = client.task_info(&[7]).await.unwrap_err();
    let sign = mediatask_softsugar::auth::sign(APP_ID, FAKE_NOW_SECS, APP_KEY);
    let token = client.access_token().await.unwrap();
    let texts = [
        logs.contents(),
        format!("{err} {err:?}"),
        format!("{client:?} {:?} {token:?}", client.config()),
    ];
    for text in texts {
        for secret in [APP_KEY, TOKEN, sign.as_str()] {
            assert!(!text.contains(secret), "secret leaked: {text}");
        }
    }
    assert!(
        logs.contents().contains("mediatask.http"),
        "logs were captured"
    );
}
