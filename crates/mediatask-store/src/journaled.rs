//! [`Journaled`]: the write-ahead layer over any [`MediaTask`] (and, through
//! [`Journaled::dynamic`], over any [`DynMediaTask`]).
//!
//! * **submit**: the `submitting` row (request + SHA-256, one attempt) is committed first; if
//!   that write fails nothing is sent. The vendor call runs inside
//!   [`with_client_job_id`], so a vendor with a correlation field carries our job id. The
//!   answer is recorded right after: `submitted` with the handle, `rejected` for a definite
//!   refusal, `unknown` when the outcome is unknown (never resent).
//! * **poll / result**: every snapshot and the fetched result are recorded on the job the
//!   handle belongs to (found by provider and vendor task id); a journal write that fails
//!   there is logged and the vendor's answer still returned (the next poll catches up).
//! * **cancel**: forwarded; the next poll records what the vendor says.
//! * **task slots**: when the task names a slot pool ([`MediaTask::task_pool`], e.g.
//!   RecCloud's 2 parallel tasks), the move to `submitting` takes a slot in the store in the
//!   same write ([`crate::SlotClaim`]), so every process sharing the store shares the cap. A
//!   submit that finds every slot held waits (within the caller's deadline and
//!   [`JournalOptions::slot_wait`], telling [`JournalOptions::on_slot_wait`]), and the job
//!   waits in `queued` meanwhile: a process killed while waiting leaves a queued job that a
//!   worker submits later, never a lost one.

use crate::{
    JobChange, JobError, JobId, JobRecord, JobState, NewJob, SharedStore, SlotClaim, StoreError,
};
use async_trait::async_trait;
use chrono::Utc;
use mediatask_core::journal::{SubmitIntent, SubmitLookup, with_client_job_id};
use mediatask_core::{
    Artifact, CancelOutcome, DynMediaTask, DynOutput, Error, ErrorKind, HasArtifacts, MediaTask,
    Operation, TaskHandle, TaskInfo, TaskSnapshot, TaskStatus,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The lease a submit waiting for a task slot holds on its queued job when the options set
/// none (renewed every third of it while it waits).
const WAIT_LEASE: Duration = Duration::from_secs(60);

/// How a [`Journaled`] task records its jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalOptions {
    /// Account fingerprint written on every job (never a secret): jobs of one vendor account
    /// share its limits. Default `default`.
    pub account: String,
    /// Automatic reconciliation attempts of a job left `submitting` before it is parked as
    /// `unknown`. Default 3.
    pub max_recovery_attempts: u32,
    /// Attempts at recording an accepted submit before giving up (the handle is still
    /// returned; recovery then reconciles the row). Default 5.
    pub record_attempts: u32,
    /// Journal each new job leased to this owner for this long (fencing number 1), so no
    /// worker claims it while this process drives it; the caller renews or releases it
    /// ([`crate::TaskStore::renew_lease`]). Default: no lease.
    pub lease: Option<(String, Duration)>,
    /// How long a submit waits for a free task slot (never past the caller's deadline) before
    /// giving up with `ConcurrencyLimited`, nothing sent: the job is then recorded cancelled
    /// (a queued job a worker submits goes back to the queue instead). Default 10 minutes.
    pub slot_wait: Duration,
    /// Told when a submit starts waiting for a task slot, and again every 10 s while it waits.
    pub on_slot_wait: Option<SlotWaitNotice>,
}

/// A submit waiting for a task slot, as told to [`JournalOptions::on_slot_wait`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SlotWait {
    /// The waiting job.
    pub job: JobId,
    /// Its provider.
    pub provider: String,
    /// The pool.
    pub pool: String,
    /// Slots in the pool (all held).
    pub max: u32,
    /// How long it has waited so far.
    pub waited: Duration,
}

/// A callback told about [`SlotWait`]s (e.g. to print a progress line).
///
/// ```
/// let notice = mediatask_store::SlotWaitNotice::new(|w| eprintln!("waiting for {}", w.pool));
/// let options = mediatask_store::JournalOptions::default().with_slot_wait_notice(notice);
/// assert!(options.on_slot_wait.is_some());
/// ```
#[derive(Clone)]
pub struct SlotWaitNotice(Arc<dyn Fn(&SlotWait) + Send + Sync>);

