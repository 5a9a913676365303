//! The job record and the values written into it: [`JobId`], [`NewJob`], [`JobRecord`],
//! [`JobChange`], [`JobError`], [`JobFilter`].

use crate::JobState;
use chrono::{DateTime, Utc};
use mediatask_core::{Artifact, Error, TaskHandle, TaskSnapshot};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// Our id of a logical job: a ULID (26 characters, time-ordered). It is also the dedupe or
/// correlation key sent to vendors that have one (Tencent `SessionId`).
///
/// ```
/// use mediatask_store::JobId;
/// let id = JobId::new();
/// assert_eq!(id.as_str().len(), 26);
/// assert_eq!(id.as_str().parse::<JobId>().unwrap(), id);
/// assert!("not-a-ulid".parse::<JobId>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JobId(String);

impl JobId {
    /// A fresh id.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        JobId(ulid::Ulid::new().to_string())
    }
    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The id of step `index` of the multi-step job `parent`: derived, never random (the
    /// parent's timestamp, 80 bits of SHA-256 of parent and index), so every process that
    /// starts that step writes the same row and the store's unique key lets only one win.
    ///
    /// ```
    /// use mediatask_store::JobId;
    /// let parent = JobId::new();
    /// assert_eq!(JobId::step(&parent, 1), JobId::step(&parent, 1));
    /// assert_ne!(JobId::step(&parent, 0), JobId::step(&parent, 1));
    /// assert_eq!(JobId::step(&parent, 0).as_str()[..10], parent.as_str()[..10]);
    /// ```
    pub fn step(parent: &JobId, index: u32) -> JobId {
        let ts = ulid::Ulid::from_string(parent.as_str())
            .map(|u| u.timestamp_ms())
            .unwrap_or_default();
        let digest = Sha256::digest(format!("{parent}/step/{index}").as_bytes());
        let mut bits = [0u8; 16];
        bits[6..].copy_from_slice(&digest[..10]);
        JobId(ulid::Ulid::from_parts(ts, u128::from_be_bytes(bits)).to_string())
    }
}

/// Where a step of a multi-step job sits: its logical job and its place (from 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StepOf {
    /// The logical job.
    pub parent: JobId,
    /// Its place in the sequence, from 0.
    pub index: u32,
}

impl FromStr for JobId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ulid::Ulid::from_string(s)
            .map(|u| JobId(u.to_string()))
            .map_err(|e| format!("`{s}` is not a job id (a 26-character ULID): {e}"))
    }
}

impl TryFrom<String> for JobId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<JobId> for String {
    fn from(id: JobId) -> String {
        id.0
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The hex SHA-256 of a request's canonical JSON text (what is stored and sent).
///
/// ```
/// let d = mediatask_store::request_digest(&serde_json::json!({"a": 1}));
/// assert_eq!(d.len(), 64);
/// ```
pub fn request_digest(request: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(request.to_string().as_bytes()))
}

/// A job about to be journaled.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct NewJob {
    /// Its id (fresh unless the caller brings one).
    pub id: JobId,
    /// Provider name.
    pub provider: String,
    /// Job kind.
    pub kind: String,
    /// Account fingerprint (never a secret): jobs of one vendor account share limits.
    pub account: String,
    /// The request JSON.
    pub request: serde_json::Value,
    /// `Queued` (enqueue) or `Submitting` (a write-ahead submit).
    pub state: JobState,
    /// Hold a lease on the new job (owner, for how long; fencing number 1), so no worker
    /// claims it while the inserting process drives it.
    pub lease: Option<(String, std::time::Duration)>,
    /// A step of a multi-step job (driven by whoever drives its parent; see [`StepOf`]).
    pub step: Option<StepOf>,
}

