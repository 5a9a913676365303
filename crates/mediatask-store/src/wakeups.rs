//! Vendor callbacks as wake-ups: [`TaskStore::record_callback`](crate::TaskStore::record_callback)
//! deduplicates a callback on (vendor, job, reported status, delivery id) and moves the job's
//! `next_poll_at` to now, so the next worker claim polls it at once.
//!
//! A callback **never** changes a job's state, attempts, snapshot or result: no vendor signs
//! its payload, so only the vendor API's answer (the poll it triggers) is the truth. A
//! duplicate, or a callback for a job that has already ended, changes no row at all.
//!
//! A worker already waiting on a job (holding its lease, sleeping between polls) does not look
//! at `next_poll_at`; [`Wakeups`] reaches it in-process: drive the job inside
//! [`Wakeups::scope`] with a wait policy whose sleeper is [`Wakeups::sleeper`], and a callback
//! recorded through the same `Wakeups` ends the current sleep, so the next poll happens at once.
//! With [`Wakeups::with_confirm_polls`], the polls right after a wake-up come at a short
//! interval for a while: a callback may arrive before the vendor's status API agrees.
//!
//! ```
//! # #[cfg(feature = "sqlite")]
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use mediatask_store::wakeups::{CallbackReport, Wakeup};
//! use mediatask_store::{NewJob, TaskStore};
//! let dir = tempfile::tempdir().unwrap();
//! let store = mediatask_store::open(&format!("sqlite:{}", dir.path().join("j.db").display()))
//!     .await
//!     .unwrap();
//! let job = store
//!     .insert(NewJob::new("vozo", "lip_sync", "acct", serde_json::json!({})))
//!     .await
//!     .unwrap();
//! let report = CallbackReport::new("vozo", job.id.clone(), "done", "");
//! assert_eq!(store.record_callback(&report).await.unwrap(), Wakeup::Woken);
//! assert_eq!(store.record_callback(&report).await.unwrap(), Wakeup::Duplicate);
//! assert_eq!(store.get(&job.id).await.unwrap().state, job.state);
//! # });
//! ```

use crate::JobId;
use async_trait::async_trait;
use mediatask_core::Sleeper;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// One verified callback, as the receiver reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackReport {
    /// The vendor (must be the job's `provider`).
    pub provider: String,
    /// The job.
    pub job_id: JobId,
    /// The status the vendor reported, in its own words (deduplication only: never applied).
    pub reported_status: String,
    /// The vendor's delivery id, or `""` when it gives none.
    pub callback_id: String,
}

impl CallbackReport {
    /// A report.
    pub fn new(
        provider: impl Into<String>,
        job_id: JobId,
        reported_status: impl Into<String>,
        callback_id: impl Into<String>,
    ) -> Self {
        CallbackReport {
            provider: provider.into(),
            job_id,
            reported_status: reported_status.into(),
            callback_id: callback_id.into(),
        }
    }
}

/// What recording a callback did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wakeup {
    /// Recorded; the job is due for a poll now.
    Woken,
    /// Recorded before: nothing changed.
    Duplicate,
    /// The job has ended: nothing changed (the callback is not recorded either).
    Closed,
}

/// The job's provider and state (`$1` id).
pub(crate) const JOB_SQL: &str = "SELECT provider, state FROM mediatask_jobs WHERE id = $1";

/// Record the callback unless already recorded (`$1`..`$4` the key, `$5` now ms).
pub(crate) const INSERT_SQL: &str = "INSERT INTO mediatask_callbacks \
    (provider, job_id, reported_status, callback_id, received_at_ms) \
    VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING job_id";

/// Make an open job due now (`$1` id, `$2` now ms); never later than it already is, and
/// nothing else on the row changes.
pub(crate) const WAKE_SQL: &str = "UPDATE mediatask_jobs SET next_poll_at_ms = $2 \
    WHERE id = $1 AND state IN ('queued', 'submitting', 'submitted', 'running') \
      AND (next_poll_at_ms IS NULL OR next_poll_at_ms > $2)";

