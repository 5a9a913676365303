//! The Standard Webhooks matrix (issue #14), through the relay route and the verifier.

mod common;

use common::{Recorder, now, post};
use mediatask_webhook::standard::StandardVerifier;
use mediatask_webhook::{CallbackTokens, Rejection, Secret, WebhookConfig, router};
use std::sync::Arc;

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const JOB: &str = "01JD5N5Z8Q4R7W2X9Y3A6B8C0D";
const BODY: &str = r#"{"status":"done","extra":1}"#;

fn verifier() -> StandardVerifier {
    StandardVerifier::new(SECRET).unwrap()
}

fn app(rec: Arc<Recorder>) -> axum::Router {
    let config =
        WebhookConfig::new(CallbackTokens::new(Secret::new("k"))).with_standard(verifier());
    router(config, rec)
}

fn headers(id: &str, ts: i64, sig: &str) -> axum::http::HeaderMap {
    let mut h = axum::http::HeaderMap::new();
    h.insert("webhook-id", id.parse().unwrap());
    h.insert("webhook-timestamp", ts.to_string().parse().unwrap());
    h.insert("webhook-signature", sig.parse().unwrap());
    h
}

fn signed(id: &str, ts: i64, body: &str) -> String {
    verifier().sign(id, ts, body.as_bytes()).unwrap()
}

#[test]
fn the_crate_test_vector_signs_as_published() {
    let sig = verifier()
        .sign(
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1649367553,
            br#"{"email":"test@example.com","username":"test_user"}"#,
        )
        .unwrap();
    assert_eq!(sig, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
}

#[tokio::test]
async fn valid_is_accepted_and_wakes_the_job() {
    let rec = Arc::new(Recorder::knowing(&[JOB]));
    let ts = now();
    let sig = signed("msg_1", ts, BODY);
    let (status, json) = post(
        &app(rec.clone()),
        &format!("/relay/vozo/{JOB}"),
        &[
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", &ts.to_string()),
            ("webhook-signature", &sig),
        ],
        BODY,
    )
    .await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["outcome"], "woken");
    let seen = rec.seen.lock().unwrap();
    assert_eq!(seen[0].callback_id, "msg_1");
    assert_eq!(seen[0].reported_status, "done");
    assert_eq!(seen[0].provider, "vozo");
}

#[test]
fn several_signatures_one_valid() {
    let ts = now();
    let good = signed("m", ts, BODY);
    let bad = signed("m", ts, "{}");
    let list = format!("{bad} v1,AAAA {good} v2,zzz");
    assert_eq!(
        verifier()
            .verify(&headers("m", ts, &list), BODY.as_bytes())
            .unwrap(),
        "m"
    );
}

#[test]
fn none_valid() {
    let ts = now();
    let list = format!("{} v1,AAAA", signed("m", ts, "{}"));
    assert_eq!(
        verifier().verify(&headers("m", ts, &list), BODY.as_bytes()),
        Err(Rejection::Unauthenticated("no valid v1 signature"))
    );
}

#[test]
fn tampered_body() {
    let ts = now();
    let sig = signed("m", ts, BODY);
    let tampered = BODY.replace("done", "failed");
    assert!(matches!(
        verifier().verify(&headers("m", ts, &sig), tampered.as_bytes()),
        Err(Rejection::Unauthenticated(_))
    ));
}

#[test]
fn wrong_secret() {
    let ts = now();
    let other = StandardVerifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let sig = other.sign("m", ts, BODY.as_bytes()).unwrap();
    assert!(matches!(
        verifier().verify(&headers("m", ts, &sig), BODY.as_bytes()),
        Err(Rejection::Unauthenticated(_))
    ));
}

#[test]
fn timestamp_just_inside_and_just_past_the_tolerance_on_both_sides() {
    let tol = mediatask_webhook::standard::TOLERANCE.as_secs() as i64;
    let v = verifier();
    for (offset, ok) in [
        (-(tol - 2), true),
        (tol - 2, true),
        (-(tol + 2), false),
        (tol + 2, false),
    ] {
        let ts = now() + offset;
        let id = format!("m{offset}");
        let sig = signed(&id, ts, BODY);
        let r = v.verify(&headers(&id, ts, &sig), BODY.as_bytes());
        assert_eq!(r.is_ok(), ok, "offset {offset}: {r:?}");
        if !ok {
            assert!(
                matches!(r, Err(Rejection::Stale(_))),
                "offset {offset}: {r:?}"
            );
        }
    }
}

#[test]
fn each_header_missing() {
    let ts = now();
    let sig = signed("m", ts, BODY);
    for missing in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let mut h = headers("m", ts, &sig);
        h.remove(missing);
        assert_eq!(
            verifier().verify(&h, BODY.as_bytes()),
            Err(Rejection::Unauthenticated("a webhook-* header is missing")),
            "{missing}"
        );
    }
}

#[test]
fn empty_and_partial_signatures() {
    let ts = now();
    let good = signed("m", ts, BODY);
    let half = &good[..good.len() / 2];
    for sig in ["v1,", "v1", "", " ", half, "v1,=", &good[..good.len() - 1]] {
        assert!(
            verifier()
                .verify(&headers("m", ts, sig), BODY.as_bytes())
                .is_err(),
            "`{sig}` verified"
        );
    }
}

