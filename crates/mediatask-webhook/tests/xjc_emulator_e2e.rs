//! ai-xjc against its emulator: a works job submitted with our `callbackUrl`; the emulator's
//! callback (unsigned, our `accessKey` echoed) wakes the journaled job that `Recovery` polls
//! every 60 s. With a receiver expecting another access key, the same callback is refused and
//! the job keeps waiting.
#![cfg(feature = "store")]

use mediatask_core::runtime::TokioSleeper;
use mediatask_core::{DynMediaTask, MediaTask, WaitPolicy};
use mediatask_emulator::{Emulator, EmulatorConfig, Timing};
use mediatask_store::recover::{Recovery, TaskResolver};
use mediatask_store::wakeups::Wakeups;
use mediatask_store::{JobChange, JobId, JobRecord, JobState, NewJob, SharedStore};
use mediatask_webhook::{CallbackTokens, Secret, StoreSink, WebhookConfig, router};
use mediatask_xjc::{Works, WorksRequest, XjcClient, XjcConfig};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TASK_TIME: Duration = Duration::from_millis(400);

async fn run(receiver_access_key: &str) -> (Option<JobState>, Duration) {
    let emu = Emulator::start(EmulatorConfig::default().with_timing(Timing {
        step: TASK_TIME / 4,
        queued_steps: 1,
        running_steps: 3,
    }))
    .await
    .unwrap();
    let creds = emu.config().credentials.clone();
    let client = XjcClient::new(
        XjcConfig::new(creds.xjc_access_key, creds.xjc_secret_key)
            .with_base_url(emu.base_url("xjc").unwrap()),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store: SharedStore =
        mediatask_store::open(&format!("sqlite:{}", dir.path().join("j.db").display()))
            .await
            .unwrap();
    let wakeups = Wakeups::new();
    let tokens = CallbackTokens::new(Secret::new("deployment key"));
    let config =
        WebhookConfig::new(tokens.clone()).with_xjc_access_key(Secret::new(receiver_access_key));
    let sink = StoreSink::new(store.clone()).with_wakeups(wakeups.clone());
    let app = router(config, Arc::new(sink));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let id = JobId::new();
    let files = emu.urls().files.clone();
    let req = WorksRequest::audio_driven(format!("{files}/a.mp4"), format!("{files}/s.wav"))
        .with_callback_url(format!(
            "{base}/xjc/{id}/{}",
            tokens.job_token("xjc", id.as_str())
        ));
    let works = Works::new(client.clone());
    let started = Instant::now();
    let handle = works.submit(req.clone()).await.unwrap();
    let job: JobRecord = store
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
    let job = store
        .transition(
            &job.id,
            JobState::Submitting,
            JobState::Submitted,
            JobChange::none().handle(handle),
        )
        .await
        .unwrap();
    let resolver: TaskResolver = Arc::new(move |_p: &str, _k: &str| {
        Ok(Arc::new(Works::new(client.clone())) as Arc<dyn DynMediaTask>)
    });
    let mut policy = WaitPolicy::default()
        .with_min_delay(Duration::from_secs(60))
        .with_max_delay(Duration::from_secs(60))
        .with_jitter(false);
    policy.runtime.sleeper = wakeups.sleeper(Arc::new(TokioSleeper));
    let recovery = Recovery::new(store.clone(), resolver).with_wait_policy(policy);
    let job_id = job.id.clone();
    let driven = wakeups.scope(&job_id, recovery.drive(job));
    let outcome = tokio::time::timeout(TASK_TIME + Duration::from_secs(2), driven).await;
    server.abort();
    match outcome {
        Ok(o) => (o.state(), started.elapsed()),
        Err(_) => (
            store.get(&job_id).await.ok().map(|j| j.state),
            started.elapsed(),
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_echoed_access_key_lets_the_callback_wake_the_job() {
    let ak = EmulatorConfig::default().credentials.xjc_access_key;
    let (state, took) = run(&ak).await;
    assert_eq!(state, Some(JobState::Succeeded));
    assert!(took < TASK_TIME + Duration::from_secs(1), "{took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_with_another_access_key_wakes_nothing() {
    let (state, took) = run("not-our-access-key").await;
    assert!(state.is_some_and(JobState::is_open), "{state:?}");
    assert!(took >= TASK_TIME + Duration::from_secs(2), "{took:?}");
}