/// Implements `record_callback_in` for a store whose transaction starts with `$begin`.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
macro_rules! impl_record_callback {
    ($store:ty, |$pool:ident| $begin:expr) => {
        impl $store {
            /// See [`crate::TaskStore::record_callback`].
            pub(crate) async fn record_callback_in(
                &self,
                r: &$crate::wakeups::CallbackReport,
            ) -> $crate::StoreResult<$crate::wakeups::Wakeup> {
                use $crate::wakeups::{INSERT_SQL, JOB_SQL, WAKE_SQL, Wakeup};
                let $pool = &self.pool;
                let mut tx = $begin.await?;
                let job: Option<(String, String)> = sqlx::query_as(JOB_SQL)
                    .bind(r.job_id.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some((provider, state)) = job.filter(|(p, _)| *p == r.provider) else {
                    // Unknown, or another vendor's job: the same answer (nothing to learn).
                    return Err($crate::StoreError::NotFound(r.job_id.to_string()));
                };
                let state: $crate::JobState =
                    state
                        .parse()
                        .map_err(|e: String| $crate::StoreError::Corrupt {
                            id: r.job_id.to_string(),
                            field: "state",
                            detail: e,
                        })?;
                if !state.is_open() {
                    return Ok(Wakeup::Closed);
                }
                let now = $crate::sql::now_ms();
                let inserted: Option<String> = sqlx::query_scalar(INSERT_SQL)
                    .bind(&provider)
                    .bind(r.job_id.as_str())
                    .bind(&r.reported_status)
                    .bind(&r.callback_id)
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?;
                if inserted.is_none() {
                    return Ok(Wakeup::Duplicate);
                }
                sqlx::query(WAKE_SQL)
                    .bind(r.job_id.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Wakeup::Woken)
            }
        }
    };
}

#[cfg(feature = "sqlite")]
impl_record_callback!(crate::SqliteStore, |pool| pool
    .begin_with("BEGIN IMMEDIATE"));
#[cfg(feature = "postgres")]
impl_record_callback!(crate::PostgresStore, |pool| pool.begin());

tokio::task_local! {
    static CURRENT_JOB: Arc<JobWaker>;
}

/// One waited-on job: its wake-up and when it was last woken.
#[derive(Debug, Default)]
struct JobWaker {
    notify: Notify,
    woken_at: Mutex<Option<std::time::Instant>>,
}

/// In-process wake-ups for jobs this process is waiting on.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use mediatask_core::runtime::TokioSleeper;
/// use mediatask_store::{JobId, wakeups::Wakeups};
/// use std::{sync::Arc, time::{Duration, Instant}};
/// let wakeups = Wakeups::new();
/// let sleeper = wakeups.sleeper(Arc::new(TokioSleeper));
/// let id = JobId::new();
/// let started = Instant::now();
/// let (w, i) = (wakeups.clone(), id.clone());
/// tokio::spawn(async move {
///     tokio::time::sleep(Duration::from_millis(50)).await;
///     assert!(w.wake(&i));
/// });
/// wakeups.scope(&id, async { sleeper.sleep(Duration::from_secs(60)).await }).await;
/// assert!(started.elapsed() < Duration::from_secs(5));
/// assert!(!wakeups.wake(&id), "nobody waits on it any more");
/// # });
/// ```
#[derive(Debug, Clone, Default)]
pub struct Wakeups {
    waiting: Arc<Mutex<HashMap<String, Arc<JobWaker>>>>,
    confirm: Option<ConfirmPolls>,
}

/// After a wake-up, poll again every `interval` for `window` (instead of the wait policy's
/// longer delay): a callback can arrive before the vendor's status API agrees, and only the
/// API's answer ends the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfirmPolls {
    /// The longest sleep between two polls within the window.
    pub interval: Duration,
    /// How long after a wake-up the shorter interval applies.
    pub window: Duration,
}