impl SlotWaitNotice {
    /// Wrap a callback.
    pub fn new(f: impl Fn(&SlotWait) + Send + Sync + 'static) -> Self {
        SlotWaitNotice(Arc::new(f))
    }
}

impl fmt::Debug for SlotWaitNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SlotWaitNotice(..)")
    }
}

impl PartialEq for SlotWaitNotice {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for SlotWaitNotice {}

impl Default for JournalOptions {
    fn default() -> Self {
        JournalOptions {
            account: "default".into(),
            max_recovery_attempts: 3,
            record_attempts: 5,
            lease: None,
            slot_wait: Duration::from_secs(600),
            on_slot_wait: None,
        }
    }
}

impl JournalOptions {
    /// Set the account fingerprint.
    ///
    /// ```
    /// let o = mediatask_store::JournalOptions::default().with_account("tencent-vod:4f2a");
    /// assert_eq!(o.account, "tencent-vod:4f2a");
    /// ```
    pub fn with_account(mut self, account: impl Into<String>) -> Self {
        self.account = account.into();
        self
    }
    /// Set the recovery cap.
    pub fn with_max_recovery_attempts(mut self, n: u32) -> Self {
        self.max_recovery_attempts = n;
        self
    }
    /// Lease new jobs to `owner` for `lease_for` (see [`JournalOptions::lease`]).
    pub fn with_lease(mut self, owner: impl Into<String>, lease_for: Duration) -> Self {
        self.lease = Some((owner.into(), lease_for));
        self
    }
    /// Wait at most this long for a task slot (see [`JournalOptions::slot_wait`]).
    pub fn with_slot_wait(mut self, wait: Duration) -> Self {
        self.slot_wait = wait;
        self
    }
    /// Tell `notice` about submits waiting for a task slot.
    pub fn with_slot_wait_notice(mut self, notice: SlotWaitNotice) -> Self {
        self.on_slot_wait = Some(notice);
        self
    }
}

/// A task whose every job is journaled before it is sent.
///
/// ```no_run
/// # #[cfg(feature = "sqlite")]
/// # async fn demo<T>(task: T) -> mediatask_core::Result<()>
/// # where T: mediatask_core::MediaTask, T::Request: serde::Serialize + Default {
/// use mediatask_core::MediaTaskExt;
/// let store = mediatask_store::open("sqlite:/tmp/jobs.db").await.map_err(|e| e.into_sdk(None))?;
/// let task = mediatask_store::Journaled::new(task, store);
/// let (job_id, handle) = task.submit_journaled(T::Request::default()).await?;
/// println!("job {job_id} is vendor task {}", handle.task_id);
/// # Ok(()) }
/// ```
pub struct Journaled<T> {
    inner: T,
    store: SharedStore,
    options: JournalOptions,
    /// What this layer last recorded per vendor task (jobs in flight only).
    seen: Mutex<HashMap<String, Seen>>,
}

/// What was last recorded on a job.
#[derive(Debug, Clone)]
struct Seen {
    id: JobId,
    state: JobState,
    /// [`snapshot_key`] of the last snapshot recorded.
    last: Option<String>,
}

fn seen_key(handle: &TaskHandle) -> String {
    format!("{}\u{0}{}", handle.provider, handle.task_id)
}

/// What makes two snapshots different for the journal (not the request id or poll hint).
fn snapshot_key(s: &TaskSnapshot) -> String {
    format!(
        "{}\u{0}{:?}\u{0}{}\u{0}{:?}\u{0}{:?}",
        s.status,
        s.progress,
        s.vendor_status.code,
        s.detail,
        s.failure.as_ref().map(|f| (&f.code, &f.message))
    )
}

impl<T: fmt::Debug> fmt::Debug for Journaled<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Journaled")
            .field("inner", &self.inner)
            .field("store", &self.store.backend())
            .field("account", &self.options.account)
            .finish()
    }
}

impl<T> Journaled<T> {
    /// Journal `inner`'s jobs in `store` with default options.
    pub fn new(inner: T, store: SharedStore) -> Self {
        Journaled {
            inner,
            store,
            options: JournalOptions::default(),
            seen: Mutex::new(HashMap::new()),
        }
    }
    /// Use these options.
    pub fn with_options(mut self, options: JournalOptions) -> Self {
        self.options = options;
        self
    }
    /// The wrapped task.
    pub fn inner(&self) -> &T {
        &self.inner
    }
    /// The store.
    pub fn store(&self) -> &SharedStore {
        &self.store
    }
    /// The options.
    pub fn options(&self) -> &JournalOptions {
        &self.options
    }
}

