//! [`StoreError`]: every way the journal can fail, typed, with no secret in it.

use crate::{JobId, JobState};

/// A journal failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database cannot be reached or refused the operation.
    #[error("the job store is unavailable: {0}")]
    Unavailable(String),
    /// The store URL or options are wrong.
    #[error("invalid job store configuration: {0}")]
    Config(String),
    /// The database holds a schema newer than this build knows: never downgraded silently.
    #[error(
        "the job store's schema is version {found}, newer than this build knows ({supported}); \
         upgrade mediatask (nothing was changed)"
    )]
    SchemaTooNew {
        /// Applied in the database.
        found: i64,
        /// The newest this build ships.
        supported: i64,
    },
    /// Applying the embedded migrations failed.
    #[error("cannot migrate the job store: {0}")]
    Migration(String),
    /// No such job.
    #[error("no job {0} in the store")]
    NotFound(String),
    /// The id is already taken.
    #[error("job {0} already exists in the store")]
    Duplicate(JobId),
    /// A transition the state table forbids.
    #[error("job {id}: {from} → {to} is not a legal transition")]
    IllegalTransition {
        /// The job.
        id: JobId,
        /// Its state.
        from: JobState,
        /// The state asked for.
        to: JobState,
    },
    /// The compare-and-set lost: someone else moved the job first.
    #[error(
        "job {id} is {actual}, not {expected} as this writer read it (another writer moved it)"
    )]
    Conflict {
        /// The job.
        id: JobId,
        /// What the writer expected.
        expected: JobState,
        /// What the store holds.
        actual: JobState,
    },
    /// The write carried a lease's fencing number, and another worker has claimed the job
    /// since (or the lease expired): this worker must stop driving it.
    #[error("job {id}: the lease (fencing number {seq}) was lost to another worker")]
    LeaseLost {
        /// The job.
        id: JobId,
        /// The fencing number the writer held.
        seq: i64,
    },
    /// Every task slot of the job's pool is held by a live job of the same account: the job
    /// was not moved (nothing was sent). Ask again later.
    #[error(
        "job {id}: all {max} task slots of pool `{pool}` are held by live jobs of this account \
         (nothing was sent)"
    )]
    SlotsBusy {
        /// The job.
        id: JobId,
        /// The pool.
        pool: String,
        /// Its size.
        max: u32,
    },
    /// A row that does not decode (hand-edited or corrupt); nothing was deleted.
    #[error("job {id}: stored field `{field}` is corrupt ({detail}); the row was left as it is")]
    Corrupt {
        /// The row's id as stored.
        id: String,
        /// The column.
        field: &'static str,
        /// What is wrong.
        detail: String,
    },
}

impl StoreError {
    /// As an SDK error (so a journaled task fails with the SDK's error type): kind `Config`
    /// for configuration and schema problems, `Unavailable` otherwise.
    pub fn into_sdk(self, job: Option<&JobId>) -> mediatask_core::Error {
        use mediatask_core::ErrorKind;
        let kind = match &self {
            StoreError::Config(_) | StoreError::SchemaTooNew { .. } => ErrorKind::Config,
            StoreError::NotFound(_) => ErrorKind::NotFound,
            StoreError::SlotsBusy { .. } => ErrorKind::ConcurrencyLimited,
            StoreError::Duplicate(_) | StoreError::IllegalTransition { .. } => {
                ErrorKind::InvalidRequest
            }
            _ => ErrorKind::Unavailable,
        };
        let prefix = job
            .map(|j| format!("journal of job {j}: "))
            .unwrap_or_default();
        mediatask_core::Error::new(kind, format!("{prefix}{self}"))
            .with_operation(mediatask_core::Operation::Local)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        // sqlx errors name hosts and SQL, never passwords (connect options are not echoed).
        StoreError::Unavailable(e.to_string())
    }
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;
