//! What a durable journal needs from a vendor task, with no dependency on any store.
//!
//! * [`with_client_job_id`] / [`current_client_job_id`]: the journal runs a submit inside a
//!   task-local scope carrying its job id; a vendor crate that has a vendor-visible idempotency
//!   or correlation field (Tencent `SessionId`, a SoftSugar task name) puts the id there, so a
//!   submit whose answer was lost can later be found again by that id.
//! * [`SubmitIntent`] and [`SubmitLookup`]: the question a recovery asks a vendor task about a
//!   submit that may or may not have reached the vendor ([`crate::MediaTask::find_submitted`]).
//!   A vendor without a lookup answers [`SubmitLookup::CannotTell`], and the journal parks the
//!   job as unknown instead of resubmitting it.
//! * [`TaskPool`] and [`with_slot_held_by_journal`]: a vendor that caps the tasks an account
//!   has in flight names the pool its jobs occupy ([`crate::MediaTask::task_pool`]); a journal
//!   shared by many processes takes the slot from its store before the submit and runs the
//!   submit inside this scope, so the transport's in-process pool does not count it a second
//!   time ([`slot_held_by_journal`]).
//!
//! ```
//! use mediatask_core::journal::{current_client_job_id, with_client_job_id};
//! # tokio_test_block_on(async {
//! assert_eq!(current_client_job_id(), None);
//! let seen = with_client_job_id("01J0000000000000000000000A", async { current_client_job_id() }).await;
//! assert_eq!(seen.as_deref(), Some("01J0000000000000000000000A"));
//! # });
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

use crate::TaskHandle;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::future::Future;

tokio::task_local! {
    static CLIENT_JOB_ID: String;
    static SLOT_HELD_BY_JOURNAL: ();
}

/// A pool of task slots on a vendor account: at most `max` of its jobs in flight at once
/// (e.g. RecCloud's documented 2 parallel tasks). Jobs of one account that name the same pool
/// share its slots.
///
/// ```
/// let pool = mediatask_core::journal::TaskPool::new("reccloud-tasks", 2);
/// assert_eq!((pool.name.as_str(), pool.max), ("reccloud-tasks", 2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskPool {
    /// The pool's name (unique per vendor).
    pub name: String,
    /// Jobs allowed in flight at once (at least 1).
    pub max: u32,
}

impl TaskPool {
    /// A pool of `max` slots (at least 1).
    pub fn new(name: impl Into<String>, max: u32) -> Self {
        TaskPool {
            name: name.into(),
            max: max.max(1),
        }
    }
}

/// Run `fut` (a submit) with its task slot already taken by a journal's store: the
/// transport's in-process pool grants it without counting (see [`slot_held_by_journal`]).
///
/// ```
/// use mediatask_core::journal::{slot_held_by_journal, with_slot_held_by_journal};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// assert!(!slot_held_by_journal());
/// assert!(with_slot_held_by_journal(async { slot_held_by_journal() }).await);
/// # });
/// ```
pub async fn with_slot_held_by_journal<F: Future>(fut: F) -> F::Output {
    SLOT_HELD_BY_JOURNAL.scope((), fut).await
}

/// True inside [`with_slot_held_by_journal`]: the store-backed slot is the one that counts.
pub fn slot_held_by_journal() -> bool {
    SLOT_HELD_BY_JOURNAL.try_with(|_| ()).is_ok()
}

/// Run `fut` with `job_id` as the client job id of any submit it makes.
pub async fn with_client_job_id<F: Future>(job_id: impl Into<String>, fut: F) -> F::Output {
    CLIENT_JOB_ID.scope(job_id.into(), fut).await
}

/// The client job id of the surrounding [`with_client_job_id`] scope, if any.
pub fn current_client_job_id() -> Option<String> {
    CLIENT_JOB_ID.try_with(|id| id.clone()).ok()
}

/// A submit whose outcome a recovery must establish: the journal's record of what was sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubmitIntent {
    /// Our job id (also the vendor-visible correlation key where the vendor has one).
    pub job_id: String,
    /// The request JSON exactly as the journal recorded it before sending.
    pub request: serde_json::Value,
    /// When the first attempt was recorded: a vendor-side search may start here.
    pub recorded_at: DateTime<Utc>,
}

impl SubmitIntent {
    /// An intent recorded at `recorded_at`.
    ///
    /// ```
    /// let i = mediatask_core::journal::SubmitIntent::new("01J", serde_json::json!({}), chrono::Utc::now());
    /// assert_eq!(i.job_id, "01J");
    /// ```
    pub fn new(
        job_id: impl Into<String>,
        request: serde_json::Value,
        recorded_at: DateTime<Utc>,
    ) -> Self {
        SubmitIntent {
            job_id: job_id.into(),
            request,
            recorded_at,
        }
    }
}

/// What a vendor task could establish about a [`SubmitIntent`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SubmitLookup {
    /// The vendor holds exactly this job (found by our id, or created now by a resend the
    /// vendor dedupes by our id): poll it with this handle.
    Found(TaskHandle),
    /// The vendor proves no job with our id exists: nothing was billed, submitting is safe.
    NotFound,
    /// The vendor cannot tell (no lookup, or the lookup was inconclusive): park the job.
    CannotTell {
        /// Why, in words a user can act on.
        reason: String,
    },
}

impl SubmitLookup {
    /// The answer of a vendor that has no lookup by client id.
    ///
    /// ```
    /// use mediatask_core::journal::SubmitLookup;
    /// assert!(matches!(SubmitLookup::no_lookup("vozo"), SubmitLookup::CannotTell { .. }));
    /// ```
    pub fn no_lookup(provider: &str) -> Self {
        SubmitLookup::CannotTell {
            reason: format!(
                "{provider} offers no way to look a job up by our id; check the vendor console \
                 (or a callback carrying the job id) before submitting again"
            ),
        }
    }
}
