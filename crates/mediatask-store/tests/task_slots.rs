//! Shared task slots, on both backends: a slot is held by a live job row of its account and
//! pool, counted inside the write that takes it (never double-granted under concurrent
//! takers), freed when the job ends, and reclaimed when nobody drives the job any more; a
//! journaled submit waits for a slot (telling its notice) instead of failing.

mod common;

use async_trait::async_trait;
use common::Target;
use mediatask_core::journal::TaskPool;
use mediatask_core::{
    CancelOutcome, Capabilities, MediaTask, TaskHandle, TaskInfo, TaskSnapshot, TaskStatus,
    VendorStatus,
};
use mediatask_store::{
    JobChange, JobError, JobId, JobState, JournalOptions, Journaled, NewJob, SharedStore,
    SlotClaim, SlotWaitNotice, StoreError,
};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

const POOL: &str = "reccloud-tasks";

async fn queued(store: &SharedStore, account: &str) -> JobId {
    store
        .insert(NewJob::new("reccloud", "tts", account, json!({"text": "hi"})).queued())
        .await
        .unwrap()
        .id
}

async fn take(store: &SharedStore, id: &JobId, claim: &SlotClaim) -> Result<(), StoreError> {
    store
        .transition(
            id,
            JobState::Queued,
            JobState::Submitting,
            JobChange::none().count_attempt().take_slot(claim.clone()),
        )
        .await
        .map(|_| ())
}

async fn slots_are_never_double_granted(target: Target) {
    let store = target.open().await;
    let claim = SlotClaim::new(POOL, 2);
    let mut ids = Vec::new();
    for _ in 0..24 {
        ids.push(queued(&store, "acct-a").await);
    }
    // 24 takers at once on a pool of 2: exactly 2 win, the rest are told the pool is full.
    let takers: Vec<_> = ids
        .iter()
        .cloned()
        .map(|id| {
            let (store, claim) = (store.clone(), claim.clone());
            tokio::spawn(async move { (id.clone(), take(&store, &id, &claim).await) })
        })
        .collect();
    let mut won = Vec::new();
    for t in takers {
        let (id, res) = t.await.unwrap();
        match res {
            Ok(()) => won.push(id),
            Err(StoreError::SlotsBusy { pool, max, .. }) => {
                assert_eq!((pool.as_str(), max), (POOL, 2))
            }
            Err(e) => panic!("unexpected: {e}"),
        }
    }
    assert_eq!(won.len(), 2, "a pool of 2 grants 2 slots");
    assert_eq!(
        store
            .slots_in_use("reccloud", "acct-a", POOL)
            .await
            .unwrap(),
        2
    );
    let loser = ids.iter().find(|i| !won.contains(i)).unwrap().clone();
    let row = store.get(&loser).await.unwrap();
    assert_eq!(row.state, JobState::Queued, "a refused taker is not moved");
    assert_eq!(row.attempts, 0);
    // Another account's pool of the same name is its own.
    let other = queued(&store, "acct-b").await;
    take(&store, &other, &claim).await.unwrap();
    // The winners move on and keep their slot; a final job frees it.
    let winner = store.get(&won[0]).await.unwrap();
    assert_eq!(winner.slot_pool.as_deref(), Some(POOL));
    store
        .transition(
            &won[0],
            JobState::Submitting,
            JobState::Submitted,
            JobChange::none().handle(TaskHandle::new("reccloud", "tts", "t-1")),
        )
        .await
        .unwrap();
    assert!(matches!(
        take(&store, &loser, &claim).await,
        Err(StoreError::SlotsBusy { .. })
    ));
    store
        .transition(
            &won[1],
            JobState::Submitting,
            JobState::Rejected,
            JobChange::none().error(JobError::new("x", "refused")),
        )
        .await
        .unwrap();
    take(&store, &loser, &claim).await.unwrap();
    assert_eq!(
        store
            .slots_in_use("reccloud", "acct-a", POOL)
            .await
            .unwrap(),
        2
    );
    // A slot is only taken with a move to submitting.
    let e = store
        .transition(
            &won[0],
            JobState::Submitted,
            JobState::Running,
            JobChange::none().take_slot(claim.clone()),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Config(_)), "{e}");
}

