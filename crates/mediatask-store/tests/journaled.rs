//! The write-ahead layer and recovery, on both backends, over a fake vendor that counts what
//! it was sent (the vendor is the only thing faked; the store is real).

mod common;

use async_trait::async_trait;
use common::Target;
use futures::StreamExt;
use mediatask_core::journal::{SubmitIntent, SubmitLookup, current_client_job_id};
use mediatask_core::{
    Artifact, ArtifactKind, CancelOutcome, Capabilities, DynMediaTask, Error, ErrorKind,
    HasArtifacts, MediaTask, MediaTaskExt, TaskHandle, TaskInfo, TaskSnapshot, TaskStatus,
    VendorStatus, WaitPolicy,
};
use mediatask_store::recover::{Recovery, TaskResolver};
use mediatask_store::{JobFilter, JobState, JournalOptions, Journaled, NewJob, SharedStore};
use serde::Serialize;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the fake vendor answers a submit.
#[derive(Debug, Clone, Copy, PartialEq)]
enum SubmitAnswer {
    Accept,
    Lost,
    Refuse,
    Throttle,
}

/// How it answers a lookup.
#[derive(Debug, Clone, Copy, PartialEq)]
enum LookupAnswer {
    /// Like Tencent: a lookup resends with our id and the vendor dedupes.
    Dedupe,
    NotFound,
    CannotTell,
}

#[derive(Debug)]
struct FakeVendor {
    info: TaskInfo,
    submit: Mutex<SubmitAnswer>,
    lookup: LookupAnswer,
    /// Jobs the vendor created, by our client job id.
    created: Mutex<Vec<Option<String>>>,
    polls: AtomicUsize,
    polls_until_done: usize,
}

#[derive(Debug, Serialize)]
struct FakeOutput {
    url: String,
}

impl HasArtifacts for FakeOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        vec![Artifact::new(ArtifactKind::Video, self.url.clone())]
    }
}

impl FakeVendor {
    fn fake(submit: SubmitAnswer, lookup: LookupAnswer) -> Fake {
        Fake(Arc::new(FakeVendor {
            info: TaskInfo {
                provider: "fake",
                kind: "video",
                description: "fake vendor",
                capabilities: Capabilities::basic(),
            },
            submit: Mutex::new(submit),
            lookup,
            created: Mutex::new(Vec::new()),
            polls: AtomicUsize::new(0),
            polls_until_done: 2,
        }))
    }
    fn created(&self) -> Vec<Option<String>> {
        self.created.lock().unwrap().clone()
    }
    fn answer(&self, a: SubmitAnswer) {
        *self.submit.lock().unwrap() = a;
    }
    fn create(&self) -> TaskHandle {
        let mut created = self.created.lock().unwrap();
        created.push(current_client_job_id());
        TaskHandle::new("fake", "video", format!("vt-{}", created.len()))
    }
}

/// What tasks hold: a cheap handle on the shared fake vendor.
#[derive(Debug, Clone)]
struct Fake(Arc<FakeVendor>);

impl std::ops::Deref for Fake {
    type Target = FakeVendor;
    fn deref(&self) -> &FakeVendor {
        &self.0
    }
}

