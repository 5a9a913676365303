//! Logs never contain the SecretKey, the STS token or the signature. Its own test binary: the
//! capture subscriber is thread-local and `tracing` caches callsite interest per process, so
//! tests running in parallel without a subscriber would make capture flaky.

mod common;

use common::*;
use httpmock::prelude::*;
use mediatask_core::{ErrorKind, MediaTask};
use mediatask_tencent_vod::{AudioClone, Credentials};

#[tokio::test(flavor = "current_thread")]
async fn logs_never_show_secrets_or_signatures() {
    let (logs, _guard) = mediatask_testkit::logs::capture();
    let server = MockServer::start_async().await;
    answer_every_post(
        &server,
        vendor_error("AuthFailure.SignatureFailure", "signature mismatch"),
    )
    .await;
    let client = client_with(
        config(&server).with_credentials(Credentials::new(SECRET_ID, SECRET_KEY).with_token(TOKEN)),
    )
    .0;
    let e = AudioClone::new(client)
        .poll(&handle("audio_clone", "t"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    let text = format!("{}\n{e}\n{e:?}", logs.contents());
    assert!(
        text.contains("mediatask.http") && text.contains("X-TC-Token"),
        "the transport's request log (with redacted headers) was captured: {text}"
    );
    let sig = expected_authorization(
        &server,
        "DescribeTaskDetail",
        T0,
        r#"{"TaskId":"t","SubAppId":221073}"#,
    );
    let sig = sig.rsplit("Signature=").next().unwrap().to_owned();
    for secret in [SECRET_KEY, TOKEN, sig.as_str()] {
        assert!(!text.contains(secret), "leaked {secret}: {text}");
    }
}
