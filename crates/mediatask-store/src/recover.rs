//! Recovery: drive journaled jobs to the end after a crash or restart, never resubmitting one
//! that may exist.
//!
//! Per state: `queued` is submitted (write-ahead, as always); `submitting` (the process died
//! between recording the intent and recording the answer) is reconciled through the vendor's
//! [`mediatask_core::MediaTask::find_submitted`] — found → polled on; proven absent → submitted
//! once; cannot tell → parked as `unknown` with the request digest; `submitted`/`running` are
//! polled to a terminal state and a succeeded job's result is fetched. Automatic
//! reconciliation is capped ([`JournalOptions::max_recovery_attempts`]), then the job is parked.
//!
//! ```no_run
//! # async fn demo(store: mediatask_store::SharedStore,
//! #     resolve: mediatask_store::recover::TaskResolver) {
//! use futures::StreamExt;
//! let recovery = mediatask_store::recover::Recovery::new(store.clone(), resolve);
//! let jobs = recovery.open_jobs().await.unwrap();
//! let mut outcomes = recovery.resume(jobs.into_iter().filter_map(Result::ok).collect());
//! while let Some(o) = outcomes.next().await {
//!     println!("{} → {:?}", o.job_id, o.state());
//! }
//! # }
//! ```

use crate::{
    JobChange, JobError, JobFilter, JobId, JobRecord, JobState, JournalOptions, Journaled,
    SharedStore, StoreResult, journaled::DynTask,
};
use chrono::Utc;
use futures::StreamExt;
use futures::stream::BoxStream;
use mediatask_core::journal::SubmitLookup;
use mediatask_core::{DynMediaTask, Error, MediaTask, MediaTaskExt, WaitPolicy};
use std::sync::Arc;
use std::time::Duration;

/// Builds the task for a provider and kind (e.g. from a registry).
pub type TaskResolver =
    Arc<dyn Fn(&str, &str) -> mediatask_core::Result<Arc<dyn DynMediaTask>> + Send + Sync>;

/// What became of one job.
#[derive(Debug)]
#[non_exhaustive]
pub struct JobOutcome {
    /// The job.
    pub job_id: JobId,
    /// Its record after this run (absent only when the store could not be read).
    pub record: Option<JobRecord>,
    /// Why it did not succeed, when it did not.
    pub error: Option<Error>,
}

impl JobOutcome {
    /// The job's state after this run.
    pub fn state(&self) -> Option<JobState> {
        self.record.as_ref().map(|r| r.state)
    }
    /// True when the job succeeded and its result is recorded.
    pub fn succeeded(&self) -> bool {
        self.record
            .as_ref()
            .is_some_and(|r| r.state == JobState::Succeeded && r.result.is_some())
    }
}

/// Drives journaled jobs to the end.
pub struct Recovery {
    store: SharedStore,
    resolve: TaskResolver,
    options: JournalOptions,
    policy: WaitPolicy,
    concurrency: usize,
    submitting_grace: Duration,
}

impl std::fmt::Debug for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recovery")
            .field("store", &self.store)
            .field("options", &self.options)
            .field("concurrency", &self.concurrency)
            .field("submitting_grace", &self.submitting_grace)
            .finish_non_exhaustive()
    }
}

