//! [`CallbackSink`]: what the router hands an accepted callback to. The crate forces no store:
//! implement the trait, or use [`StoreSink`] (feature `store`) over the mediatask job journal.

use async_trait::async_trait;

/// One accepted (verified, parsed) callback: a wake-up for one job, never the truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// The vendor (`tencent-vod`, `xjc`, `softsugar`, `vozo`, or the relay's path segment).
    pub provider: String,
    /// Our job id.
    pub job_id: String,
    /// The status the vendor reported (its own words).
    pub reported_status: String,
    /// The delivery's id, if the vendor gives one (`EventHandle`, `webhook-id`), else `""`.
    pub callback_id: String,
}

/// What the sink did with a callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SinkOutcome {
    /// Recorded; the job is due for a poll now.
    Woken,
    /// The same (vendor, job, status, id) was recorded before: nothing changed.
    Duplicate,
    /// The job has already ended: nothing changed.
    Closed,
}

impl SinkOutcome {
    /// The word the router answers with.
    pub fn as_str(self) -> &'static str {
        match self {
            SinkOutcome::Woken => "woken",
            SinkOutcome::Duplicate => "duplicate",
            SinkOutcome::Closed => "closed",
        }
    }
}

/// Why a sink could not take a callback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SinkError {
    /// No job of this vendor has this id.
    #[error("no such job")]
    UnknownJob,
    /// The backing store failed; the vendor should retry.
    #[error("callback sink unavailable: {0}")]
    Unavailable(String),
}

/// Receives accepted callbacks.
///
/// ```
/// use mediatask_webhook::{Callback, CallbackSink, SinkError, SinkOutcome};
/// #[derive(Debug)]
/// struct Log;
/// #[async_trait::async_trait]
/// impl CallbackSink for Log {
///     async fn accept(&self, cb: Callback) -> Result<SinkOutcome, SinkError> {
///         println!("wake {} of {}", cb.job_id, cb.provider);
///         Ok(SinkOutcome::Woken)
///     }
/// }
/// ```
#[async_trait]
pub trait CallbackSink: Send + Sync + std::fmt::Debug + 'static {
    /// Record `callback` and wake its job (fast: the vendor waits for the answer).
    async fn accept(&self, callback: Callback) -> Result<SinkOutcome, SinkError>;
}

#[cfg(feature = "store")]
pub use store_sink::StoreSink;

#[cfg(feature = "store")]
mod store_sink {
    use super::*;
    use mediatask_store::wakeups::{CallbackReport, Wakeup, Wakeups};
    use mediatask_store::{JobId, SharedStore, StoreError};

    /// A [`CallbackSink`] over the job journal: deduplicates in the store and moves the job's
    /// `next_poll_at` to now; the worker's poll decides the job's state.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), mediatask_store::StoreError> {
    /// let store = mediatask_store::open("sqlite:/var/lib/app/jobs.db").await?;
    /// let sink = mediatask_webhook::StoreSink::new(store);
    /// # Ok(()) }
    /// ```
    #[derive(Debug, Clone)]
    pub struct StoreSink {
        store: SharedStore,
        wakeups: Option<Wakeups>,
    }

    impl StoreSink {
        /// A sink writing to `store`.
        pub fn new(store: SharedStore) -> Self {
            StoreSink {
                store,
                wakeups: None,
            }
        }

        /// Also end the current sleep of a worker of this process already waiting on the job
        /// (see [`mediatask_store::wakeups::Wakeups`]).
        pub fn with_wakeups(mut self, wakeups: Wakeups) -> Self {
            self.wakeups = Some(wakeups);
            self
        }
    }

    #[async_trait]
    impl CallbackSink for StoreSink {
        async fn accept(&self, cb: Callback) -> Result<SinkOutcome, SinkError> {
            let job_id: JobId = cb.job_id.parse().map_err(|_| SinkError::UnknownJob)?;
            let report = CallbackReport {
                provider: cb.provider,
                job_id,
                reported_status: cb.reported_status,
                callback_id: cb.callback_id,
            };
            match self.store.record_callback(&report).await {
                Ok(Wakeup::Woken) => {
                    if let Some(w) = &self.wakeups {
                        w.wake(&report.job_id);
                    }
                    Ok(SinkOutcome::Woken)
                }
                Ok(Wakeup::Duplicate) => Ok(SinkOutcome::Duplicate),
                Ok(Wakeup::Closed) => Ok(SinkOutcome::Closed),
                Err(StoreError::NotFound(_)) => Err(SinkError::UnknownJob),
                Err(e) => Err(SinkError::Unavailable(e.to_string())),
            }
        }
    }
}
