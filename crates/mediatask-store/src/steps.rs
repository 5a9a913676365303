//! [`StepChain`]: a multi-step job (one logical job a vendor serves as several of its own
//! jobs in sequence, planned by a [`StepPlanner`]) as one [`DynMediaTask`], journaled as one
//! job with its steps.
//!
//! Wrapped in [`crate::Journaled`] like any task, the chain's own row is the logical job (the
//! caller's job id, its handle's task id); each step is a row of its own
//! ([`crate::NewJob::as_step`]: derived id, parent and place), journaled write-ahead by the
//! same layer as every vendor job: `queued`, then `submitting` with its task slot, then the
//! vendor's task id. Polling the chain drives the current step one move on:
//!
//! | step state | what a poll of the chain does |
//! |---|---|
//! | `queued` | submits it (its slot, limits and write-ahead as always) |
//! | `submitting` | its answer was lost: reconciles it through the vendor's lookup, never a blind resend |
//! | `submitted` / `running` | polls the vendor job (recorded on the step) |
//! | `succeeded` | fetches its result if not recorded, then journals the next step (or reports the chain succeeded) |
//! | `failed` / `cancelled` / `rejected` / `unknown` | reports the chain ended so, naming the step's job |
//!
//! So a process killed anywhere resumes where the journal says: a finished step is never sent
//! again (its result is in its row), a started one is reconciled, the next one is journaled
//! before it leaves. Steps are never claimed by workers and never listed for recovery on their
//! own: whoever drives the parent drives them, and a step's task slot stays live while the
//! parent is leased. Step writes compare-and-set on the step's state (two drivers cannot both
//! submit one step: the derived id makes its insert unique and the move to `submitting` wins
//! once); the parent's lease fences the parent.
//!
//! ```no_run
//! # async fn demo(planner: std::sync::Arc<dyn mediatask_core::steps::StepPlanner>,
//! #     store: mediatask_store::SharedStore, resolve: mediatask_store::recover::TaskResolver)
//! #     -> mediatask_core::Result<()> {
//! use mediatask_core::{DynMediaTask, MediaTaskExt};
//! let chain = mediatask_store::StepChain::new(planner, store.clone(), resolve);
//! let task = mediatask_store::Journaled::dynamic(std::sync::Arc::new(chain), store);
//! let out = task.run(serde_json::json!({"media_url": "https://cdn.example/in.mp4"}),
//!     &Default::default()).await?;
//! println!("{} files", out.0.artifacts.len());
//! # Ok(()) }
//! ```

use crate::journaled::DynTask;
use crate::recover::TaskResolver;
use crate::{JobChange, JobId, JobRecord, JobState, JournalOptions, Journaled, NewJob};
use crate::{SharedStore, StoreError};
use async_trait::async_trait;
use mediatask_core::journal::{SubmitIntent, SubmitLookup, current_client_job_id};
use mediatask_core::steps::{FinishedStep, StepPlan, StepPlanner};
use mediatask_core::{
    CancelOutcome, DynMediaTask, DynOutput, Error, ErrorKind, MediaTask, Operation, TaskFailure,
    TaskHandle, TaskInfo, TaskSnapshot, TaskStatus, VendorStatus,
};
use std::sync::Arc;
use std::time::Duration;

/// How soon to poll again while a step waits for its turn (a slot, a throttled submit).
const WAITING_POLL: Duration = Duration::from_secs(1);

/// Moves one poll makes at most (each moves a step one state on).
const MOVES_PER_POLL: usize = 12;

/// A multi-step job as one task (see the module docs).
pub struct StepChain {
    planner: Arc<dyn StepPlanner>,
    store: SharedStore,
    resolve: TaskResolver,
    options: JournalOptions,
}

impl std::fmt::Debug for StepChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StepChain")
            .field("planner", &self.planner)
            .field("store", &self.store.backend())
            .finish_non_exhaustive()
    }
}

/// What one move of the chain came to.
enum Move {
    /// Look at the journal again (the step moved on).
    Again,
    /// Report this to the caller.
    Report(TaskSnapshot),
}

impl StepChain {
    /// The chain `planner` plans, its steps built by `resolve` (provider, step kind) and
    /// journaled in `store`.
    pub fn new(planner: Arc<dyn StepPlanner>, store: SharedStore, resolve: TaskResolver) -> Self {
        StepChain {
            planner,
            store,
            resolve,
            options: JournalOptions::default(),
        }
    }