impl NewJob {
    /// A job with a fresh id, about to be submitted (`Submitting`, one attempt).
    ///
    /// ```
    /// let job = mediatask_store::NewJob::new("vozo", "translate_dub", "acct", serde_json::json!({}));
    /// assert_eq!(job.state, mediatask_store::JobState::Submitting);
    /// ```
    pub fn new(
        provider: impl Into<String>,
        kind: impl Into<String>,
        account: impl Into<String>,
        request: serde_json::Value,
    ) -> Self {
        NewJob {
            id: JobId::new(),
            provider: provider.into(),
            kind: kind.into(),
            account: account.into(),
            request,
            state: JobState::Submitting,
            lease: None,
            step: None,
        }
    }
    /// Hold a lease on it from the start (see [`NewJob::lease`]).
    pub fn leased_to(mut self, owner: impl Into<String>, lease_for: std::time::Duration) -> Self {
        self.lease = Some((owner.into(), lease_for));
        self
    }
    /// Journal it as `Queued` (not submitted yet).
    pub fn queued(mut self) -> Self {
        self.state = JobState::Queued;
        self
    }
    /// Use this id.
    pub fn with_id(mut self, id: JobId) -> Self {
        self.id = id;
        self
    }
    /// Journal it as step `index` of `parent`, with the step's derived id
    /// ([`JobId::step`]): inserting the same step twice fails with
    /// [`crate::StoreError::Duplicate`].
    ///
    /// ```
    /// let parent = mediatask_store::JobId::new();
    /// let job = mediatask_store::NewJob::new("reccloud", "video_translation_preview", "acct",
    ///     serde_json::json!({})).as_step(&parent, 0);
    /// assert_eq!(job.id, mediatask_store::JobId::step(&parent, 0));
    /// ```
    pub fn as_step(mut self, parent: &JobId, index: u32) -> Self {
        self.id = JobId::step(parent, index);
        self.step = Some(StepOf {
            parent: parent.clone(),
            index,
        });
        self
    }
}

impl fmt::Debug for NewJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Requests may hold signed input URLs: show their digest only.
        f.debug_struct("NewJob")
            .field("id", &self.id)
            .field("provider", &self.provider)
            .field("kind", &self.kind)
            .field("account", &self.account)
            .field("request_sha256", &request_digest(&self.request))
            .field("state", &self.state)
            .field("step", &self.step)
            .finish()
    }
}

/// What went wrong, as recorded (the SDK error's kind, message and vendor facts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobError {
    /// `ErrorKind` spelling (`outcome_unknown`, `invalid_request`…).
    pub kind: String,
    /// The message.
    pub message: String,
    /// The vendor's code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_code: Option<String>,
    /// The vendor's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_message: Option<String>,
    /// The vendor request id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
}

impl JobError {
    /// A recorded error with a kind and a message of our own.
    ///
    /// ```
    /// let e = mediatask_store::JobError::new("unknown", "parked");
    /// assert_eq!(e.kind, "unknown");
    /// ```
    pub fn new(kind: impl Into<String>, message: impl Into<String>) -> Self {
        JobError {
            kind: kind.into(),
            message: message.into(),
            vendor_code: None,
            vendor_message: None,
            request_id: None,
            http_status: None,
        }
    }
}

impl From<&Error> for JobError {
    fn from(e: &Error) -> Self {
        JobError {
            kind: e.kind().as_str().to_owned(),
            message: e.message().to_owned(),
            vendor_code: e.vendor_code().map(str::to_owned),
            vendor_message: e.vendor_message().map(str::to_owned),
            request_id: e.request_id().map(str::to_owned),
            http_status: e.http_status(),
        }
    }
}

/// The lease a worker holds on a job (see the shared-limits layer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Lease {
    /// Who holds it.
    pub owner: String,
    /// Until when.
    pub until: DateTime<Utc>,
    /// The fencing number: bumped on every claim; writes carry it.
    pub seq: i64,
}