impl Journaled<DynTask> {
    /// Journal a JSON-erased task; the result implements [`DynMediaTask`] itself.
    pub fn dynamic(inner: Arc<dyn DynMediaTask>, store: SharedStore) -> Self {
        Journaled::new(DynTask(inner), store)
    }
}

fn store_error(e: StoreError, job: Option<&JobId>) -> Error {
    e.into_sdk(job)
}

/// The journal state a snapshot maps to.
fn state_of(status: TaskStatus) -> JobState {
    match status {
        TaskStatus::Succeeded => JobState::Succeeded,
        TaskStatus::Failed => JobState::Failed,
        TaskStatus::Cancelled => JobState::Cancelled,
        _ => JobState::Running,
    }
}

impl<T: MediaTask> Journaled<T> {
    fn info_of(&self) -> &TaskInfo {
        self.inner.info()
    }

    /// Submit and return our job id with the handle.
    pub async fn submit_journaled(
        &self,
        request: T::Request,
    ) -> mediatask_core::Result<(JobId, TaskHandle)>
    where
        T::Request: Serialize,
    {
        let info = self.info_of();
        let json = serde_json::to_value(&request).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("the request cannot be journaled as JSON: {e}"),
            )
            .with_operation(Operation::Local)
            .with_provider(info.provider)
        })?;
        let mut new = NewJob::new(info.provider, info.kind, self.options.account.clone(), json);
        if let Some((owner, lease_for)) = &self.options.lease {
            new = new.leased_to(owner.clone(), *lease_for);
        }
        let Some(claim) = self.slot_claim() else {
            // No cap on tasks in flight: the intent goes in as `submitting` in one write.
            let job = self
                .store
                .insert(new)
                .await
                .map_err(|e| store_error(e, None))?;
            let id = job.id.clone();
            let handle = self.send(&job, request, false, false).await?;
            return Ok((id, handle));
        };
        // Capped: journaled as queued, then moved to `submitting` together with a slot. The
        // queued row is leased (to this layer's owner, or a private one) and renewed while it
        // waits, so no worker takes it meanwhile.
        if new.lease.is_none() {
            new = new.leased_to(format!("submit:{}", JobId::new()), WAIT_LEASE);
        }
        let queued = self
            .store
            .insert(new.queued())
            .await
            .map_err(|e| store_error(e, None))?;
        let id = queued.id.clone();
        let job = self
            .take_slot(&queued, JobState::Queued, claim, false)
            .await?;
        let handle = self.send(&job, request, false, true).await?;
        Ok((id, handle))
    }

    /// Submit a job the store holds as `queued` (what `mediatask worker` does). A definite
    /// refusal that may pass later (throttled, vendor unavailable before sending) puts it back
    /// in the queue; any other refusal rejects it.
    pub async fn submit_queued(&self, job: &JobRecord) -> mediatask_core::Result<TaskHandle>
    where
        T::Request: DeserializeOwned,
    {
        self.attempt(job, JobState::Queued, true).await
    }

    /// Submit again a `submitting` job the vendor proved absent ([`SubmitLookup::NotFound`]).
    pub(crate) async fn resubmit_absent(
        &self,
        job: &JobRecord,
    ) -> mediatask_core::Result<TaskHandle>
    where
        T::Request: DeserializeOwned,
    {
        self.attempt(job, JobState::Submitting, false).await
    }

    /// Count one more submit attempt of a journaled job (moving it from `from` to
    /// `submitting`, committed first) and send its recorded request.
    async fn attempt(
        &self,
        job: &JobRecord,
        from: JobState,
        from_queue: bool,
    ) -> mediatask_core::Result<TaskHandle>
    where
        T::Request: DeserializeOwned,
    {
        let request = self.decode_request(job)?;
        if let Some(claim) = self.slot_claim() {
            let job = self.take_slot(job, from, claim, from_queue).await?;
            return self.send(&job, request, from_queue, true).await;
        }
        let job = self
            .store
            .transition(
                &job.id,
                from,
                JobState::Submitting,
                JobChange::under_lease().count_attempt().clear_error(),
            )
            .await
            .map_err(|e| store_error(e, Some(&job.id)))?;
        self.send(&job, request, from_queue, false).await
    }

    /// The task slot this task's submits take in the store, if its vendor caps tasks in flight.
    fn slot_claim(&self) -> Option<SlotClaim> {
        let pool = self.inner.task_pool()?;
        let hold = self
            .options
            .lease
            .as_ref()
            .map_or(Duration::from_secs(60), |l| l.1);
        Some(SlotClaim::from(&pool).with_hold(hold))
    }

    /// Move `job` from `from` to `submitting` together with a task slot, waiting while every
    /// slot is held: until [`JournalOptions::slot_wait`] or the caller's deadline, whichever
    /// comes first (30 s for a queued job a worker drives, which then stays queued).
    async fn take_slot(
        &self,
        job: &JobRecord,
        from: JobState,
        claim: SlotClaim,
        from_queue: bool,
    ) -> mediatask_core::Result<JobRecord> {
        let started = tokio::time::Instant::now();
        let mut wait = if from_queue {
            self.options.slot_wait.min(Duration::from_secs(30))
        } else {
            self.options.slot_wait
        };
        if let Some(deadline) = mediatask_http::current_deadline() {
            wait = wait.min(deadline.saturating_duration_since(std::time::Instant::now()));
        }
        let mut pause = Duration::from_millis(25);
        let mut told_at: Option<tokio::time::Instant> = None;
        let mut looked = false;
        // A caller's own submit holds the lease it was journaled under: kept alive while it
        // waits, so no worker claims (and submits) the queued job behind its back. A worker's
        // job is renewed by the worker.
        let own_lease = match (&job.lease, from_queue, from) {
            (Some(lease), false, JobState::Queued) => {
                let lease_for = self.options.lease.as_ref().map_or(WAIT_LEASE, |l| l.1);
                Some((lease.owner.clone(), lease.seq, lease_for))
            }
            _ => None,
        };
        let mut renewed_at = tokio::time::Instant::now();
        loop {
            if let Some((owner, seq, lease_for)) = &own_lease
                && renewed_at.elapsed() >= *lease_for / 3
            {
                self.store
                    .renew_lease(&job.id, owner, *seq, *lease_for)
                    .await
                    .map_err(|e| store_error(e, Some(&job.id)))?;
                renewed_at = tokio::time::Instant::now();
            }
            // While waiting, a read (no write lock) tells when a slot may have freed; only
            // then is the counting write tried.
            let busy = looked
                && self
                    .store
                    .slots_in_use(&job.provider, &job.account, &claim.pool)
                    .await
                    .is_ok_and(|held| held >= claim.max);
            looked = true;
            let change = JobChange::under_lease()
                .count_attempt()
                .clear_error()
                .take_slot(claim.clone());
            let taken = if busy {
                Err(StoreError::SlotsBusy {
                    id: job.id.clone(),
                    pool: claim.pool.clone(),
                    max: claim.max,
                })
            } else {
                self.store
                    .transition(&job.id, from, JobState::Submitting, change)
                    .await
            };
            match taken {
                Ok(rec) => return Ok(rec),
                Err(e @ StoreError::SlotsBusy { .. }) => {
                    let waited = started.elapsed();
                    if waited >= wait {
                        return Err(self.gave_up_on_slot(job, from, from_queue, e).await);
                    }
                    if told_at.is_none_or(|t| t.elapsed() >= Duration::from_secs(10)) {
                        told_at = Some(tokio::time::Instant::now());
                        if let Some(notice) = &self.options.on_slot_wait {
                            (notice.0)(&SlotWait {
                                job: job.id.clone(),
                                provider: job.provider.clone(),
                                pool: claim.pool.clone(),
                                max: claim.max,
                                waited,
                            });
                        }
                    }
                    // Jittered, growing to 250 ms: many waiters do not ask in lockstep, and
                    // a freed slot idles for a fraction of a second at most.
                    let jitter =
                        Duration::from_millis(fastrand::u64(0..=pause.as_millis() as u64 / 2));
                    tokio::time::sleep((pause + jitter).min(wait - waited)).await;
                    pause = (pause * 2).min(Duration::from_millis(250));
                }
                Err(e) => return Err(store_error(e, Some(&job.id))),
            }
        }
    }

    /// No slot within the wait: a job a worker drives stays queued for later; a caller's own
    /// submit is recorded cancelled (it never reached the vendor). Nothing was sent either way.
    async fn gave_up_on_slot(
        &self,
        job: &JobRecord,
        from: JobState,
        from_queue: bool,
        busy: StoreError,
    ) -> Error {
        let e = Error::new(
            ErrorKind::ConcurrencyLimited,
            format!("{busy}; waited for a free slot in vain — finish or cancel other jobs of this account, or wait longer"),
        )
        .with_provider(job.provider.clone())
        .with_operation(Operation::Submit);
        if !from_queue && from == JobState::Queued {
            let change = JobChange::under_lease().error(JobError::from(&e));
            if let Err(se) = self
                .store
                .transition(&job.id, JobState::Queued, JobState::Cancelled, change)
                .await
            {
                tracing::warn!(job = %job.id, error = %se, "cannot record the given-up submit; the job stays queued");
            }
        }
        e
    }

    fn decode_request(&self, job: &JobRecord) -> mediatask_core::Result<T::Request>
    where
        T::Request: DeserializeOwned,
    {
        serde_json::from_value(job.request.clone()).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "job {}: the journaled request does not match {}/{}: {e}",
                    job.id, job.provider, job.kind
                ),
            )
            .with_operation(Operation::Local)
            .with_provider(job.provider.clone())
        })
    }

    /// Send a journaled `submitting` job and record the answer. `slot_taken`: the store holds
    /// the job's task slot, so the transport's in-process pool must not count it again.
    async fn send(
        &self,
        job: &JobRecord,
        request: T::Request,
        from_queue: bool,
        slot_taken: bool,
    ) -> mediatask_core::Result<TaskHandle> {
        // Crash points of the kill -9 tests: (a) intent committed, request not sent yet.
        #[cfg(feature = "failpoints")]
        fail::fail_point!("journal-before-send");
        let submit = with_client_job_id(job.id.as_str(), self.inner.submit(request));
        let answer = if slot_taken {
            mediatask_core::journal::with_slot_held_by_journal(submit).await
        } else {
            submit.await
        };
        match answer {
            Ok(handle) => {
                // (b) the vendor accepted, its task id is not recorded yet.
                #[cfg(feature = "failpoints")]
                fail::fail_point!("journal-after-accept");
                self.record_accepted(&job.id, &handle).await;
                Ok(handle)
            }
            Err(e) => {
                let (to, next) = match e.kind() {
                    ErrorKind::OutcomeUnknown => (JobState::Unknown, None),
                    ErrorKind::RateLimited
                    | ErrorKind::ConcurrencyLimited
                    | ErrorKind::Unavailable
                    | ErrorKind::Transport
                        if from_queue =>
                    {
                        let after = match e.retryability() {
                            mediatask_core::Retryability::Transient { after: Some(d) } => d,
                            _ => Duration::from_secs(5),
                        };
                        (JobState::Queued, Some(Utc::now() + after))
                    }
                    _ => (JobState::Rejected, None),
                };
                let mut change = JobChange::under_lease().error(JobError::from(&e));
                if let Some(at) = next {
                    change = change.next_poll_at(Some(at));
                }
                if let Err(se) = self
                    .store
                    .transition(&job.id, JobState::Submitting, to, change)
                    .await
                {
                    tracing::error!(job = %job.id, error = %se, "cannot record the submit's failure; the job stays `submitting` and recovery will reconcile it");
                }
                let e = if to == JobState::Unknown {
                    let m = format!(
                        "{} (journaled as job {}: `mediatask jobs show {}`)",
                        e.message(),
                        job.id,
                        job.id
                    );
                    e.with_message(m)
                } else {
                    e
                };
                Err(e)
            }
        }
    }

    async fn record_accepted(&self, id: &JobId, handle: &TaskHandle) {
        let mut last = None;
        for attempt in 0..self.options.record_attempts.max(1) {
            let change = JobChange::under_lease()
                .handle(handle.clone())
                .clear_error()
                .next_poll_at(Some(Utc::now()));
            match self
                .store
                .transition(id, JobState::Submitting, JobState::Submitted, change)
                .await
            {
                Ok(rec) => {
                    self.remember(
                        handle,
                        Some(Seen {
                            id: rec.id,
                            state: rec.state,
                            last: None,
                        }),
                    );
                    return;
                }
                Err(e @ (StoreError::Conflict { .. } | StoreError::IllegalTransition { .. })) => {
                    last = Some(e);
                    break;
                }
                Err(e) => {
                    last = Some(e);
                    tokio::time::sleep(Duration::from_millis(100 << attempt.min(5))).await;
                }
            }
        }
        if let Some(e) = last {
            tracing::error!(job = %id, task_id = %handle.task_id, error = %e, "the vendor accepted the job but the journal could not record it; recovery will reconcile it by the job id");
        }
    }

    /// The job a handle belongs to and what was last recorded on it: from this layer's
    /// memory when it wrote the job itself, else from the store.
    async fn job_of(&self, handle: &TaskHandle) -> Option<Seen> {
        let key = seen_key(handle);
        if let Some(seen) = self.seen.lock().ok()?.get(&key) {
            return Some(seen.clone());
        }
        match self
            .store
            .find_by_vendor_task(&handle.provider, &handle.task_id)
            .await
        {
            Ok(job) => job.map(|job| {
                let seen = Seen {
                    id: job.id,
                    state: job.state,
                    last: job.snapshot.as_ref().map(snapshot_key),
                };
                self.remember(handle, Some(seen.clone()));
                seen
            }),
            Err(e) => {
                tracing::warn!(task_id = %handle.task_id, error = %e, "journal lookup failed");
                None
            }
        }
    }

    /// Remember (or, with `None`, forget) what was recorded on a handle's job. Jobs are
    /// forgotten once final, so memory follows the jobs in flight.
    fn remember(&self, handle: &TaskHandle, seen: Option<Seen>) {
        if let Ok(mut map) = self.seen.lock() {
            match seen {
                Some(s) if !s.state.is_final() || s.state == JobState::Succeeded => {
                    map.insert(seen_key(handle), s);
                }
                _ => {
                    map.remove(&seen_key(handle));
                }
            }
        }
    }

    async fn record_snapshot(&self, handle: &TaskHandle, snap: &TaskSnapshot) {
        let Some(seen) = self.job_of(handle).await else {
            return;
        };
        if !matches!(seen.state, JobState::Submitted | JobState::Running) {
            return;
        }
        let to = state_of(snap.status);
        let key = snapshot_key(snap);
        if to == seen.state && seen.last.as_deref() == Some(key.as_str()) {
            // Nothing new: the journal already says this.
            return;
        }
        let next = if to.is_final() {
            None
        } else {
            Some(Utc::now() + snap.poll_after.unwrap_or(Duration::from_secs(5)))
        };
        let change = JobChange::under_lease()
            .snapshot(snap.clone())
            .next_poll_at(next);
        match self
            .store
            .transition(&seen.id, seen.state, to, change)
            .await
        {
            Ok(rec) => self.remember(
                handle,
                Some(Seen {
                    id: rec.id,
                    state: rec.state,
                    last: Some(key),
                }),
            ),
            Err(StoreError::Conflict { .. }) => self.remember(handle, None),
            Err(e) => tracing::warn!(job = %seen.id, error = %e, "cannot record a snapshot"),
        }
    }

    async fn record_result(
        &self,
        handle: &TaskHandle,
        output: serde_json::Value,
        artifacts: Vec<Artifact>,
    ) {
        let Some(seen) = self.job_of(handle).await else {
            return;
        };
        let from = seen.state;
        if !matches!(
            from,
            JobState::Submitted | JobState::Running | JobState::Succeeded
        ) {
            return;
        }
        let job = seen;
        let change = JobChange::under_lease()
            .result(output, artifacts)
            .next_poll_at(None);
        // Succeeded → Succeeded is not a transition: record the result on the row directly.
        let res = if from == JobState::Succeeded {
            self.store.amend(&job.id, JobState::Succeeded, change).await
        } else {
            self.store
                .transition(&job.id, from, JobState::Succeeded, change)
                .await
        };
        // Recorded (or moved on by someone else): nothing more to remember about it.
        self.remember(handle, None);
        if let Err(e) = res {
            tracing::warn!(job = %job.id, error = %e, "cannot record the result");
        }
    }

    /// Ask the vendor whether a lost submit created a job (see [`MediaTask::find_submitted`]).
    pub async fn find_submitted(
        &self,
        intent: &SubmitIntent,
    ) -> mediatask_core::Result<SubmitLookup> {
        with_client_job_id(intent.job_id.clone(), self.inner.find_submitted(intent)).await
    }
}