async fn a_slot_nobody_drives_runs_out_and_a_claim_takes_it_back(target: Target) {
    let store = target.open().await;
    let short = SlotClaim::new(POOL, 1).with_hold(Duration::from_millis(300));
    let first = queued(&store, "acct").await;
    take(&store, &first, &short).await.unwrap();
    store
        .transition(
            &first,
            JobState::Submitting,
            JobState::Submitted,
            JobChange::none()
                .handle(TaskHandle::new("reccloud", "tts", "t-1"))
                .next_poll_at(Some(chrono::Utc::now() + chrono::Duration::hours(1))),
        )
        .await
        .unwrap();
    let second = queued(&store, "acct").await;
    assert!(matches!(
        take(&store, &second, &short).await,
        Err(StoreError::SlotsBusy { .. })
    ));
    // Nobody drives the first job: its slot runs out and is never leaked.
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(
        store.slots_in_use("reccloud", "acct", POOL).await.unwrap(),
        0
    );
    take(&store, &second, &short).await.unwrap();
    // A worker claiming the first job (it exists at the vendor) holds its slot again, for as
    // long as its lease, renewals included.
    store
        .amend(
            &first,
            JobState::Submitted,
            JobChange::none().next_poll_at(Some(chrono::Utc::now())),
        )
        .await
        .unwrap();
    let claimed = store
        .claim_due(
            "w1",
            Duration::from_millis(400),
            10,
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    let claimed: Vec<_> = claimed.into_iter().map(|r| r.unwrap()).collect();
    assert!(claimed.iter().any(|j| j.id == first));
    assert_eq!(
        store.slots_in_use("reccloud", "acct", POOL).await.unwrap(),
        2
    );
    let seq = claimed
        .iter()
        .find(|j| j.id == first)
        .unwrap()
        .lease
        .as_ref()
        .unwrap()
        .seq;
    tokio::time::sleep(Duration::from_millis(250)).await;
    store
        .renew_lease(&first, "w1", seq, Duration::from_secs(30))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        store.slots_in_use("reccloud", "acct", POOL).await.unwrap(),
        1,
        "the renewed lease keeps the first slot; the unleased second one ran out"
    );
}

/// A fake vendor task with a pool of slots: every submit gets a new task id, polls say
/// running until `finish` is set.
#[derive(Debug)]
struct PooledTask {
    info: TaskInfo,
    max: u32,
    submits: AtomicUsize,
    inside_journal_slot: AtomicUsize,
    finish: AtomicBool,
}

impl PooledTask {
    fn new(max: u32) -> Self {
        PooledTask {
            info: TaskInfo {
                provider: "reccloud",
                kind: "tts",
                description: "pooled fake",
                capabilities: Capabilities::basic(),
            },
            max,
            submits: AtomicUsize::new(0),
            inside_journal_slot: AtomicUsize::new(0),
            finish: AtomicBool::new(false),
        }
    }
}

#[async_trait]
impl MediaTask for PooledTask {
    type Request = serde_json::Value;
    type Output = Done;
    fn info(&self) -> &TaskInfo {
        &self.info
    }
    fn task_pool(&self) -> Option<TaskPool> {
        Some(TaskPool::new(POOL, self.max))
    }
    async fn submit(&self, _: serde_json::Value) -> mediatask_core::Result<TaskHandle> {
        let n = self.submits.fetch_add(1, Ordering::SeqCst);
        if mediatask_core::journal::slot_held_by_journal() {
            self.inside_journal_slot.fetch_add(1, Ordering::SeqCst);
        }
        Ok(TaskHandle::new("reccloud", "tts", format!("t-{n}")))
    }
    async fn poll(&self, _: &TaskHandle) -> mediatask_core::Result<TaskSnapshot> {
        let status = if self.finish.load(Ordering::SeqCst) {
            TaskStatus::Succeeded
        } else {
            TaskStatus::Running
        };
        Ok(TaskSnapshot::new(status, VendorStatus::new("1")))
    }
    async fn cancel(&self, _: &TaskHandle) -> mediatask_core::Result<CancelOutcome> {
        Ok(CancelOutcome::Requested)
    }
    async fn result(&self, _: &TaskHandle) -> mediatask_core::Result<Done> {
        Ok(Done {})
    }
}

/// The fake's output: nothing to download.
#[derive(Debug, Clone, serde::Serialize)]
struct Done {}

impl mediatask_core::HasArtifacts for Done {
    fn artifacts(&self) -> Vec<mediatask_core::Artifact> {
        Vec::new()
    }
}

