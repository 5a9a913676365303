//! # mediatask-store
//!
//! The durable job journal of mediatask: no paid job is lost to a crash, and none is paid for
//! twice.
//!
//! * [`TaskStore`]: one row per logical job ([`JobRecord`]), moved through [`JobState`] by
//!   compare-and-set transitions; backends on sqlx 0.8 — [`SqliteStore`] (feature `sqlite`,
//!   one file, for the processes of one machine) and [`PostgresStore`] (feature `postgres`,
//!   many machines). Migrations are embedded and applied on open; a schema newer than the build
//!   is refused. [`open`] picks the backend from a URL.
//! * [`Journaled`]: a layer over any [`mediatask_core::MediaTask`] or
//!   [`mediatask_core::DynMediaTask`] that commits the `submitting` row **before** the request
//!   leaves and records the vendor task id right after the answer.
//! * [`recover`]: drives open jobs to the end after a restart; a submit whose answer was lost
//!   is reconciled through the vendor's own lookup
//!   ([`mediatask_core::MediaTask::find_submitted`]) and is never resubmitted blindly.
//! * [`StepChain`]: a multi-step job (several vendor jobs in sequence, e.g. RecCloud's video
//!   translation preview then synthesis) journaled as one job with its steps ([`steps`]).
//! * [`limits`]: shared rate limits — the job store as a [`mediatask_http::RateGate`]
//!   (`store.rate_gate()`; SQLite for the processes of one machine, PostgreSQL for many
//!   machines, the database's clock deciding) and [`RedisRateGate`] (feature `redis`), so every
//!   process on one vendor account keeps "≤ N requests in any sliding second" together.
//!
//! ```
//! # #[cfg(feature = "sqlite")]
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use mediatask_store::{JobChange, JobState, NewJob, TaskStore};
//! let dir = tempfile::tempdir().unwrap();
//! let store = mediatask_store::open(&format!("sqlite:{}", dir.path().join("jobs.db").display()))
//!     .await
//!     .unwrap();
//! let job = store
//!     .insert(NewJob::new("vozo", "translate_dub", "acct-1", serde_json::json!({"a": 1})))
//!     .await
//!     .unwrap();
//! assert_eq!(job.state, JobState::Submitting);
//! // A writer that read a stale state loses the compare-and-set:
//! let e = store
//!     .transition(&job.id, JobState::Queued, JobState::Submitting, JobChange::none())
//!     .await
//!     .unwrap_err();
//! assert!(e.to_string().contains("another writer"));
//! # });
//! ```

//! A journaled task end to end (SQLite in a temporary directory; the task here is the testkit's
//! scripted fake vendor):
//!
//! ```
//! # #[cfg(feature = "sqlite")]
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use mediatask_core::{MediaTaskExt, TaskSnapshot, TaskStatus, VendorStatus, WaitPolicy};
//! use mediatask_store::{JobState, Journaled, TaskStore};
//! use mediatask_testkit::ScriptedTask;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let store = mediatask_store::open(&format!("sqlite:{}", dir.path().join("jobs.db").display()))
//!     .await
//!     .unwrap();
//! let vendor = ScriptedTask::new(vec![Ok(TaskSnapshot::new(
//!     TaskStatus::Succeeded,
//!     VendorStatus::new("done"),
//! ))]);
//! let task = Journaled::new(vendor, store.clone());
//! let mut policy = WaitPolicy::default();
//! policy.min_delay = std::time::Duration::from_millis(1);
//! task.run(serde_json::json!({"text": "hello"}), &policy).await.unwrap();
//! let jobs = store.list(&mediatask_store::JobFilter::all()).await.unwrap();
//! let job = jobs[0].as_ref().unwrap();
//! assert_eq!(job.state, JobState::Succeeded);
//! assert!(job.result.is_some());
//! assert!(store.open_jobs().await.unwrap().is_empty());
//! # });
//! ```

mod error;
mod journaled;
pub mod lease;
pub mod limits;
mod record;
pub mod recover;
mod sql;
mod state;
pub mod steps;
mod store;
pub mod wakeups;

pub use error::{StoreError, StoreResult};
pub use journaled::{
    DynTask, JournalOptions, Journaled, JournaledOutput, SlotWait, SlotWaitNotice,
};
#[cfg(feature = "redis")]
pub use limits::RedisRateGate;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use limits::StoreRateGate;
pub use limits::open_rate_gate;
pub use record::{
    JobChange, JobError, JobFilter, JobId, JobRecord, Lease, NewJob, SlotClaim, StepOf,
    request_digest,
};
#[cfg(feature = "postgres")]
pub use sql::PostgresStore;
#[cfg(feature = "sqlite")]
pub use sql::SqliteStore;
pub use sql::supported_schema_version;
pub use state::{ALL_STATES, JobState};
pub use steps::StepChain;
pub use store::{Backend, SharedStore, TaskStore, open, redact_url};