#[async_trait]
impl<T> MediaTask for Journaled<T>
where
    T: MediaTask,
    T::Request: Serialize,
    T::Output: Serialize + HasArtifacts,
{
    type Request = T::Request;
    type Output = T::Output;

    fn info(&self) -> &TaskInfo {
        self.inner.info()
    }

    async fn submit(&self, request: Self::Request) -> mediatask_core::Result<TaskHandle> {
        self.submit_journaled(request).await.map(|(_, h)| h)
    }

    async fn poll(&self, handle: &TaskHandle) -> mediatask_core::Result<TaskSnapshot> {
        let snap = self.inner.poll(handle).await?;
        self.record_snapshot(handle, &snap).await;
        Ok(snap)
    }

    async fn cancel(&self, handle: &TaskHandle) -> mediatask_core::Result<CancelOutcome> {
        self.inner.cancel(handle).await
    }

    async fn result(&self, handle: &TaskHandle) -> mediatask_core::Result<Self::Output> {
        let out = self.inner.result(handle).await?;
        match serde_json::to_value(&out) {
            Ok(json) => self.record_result(handle, json, out.artifacts()).await,
            Err(e) => tracing::warn!(error = %e, "cannot journal the result"),
        }
        Ok(out)
    }

    /// The inner task's (no second request when its snapshot kept the result), journaled.
    async fn result_from_snapshot(
        &self,
        handle: &TaskHandle,
        snapshot: &TaskSnapshot,
    ) -> mediatask_core::Result<Self::Output> {
        let out = self.inner.result_from_snapshot(handle, snapshot).await?;
        match serde_json::to_value(&out) {
            Ok(json) => self.record_result(handle, json, out.artifacts()).await,
            Err(e) => tracing::warn!(error = %e, "cannot journal the result"),
        }
        Ok(out)
    }

    async fn find_submitted(&self, intent: &SubmitIntent) -> mediatask_core::Result<SubmitLookup> {
        Journaled::find_submitted(self, intent).await
    }

    /// The inner task's pool: this layer takes its slots in the store.
    fn task_pool(&self) -> Option<mediatask_core::journal::TaskPool> {
        self.inner.task_pool()
    }
}

