//! Multi-step jobs, on both backends: steps are rows under their parent with derived ids (a
//! second insert of a step fails), never claimed or recovered on their own, and hold their
//! task slot while the parent is leased; a [`StepChain`] runs its steps write-ahead, one
//! vendor submit per step, refuses an unplannable request before anything is journaled under
//! it, and cancels a step still waiting for its slot without sending it.

mod common;

use async_trait::async_trait;
use common::Target;
use mediatask_core::journal::TaskPool;
use mediatask_core::steps::{FinishedStep, StepPlan, StepPlanner};
use mediatask_core::{
    CancelOutcome, Capabilities, DynMediaTask, DynOutput, Error, ErrorKind, MediaTask,
    MediaTaskExt, TaskHandle, TaskInfo, TaskSnapshot, TaskStatus, VendorStatus, WaitPolicy,
};
use mediatask_store::recover::{Recovery, TaskResolver};
use mediatask_store::{
    JobChange, JobId, JobState, JournalOptions, Journaled, NewJob, SharedStore, SlotClaim,
    StepChain, StoreError,
};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const POOL: &str = "fake-tasks";

fn parent_job() -> NewJob {
    NewJob::new(
        "fake",
        "capability:two_steps",
        "acct",
        json!({"text": "hi"}),
    )
}

fn step_job(parent: &JobId, index: u32) -> NewJob {
    NewJob::new("fake", "draft", "acct", json!({"i": index})).as_step(parent, index)
}

async fn steps_are_unique_and_never_claimed_or_recovered_on_their_own(target: Target) {
    let store = target.open().await;
    let parent = store.insert(parent_job().queued()).await.unwrap();
    let step = store
        .insert(step_job(&parent.id, 0).queued())
        .await
        .unwrap();
    assert_eq!(step.id, JobId::step(&parent.id, 0));
    let of = step.step.clone().expect("a step knows its parent");
    assert_eq!((&of.parent, of.index), (&parent.id, 0));
    assert_eq!(store.get(&step.id).await.unwrap().step, step.step);
    assert_eq!(parent.step, None);
    // A second driver starting the same step loses: the row exists once.
    let again = store.insert(step_job(&parent.id, 0).queued()).await;
    assert!(matches!(again, Err(StoreError::Duplicate(_))), "{again:?}");
    // Both rows are due; only the parent is claimed.
    let claimed: Vec<JobId> = store
        .claim_due("w1", Duration::from_secs(30), 10, Duration::ZERO)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.unwrap().id)
        .collect();
    assert_eq!(claimed, vec![parent.id.clone()]);
    store.release_lease(&parent.id, "w1", 1).await.unwrap();
    let resolve: TaskResolver = Arc::new(|p: &str, _k: &str| {
        Err(Error::new(
            ErrorKind::Config,
            format!("no tasks for {p} here"),
        ))
    });
    let open: Vec<JobId> = Recovery::new(store.clone(), resolve)
        .with_submitting_grace(Duration::ZERO)
        .open_jobs()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.unwrap().id)
        .collect();
    assert_eq!(
        open,
        vec![parent.id.clone()],
        "recovery drives the parent only"
    );
}