impl Wakeups {
    /// No job waited on yet.
    pub fn new() -> Self {
        Wakeups::default()
    }

    /// Confirm a wake-up by polling every `confirm.interval` for `confirm.window` (sleepers
    /// made after this call).
    ///
    /// ```
    /// use mediatask_store::wakeups::{ConfirmPolls, Wakeups};
    /// use std::time::Duration;
    /// let w = Wakeups::new().with_confirm_polls(ConfirmPolls {
    ///     interval: Duration::from_secs(1),
    ///     window: Duration::from_secs(30),
    /// });
    /// assert!(format!("{w:?}").contains("interval"));
    /// ```
    pub fn with_confirm_polls(mut self, confirm: ConfirmPolls) -> Self {
        self.confirm = Some(confirm);
        self
    }

    /// End the current (or the next) sleep of `job`'s waiter; `false` when no scope of this
    /// process waits on it (then `next_poll_at` is what brings it forward).
    pub fn wake(&self, job: &JobId) -> bool {
        let notify = match self.waiting.lock() {
            Ok(w) => w.get(job.as_str()).cloned(),
            Err(_) => None,
        };
        match notify {
            Some(n) => {
                if let Ok(mut at) = n.woken_at.lock() {
                    *at = Some(std::time::Instant::now());
                }
                // A permit is kept if the waiter is between polls, not yet asleep.
                n.notify.notify_one();
                true
            }
            None => false,
        }
    }

    /// Run `fut` (the drive of `job`) so that sleeps through [`Wakeups::sleeper`] end at a
    /// wake-up of `job`.
    pub async fn scope<F: Future>(&self, job: &JobId, fut: F) -> F::Output {
        let notify = Arc::new(JobWaker::default());
        if let Ok(mut w) = self.waiting.lock() {
            w.insert(job.to_string(), notify.clone());
        }
        // Removed however the drive ends (also when its future is dropped).
        let _guard = ScopeGuard {
            waiting: self.waiting.clone(),
            job: job.to_string(),
            notify: notify.clone(),
        };
        CURRENT_JOB.scope(notify, fut).await
    }

    /// A sleeper that sleeps like `inner` but returns early at a wake-up of the job whose
    /// [`Wakeups::scope`] it runs in (outside a scope it is `inner`).
    pub fn sleeper(&self, inner: Arc<dyn Sleeper>) -> Arc<dyn Sleeper> {
        Arc::new(WakeableSleeper {
            inner,
            confirm: self.confirm,
        })
    }
}

/// Forgets a scope's entry (unless a newer scope of the same job replaced it).
struct ScopeGuard {
    waiting: Arc<Mutex<HashMap<String, Arc<JobWaker>>>>,
    job: String,
    notify: Arc<JobWaker>,
}

impl Drop for ScopeGuard {
    fn drop(&mut self) {
        if let Ok(mut w) = self.waiting.lock()
            && w.get(&self.job)
                .is_some_and(|n| Arc::ptr_eq(n, &self.notify))
        {
            w.remove(&self.job);
        }
    }
}

/// See [`Wakeups::sleeper`].
#[derive(Debug)]
struct WakeableSleeper {
    inner: Arc<dyn Sleeper>,
    confirm: Option<ConfirmPolls>,
}

#[async_trait]
impl Sleeper for WakeableSleeper {
    async fn sleep(&self, d: Duration) {
        match CURRENT_JOB.try_with(Arc::clone) {
            Ok(waker) => {
                let recently_woken = waker
                    .woken_at
                    .lock()
                    .ok()
                    .and_then(|at| *at)
                    .zip(self.confirm)
                    .is_some_and(|(at, c)| at.elapsed() < c.window);
                let d = match self.confirm {
                    Some(c) if recently_woken => d.min(c.interval),
                    _ => d,
                };
                tokio::select! {
                    _ = self.inner.sleep(d) => {}
                    _ = waker.notify.notified() => {}
                }
            }
            Err(_) => self.inner.sleep(d).await,
        }
    }
}
