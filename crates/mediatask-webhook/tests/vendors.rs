//! Each vendor's scheme through the router: accepted, duplicate, forged, stale, wrong key,
//! missing fields, unknown job, too large — refusals record nothing.

mod common;

use axum::http::HeaderMap;
use common::{Recorder, post};
use mediatask_webhook::softsugar::AuthKeyVerifier;
use mediatask_webhook::{CallbackTokens, Rejection, Secret, WebhookConfig, router, tencent};
use serde_json::json;
use std::sync::Arc;

const JOB: &str = "01JD5N5Z8Q4R7W2X9Y3A6B8C0D";
const OTHER: &str = "01JD5N5Z8Q4R7W2X9Y3A6B8C0E";
const NOW: u64 = 1_800_000_000;
const SIGN_KEY: &str = "SignKey0123456789";

fn tokens() -> CallbackTokens {
    CallbackTokens::new(Secret::new("deployment key"))
}

fn config() -> WebhookConfig {
    WebhookConfig::new(tokens()).with_clock(Arc::new(|| NOW))
}

fn tencent_body(job: &str, handle: &str, t: serde_json::Value, sign: &str) -> String {
    json!({
        "EventType": "AigcVideoTaskComplete",
        "EventHandle": handle,
        "AigcVideoTaskCompleteEvent": {"TaskId": "vod-1", "Status": "FINISH", "SessionId": job},
        "Sign": sign,
        "T": t,
    })
    .to_string()
}

fn signed_tencent(job: &str, handle: &str, t: u64) -> String {
    tencent_body(
        job,
        handle,
        json!(t),
        &tencent::sign(SIGN_KEY, &t.to_string()),
    )
}

#[tokio::test]
async fn tencent_signed_event_wakes_once_and_duplicates_change_nothing() {
    let rec = Arc::new(Recorder::knowing(&[JOB]));
    let app = router(
        config().with_tencent_sign_key(Secret::new(SIGN_KEY)),
        rec.clone(),
    );
    let body = signed_tencent(JOB, "h1", NOW + 600);
    let (s, j) = post(&app, "/tencent-vod", &[], body.clone()).await;
    assert_eq!((s.as_u16(), j["outcome"].as_str()), (200, Some("woken")));
    // Tencent redelivers an unconfirmed event: the same delivery is a duplicate.
    let (s, j) = post(&app, "/tencent-vod", &[], body).await;
    assert_eq!(
        (s.as_u16(), j["outcome"].as_str()),
        (200, Some("duplicate"))
    );
    let seen = rec.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].reported_status, "FINISH");
    assert_eq!(seen[0].callback_id, "h1");
    assert_eq!(seen[0].job_id, JOB);
}

#[tokio::test]
async fn tencent_forged_stale_and_unsigned_are_refused() {
    let rec = Arc::new(Recorder::knowing(&[JOB]));
    let app = router(
        config().with_tencent_sign_key(Secret::new(SIGN_KEY)),
        rec.clone(),
    );
    let t = NOW + 600;
    let cases = [
        // forged: signed with another key
        tencent_body(JOB, "h", json!(t), &tencent::sign("other", &t.to_string())),
        // forged: T changed after signing
        tencent_body(
            JOB,
            "h",
            json!(t + 1),
            &tencent::sign(SIGN_KEY, &t.to_string()),
        ),
        // stale: expired one second ago
        signed_tencent(JOB, "h", NOW - 1),
        // too far ahead: one second past the window
        signed_tencent(JOB, "h", NOW + 15 * 60 + 1),
        // empty and partial signatures
        tencent_body(JOB, "h", json!(t), ""),
        tencent_body(
            JOB,
            "h",
            json!(t),
            &tencent::sign(SIGN_KEY, &t.to_string())[..16],
        ),
        // no Sign / no T
        json!({"EventType": "AigcVideoTaskComplete",
               "AigcVideoTaskCompleteEvent": {"TaskId": "x", "Status": "FINISH", "SessionId": JOB},
               "T": t})
        .to_string(),
        json!({"EventType": "AigcVideoTaskComplete",
               "AigcVideoTaskCompleteEvent": {"TaskId": "x", "Status": "FINISH", "SessionId": JOB},
               "Sign": tencent::sign(SIGN_KEY, &t.to_string())})
        .to_string(),
        // T not a time
        tencent_body(JOB, "h", json!("soon"), &tencent::sign(SIGN_KEY, "soon")),
    ];
    for body in cases {
        let (s, _) = post(&app, "/tencent-vod", &[], body.clone()).await;
        assert_eq!(s, 401, "{body}");
    }
    assert_eq!(rec.count(), 0);
}

