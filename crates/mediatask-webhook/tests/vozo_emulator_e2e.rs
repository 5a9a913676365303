//! The whole path against the Vozo emulator: a lip-sync submitted with our `callback_url`, a
//! journaled job driven by `Recovery` polling every 60 s, the emulator's own webhook at the
//! end of the task → the receiver → the journal and the in-process wake-up → one more poll →
//! succeeded, within about a second of the task's end. A job without a callback is still
//! waiting for its next poll.
#![cfg(feature = "store")]

use mediatask_core::runtime::TokioSleeper;
use mediatask_core::{DynMediaTask, MediaTask, WaitPolicy};
use mediatask_emulator::{Emulator, EmulatorConfig, Timing};
use mediatask_store::recover::{Recovery, TaskResolver};
use mediatask_store::wakeups::Wakeups;
use mediatask_store::{JobChange, JobId, JobRecord, JobState, NewJob, SharedStore};
use mediatask_vozo::api::lipsync::{LipSyncModel, LipSyncRequest, ReferenceFileType};
use mediatask_vozo::{LipSync, VozoClient, VozoConfig};
use mediatask_webhook::{CallbackTokens, Secret, StoreSink, WebhookConfig, router};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TASK_TIME: Duration = Duration::from_millis(500);

fn client(emu: &Emulator) -> VozoClient {
    let config = VozoConfig::new(emu.config().credentials.vozo_api_key.clone())
        .with_base_url(emu.base_url("vozo").unwrap());
    VozoClient::new(config).unwrap()
}

fn request(callback_url: Option<String>) -> LipSyncRequest {
    let r = LipSyncRequest::new(
        "https://example.com/face.mp4",
        ReferenceFileType::Video,
        "https://example.com/voice.wav",
        LipSyncModel::StandardV1,
    );
    match callback_url {
        Some(u) => r.with_callback_url(u),
        None => r,
    }
}

/// Submit (with the job id chosen first, so the callback URL can carry it) and journal the job
/// as `submitted`, as a journaled submit passing our callback URL would.
async fn submit(store: &SharedStore, task: &LipSync, id: JobId, req: LipSyncRequest) -> JobRecord {
    let handle = task.submit(req.clone()).await.unwrap();
    let job = store
        .insert(
            NewJob::new(
                handle.provider.clone(),
                handle.kind.clone(),
                "acct",
                serde_json::to_value(&req).unwrap(),
            )
            .with_id(id),
        )
        .await
        .unwrap();
    store
        .transition(
            &job.id,
            JobState::Submitting,
            JobState::Submitted,
            JobChange::none().handle(handle),
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vendor_webhook_finishes_a_job_polled_every_60_s() {
    let emu = Emulator::start(EmulatorConfig::default().with_timing(Timing {
        step: TASK_TIME / 5,
        queued_steps: 1,
        running_steps: 4,
    }))
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = mediatask_store::open(&format!("sqlite:{}", dir.path().join("j.db").display()))
        .await
        .unwrap();
    let wakeups = Wakeups::new();
    let tokens = CallbackTokens::new(Secret::new("deployment key"));
    let sink = StoreSink::new(store.clone()).with_wakeups(wakeups.clone());
    let app = router(WebhookConfig::new(tokens.clone()), Arc::new(sink));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let task = LipSync::new(client(&emu));
    let with_id = JobId::new();
    let url = format!(
        "{base}/vozo/{with_id}/{}",
        tokens.job_token("vozo", with_id.as_str())
    );
    let submitted_at = Instant::now();
    let with_cb = submit(&store, &task, with_id, request(Some(url))).await;
    let without_cb = submit(&store, &task, JobId::new(), request(None)).await;
    assert_eq!(with_cb.provider, "vozo");

    let resolver: TaskResolver = {
        let emu_client = client(&emu);
        Arc::new(move |_p: &str, _k: &str| {
            Ok(Arc::new(LipSync::new(emu_client.clone())) as Arc<dyn DynMediaTask>)
        })
    };
    let mut policy = WaitPolicy::default()
        .with_min_delay(Duration::from_secs(60))
        .with_max_delay(Duration::from_secs(60))
        .with_jitter(false);
    policy.runtime.sleeper = wakeups.sleeper(Arc::new(TokioSleeper));
    let recovery = Arc::new(Recovery::new(store.clone(), resolver).with_wait_policy(policy));
    let drive = |job: JobRecord| {
        let (recovery, wakeups) = (recovery.clone(), wakeups.clone());
        tokio::spawn(async move {
            let id = job.id.clone();
            wakeups.scope(&id, recovery.drive(job)).await
        })
    };
    let a = drive(with_cb.clone());
    let b = drive(without_cb.clone());

    let outcome = tokio::time::timeout(TASK_TIME + Duration::from_secs(5), a)
        .await
        .expect("the job with a callback did not finish")
        .unwrap();
    let took = submitted_at.elapsed();
    assert_eq!(
        outcome.state(),
        Some(JobState::Succeeded),
        "{:?}",
        outcome.error
    );
    assert!(outcome.succeeded(), "the result is recorded");
    assert!(
        took < TASK_TIME + Duration::from_secs(1),
        "finished {took:?} after submit; the task took {TASK_TIME:?}"
    );
    let polls = emu.stats("vozo").unwrap().polls;
    let other = store.get(&without_cb.id).await.unwrap();
    assert!(other.state.is_open(), "{}", other.state);
    eprintln!(
        "finished {took:?} after submit (task {TASK_TIME:?}); vendor polls: {polls} for both jobs \
         (with callback: {}; without: 1 so far, the next in 60 s)",
        polls - 1
    );
    assert!(polls <= 4, "{polls} polls");
    b.abort();
    server.abort();
}