#[async_trait]
impl MediaTask for Fake {
    type Request = serde_json::Value;
    type Output = FakeOutput;
    fn info(&self) -> &TaskInfo {
        &self.info
    }
    async fn submit(&self, _r: serde_json::Value) -> mediatask_core::Result<TaskHandle> {
        let answer = *self.submit.lock().unwrap();
        match answer {
            SubmitAnswer::Accept => Ok(self.create()),
            SubmitAnswer::Lost => {
                self.create();
                Err(Error::new(ErrorKind::OutcomeUnknown, "answer lost"))
            }
            SubmitAnswer::Refuse => {
                Err(Error::new(ErrorKind::InvalidRequest, "bad input").with_vendor_code("400"))
            }
            SubmitAnswer::Throttle => Err(Error::new(ErrorKind::RateLimited, "slow down")),
        }
    }
    async fn poll(&self, _h: &TaskHandle) -> mediatask_core::Result<TaskSnapshot> {
        let n = self.polls.fetch_add(1, Ordering::SeqCst) + 1;
        let status = if n >= self.polls_until_done {
            TaskStatus::Succeeded
        } else {
            TaskStatus::Running
        };
        Ok(
            TaskSnapshot::new(status, VendorStatus::new(status.to_string()))
                .with_poll_after(Duration::from_millis(1)),
        )
    }
    async fn cancel(&self, _h: &TaskHandle) -> mediatask_core::Result<CancelOutcome> {
        Ok(CancelOutcome::Requested)
    }
    async fn result(&self, h: &TaskHandle) -> mediatask_core::Result<FakeOutput> {
        Ok(FakeOutput {
            url: format!("https://cdn/{}.mp4?sig=secret", h.task_id),
        })
    }
    async fn find_submitted(&self, intent: &SubmitIntent) -> mediatask_core::Result<SubmitLookup> {
        let ours = Some(intent.job_id.clone());
        let existing = self
            .created()
            .iter()
            .position(|c| *c == ours)
            .map(|i| TaskHandle::new("fake", "video", format!("vt-{}", i + 1)));
        Ok(match (self.lookup, existing) {
            (LookupAnswer::Dedupe, Some(h)) => SubmitLookup::Found(h),
            (LookupAnswer::Dedupe, None) => SubmitLookup::Found(self.create()),
            (LookupAnswer::NotFound, Some(h)) => SubmitLookup::Found(h),
            (LookupAnswer::NotFound, None) => SubmitLookup::NotFound,
            (LookupAnswer::CannotTell, _) => SubmitLookup::no_lookup("fake"),
        })
    }
}

fn fast_policy() -> WaitPolicy {
    let mut p = WaitPolicy::default();
    p.min_delay = Duration::from_millis(1);
    p.max_delay = Duration::from_millis(5);
    p
}

fn resolver(vendor: Fake) -> TaskResolver {
    Arc::new(move |_, _| Ok(Arc::new(vendor.clone()) as Arc<dyn DynMediaTask>))
}

async fn accepted_submit_is_recorded_then_polled_and_fetched(target: Target) {
    let store = target.open().await;
    let vendor = FakeVendor::fake(SubmitAnswer::Accept, LookupAnswer::CannotTell);
    let task = Journaled::new(vendor.clone(), store.clone())
        .with_options(JournalOptions::default().with_account("acct-7"));
    let (id, handle) = task.submit_journaled(json!({"text": "hi"})).await.unwrap();
    // The vendor saw our job id as its correlation key.
    assert_eq!(vendor.created(), vec![Some(id.to_string())]);
    let job = store.get(&id).await.unwrap();
    assert_eq!(job.state, JobState::Submitted);
    assert_eq!(job.account, "acct-7");
    assert_eq!(job.handle.as_ref(), Some(&handle));
    assert_eq!(job.vendor_task_id.as_deref(), Some("vt-1"));
    let snap = task.wait(&handle, &fast_policy()).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Succeeded);
    assert_eq!(store.get(&id).await.unwrap().state, JobState::Succeeded);
    task.result(&handle).await.unwrap();
    let done = store.get(&id).await.unwrap();
    assert_eq!(done.state, JobState::Succeeded);
    assert_eq!(done.artifacts.len(), 1);
    assert_eq!(
        done.result.unwrap()["url"],
        "https://cdn/vt-1.mp4?sig=secret"
    );
}

async fn nothing_is_sent_when_the_journal_cannot_be_written(target: Target) {
    let store = target.open().await;
    let vendor = FakeVendor::fake(SubmitAnswer::Accept, LookupAnswer::CannotTell);
    let task = Journaled::new(vendor.clone(), store.clone());
    store.close().await; // the database is gone
    let e = task.submit(json!({})).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
    assert!(e.to_string().contains("job store"), "{e}");
    assert!(
        vendor.created().is_empty(),
        "a request left without its journal row"
    );
}