/// A JSON-erased task as a [`MediaTask`] (request and output as JSON), so one [`Journaled`]
/// serves typed and erased tasks alike.
#[derive(Debug, Clone)]
pub struct DynTask(pub Arc<dyn DynMediaTask>);

/// The output of a [`DynTask`]: the erased output and its artifacts.
#[derive(Debug, Clone, PartialEq)]
pub struct JournaledOutput(pub DynOutput);

impl Serialize for JournaledOutput {
    /// Transparent: the erased output itself (its artifacts come through [`HasArtifacts`]).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.output.serialize(s)
    }
}

impl HasArtifacts for JournaledOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        self.0.artifacts.clone()
    }
}

#[async_trait]
impl MediaTask for DynTask {
    type Request = serde_json::Value;
    type Output = JournaledOutput;

    fn info(&self) -> &TaskInfo {
        self.0.info()
    }
    async fn submit(&self, request: serde_json::Value) -> mediatask_core::Result<TaskHandle> {
        self.0.submit_json(request).await
    }
    async fn poll(&self, handle: &TaskHandle) -> mediatask_core::Result<TaskSnapshot> {
        self.0.poll(handle).await
    }
    async fn cancel(&self, handle: &TaskHandle) -> mediatask_core::Result<CancelOutcome> {
        self.0.cancel(handle).await
    }
    async fn result(&self, handle: &TaskHandle) -> mediatask_core::Result<JournaledOutput> {
        self.0.result_json(handle).await.map(JournaledOutput)
    }
    async fn result_from_snapshot(
        &self,
        handle: &TaskHandle,
        snapshot: &TaskSnapshot,
    ) -> mediatask_core::Result<JournaledOutput> {
        self.0
            .result_json_from_snapshot(handle, snapshot)
            .await
            .map(JournaledOutput)
    }
    async fn find_submitted(&self, intent: &SubmitIntent) -> mediatask_core::Result<SubmitLookup> {
        self.0.find_submitted(intent).await
    }
    fn task_pool(&self) -> Option<mediatask_core::journal::TaskPool> {
        self.0.task_pool()
    }
}