async fn a_journaled_submit_waits_for_a_slot_another_process_holds(target: Target) {
    // Two "processes": two layers over two vendor clients, one store.
    let store_a = target.open().await;
    let store_b = target.open().await;
    let a = Journaled::new(PooledTask::new(1), store_a.clone())
        .with_options(JournalOptions::default().with_account("acct"));
    let told = Arc::new(AtomicUsize::new(0));
    let notice = {
        let told = told.clone();
        SlotWaitNotice::new(move |w| {
            assert_eq!((w.pool.as_str(), w.max), (POOL, 1));
            told.fetch_add(1, Ordering::SeqCst);
        })
    };
    let b = Arc::new(
        Journaled::new(PooledTask::new(1), store_b.clone()).with_options(
            JournalOptions::default()
                .with_account("acct")
                .with_slot_wait_notice(notice),
        ),
    );
    let (job_a, handle_a) = a.submit_journaled(json!({"n": 1})).await.unwrap();
    assert_eq!(a.inner().inside_journal_slot.load(Ordering::SeqCst), 1);
    let waiting = {
        let b = b.clone();
        tokio::spawn(async move { b.submit_journaled(json!({"n": 2})).await })
    };
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        b.inner().submits.load(Ordering::SeqCst),
        0,
        "b waits: nothing sent"
    );
    assert_eq!(told.load(Ordering::SeqCst), 1, "the wait was told once");
    let open = store_b.open_jobs().await.unwrap();
    assert!(
        open.iter()
            .any(|j| j.as_ref().unwrap().state == JobState::Queued),
        "the waiting job is journaled as queued"
    );
    // a's job ends (recorded by a's poll): b gets the slot and submits.
    a.inner().finish.store(true, Ordering::SeqCst);
    a.poll(&handle_a).await.unwrap();
    assert_eq!(
        store_a.get(&job_a).await.unwrap().state,
        JobState::Succeeded
    );
    let (job_b, _) = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("b got the freed slot")
        .unwrap()
        .unwrap();
    assert_eq!(b.inner().submits.load(Ordering::SeqCst), 1);
    let row = store_b.get(&job_b).await.unwrap();
    assert_eq!((row.state, row.attempts), (JobState::Submitted, 1));
    // A submit that cannot get a slot within its wait gives up, nothing sent, recorded.
    let c = Journaled::new(PooledTask::new(1), store_b.clone()).with_options(
        JournalOptions::default()
            .with_account("acct")
            .with_slot_wait(Duration::from_millis(300)),
    );
    let e = c.submit_journaled(json!({"n": 3})).await.unwrap_err();
    assert_eq!(
        e.kind(),
        mediatask_core::ErrorKind::ConcurrencyLimited,
        "{e}"
    );
    assert_eq!(c.inner().submits.load(Ordering::SeqCst), 0);
    let cancelled = store_b
        .list(&mediatask_store::JobFilter::states([JobState::Cancelled]))
        .await
        .unwrap();
    assert_eq!(
        cancelled.len(),
        1,
        "the given-up submit is recorded, not lost"
    );
}

/// A submit that waits for a slot longer than its lease keeps renewing it: a worker claiming
/// due jobs meanwhile never gets (and never submits) the waiting queued job.
async fn a_waiting_submit_keeps_its_lease_so_no_worker_takes_its_job(target: Target) {
    waiting_submit_keeps_its_job(target, Some(Duration::from_millis(600))).await;
}

/// The same for a layer configured without a lease: the waiting job is leased all the same.
async fn a_waiting_submit_without_a_configured_lease_keeps_its_job_too(target: Target) {
    waiting_submit_keeps_its_job(target, None).await;
}

async fn waiting_submit_keeps_its_job(target: Target, lease: Option<Duration>) {
    let store = target.open().await;
    let mut options = JournalOptions::default().with_account("acct");
    if let Some(lease) = lease {
        options = options.with_lease("process-a", lease);
    }
    let a = Journaled::new(PooledTask::new(1), store.clone()).with_options(options.clone());
    let (held, _) = a.submit_journaled(json!({"n": 1})).await.unwrap();
    let b = Arc::new(Journaled::new(PooledTask::new(1), store.clone()).with_options(options));
    let waiting = {
        let b = b.clone();
        tokio::spawn(async move { b.submit_journaled(json!({"n": 2})).await })
    };
    let until = tokio::time::Instant::now() + Duration::from_millis(2000);
    while tokio::time::Instant::now() < until {
        let claimed = store
            .claim_due("worker", Duration::from_millis(100), 10, Duration::ZERO)
            .await
            .unwrap();
        for job in claimed.into_iter().map(Result::unwrap) {
            assert_ne!(
                job.state,
                JobState::Queued,
                "the waiting job was claimed: {job:?}"
            );
            store
                .release_lease(&job.id, "worker", job.lease.as_ref().unwrap().seq)
                .await
                .unwrap();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        b.inner().submits.load(Ordering::SeqCst),
        0,
        "still waiting, nothing sent"
    );
    store
        .transition(
            &held,
            JobState::Submitted,
            JobState::Failed,
            JobChange::none().error(JobError::new("x", "done")),
        )
        .await
        .unwrap();
    let (id, _) = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the freed slot was taken")
        .unwrap()
        .unwrap();
    assert_eq!(store.get(&id).await.unwrap().attempts, 1);
    assert_eq!(b.inner().submits.load(Ordering::SeqCst), 1);
}

common::both_backends!(
    a_waiting_submit_keeps_its_lease_so_no_worker_takes_its_job,
    a_waiting_submit_without_a_configured_lease_keeps_its_job_too,
    slots_are_never_double_granted,
    a_slot_nobody_drives_runs_out_and_a_claim_takes_it_back,
    a_journaled_submit_waits_for_a_slot_another_process_holds,
);