async fn lost_and_refused_submits_are_recorded_as_such(target: Target) {
    let store = target.open().await;
    let vendor = FakeVendor::fake(SubmitAnswer::Lost, LookupAnswer::CannotTell);
    let task = Journaled::new(vendor.clone(), store.clone());
    let e = task.submit(json!({"n": 1})).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutcomeUnknown);
    assert!(e.message().contains("mediatask jobs show"), "{e}");
    vendor.answer(SubmitAnswer::Refuse);
    let e = task.submit(json!({"n": 2})).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    let rows: Vec<_> = store
        .list(&JobFilter::all())
        .await
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].state, JobState::Unknown);
    assert_eq!(rows[0].error.as_ref().unwrap().kind, "outcome_unknown");
    assert_eq!(rows[1].state, JobState::Rejected);
    assert_eq!(
        rows[1].error.as_ref().unwrap().vendor_code.as_deref(),
        Some("400")
    );
}

async fn queued_jobs_are_submitted_once_and_throttling_requeues(target: Target) {
    let store = target.open().await;
    let vendor = FakeVendor::fake(SubmitAnswer::Throttle, LookupAnswer::CannotTell);
    let queued = store
        .insert(NewJob::new("fake", "video", "acct", json!({"q": 1})).queued())
        .await
        .unwrap();
    let task = Journaled::new(vendor.clone(), store.clone());
    assert!(task.submit_queued(&queued).await.is_err());
    let back = store.get(&queued.id).await.unwrap();
    assert_eq!(
        back.state,
        JobState::Queued,
        "a throttled submit goes back in the queue"
    );
    assert!(back.next_poll_at.is_some());
    vendor.answer(SubmitAnswer::Accept);
    task.submit_queued(&back).await.unwrap();
    let job = store.get(&queued.id).await.unwrap();
    assert_eq!(job.state, JobState::Submitted);
    assert_eq!(job.attempts, 2);
    assert_eq!(vendor.created().len(), 1);
}

/// A row left `submitting` by a process that died after sending.
async fn crashed_submit(
    store: &SharedStore,
    vendor: &FakeVendor,
    reached_vendor: bool,
) -> mediatask_store::JobId {
    let job = store
        .insert(NewJob::new("fake", "video", "acct", json!({"c": 1})))
        .await
        .unwrap();
    if reached_vendor {
        mediatask_core::journal::with_client_job_id(job.id.as_str(), async { vendor.create() })
            .await;
    }
    job.id
}

async fn recovery(store: &SharedStore, vendor: &Fake) -> Vec<mediatask_store::recover::JobOutcome> {
    let r = Recovery::new(store.clone(), resolver(vendor.clone()))
        .with_wait_policy(fast_policy())
        .with_submitting_grace(Duration::ZERO);
    let jobs = r
        .open_jobs()
        .await
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect();
    r.resume(jobs).collect().await
}

async fn recovery_finds_a_deduped_job_and_never_creates_a_second(target: Target) {
    let store = target.open().await;
    let vendor = FakeVendor::fake(SubmitAnswer::Accept, LookupAnswer::Dedupe);
    let reached = crashed_submit(&store, &vendor, true).await;
    let not_reached = crashed_submit(&store, &vendor, false).await;
    let outcomes = recovery(&store, &vendor).await;
    assert_eq!(outcomes.len(), 2);
    assert!(outcomes.iter().all(|o| o.succeeded()), "{outcomes:?}");
    // One vendor job per logical job, each carrying its own id.
    assert_eq!(
        vendor.created(),
        vec![Some(reached.to_string()), Some(not_reached.to_string())]
    );
    assert_eq!(store.get(&reached).await.unwrap().recovery_attempts, 1);
}