/// One logical job as journaled.
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct JobRecord {
    /// Our id.
    pub id: JobId,
    /// Provider name.
    pub provider: String,
    /// Job kind.
    pub kind: String,
    /// Account fingerprint.
    pub account: String,
    /// The request JSON as recorded before the first send.
    pub request: serde_json::Value,
    /// Its SHA-256.
    pub request_sha256: String,
    /// Where it stands.
    pub state: JobState,
    /// Bumped by every write.
    pub version: i64,
    /// Submit attempts recorded.
    pub attempts: u32,
    /// Automatic recovery attempts (capped, then the job is parked).
    pub recovery_attempts: u32,
    /// The vendor's task id, once known.
    pub vendor_task_id: Option<String>,
    /// The handle to poll with, once known.
    pub handle: Option<TaskHandle>,
    /// The last snapshot seen.
    pub snapshot: Option<TaskSnapshot>,
    /// The result JSON once fetched.
    pub result: Option<serde_json::Value>,
    /// The result's files.
    pub artifacts: Vec<Artifact>,
    /// The last error.
    pub error: Option<JobError>,
    /// When journaled.
    pub created_at: DateTime<Utc>,
    /// Last write.
    pub updated_at: DateTime<Utc>,
    /// When the vendor accepted it.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When it reached a final or unknown state.
    pub finished_at: Option<DateTime<Utc>>,
    /// When it should be polled next.
    pub next_poll_at: Option<DateTime<Utc>>,
    /// A worker's lease, if any.
    pub lease: Option<Lease>,
    /// The task-slot pool the job took a slot in, if its vendor caps tasks in flight (the
    /// slot is held while the job is live; see [`SlotClaim`]).
    pub slot_pool: Option<String>,
    /// Set on a step of a multi-step job: its logical job and place.
    pub step: Option<StepOf>,
}

impl JobRecord {
    /// The intent a recovery asks the vendor about.
    pub fn intent(&self) -> mediatask_core::journal::SubmitIntent {
        mediatask_core::journal::SubmitIntent::new(
            self.id.as_str(),
            self.request.clone(),
            self.created_at,
        )
    }
}

impl fmt::Debug for JobRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Requests and result URLs may carry signed queries: never print them.
        f.debug_struct("JobRecord")
            .field("id", &self.id)
            .field("provider", &self.provider)
            .field("kind", &self.kind)
            .field("state", &self.state)
            .field("version", &self.version)
            .field("attempts", &self.attempts)
            .field("recovery_attempts", &self.recovery_attempts)
            .field("vendor_task_id", &self.vendor_task_id)
            .field("request_sha256", &self.request_sha256)
            .field("status", &self.snapshot.as_ref().map(|s| s.status))
            .field("artifacts", &self.artifacts.len())
            .field("error", &self.error.as_ref().map(|e| &e.kind))
            .field("step", &self.step)
            .finish_non_exhaustive()
    }
}

/// The fields a transition writes besides the state (all optional; unset fields keep their
/// stored value).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct JobChange {
    /// Record the vendor task id and the handle.
    pub handle: Option<TaskHandle>,
    /// Record a snapshot.
    pub snapshot: Option<TaskSnapshot>,
    /// Record the result and its artifacts.
    pub result: Option<(serde_json::Value, Vec<Artifact>)>,
    /// `Some(Some(e))` records an error, `Some(None)` clears it.
    pub error: Option<Option<JobError>>,
    /// `Some(t)` sets the next poll time, `Some(None)` clears it.
    pub next_poll_at: Option<Option<DateTime<Utc>>>,
    /// Count one more submit attempt.
    pub count_attempt: bool,
    /// Count one more recovery attempt.
    pub count_recovery: bool,
    /// Write only if the job's fencing number is still this one (a lease's `seq`).
    pub fence: Option<i64>,
    /// Take a slot of this pool in the same write (only with a move to `submitting`); the
    /// write fails with [`crate::StoreError::SlotsBusy`] when every slot is held.
    pub slot: Option<SlotClaim>,
}

/// A task slot a submit takes in the store: the write that moves a job to `submitting`
/// succeeds only while fewer than `max` live jobs (submitting, submitted, running) of the same
/// provider and account hold a slot of `pool`, counted inside that write (one decision at a
/// time per pool), so two processes never both get the last slot.
///
/// A job holds its slot until it is final, or until nobody has driven it for a while: the
/// slot lasts as long as the lease of whoever drives the job (renewals and a worker's claim
/// extend it), or `hold` from the claim when the job is not leased. A job whose slot ran out
/// takes it again when a worker claims it (it exists at the vendor, so it is never refused).
///
/// ```
/// use mediatask_store::SlotClaim;
/// let claim = SlotClaim::new("reccloud-tasks", 2);
/// assert_eq!((claim.pool.as_str(), claim.max), ("reccloud-tasks", 2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SlotClaim {
    /// The pool (e.g. `reccloud-tasks`).
    pub pool: String,
    /// Slots in the pool (at least 1).
    pub max: u32,
    /// How long an unleased job holds its slot after the claim. Default 60 s.
    pub hold: std::time::Duration,
}