    /// Journal the steps with these options (recovery cap, slot wait; the account and lease
    /// are the parent's).
    pub fn with_options(mut self, options: JournalOptions) -> Self {
        self.options = options;
        self
    }

    fn provider(&self) -> &'static str {
        self.planner.info().provider
    }

    fn store_error(e: StoreError, id: &JobId) -> Error {
        e.into_sdk(Some(id))
    }

    /// The parent job a chain handle names.
    fn parent_id(&self, handle: &TaskHandle) -> mediatask_core::Result<JobId> {
        handle.task_id.parse().map_err(|e: String| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("a multi-step job handle carries its job id: {e}"),
            )
            .with_provider(self.provider())
            .with_operation(Operation::Local)
        })
    }

    /// The steps journaled under `parent`, in order.
    async fn steps(&self, parent: &JobId) -> mediatask_core::Result<Vec<JobRecord>> {
        steps_of(self.store.as_ref(), parent)
            .await
            .map_err(|e| Self::store_error(e, parent))
    }

    /// The journaled task that runs a step: the vendor task, journaled with the parent's
    /// account and no lease of its own.
    fn step_task(
        &self,
        parent: &JobRecord,
        kind: &str,
    ) -> mediatask_core::Result<Journaled<DynTask>> {
        let task = (self.resolve)(self.provider(), kind)?;
        let mut options = self.options.clone().with_account(parent.account.clone());
        options.lease = None;
        Ok(Journaled::dynamic(task, self.store.clone()).with_options(options))
    }

    /// Journal step `index` as queued (an existing row of that step is taken as it is: it was
    /// journaled by an earlier run, maybe sent).
    async fn journal_step(
        &self,
        parent: &JobRecord,
        index: u32,
        plan: StepPlan,
    ) -> mediatask_core::Result<JobRecord> {
        let new = NewJob::new(
            self.provider(),
            plan.kind,
            parent.account.clone(),
            plan.request,
        )
        .as_step(&parent.id, index)
        .queued();
        let id = new.id.clone();
        match self.store.insert(new).await {
            Ok(step) => Ok(step),
            Err(StoreError::Duplicate(_)) => self
                .store
                .get(&id)
                .await
                .map_err(|e| Self::store_error(e, &id)),
            Err(e) => Err(Self::store_error(e, &parent.id)),
        }
    }

    /// The chain's snapshot while `step` is under way.
    fn under_way(step: &JobRecord, what: &str, after: Option<Duration>) -> TaskSnapshot {
        let mut snap = TaskSnapshot::new(TaskStatus::Running, vendor_status_of(step)).with_detail(
            format!("{} (step {}, job {})", what, step_label(step), step.id),
        );
        snap.progress = step.snapshot.as_ref().and_then(|s| s.progress);
        snap.poll_after = after.or(step.snapshot.as_ref().and_then(|s| s.poll_after));
        snap
    }

    /// The chain's terminal snapshot when `step` ended without success.
    fn ended(step: &JobRecord) -> TaskSnapshot {
        let label = step_label(step);
        let recorded = step.error.as_ref();
        let (status, kind, code, message) = match step.state {
            JobState::Cancelled => (
                TaskStatus::Cancelled,
                ErrorKind::TaskFailed,
                None,
                format!("step {label} (job {}) was cancelled", step.id),
            ),
            JobState::Unknown => (
                TaskStatus::Failed,
                ErrorKind::OutcomeUnknown,
                recorded.and_then(|e| e.vendor_code.clone()),
                format!(
                    "the submit of step {label} (job {}) has an unknown outcome — the vendor may hold and bill it: `mediatask jobs show {}`{}",
                    step.id,
                    step.id,
                    recorded
                        .map(|e| format!(": {}", e.message))
                        .unwrap_or_default()
                ),
            ),
            JobState::Rejected => (
                TaskStatus::Failed,
                ErrorKind::TaskFailed,
                recorded.and_then(|e| e.vendor_code.clone()),
                format!(
                    "the vendor refused step {label} (job {}){}",
                    step.id,
                    recorded
                        .map(|e| format!(": {}", e.message))
                        .unwrap_or_default()
                ),
            ),
            _ => {
                let failure = step.snapshot.as_ref().and_then(|s| s.failure.clone());
                (
                    TaskStatus::Failed,
                    failure.as_ref().map_or(ErrorKind::TaskFailed, |f| f.kind),
                    failure.as_ref().and_then(|f| f.code.clone()),
                    format!(
                        "step {label} (job {}) failed: {}",
                        step.id,
                        failure.map_or_else(|| "no reason given".to_owned(), |f| f.message)
                    ),
                )
            }
        };
        let mut snap = TaskSnapshot::new(status, vendor_status_of(step));
        if status == TaskStatus::Failed {
            snap = snap.with_failure(TaskFailure::new(code, message.clone(), kind));
        }
        snap.with_detail(message)
    }

    /// One move of the chain whose parent is `parent`.
    async fn advance(&self, parent: &JobRecord) -> mediatask_core::Result<Move> {
        let steps = self.steps(&parent.id).await?;
        let Some(step) = steps.last() else {
            // No step journaled: nothing was sent, the first one starts now.
            let plan = self.first_step(parent)?;
            self.journal_step(parent, 0, plan).await?;
            return Ok(Move::Again);
        };
        let task = self.step_task(parent, &step.kind)?;
        let handle = || {
            step.handle.clone().ok_or_else(|| {
                StoreError::Corrupt {
                    id: step.id.to_string(),
                    field: "handle",
                    detail: format!("a {} step has no handle", step.state),
                }
                .into_sdk(Some(&step.id))
            })
        };
        match step.state {
            JobState::Queued => match task.submit_queued(step).await {
                Ok(_) => Ok(Move::Again),
                Err(e) => {
                    let now = self
                        .store
                        .get(&step.id)
                        .await
                        .map_err(|e| Self::store_error(e, &step.id))?;
                    if now.state == JobState::Queued {
                        // Not sent (no task slot yet, throttled): the step waits its turn.
                        let what = format!("waiting to submit: {}", e.message());
                        Ok(Move::Report(Self::under_way(
                            &now,
                            &what,
                            Some(WAITING_POLL),
                        )))
                    } else {
                        Ok(Move::Again)
                    }
                }
            },
            JobState::Submitting => {
                crate::recover::reconcile(&self.store, &self.options, &task, step).await?;
                Ok(Move::Again)
            }
            JobState::Submitted | JobState::Running => {
                let h = handle()?;
                let snap = MediaTask::poll(&task, &h).await?;
                match snap.status {
                    TaskStatus::Succeeded => {
                        MediaTask::result_from_snapshot(&task, &h, &snap).await?;
                        Ok(Move::Again)
                    }
                    TaskStatus::Failed | TaskStatus::Cancelled => Ok(Move::Again),
                    _ => {
                        let now = self
                            .store
                            .get(&step.id)
                            .await
                            .unwrap_or_else(|_| step.clone());
                        Ok(Move::Report(Self::under_way(
                            &now,
                            "running",
                            snap.poll_after,
                        )))
                    }
                }
            }
            JobState::Succeeded if step.result.is_none() => {
                MediaTask::result(&task, &handle()?).await?;
                Ok(Move::Again)
            }
            JobState::Succeeded => {
                let done = finished_steps(&steps)?;
                match self.planner.next_step(&parent.request, &done)? {
                    Some(plan) => {
                        // Crash point of the kill -9 tests: a step finished, the next one is
                        // not journaled yet.
                        #[cfg(feature = "failpoints")]
                        fail::fail_point!("chain-before-next-step");
                        let index = u32::try_from(steps.len()).unwrap_or(u32::MAX);
                        self.journal_step(parent, index, plan).await?;
                        Ok(Move::Again)
                    }
                    None => Ok(Move::Report(
                        TaskSnapshot::new(
                            TaskStatus::Succeeded,
                            VendorStatus::new(format!("{} steps succeeded", steps.len())),
                        )
                        .with_progress(100),
                    )),
                }
            }
            _ => Ok(Move::Report(Self::ended(step))),
        }
    }

    fn first_step(&self, parent: &JobRecord) -> mediatask_core::Result<StepPlan> {
        self.planner
            .next_step(&parent.request, &[])?
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    format!("job {}: the planner gave no first step", parent.id),
                )
                .with_provider(self.provider())
                .with_operation(Operation::Local)
            })
    }

    async fn parent(&self, id: &JobId) -> mediatask_core::Result<JobRecord> {
        self.store
            .get(id)
            .await
            .map_err(|e| Self::store_error(e, id))
    }
}