#[test]
fn tencent_window_edges_and_hex_t() {
    let v = tencent::TencentVerifier::new(Secret::new(SIGN_KEY));
    let at = |t: String| v.verify(&tencent::sign(SIGN_KEY, &t), &t, NOW);
    assert!(at(NOW.to_string()).is_ok(), "expiring this second");
    assert!(
        at((NOW + 15 * 60).to_string()).is_ok(),
        "at the window's end"
    );
    assert!(matches!(
        at((NOW - 1).to_string()),
        Err(Rejection::Stale(_))
    ));
    assert!(matches!(
        at((NOW + 15 * 60 + 1).to_string()),
        Err(Rejection::Stale(_))
    ));
    assert!(at(format!("{:x}", NOW + 60)).is_ok(), "hex T");
    // upper-case hex Sign is the same signature
    let t = (NOW + 60).to_string();
    assert!(
        v.verify(&tencent::sign(SIGN_KEY, &t).to_uppercase(), &t, NOW)
            .is_ok()
    );
    assert!(!format!("{v:?}").contains(SIGN_KEY));
}

#[tokio::test]
async fn tencent_without_sign_key_events_unrelated_and_unknown_jobs() {
    let rec = Arc::new(Recorder::knowing(&[JOB]));
    let app = router(config(), rec.clone());
    // No SignKey configured: accepted as a wake-up.
    let body = tencent_body(JOB, "h2", json!(0), "");
    assert_eq!(post(&app, "/tencent-vod", &[], body).await.0, 200);
    // An upload event of the application: acknowledged, ignored.
    let upload =
        json!({"EventType": "NewFileUpload", "FileUploadEvent": {"FileId": "f"}}).to_string();
    let (s, j) = post(&app, "/tencent-vod", &[], upload).await;
    assert_eq!((s.as_u16(), j["outcome"].as_str()), (200, Some("ignored")));
    // Unknown job: 404.
    assert_eq!(
        post(
            &app,
            "/tencent-vod",
            &[],
            tencent_body(OTHER, "h3", json!(0), "")
        )
        .await
        .0,
        404
    );
    // Malformed: 400.
    assert_eq!(
        post(&app, "/tencent-vod", &[], "{\"EventType\": 3}")
            .await
            .0,
        400
    );
    assert_eq!(rec.count(), 1);
}

fn xjc_path(job: &str) -> String {
    format!("/xjc/{job}/{}", tokens().job_token("xjc", job))
}

