//! The router over the real job journal (SQLite): an accepted callback makes the job due now;
//! forged, stale, replayed and duplicate callbacks change no row (compared before/after).
#![cfg(feature = "store")]

mod common;

use chrono::{Duration as ChronoDuration, Utc};
use common::post;
use mediatask_core::TaskHandle;
use mediatask_store::{JobChange, JobFilter, JobRecord, JobState, NewJob, SharedStore};
use mediatask_webhook::standard::StandardVerifier;
use mediatask_webhook::{CallbackTokens, Secret, StoreSink, WebhookConfig, router, tencent};
use serde_json::json;
use std::sync::Arc;

const SIGN_KEY: &str = "SignKey0123456789";
const WHSEC: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

async fn submitted(store: &SharedStore, provider: &str) -> JobRecord {
    let job = store
        .insert(NewJob::new(provider, "video", "acct", json!({})))
        .await
        .unwrap();
    let later = Some(Utc::now() + ChronoDuration::hours(1));
    store
        .transition(
            &job.id,
            JobState::Submitting,
            JobState::Submitted,
            JobChange::none()
                .handle(TaskHandle::new(provider, "video", "vod-1"))
                .next_poll_at(later),
        )
        .await
        .unwrap()
}

async fn rows(store: &SharedStore) -> Vec<JobRecord> {
    store
        .list(&JobFilter::all())
        .await
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

fn tencent_body(job: &str, handle: &str, t: u64, key: &str) -> String {
    json!({
        "EventType": "AigcVideoTaskComplete",
        "EventHandle": handle,
        "AigcVideoTaskCompleteEvent": {"TaskId": "vod-1", "Status": "FINISH", "SessionId": job},
        "Sign": tencent::sign(key, &t.to_string()),
        "T": t,
    })
    .to_string()
}

#[tokio::test]
async fn forged_stale_replayed_change_nothing_and_a_valid_one_wakes() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("jobs.db").display());
    let store = mediatask_store::open(&url).await.unwrap();
    let job = submitted(&store, "tencent-vod").await;
    let relayed = submitted(&store, "vozo").await;
    let now = common::now() as u64;
    let config = WebhookConfig::new(CallbackTokens::new(Secret::new("k")))
        .with_tencent_sign_key(Secret::new(SIGN_KEY))
        .with_standard(StandardVerifier::new(WHSEC).unwrap());
    let app = router(config, Arc::new(StoreSink::new(store.clone())));
    let id = job.id.to_string();

    let before = rows(&store).await;
    for (body, want) in [
        (tencent_body(&id, "h", now + 600, "forged"), 401),
        (tencent_body(&id, "h", now - 1, SIGN_KEY), 401),
        (
            tencent_body(
                &mediatask_store::JobId::new().to_string(),
                "h",
                now + 600,
                SIGN_KEY,
            ),
            404,
        ),
        ("{not json".to_owned(), 400),
    ] {
        assert_eq!(post(&app, "/tencent-vod", &[], body).await.0, want);
    }
    assert_eq!(
        rows(&store).await,
        before,
        "refused callbacks changed a row"
    );

    // A valid one: the job is due now, its state untouched.
    let ok = tencent_body(&id, "h1", now + 600, SIGN_KEY);
    assert_eq!(
        post(&app, "/tencent-vod", &[], ok.clone()).await.1["outcome"],
        "woken"
    );
    let woken = store.get(&job.id).await.unwrap();
    assert_eq!(woken.state, JobState::Submitted);
    assert_eq!(woken.version, job.version);
    assert!(woken.next_poll_at.unwrap() <= Utc::now());
    // Redelivered: a duplicate, no row changes.
    let before = rows(&store).await;
    assert_eq!(
        post(&app, "/tencent-vod", &[], ok).await.1["outcome"],
        "duplicate"
    );
    assert_eq!(rows(&store).await, before);

    // Standard Webhooks relay: replayed id refused, nothing changes.
    let v = StandardVerifier::new(WHSEC).unwrap();
    let body = r#"{"status":"done"}"#;
    let ts = common::now();
    let sig = v.sign("msg-1", ts, body.as_bytes()).unwrap();
    let h = [
        ("webhook-id", "msg-1"),
        ("webhook-timestamp", &*ts.to_string()),
        ("webhook-signature", &*sig),
    ];
    let path = format!("/relay/vozo/{}", relayed.id);
    assert_eq!(post(&app, &path, &h, body).await.1["outcome"], "woken");
    let before = rows(&store).await;
    assert_eq!(post(&app, &path, &h, body).await.0, 409);
    assert_eq!(rows(&store).await, before);
    // The relay cannot wake another vendor's job.
    let sig = v.sign("msg-2", ts, body.as_bytes()).unwrap();
    let h = [
        ("webhook-id", "msg-2"),
        ("webhook-timestamp", &*ts.to_string()),
        ("webhook-signature", &*sig),
    ];
    assert_eq!(
        post(&app, &format!("/relay/xjc/{}", relayed.id), &h, body)
            .await
            .0,
        404
    );
    assert_eq!(rows(&store).await, before);
    store.close().await;
}