impl SlotClaim {
    /// A claim on one of `max` slots of `pool`.
    pub fn new(pool: impl Into<String>, max: u32) -> Self {
        SlotClaim {
            pool: pool.into(),
            max: max.max(1),
            hold: std::time::Duration::from_secs(60),
        }
    }
    /// Hold an unleased job's slot for `hold`.
    pub fn with_hold(mut self, hold: std::time::Duration) -> Self {
        self.hold = hold;
        self
    }
}

impl From<&mediatask_core::journal::TaskPool> for SlotClaim {
    fn from(pool: &mediatask_core::journal::TaskPool) -> Self {
        SlotClaim::new(pool.name.clone(), pool.max)
    }
}

impl JobChange {
    /// Nothing but the state.
    pub fn none() -> Self {
        JobChange::default()
    }
    /// Nothing but the state, fenced by the lease the caller drives the job under, if any
    /// ([`crate::lease::with_fence`]).
    pub fn under_lease() -> Self {
        JobChange {
            fence: crate::lease::current_fence(),
            ..JobChange::default()
        }
    }
    /// Record the handle (and so the vendor task id).
    pub fn handle(mut self, h: TaskHandle) -> Self {
        self.handle = Some(h);
        self
    }
    /// Record a snapshot.
    pub fn snapshot(mut self, s: TaskSnapshot) -> Self {
        self.snapshot = Some(s);
        self
    }
    /// Record the result.
    pub fn result(mut self, output: serde_json::Value, artifacts: Vec<Artifact>) -> Self {
        self.result = Some((output, artifacts));
        self
    }
    /// Record an error.
    pub fn error(mut self, e: JobError) -> Self {
        self.error = Some(Some(e));
        self
    }
    /// Clear the recorded error.
    pub fn clear_error(mut self) -> Self {
        self.error = Some(None);
        self
    }
    /// Set when to poll next.
    pub fn next_poll_at(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.next_poll_at = Some(at);
        self
    }
    /// Count a submit attempt.
    pub fn count_attempt(mut self) -> Self {
        self.count_attempt = true;
        self
    }
    /// Count a recovery attempt.
    pub fn count_recovery(mut self) -> Self {
        self.count_recovery = true;
        self
    }
    /// Write only under this lease's fencing number.
    pub fn fenced(mut self, seq: i64) -> Self {
        self.fence = Some(seq);
        self
    }
    /// Take a task slot in the same write (see [`SlotClaim`]).
    pub fn take_slot(mut self, claim: SlotClaim) -> Self {
        self.slot = Some(claim);
        self
    }
}

/// Which jobs to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct JobFilter {
    /// Only these states (empty: all).
    pub states: Vec<JobState>,
    /// Only this provider.
    pub provider: Option<String>,
    /// At most this many: the newest, still listed oldest first; `None` = all.
    pub limit: Option<u32>,
}

impl JobFilter {
    /// Every job.
    pub fn all() -> Self {
        JobFilter::default()
    }
    /// Jobs that can still move on their own (queued, submitting, submitted, running).
    pub fn open() -> Self {
        JobFilter {
            states: crate::state::ALL_STATES
                .into_iter()
                .filter(|s| s.is_open())
                .collect(),
            ..JobFilter::default()
        }
    }
    /// Jobs in these states.
    pub fn states(states: impl IntoIterator<Item = JobState>) -> Self {
        JobFilter {
            states: states.into_iter().collect(),
            ..JobFilter::default()
        }
    }
    /// Only this provider.
    pub fn provider(mut self, p: impl Into<String>) -> Self {
        self.provider = Some(p.into());
        self
    }
    /// At most `n`.
    pub fn limit(mut self, n: u32) -> Self {
        self.limit = Some(n);
        self
    }
}
