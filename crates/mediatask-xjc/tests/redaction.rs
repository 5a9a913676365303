//! Secrets (secret key, access key, token) never reach Debug output or error messages.

mod common;

use common::*;
use httpmock::prelude::*;

#[tokio::test]
async fn garbled_token_answer_does_not_echo_the_token() {
    let e = env().await;
    let _t = e
        .server
        .mock_async(|when, then| {
            when.method(GET).path(TOKEN_PATH);
            then.status(200).body(format!(
                r#"{{"code":0,"msg":"","data":{{"token":"{TOKEN}","expiresIn":"#
            ));
        })
        .await;
    let err = e.client.token().await.unwrap_err();
    assert_eq!(err.kind(), mediatask_core::ErrorKind::Decode);
    assert!(!err.to_string().contains(TOKEN), "{err}");
    assert!(!format!("{err:?}").contains(TOKEN), "{err:?}");
}

#[test]
fn config_and_token_debug_are_redacted() {
    let cfg = mediatask_xjc::XjcConfig::new(AK, SK);
    let dbg = format!("{cfg:?} {cfg:#?}");
    assert!(!dbg.contains(SK) && !dbg.contains(AK), "{dbg}");
}
