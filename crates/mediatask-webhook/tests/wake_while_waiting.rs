//! A worker already waiting on a job with a 60 s poll interval: an emulator callback delivered
//! over HTTP ends its sleep, the next poll happens at once and the job finishes within a second
//! — 2 polls. Without the callback the job is still running after the same time (1 poll).
#![cfg(feature = "store")]

use mediatask_core::runtime::TokioSleeper;
use mediatask_core::{
    DynMediaTask, TaskHandle, TaskSnapshot, TaskStatus, VendorStatus, WaitPolicy,
};
use mediatask_emulator::callbacks::{self, deliver};
use mediatask_store::recover::Recovery;
use mediatask_store::wakeups::Wakeups;
use mediatask_store::{JobChange, JobRecord, JobState, NewJob, SharedStore};
use mediatask_testkit::ScriptedTask;
use mediatask_webhook::{CallbackTokens, Secret, StoreSink, WebhookConfig, router};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn submitted(store: &SharedStore) -> JobRecord {
    let job = store
        .insert(NewJob::new("vozo", "scripted", "acct", json!({})))
        .await
        .unwrap();
    store
        .transition(
            &job.id,
            JobState::Submitting,
            JobState::Submitted,
            JobChange::none().handle(TaskHandle::new("vozo", "scripted", format!("v-{}", job.id))),
        )
        .await
        .unwrap()
}

fn script() -> Arc<ScriptedTask> {
    Arc::new(ScriptedTask::new(vec![
        Ok(TaskSnapshot::new(
            TaskStatus::Running,
            VendorStatus::new("rendering"),
        )),
        Ok(TaskSnapshot::new(
            TaskStatus::Succeeded,
            VendorStatus::new("done"),
        )),
    ]))
}

async fn until(mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !f() {
        assert!(Instant::now() < deadline, "timed out");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_ends_the_wait_of_a_job_polled_every_60_s() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("jobs.db").display());
    let store = mediatask_store::open(&url).await.unwrap();
    let wakeups = Wakeups::new();
    let tokens = CallbackTokens::new(Secret::new("k"));
    let sink = StoreSink::new(store.clone()).with_wakeups(wakeups.clone());
    let app = router(WebhookConfig::new(tokens.clone()), Arc::new(sink));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let with_cb = submitted(&store).await;
    let without_cb = submitted(&store).await;
    let (task_a, task_b) = (script(), script());
    let tasks = [
        (with_cb.id.to_string(), task_a.clone()),
        (without_cb.id.to_string(), task_b.clone()),
    ];
    let resolver: mediatask_store::recover::TaskResolver = {
        let tasks = tasks.clone();
        Arc::new(move |_provider: &str, _kind: &str| {
            // One scripted vendor per job: the job id is not passed, so hand them out in order.
            let next = tasks
                .iter()
                .find(|(_, t)| t.polls() == 0)
                .map(|(_, t)| t.clone() as Arc<dyn DynMediaTask>)
                .unwrap_or_else(|| tasks[0].1.clone());
            Ok(next)
        })
    };
    let mut policy = WaitPolicy::default()
        .with_min_delay(Duration::from_secs(60))
        .with_max_delay(Duration::from_secs(60));
    policy.jitter = false;
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
    until(|| task_a.polls() == 1).await;
    let b = drive(without_cb.clone());
    until(|| task_b.polls() == 1).await;
    tokio::time::sleep(Duration::from_millis(200)).await; // both asleep for 60 s now

    let sent = Instant::now();
    let path = format!(
        "{base}/vozo/{}/{}",
        with_cb.id,
        tokens.job_token("vozo", with_cb.id.as_str())
    );
    assert_eq!(
        deliver(&path, &callbacks::vozo_status("done"))
            .await
            .unwrap(),
        200
    );
    let outcome = tokio::time::timeout(Duration::from_secs(5), a)
        .await
        .expect("the woken job did not finish")
        .unwrap();
    let took = sent.elapsed();
    assert!(
        took < Duration::from_secs(1),
        "finished {took:?} after the callback"
    );
    assert_eq!(outcome.state(), Some(JobState::Succeeded));
    assert_eq!(
        task_a.polls(),
        2,
        "one poll before, one right after the callback"
    );
    // The other job, with no callback, is still asleep: one poll, still submitted/running.
    assert_eq!(task_b.polls(), 1);
    let other = store.get(&without_cb.id).await.unwrap();
    assert!(other.state.is_open(), "{}", other.state);
    eprintln!(
        "polls per job — with callback: {} (finished {took:?} after it); without: {} so far, next in 60 s",
        task_a.polls(),
        task_b.polls()
    );
    b.abort();
    server.abort();
}
