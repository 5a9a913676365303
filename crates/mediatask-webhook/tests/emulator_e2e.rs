//! End to end over loopback HTTP: the emulator sends each vendor's callbacks (its fields and
//! signing, with faults) to the receiver served by axum, writing to a real SQLite journal.
//! Forged and stale deliveries change no row; a valid one makes the job claimable at once
//! (the worker's poll then decides); a duplicate changes nothing.
#![cfg(feature = "store")]

mod common;

use chrono::{Duration as ChronoDuration, Utc};
use mediatask_core::TaskHandle;
use mediatask_emulator::callbacks::{self, CallbackFault, apply_fault, deliver};
use mediatask_store::{JobChange, JobFilter, JobRecord, JobState, NewJob, SharedStore};
use mediatask_webhook::{CallbackTokens, Secret, StoreSink, WebhookConfig, router};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SIGN_KEY: &str = "EmuSignKey42";
const ACCESS_KEY: &str = "emu-access-key";

async fn submitted(store: &SharedStore, provider: &str) -> JobRecord {
    let job = store
        .insert(NewJob::new(provider, "video", "acct", json!({})))
        .await
        .unwrap();
    // A long poll interval: without a callback the next poll is an hour away.
    let later = Some(Utc::now() + ChronoDuration::hours(1));
    store
        .transition(
            &job.id,
            JobState::Submitting,
            JobState::Submitted,
            JobChange::none()
                .handle(TaskHandle::new(provider, "video", format!("v-{}", job.id)))
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

async fn claimable(store: &SharedStore) -> Vec<String> {
    let claimed = store
        .claim_due("w", Duration::from_secs(30), 100, Duration::ZERO)
        .await
        .unwrap();
    let ids: Vec<_> = claimed
        .into_iter()
        .map(|r| r.unwrap())
        .map(|j| (j.id.to_string(), j.lease.unwrap().seq))
        .collect();
    for (id, seq) in &ids {
        store
            .release_lease(&id.parse().unwrap(), "w", *seq)
            .await
            .unwrap();
    }
    ids.into_iter().map(|(id, _)| id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulator_callbacks_wake_jobs_and_faults_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("jobs.db").display());
    let store = mediatask_store::open(&url).await.unwrap();
    let tokens = CallbackTokens::new(Secret::new("e2e deployment key"));
    let config = WebhookConfig::new(tokens.clone())
        .with_tencent_sign_key(Secret::new(SIGN_KEY))
        .with_xjc_access_key(Secret::new(ACCESS_KEY));
    let app = router(config, Arc::new(StoreSink::new(store.clone())));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let tencent = submitted(&store, "tencent-vod").await;
    let xjc = submitted(&store, "xjc").await;
    let soft = submitted(&store, "softsugar").await;
    let vozo = submitted(&store, "vozo").await;
    assert!(
        claimable(&store).await.is_empty(),
        "nothing is due before a callback"
    );

    let t_cb = callbacks::tencent_event(
        tencent.id.as_str(),
        "vod-1",
        "FINISH",
        "handle-1",
        Some(SIGN_KEY),
        callbacks::tencent_default_expiry(),
    );
    let x_cb = callbacks::xjc_works("x-1", 3, ACCESS_KEY);
    let s_cb = callbacks::softsugar(7, &format!("promo [{}]", soft.id), 5);
    let v_cb = callbacks::vozo_status("done");
    let t_url = format!("{base}/tencent-vod");
    let x_url = format!(
        "{base}/xjc/{}/{}",
        xjc.id,
        tokens.job_token("xjc", xjc.id.as_str())
    );
    let s_url = format!("{base}/softsugar/{}", tokens.account_token("softsugar"));
    let v_url = format!(
        "{base}/vozo/{}/{}",
        vozo.id,
        tokens.job_token("vozo", vozo.id.as_str())
    );

    // Forged and stale deliveries: refused, no row changes.
    let before = rows(&store).await;
    for (url, cb, fault, want) in [
        (&t_url, &t_cb, CallbackFault::ForgedSignature, 401),
        (&t_url, &t_cb, CallbackFault::StaleT, 401),
        (&x_url, &x_cb, CallbackFault::ForgedSignature, 401),
    ] {
        for d in apply_fault(cb, fault, Some(SIGN_KEY)) {
            assert_eq!(deliver(url, &d).await.unwrap(), want, "{fault:?} to {url}");
        }
    }
    // A guessed token on the per-job routes.
    let guessed = format!("{base}/vozo/{}/{}", vozo.id, "0".repeat(32));
    assert_eq!(deliver(&guessed, &v_cb).await.unwrap(), 401);
    assert_eq!(
        rows(&store).await,
        before,
        "refused callbacks changed a row"
    );
    assert!(claimable(&store).await.is_empty());

    // The Vozo challenge probe is echoed and records nothing.
    assert_eq!(
        deliver(&v_url, &callbacks::vozo_challenge("c1"))
            .await
            .unwrap(),
        200
    );
    assert_eq!(rows(&store).await, before);

    // Valid callbacks, each delivered twice: the first wakes its job, the second is a no-op.
    let started = Instant::now();
    for (url, cb) in [
        (&t_url, &t_cb),
        (&x_url, &x_cb),
        (&s_url, &s_cb),
        (&v_url, &v_cb),
    ] {
        let mut statuses = Vec::new();
        for d in apply_fault(cb, CallbackFault::Duplicate, None) {
            statuses.push(deliver(url, &d).await.unwrap());
        }
        assert_eq!(statuses, [200, 200], "{url}");
    }
    let mut due = claimable(&store).await;
    let elapsed = started.elapsed();
    due.sort();
    let mut want: Vec<String> = [&tencent, &xjc, &soft, &vozo]
        .iter()
        .map(|j| j.id.to_string())
        .collect();
    want.sort();
    assert_eq!(due, want, "every woken job is claimable at once");
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    // The callbacks moved nothing but next_poll_at: every job is still `submitted`.
    for j in rows(&store).await {
        assert_eq!(j.state, JobState::Submitted);
        assert!(j.result.is_none() && j.snapshot.is_none());
    }

    // Redelivery after the worker pushed the next poll away again: a duplicate, no change.
    for j in [&tencent, &xjc, &soft, &vozo] {
        let later = Some(Utc::now() + ChronoDuration::hours(1));
        store
            .amend(
                &j.id,
                JobState::Submitted,
                JobChange::none().next_poll_at(later),
            )
            .await
            .unwrap();
    }
    let before = rows(&store).await;
    for (url, cb) in [
        (&t_url, &t_cb),
        (&x_url, &x_cb),
        (&s_url, &s_cb),
        (&v_url, &v_cb),
    ] {
        assert_eq!(deliver(url, cb).await.unwrap(), 200);
    }
    assert_eq!(rows(&store).await, before);
    assert!(claimable(&store).await.is_empty());
    server.abort();
    store.close().await;
}
