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