async fn recovery_resubmits_only_what_the_vendor_proves_absent(target: Target) {
    let store = target.open().await;
    let vendor = FakeVendor::fake(SubmitAnswer::Accept, LookupAnswer::NotFound);
    let reached = crashed_submit(&store, &vendor, true).await;
    let not_reached = crashed_submit(&store, &vendor, false).await;
    let outcomes = recovery(&store, &vendor).await;
    assert!(outcomes.iter().all(|o| o.succeeded()), "{outcomes:?}");
    assert_eq!(vendor.created().len(), 2);
    let resent = store.get(&not_reached).await.unwrap();
    assert_eq!(resent.attempts, 2, "the absent job was sent once more");
    assert_eq!(store.get(&reached).await.unwrap().attempts, 1);
}

async fn recovery_parks_what_no_lookup_can_tell(target: Target) {
    let store = target.open().await;
    let vendor = FakeVendor::fake(SubmitAnswer::Accept, LookupAnswer::CannotTell);
    let id = crashed_submit(&store, &vendor, true).await;
    let outcomes = recovery(&store, &vendor).await;
    assert_eq!(outcomes[0].state(), Some(JobState::Unknown));
    assert_eq!(vendor.created().len(), 1, "parked, not resubmitted");
    let job = store.get(&id).await.unwrap();
    let e = job.error.unwrap();
    assert!(e.message.contains(&job.request_sha256), "{}", e.message);
    // A second recovery leaves it parked.
    assert!(recovery(&store, &vendor).await.is_empty());
    assert_eq!(vendor.created().len(), 1);
}

async fn recovery_is_capped(target: Target) {
    let store = target.open().await;
    let vendor = FakeVendor::fake(SubmitAnswer::Accept, LookupAnswer::Dedupe);
    let id = crashed_submit(&store, &vendor, false).await;
    for _ in 0..3 {
        store
            .transition(
                &id,
                JobState::Submitting,
                JobState::Submitting,
                mediatask_store::JobChange::none().count_recovery(),
            )
            .await
            .unwrap();
    }
    let outcomes = recovery(&store, &vendor).await;
    assert_eq!(outcomes[0].state(), Some(JobState::Unknown));
    assert!(
        vendor.created().is_empty(),
        "a capped job is parked without asking again"
    );
}

async fn a_young_submitting_row_is_left_to_its_process(target: Target) {
    let store = target.open().await;
    let vendor = FakeVendor::fake(SubmitAnswer::Accept, LookupAnswer::Dedupe);
    crashed_submit(&store, &vendor, false).await;
    let r = Recovery::new(store.clone(), resolver(vendor.clone()));
    assert!(r.open_jobs().await.unwrap().is_empty());
}

async fn a_job_leased_to_a_live_process_is_left_alone(target: Target) {
    let store = target.open().await;
    let vendor = FakeVendor::fake(SubmitAnswer::Accept, LookupAnswer::Dedupe);
    let task = Journaled::new(vendor.clone(), store.clone()).with_options(
        JournalOptions::default().with_lease("other-process", Duration::from_secs(60)),
    );
    let (id, _) = task.submit_journaled(json!({"held": true})).await.unwrap();
    assert_eq!(store.get(&id).await.unwrap().lease.unwrap().seq, 1);
    let r = Recovery::new(store.clone(), resolver(vendor.clone()))
        .with_submitting_grace(Duration::ZERO);
    assert!(
        r.open_jobs().await.unwrap().is_empty(),
        "a held job is not resumed behind its holder's back"
    );
    store.release_lease(&id, "other-process", 1).await.unwrap();
    assert_eq!(r.open_jobs().await.unwrap().len(), 1);
}

common::both_backends!(
    accepted_submit_is_recorded_then_polled_and_fetched,
    nothing_is_sent_when_the_journal_cannot_be_written,
    lost_and_refused_submits_are_recorded_as_such,
    queued_jobs_are_submitted_once_and_throttling_requeues,
    recovery_finds_a_deduped_job_and_never_creates_a_second,
    recovery_resubmits_only_what_the_vendor_proves_absent,
    recovery_parks_what_no_lookup_can_tell,
    recovery_is_capped,
    a_young_submitting_row_is_left_to_its_process,
    a_job_leased_to_a_live_process_is_left_alone,
);