#[test]
fn unknown_version_is_ignored() {
    let ts = now();
    let good = signed("m", ts, BODY);
    let b64 = good.strip_prefix("v1,").unwrap();
    // The right bytes under another version prefix do not count.
    assert!(
        verifier()
            .verify(&headers("m", ts, &format!("v2,{b64}")), BODY.as_bytes())
            .is_err()
    );
    // An unknown version alongside a valid v1 does not hurt.
    assert!(
        verifier()
            .verify(
                &headers("m", ts, &format!("v9,xyz {good}")),
                BODY.as_bytes()
            )
            .is_ok()
    );
}

#[test]
fn non_utf8_body() {
    let ts = now();
    let sig = signed("m", ts, BODY);
    assert_eq!(
        verifier().verify(&headers("m", ts, &sig), b"{\"status\":\"\xff\"}"),
        Err(Rejection::Malformed("the body is not UTF-8".into()))
    );
}

#[test]
fn re_serialised_json_fails() {
    let ts = now();
    let raw = "{ \"status\" : \"done\",\n  \"extra\": 1 }";
    let sig = signed("m", ts, raw);
    let v: serde_json::Value = serde_json::from_str(raw).unwrap();
    let reserialised = serde_json::to_string(&v).unwrap();
    assert_ne!(raw, reserialised);
    assert!(
        verifier()
            .verify(&headers("m", ts, &sig), raw.as_bytes())
            .is_ok()
    );
    assert!(
        verifier()
            .verify(
                &headers("m2", ts, &signed("m2", ts, raw)),
                reserialised.as_bytes()
            )
            .is_err()
    );
}

#[tokio::test]
async fn replayed_id_is_refused_and_records_nothing_more() {
    let rec = Arc::new(Recorder::knowing(&[JOB]));
    let app = app(rec.clone());
    let ts = now();
    let sig = signed("msg_r", ts, BODY);
    let h = [
        ("webhook-id", "msg_r"),
        ("webhook-timestamp", &*ts.to_string()),
        ("webhook-signature", &*sig),
    ];
    let path = format!("/relay/vozo/{JOB}");
    assert_eq!(post(&app, &path, &h, BODY).await.0, 200);
    let (status, _) = post(&app, &path, &h, BODY).await;
    assert_eq!(status, 409);
    assert_eq!(rec.count(), 1);
}

#[tokio::test]
async fn refusals_over_http_record_nothing() {
    let rec = Arc::new(Recorder::knowing(&[JOB]));
    let app = app(rec.clone());
    let ts = now();
    let path = format!("/relay/vozo/{JOB}");
    let stale = (now() - 400).to_string();
    let stale_sig = signed("a", now() - 400, BODY);
    let cases: Vec<(Vec<(&str, &str)>, u16)> = vec![
        (
            vec![
                ("webhook-id", "a"),
                ("webhook-timestamp", &stale),
                ("webhook-signature", &stale_sig),
            ],
            401,
        ),
        (
            vec![
                ("webhook-id", "a"),
                ("webhook-timestamp", "x"),
                ("webhook-signature", "v1,"),
            ],
            401,
        ),
        (vec![], 401),
    ];
    for (h, want) in cases {
        assert_eq!(post(&app, &path, &h, BODY).await.0, want, "{h:?}");
    }
    // Valid signature, unknown job: 404, nothing recorded.
    let sig = signed("u", ts, BODY);
    let h = [
        ("webhook-id", "u"),
        ("webhook-timestamp", &*ts.to_string()),
        ("webhook-signature", &*sig),
    ];
    assert_eq!(
        post(&app, "/relay/vozo/01JD5N5Z8Q4R7W2X9Y3A6B8C0E", &h, BODY)
            .await
            .0,
        404
    );
    assert_eq!(rec.count(), 0);
}

#[tokio::test]
async fn the_relay_route_is_off_without_a_secret() {
    let rec = Arc::new(Recorder::knowing(&[JOB]));
    let app = router(
        WebhookConfig::new(CallbackTokens::new(Secret::new("k"))),
        rec.clone(),
    );
    assert_eq!(
        post(&app, &format!("/relay/vozo/{JOB}"), &[], BODY).await.0,
        404
    );
    assert_eq!(rec.count(), 0);
}

/// A sink whose store is down.
#[derive(Debug)]
struct Down;

#[async_trait::async_trait]
impl mediatask_webhook::CallbackSink for Down {
    async fn accept(
        &self,
        _cb: mediatask_webhook::Callback,
    ) -> Result<mediatask_webhook::SinkOutcome, mediatask_webhook::SinkError> {
        Err(mediatask_webhook::SinkError::Unavailable("db down".into()))
    }
}

#[tokio::test]
async fn a_retry_after_503_is_not_a_replay() {
    let config =
        WebhookConfig::new(CallbackTokens::new(Secret::new("k"))).with_standard(verifier());
    let down = router(config.clone(), Arc::new(Down));
    let ts = now();
    let sig = signed("msg_503", ts, BODY);
    let h = [
        ("webhook-id", "msg_503"),
        ("webhook-timestamp", &*ts.to_string()),
        ("webhook-signature", &*sig),
    ];
    let path = format!("/relay/vozo/{JOB}");
    assert_eq!(post(&down, &path, &h, BODY).await.0, 503);
    // The same router (same replay cache) once the store is back would accept the retry; here
    // the store is still down, so the retry gets 503 again rather than 409.
    assert_eq!(post(&down, &path, &h, BODY).await.0, 503);
}