#[tokio::test]
async fn xjc_token_and_access_key() {
    let rec = Arc::new(Recorder::knowing(&[JOB, OTHER]));
    let app = router(
        config().with_xjc_access_key(Secret::new("AK-1")),
        rec.clone(),
    );
    let body =
        json!({"status": 3, "jobId": "x1", "accessKey": "AK-1", "videoUrl": "u"}).to_string();
    let (s, j) = post(&app, &xjc_path(JOB), &[], body.clone()).await;
    assert_eq!((s.as_u16(), j["outcome"].as_str()), (200, Some("woken")));
    assert_eq!(
        post(&app, &xjc_path(JOB), &[], body.clone()).await.1["outcome"],
        "duplicate"
    );
    // another job's token, a made-up token, an empty token
    let wrong = tokens().job_token("xjc", OTHER);
    for path in [
        format!("/xjc/{JOB}/{wrong}"),
        format!("/xjc/{JOB}/{}", "0".repeat(32)),
        format!("/xjc/{JOB}/x"),
    ] {
        assert_eq!(post(&app, &path, &[], body.clone()).await.0, 401, "{path}");
    }
    // Vozo's token for the same job does not open ai-xjc's route.
    let vozo = tokens().job_token("vozo", JOB);
    assert_eq!(
        post(&app, &format!("/xjc/{JOB}/{vozo}"), &[], body.clone())
            .await
            .0,
        401
    );
    let wrong_key = json!({"status": 4, "jobId": "x1", "accessKey": "AK-2"}).to_string();
    assert_eq!(post(&app, &xjc_path(JOB), &[], wrong_key).await.0, 401);
    let no_key = json!({"status": 4, "jobId": "x1"}).to_string();
    assert_eq!(post(&app, &xjc_path(JOB), &[], no_key).await.0, 401);
    assert_eq!(
        post(&app, &xjc_path(JOB), &[], "{\"status\": null}")
            .await
            .0,
        400
    );
    assert_eq!(rec.count(), 1);
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_before_parsing() {
    let rec = Arc::new(Recorder::knowing(&[JOB]));
    let mut c = config();
    c.body_limit = 1024;
    let app = router(c, rec.clone());
    let big = format!("{{\"status\": 3, \"pad\": \"{}\"}}", "a".repeat(2000));
    assert_eq!(post(&app, &xjc_path(JOB), &[], big).await.0, 413);
    assert_eq!(rec.count(), 0);
}

#[derive(Debug)]
struct HeaderSecret(Secret);
impl AuthKeyVerifier for HeaderSecret {
    fn verify(&self, headers: &HeaderMap, _body: &[u8]) -> Result<(), Rejection> {
        match headers.get("signature").and_then(|v| v.to_str().ok()) {
            Some(s) if self.0.matches(s) => Ok(()),
            _ => Err(Rejection::Unauthenticated("AuthKey signature")),
        }
    }
}

#[tokio::test]
async fn softsugar_account_token_name_and_optional_authkey() {
    let token = tokens().account_token("softsugar");
    let path = format!("/softsugar/{token}");
    let body =
        json!({"taskId": 42, "materialName": format!("promo [{JOB}]"), "status": 5}).to_string();
    // Off until configured: accepted on the token alone.
    let rec = Arc::new(Recorder::knowing(&[JOB]));
    let app = router(config(), rec.clone());
    assert_eq!(
        post(&app, &path, &[], body.clone()).await.1["outcome"],
        "woken"
    );
    assert_eq!(rec.seen.lock().unwrap()[0].callback_id, "42");
    assert_eq!(
        post(&app, "/softsugar/nottoken", &[], body.clone()).await.0,
        401
    );
    let unnamed = json!({"taskId": 43, "status": 5}).to_string();
    assert_eq!(
        post(&app, &path, &[], unnamed).await.1["outcome"],
        "ignored"
    );
    // Configured: the verifier decides.
    let rec = Arc::new(Recorder::knowing(&[JOB]));
    let app = router(
        config().with_softsugar_verifier(Arc::new(HeaderSecret(Secret::new("sig")))),
        rec.clone(),
    );
    assert_eq!(
        post(&app, &path, &[("signature", "bad")], body.clone())
            .await
            .0,
        401
    );
    assert_eq!(post(&app, &path, &[], body.clone()).await.0, 401);
    assert_eq!(rec.count(), 0);
    assert_eq!(
        post(&app, &path, &[("signature", "sig")], body).await.0,
        200
    );
    assert_eq!(rec.count(), 1);
}

#[tokio::test]
async fn vozo_challenge_status_and_token() {
    let rec = Arc::new(Recorder::knowing(&[JOB]));
    let path = format!("/vozo/{JOB}/{}", tokens().job_token("vozo", JOB));
    let app = router(config(), rec.clone());
    let (s, j) = post(&app, &path, &[], r#"{"challenge":"c-123"}"#).await;
    assert_eq!((s.as_u16(), j), (200, json!({"challenge": "c-123"})));
    assert_eq!(rec.count(), 0, "a challenge records nothing");
    let done = r#"{"status":"done","result":{"video_url":"u"}}"#;
    assert_eq!(post(&app, &path, &[], done).await.1["outcome"], "woken");
    assert_eq!(
        post(&app, &format!("/vozo/{JOB}/bad"), &[], done).await.0,
        401
    );
    let mut c = config();
    c.echo_challenge = false;
    let app = router(c, rec.clone());
    assert_eq!(post(&app, &path, &[], r#"{"challenge":"c"}"#).await.0, 400);
    assert_eq!(rec.count(), 1);
}

#[test]
fn secrets_never_show_in_debug() {
    let c = config()
        .with_tencent_sign_key(Secret::new(SIGN_KEY))
        .with_xjc_access_key(Secret::new("AK-SECRET"));
    let text = format!("{c:?}");
    for s in [SIGN_KEY, "AK-SECRET", "deployment key"] {
        assert!(!text.contains(s), "{s} in {text}");
    }
}