async fn a_steps_slot_lives_while_its_parent_is_leased(target: Target) {
    let store = target.open().await;
    let lease = Duration::from_millis(900);
    let parent = store
        .insert(parent_job().queued().leased_to("driver", lease))
        .await
        .unwrap();
    let step = store
        .insert(step_job(&parent.id, 0).queued())
        .await
        .unwrap();
    // The step's own hold is short; its parent's lease is what keeps the slot.
    let claim = SlotClaim::new(POOL, 1).with_hold(Duration::from_millis(100));
    store
        .transition(
            &step.id,
            JobState::Queued,
            JobState::Submitting,
            JobChange::none().take_slot(claim.clone()),
        )
        .await
        .unwrap();
    let other = store
        .insert(NewJob::new("fake", "draft", "acct", json!({})).queued())
        .await
        .unwrap();
    let take_other = || {
        store.transition(
            &other.id,
            JobState::Queued,
            JobState::Submitting,
            JobChange::none().take_slot(claim.clone()),
        )
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(store.slots_in_use("fake", "acct", POOL).await.unwrap(), 1);
    assert!(matches!(
        take_other().await,
        Err(StoreError::SlotsBusy { .. })
    ));
    // Renewed past its first term: still held.
    store
        .renew_lease(&parent.id, "driver", 1, lease)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(store.slots_in_use("fake", "acct", POOL).await.unwrap(), 1);
    // Nobody drives the parent any more: the slot comes back.
    store.release_lease(&parent.id, "driver", 1).await.unwrap();
    assert_eq!(store.slots_in_use("fake", "acct", POOL).await.unwrap(), 0);
    take_other().await.unwrap();
}

/// A fake vendor's result (no files).
#[derive(Debug, serde::Serialize)]
#[serde(transparent)]
struct Done(Value);

impl mediatask_core::HasArtifacts for Done {
    fn artifacts(&self) -> Vec<mediatask_core::Artifact> {
        Vec::new()
    }
}

/// A vendor whose jobs succeed at the first poll; its pool has one slot.
#[derive(Debug, Default)]
struct Vendor {
    submits: AtomicUsize,
    cancels: AtomicUsize,
}

#[async_trait]
impl MediaTask for Vendor {
    type Request = Value;
    type Output = Done;

    fn info(&self) -> &TaskInfo {
        static INFO: TaskInfo = TaskInfo {
            provider: "fake",
            kind: "draft",
            description: "a fake vendor job",
            capabilities: Capabilities::basic(),
        };
        &INFO
    }
    async fn submit(&self, request: Value) -> mediatask_core::Result<TaskHandle> {
        let n = self.submits.fetch_add(1, Ordering::SeqCst);
        Ok(TaskHandle::new("fake", "draft", format!("v{n}")).with_vendor_state(request))
    }
    async fn poll(&self, _handle: &TaskHandle) -> mediatask_core::Result<TaskSnapshot> {
        Ok(TaskSnapshot::new(
            TaskStatus::Succeeded,
            VendorStatus::new("done"),
        ))
    }
    async fn cancel(&self, _handle: &TaskHandle) -> mediatask_core::Result<CancelOutcome> {
        self.cancels.fetch_add(1, Ordering::SeqCst);
        Ok(CancelOutcome::Cancelled)
    }
    async fn result(&self, handle: &TaskHandle) -> mediatask_core::Result<Done> {
        Ok(Done(
            json!({"task": handle.task_id, "sent": handle.vendor_state}),
        ))
    }
    fn task_pool(&self) -> Option<TaskPool> {
        Some(TaskPool::new(POOL, 1))
    }
}

/// Two steps: `draft` with the request, then `draft` again with the first one's task id.
#[derive(Debug)]
struct TwoSteps(TaskInfo);

impl StepPlanner for TwoSteps {
    fn info(&self) -> &TaskInfo {
        &self.0
    }
    fn next_step(
        &self,
        request: &Value,
        done: &[FinishedStep],
    ) -> mediatask_core::Result<Option<StepPlan>> {
        if request.get("text").is_none() {
            return Err(Error::new(ErrorKind::InvalidRequest, "`text` is required"));
        }
        Ok(match done {
            [] => Some(StepPlan::new("draft", request.clone())),
            [first] => Some(StepPlan::new(
                "draft",
                json!({"after": first.output.output["task"]}),
            )),
            _ => None,
        })
    }
    fn output(&self, _request: &Value, done: &[FinishedStep]) -> mediatask_core::Result<DynOutput> {
        Ok(DynOutput {
            output: json!(
                done.iter()
                    .map(|s| s.output.output.clone())
                    .collect::<Vec<_>>()
            ),
            artifacts: vec![],
        })
    }
}

fn chain(
    store: &SharedStore,
    vendor: Arc<Vendor>,
    options: JournalOptions,
) -> Journaled<mediatask_store::DynTask> {
    let planner = TwoSteps(TaskInfo {
        provider: "fake",
        kind: "capability:two_steps",
        description: "two fake steps",
        capabilities: Capabilities::basic(),
    });
    let resolve: TaskResolver =
        Arc::new(move |_p: &str, _k: &str| Ok(vendor.clone() as Arc<dyn DynMediaTask>));
    let steps = StepChain::new(Arc::new(planner), store.clone(), resolve).with_options(options);
    Journaled::dynamic(Arc::new(steps), store.clone())
}

/// Every job in the store.
async fn all_rows(store: &SharedStore) -> Vec<mediatask_store::JobRecord> {
    store
        .list(&mediatask_store::JobFilter::all())
        .await
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

fn fast() -> WaitPolicy {
    WaitPolicy::default().with_min_delay(Duration::from_millis(1))
}

async fn a_chain_runs_each_step_once_and_reports_every_output(target: Target) {
    let store = target.open().await;
    let vendor = Arc::new(Vendor::default());
    let task = chain(&store, vendor.clone(), JournalOptions::default());
    let out = task.run(json!({"text": "hi"}), &fast()).await.unwrap();
    assert_eq!(
        out.0.output,
        json!([
            {"task": "v0", "sent": {"text": "hi"}},
            {"task": "v1", "sent": {"after": "v0"}}
        ])
    );
    assert_eq!(vendor.submits.load(Ordering::SeqCst), 2);
    let rows = all_rows(&store).await;
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter().all(|j| j.state == JobState::Succeeded),
        "{rows:?}"
    );
    let parent = rows.iter().find(|j| j.step.is_none()).unwrap();
    assert_eq!(parent.kind, "capability:two_steps");
    assert_eq!(parent.result.as_ref(), Some(&out.0.output));
    let steps = mediatask_store::steps::steps_of(store.as_ref(), &parent.id)
        .await
        .unwrap();
    assert_eq!(steps.len(), 2);
    assert!(
        steps
            .iter()
            .all(|s| s.attempts == 1 && s.slot_pool.as_deref() == Some(POOL))
    );
    // Polled again after the end: nothing more is sent.
    let handle = parent.handle.clone().unwrap();
    let snap = MediaTask::poll(&task, &handle).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Succeeded);
    assert_eq!(vendor.submits.load(Ordering::SeqCst), 2);
}