/// The steps journaled under the multi-step job `parent`, in order (found by their derived
/// ids, [`JobId::step`]; empty for a job without steps).
pub async fn steps_of(
    store: &dyn crate::TaskStore,
    parent: &JobId,
) -> crate::StoreResult<Vec<JobRecord>> {
    let mut steps = Vec::new();
    for index in 0u32.. {
        match store.get(&JobId::step(parent, index)).await {
            Ok(step) => steps.push(step),
            Err(StoreError::NotFound(_)) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(steps)
}

/// The finished steps as a [`StepPlanner`] reads them; an error naming the first step that
/// has not succeeded with a recorded result.
pub fn finished_steps(steps: &[JobRecord]) -> mediatask_core::Result<Vec<FinishedStep>> {
    steps
        .iter()
        .map(|s| match (&s.state, &s.result) {
            (JobState::Succeeded, Some(output)) => Ok(FinishedStep::new(
                s.kind.clone(),
                s.request.clone(),
                DynOutput {
                    output: output.clone(),
                    artifacts: s.artifacts.clone(),
                },
            )),
            _ => Err(Error::new(
                ErrorKind::Decode,
                format!("step job {} is {} without a recorded result", s.id, s.state),
            )
            .with_provider(s.provider.clone())
            .with_operation(Operation::Local)),
        })
        .collect()
}

/// The step's last vendor status, or its journal state before the vendor said anything.
fn vendor_status_of(step: &JobRecord) -> VendorStatus {
    step.snapshot
        .as_ref()
        .map(|s| s.vendor_status.clone())
        .unwrap_or_else(|| VendorStatus::new(step.state.as_str()))
}

/// `1 video_translation_preview`: a step's place (from 1, for people) and kind.
fn step_label(step: &JobRecord) -> String {
    let n = step.step.as_ref().map_or(0, |s| s.index) + 1;
    format!("{n} {}", step.kind)
}

#[async_trait]
impl DynMediaTask for StepChain {
    fn info(&self) -> &TaskInfo {
        self.planner.info()
    }

    /// Journal the first step under the job being submitted (its id comes from the
    /// surrounding [`crate::Journaled`] submit) and submit it. Without a journal there is
    /// nowhere to keep the steps: an error, nothing sent.
    async fn submit_json(&self, request: serde_json::Value) -> mediatask_core::Result<TaskHandle> {
        let info = self.planner.info();
        let parent_id: JobId = current_client_job_id()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    format!(
                        "{}/{} runs several vendor jobs and is journaled as one job with its steps: submit it through the journal (`Journaled`)",
                        info.provider, info.kind
                    ),
                )
                .with_provider(info.provider)
                .with_operation(Operation::Local)
            })?
            .parse()
            .map_err(|e: String| Error::new(ErrorKind::Config, e).with_provider(info.provider))?;
        let mut parent = self.parent(&parent_id).await?;
        parent.request = request;
        // A request the planner refuses fails here, before any step is journaled or sent.
        let plan = self.first_step(&parent)?;
        let step = self.journal_step(&parent, 0, plan).await?;
        let handle = TaskHandle::new(info.provider, info.kind, parent_id.as_str());
        if step.state != JobState::Queued {
            return Ok(handle);
        }
        let task = self.step_task(&parent, &step.kind)?;
        let Err(e) = crate::lease::without_fence(task.submit_queued(&step)).await else {
            return Ok(handle);
        };
        let now = self
            .store
            .get(&step.id)
            .await
            .map_err(|e| Self::store_error(e, &step.id))?;
        match now.state {
            // Refused for good, or sent with an unknown outcome: the chain's submit says so.
            JobState::Rejected | JobState::Unknown | JobState::Cancelled => Err(e),
            // Waiting its turn (a slot, a throttled vendor) or to be reconciled: the chain
            // exists, and polling it moves the step on.
            _ => Ok(handle),
        }
    }

    async fn poll(&self, handle: &TaskHandle) -> mediatask_core::Result<TaskSnapshot> {
        let id = self.parent_id(handle)?;
        let parent = self.parent(&id).await?;
        crate::lease::without_fence(async {
            for _ in 0..MOVES_PER_POLL {
                if let Move::Report(snap) = self.advance(&parent).await? {
                    return Ok(snap);
                }
            }
            let steps = self.steps(&id).await?;
            Ok(match steps.last() {
                Some(step) => Self::under_way(step, "moving on", Some(WAITING_POLL)),
                None => TaskSnapshot::new(TaskStatus::Queued, VendorStatus::new("no step yet"))
                    .with_poll_after(WAITING_POLL),
            })
        })
        .await
    }

    /// Cancel the step under way: a queued one is recorded cancelled (never sent); a sent one
    /// is cancelled at the vendor; between two steps the next one is journaled cancelled, so
    /// the chain ends there.
    async fn cancel(&self, handle: &TaskHandle) -> mediatask_core::Result<CancelOutcome> {
        let id = self.parent_id(handle)?;
        let parent = self.parent(&id).await?;
        crate::lease::without_fence(async {
            let steps = self.steps(&id).await?;
            let mut step = match steps.last() {
                Some(s) => s.clone(),
                None => self.journal_step(&parent, 0, self.first_step(&parent)?).await?,
            };
            if step.state == JobState::Succeeded && step.result.is_some() {
                let done = finished_steps(&steps)?;
                match self.planner.next_step(&parent.request, &done)? {
                    Some(plan) => {
                        let index = u32::try_from(steps.len()).unwrap_or(u32::MAX);
                        step = self.journal_step(&parent, index, plan).await?;
                    }
                    None => {
                        return Ok(CancelOutcome::AlreadyFinished {
                            status: TaskStatus::Succeeded,
                        });
                    }
                }
            }
            match step.state {
                JobState::Queued => {
                    self.store
                        .transition(&step.id, JobState::Queued, JobState::Cancelled, JobChange::none())
                        .await
                        .map_err(|e| Self::store_error(e, &step.id))?;
                    Ok(CancelOutcome::Cancelled)
                }
                JobState::Submitted | JobState::Running => match &step.handle {
                    Some(h) => {
                        MediaTask::cancel(&self.step_task(&parent, &step.kind)?, h).await
                    }
                    None => Ok(CancelOutcome::Requested),
                },
                JobState::Submitting => Ok(CancelOutcome::Refused {
                    vendor_code: None,
                    message: format!(
                        "step job {} is being submitted (or its answer was lost): poll or resume the job first, then cancel",
                        step.id
                    ),
                }),
                JobState::Succeeded => Ok(CancelOutcome::AlreadyFinished {
                    status: TaskStatus::Succeeded,
                }),
                JobState::Cancelled => Ok(CancelOutcome::AlreadyFinished {
                    status: TaskStatus::Cancelled,
                }),
                _ => Ok(CancelOutcome::AlreadyFinished {
                    status: TaskStatus::Failed,
                }),
            }
        })
        .await
    }

    /// The planner's output from every finished step (an error until the chain succeeded).
    async fn result_json(&self, handle: &TaskHandle) -> mediatask_core::Result<DynOutput> {
        let id = self.parent_id(handle)?;
        let parent = self.parent(&id).await?;
        let steps = self.steps(&id).await?;
        let done = finished_steps(&steps).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("job {id} has not finished all its steps: {}", e.message()),
            )
            .with_provider(self.provider())
            .with_operation(Operation::Result)
        })?;
        if steps.is_empty() || self.planner.next_step(&parent.request, &done)?.is_some() {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!("job {id} has more steps to run ({} done)", done.len()),
            )
            .with_provider(self.provider())
            .with_operation(Operation::Result));
        }
        self.planner.output(&parent.request, &done)
    }

    async fn result_json_from_snapshot(
        &self,
        handle: &TaskHandle,
        _snapshot: &TaskSnapshot,
    ) -> mediatask_core::Result<DynOutput> {
        self.result_json(handle).await
    }

    /// A lost parent submit: its first step's row is journaled before that step leaves, so
    /// no row proves nothing was sent, and a row means the chain exists (polling drives it,
    /// reconciling the step itself if its own answer was lost).
    async fn find_submitted(&self, intent: &SubmitIntent) -> mediatask_core::Result<SubmitLookup> {
        let info = self.planner.info();
        let id: JobId = intent
            .job_id
            .parse()
            .map_err(|e: String| Error::new(ErrorKind::Config, e).with_provider(info.provider))?;
        match self.store.get(&JobId::step(&id, 0)).await {
            Ok(_) => Ok(SubmitLookup::Found(TaskHandle::new(
                info.provider,
                info.kind,
                id.as_str(),
            ))),
            Err(StoreError::NotFound(_)) => Ok(SubmitLookup::NotFound),
            Err(e) => Err(Self::store_error(e, &id)),
        }
    }

    /// None: each step takes its own vendor's slot.
    fn task_pool(&self) -> Option<mediatask_core::journal::TaskPool> {
        None
    }
}