impl Recovery {
    /// Recovery over `store`, building tasks with `resolve`.
    pub fn new(store: SharedStore, resolve: TaskResolver) -> Self {
        Recovery {
            store,
            resolve,
            options: JournalOptions::default(),
            policy: WaitPolicy::default(),
            concurrency: 16,
            submitting_grace: Duration::from_secs(60),
        }
    }
    /// Journal options (recovery cap, account).
    pub fn with_options(mut self, options: JournalOptions) -> Self {
        self.options = options;
        self
    }
    /// How to wait for running jobs.
    pub fn with_wait_policy(mut self, policy: WaitPolicy) -> Self {
        self.policy = policy;
        self
    }
    /// Jobs driven at once.
    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }
    /// A `submitting` job written less than this long ago may still be in the hands of a live
    /// process; [`Recovery::open_jobs`] leaves it alone. Default 60 s; a job named explicitly
    /// is reconciled whatever its age.
    pub fn with_submitting_grace(mut self, grace: Duration) -> Self {
        self.submitting_grace = grace;
        self
    }

    /// The open jobs to drive (oldest first), minus those another process holds a live lease
    /// on, `submitting` ones younger than the grace, and steps of multi-step jobs (driving
    /// their parent drives them).
    pub async fn open_jobs(&self) -> StoreResult<Vec<StoreResult<JobRecord>>> {
        let grace = chrono::Duration::from_std(self.submitting_grace).unwrap_or_default();
        let cutoff = Utc::now() - grace;
        Ok(self
            .store
            .list(&JobFilter::open())
            .await?
            .into_iter()
            .filter(|r| match r {
                Ok(job) => {
                    let held = job.lease.as_ref().is_some_and(|l| l.until > Utc::now());
                    !held
                        && job.step.is_none()
                        && (job.state != JobState::Submitting || job.updated_at <= cutoff)
                }
                Err(_) => true,
            })
            .collect())
    }

    /// Drive `jobs`, up to the configured number at once; outcomes arrive as jobs end.
    pub fn resume(&self, jobs: Vec<JobRecord>) -> BoxStream<'_, JobOutcome> {
        futures::stream::iter(jobs)
            .map(move |job| self.drive(job))
            .buffer_unordered(self.concurrency)
            .boxed()
    }

    /// Drive one job as far as it goes in this process.
    pub async fn drive(&self, job: JobRecord) -> JobOutcome {
        let id = job.id.clone();
        let error = self.drive_inner(job).await.err();
        let record = self.store.get(&id).await.ok();
        JobOutcome {
            job_id: id,
            record,
            error,
        }
    }

    fn journaled(&self, job: &JobRecord) -> mediatask_core::Result<Journaled<DynTask>> {
        let task = (self.resolve)(&job.provider, &job.kind)?;
        Ok(Journaled::dynamic(task, self.store.clone())
            .with_options(self.options.clone().with_account(job.account.clone())))
    }

    async fn drive_inner(&self, mut job: JobRecord) -> mediatask_core::Result<()> {
        let task = self.journaled(&job)?;
        let store_err = |e: crate::StoreError, id: &JobId| e.into_sdk(Some(id));
        let handle_of = |job: &JobRecord| {
            job.handle.clone().ok_or_else(|| {
                let e = crate::StoreError::Corrupt {
                    id: job.id.to_string(),
                    field: "handle",
                    detail: format!("a {} job has no handle", job.state),
                };
                store_err(e, &job.id)
            })
        };
        // Each pass moves the job at least one state on, or returns.
        for _ in 0..8 {
            match job.state {
                JobState::Queued => {
                    task.submit_queued(&job).await?;
                }
                JobState::Submitting => {
                    reconcile(&self.store, &self.options, &task, &job).await?;
                }
                JobState::Submitted | JobState::Running => {
                    let handle = handle_of(&job)?;
                    let snap = task.wait(&handle, &self.policy).await?;
                    if let Some(e) = mediatask_core::terminal_error(&handle, &snap) {
                        return Err(e);
                    }
                    // The terminal snapshot may carry the result: no extra request for it.
                    MediaTask::result_from_snapshot(&task, &handle, &snap).await?;
                }
                JobState::Succeeded if job.result.is_none() => {
                    let handle = handle_of(&job)?;
                    MediaTask::result(&task, &handle).await?;
                }
                _ => return Ok(()),
            }
            job = self
                .store
                .get(&job.id)
                .await
                .map_err(|e| store_err(e, &job.id))?;
        }
        Ok(())
    }
}

/// Reconcile a job left `submitting` (its answer was lost) through the vendor's lookup: found
/// → submitted; proven absent → submitted once; cannot tell, or the recovery cap reached →
/// parked as `unknown`.
pub(crate) async fn reconcile(
    store: &SharedStore,
    options: &JournalOptions,
    task: &Journaled<DynTask>,
    job: &JobRecord,
) -> mediatask_core::Result<()> {
    let sdk = |e: crate::StoreError| e.into_sdk(Some(&job.id));
    // Parked for a human: the outcome is unknown and no lookup can tell.
    let park = |e: JobError| async move {
        store
            .transition(
                &job.id,
                JobState::Submitting,
                JobState::Unknown,
                JobChange::under_lease().error(e),
            )
            .await
            .map(|_| ())
            .map_err(|e| e.into_sdk(Some(&job.id)))
    };
    if job.recovery_attempts >= options.max_recovery_attempts {
        let e = JobError::new(
            "outcome_unknown",
            format!(
                "automatic recovery gave up after {} attempts; the submit (request sha256 {}) \
                 may have reached {} — check the vendor console before submitting again",
                job.recovery_attempts, job.request_sha256, job.provider
            ),
        );
        return park(e).await;
    }
    let job = store
        .transition(
            &job.id,
            JobState::Submitting,
            JobState::Submitting,
            JobChange::under_lease().count_recovery(),
        )
        .await
        .map_err(sdk)?;
    match task.find_submitted(&job.intent()).await? {
        SubmitLookup::Found(handle) => {
            tracing::info!(job = %job.id, task_id = %handle.task_id, "reconciled: the vendor holds the job");
            store
                .transition(
                    &job.id,
                    JobState::Submitting,
                    JobState::Submitted,
                    JobChange::under_lease()
                        .handle(handle)
                        .clear_error()
                        .next_poll_at(Some(Utc::now())),
                )
                .await
                .map_err(sdk)?;
        }
        SubmitLookup::NotFound => {
            tracing::info!(job = %job.id, "reconciled: the vendor holds no such job; submitting it once");
            task.resubmit_absent(&job).await?;
        }
        SubmitLookup::CannotTell { reason } => {
            let e = JobError::new(
                "outcome_unknown",
                format!(
                    "{reason} (job {}, request sha256 {})",
                    job.id, job.request_sha256
                ),
            );
            park(e).await?;
        }
        _ => {}
    }
    Ok(())
}