async fn an_unplannable_request_journals_no_step_and_sends_nothing(target: Target) {
    let store = target.open().await;
    let vendor = Arc::new(Vendor::default());
    let task = chain(&store, vendor.clone(), JournalOptions::default());
    let e = MediaTask::submit(&task, json!({"txt": "typo"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
    let rows = all_rows(&store).await;
    assert_eq!(rows.len(), 1, "the parent only: {rows:?}");
    assert_eq!(rows[0].state, JobState::Rejected);
    assert_eq!(vendor.submits.load(Ordering::SeqCst), 0);
}

async fn a_step_waiting_for_its_slot_is_cancelled_unsent(target: Target) {
    let store = target.open().await;
    // Another job of the account holds the pool's one slot.
    let holder = store
        .insert(
            NewJob::new("fake", "draft", "default", json!({}))
                .queued()
                .leased_to("other", Duration::from_secs(60)),
        )
        .await
        .unwrap();
    store
        .transition(
            &holder.id,
            JobState::Queued,
            JobState::Submitting,
            JobChange::none().take_slot(SlotClaim::new(POOL, 1)),
        )
        .await
        .unwrap();
    let vendor = Arc::new(Vendor::default());
    let options = JournalOptions::default().with_slot_wait(Duration::from_millis(200));
    let task = chain(&store, vendor.clone(), options);
    // The chain exists (its first step waits in the queue), so the submit succeeds.
    let handle = MediaTask::submit(&task, json!({"text": "hi"}))
        .await
        .unwrap();
    let parent: JobId = handle.task_id.parse().unwrap();
    let step = store.get(&JobId::step(&parent, 0)).await.unwrap();
    assert_eq!(step.state, JobState::Queued);
    let waiting = MediaTask::poll(&task, &handle).await.unwrap();
    assert_eq!(waiting.status, TaskStatus::Running, "{waiting:?}");
    assert!(waiting.detail.unwrap_or_default().contains("waiting"));
    assert_eq!(
        MediaTask::cancel(&task, &handle).await.unwrap(),
        CancelOutcome::Cancelled
    );
    let snap = MediaTask::poll(&task, &handle).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Cancelled, "{snap:?}");
    assert_eq!(store.get(&parent).await.unwrap().state, JobState::Cancelled);
    assert_eq!(
        store.get(&step.id).await.unwrap().state,
        JobState::Cancelled
    );
    assert_eq!(vendor.submits.load(Ordering::SeqCst), 0, "never sent");
    assert_eq!(vendor.cancels.load(Ordering::SeqCst), 0);
}

common::both_backends!(
    steps_are_unique_and_never_claimed_or_recovered_on_their_own,
    a_steps_slot_lives_while_its_parent_is_leased,
    a_chain_runs_each_step_once_and_reports_every_output,
    an_unplannable_request_journals_no_step_and_sends_nothing,
    a_step_waiting_for_its_slot_is_cancelled_unsent,
);
