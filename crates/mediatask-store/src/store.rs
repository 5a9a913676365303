//! The [`TaskStore`] trait every backend implements, and [`open`], which picks a backend by URL.

use crate::{JobChange, JobFilter, JobId, JobRecord, JobState, NewJob, StoreError, StoreResult};
use async_trait::async_trait;
use std::fmt::Debug;
use std::sync::Arc;

/// The backend behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Backend {
    /// One SQLite file (WAL), for the processes of one machine.
    Sqlite,
    /// PostgreSQL, for many machines.
    Postgres,
}

/// The durable job journal.
///
/// Every state change is a compare-and-set on the state the writer read
/// ([`TaskStore::transition`]); a transition the state table forbids is refused before it is
/// written. Listing returns one `Result` per row so a corrupt row is reported, not dropped, and
/// does not hide the others.
#[async_trait]
pub trait TaskStore: Send + Sync + Debug {
    /// Which backend this is.
    fn backend(&self) -> Backend;

    /// Journal a new job (`Queued`, or `Submitting` with one attempt counted). Committed when
    /// this returns: only then may the submit request be sent.
    async fn insert(&self, job: NewJob) -> StoreResult<JobRecord>;

    /// One job by id.
    async fn get(&self, id: &JobId) -> StoreResult<JobRecord>;

    /// The job a vendor task id belongs to, if journaled.
    async fn find_by_vendor_task(
        &self,
        provider: &str,
        vendor_task_id: &str,
    ) -> StoreResult<Option<JobRecord>>;

    /// Move a job from `from` to `to` and write `change`, only if it is still in `from`.
    /// Errors: [`StoreError::IllegalTransition`] (refused by the state table, nothing written),
    /// [`StoreError::Conflict`] (another writer moved it), [`StoreError::NotFound`].
    async fn transition(
        &self,
        id: &JobId,
        from: JobState,
        to: JobState,
        change: JobChange,
    ) -> StoreResult<JobRecord>;

    /// Write `change` on a job that stays in `state` (e.g. the result of a job already
    /// recorded as succeeded), only if it is still in `state`. Errors as for `transition`.
    async fn amend(&self, id: &JobId, state: JobState, change: JobChange)
    -> StoreResult<JobRecord>;

    /// Claim up to `limit` open jobs that are due (`next_poll_at` passed) and not under a live
    /// lease, for `owner`, for `lease_for` (by the database's clock). Each claim bumps the job's
    /// fencing number (`Lease::seq`): writes made under the lease carry it
    /// ([`JobChange::fenced`]) and fail with [`StoreError::LeaseLost`] once another worker has
    /// claimed the job. A `submitting` job is claimable only once `submitting_grace` old.
    /// PostgreSQL claimers skip each other's rows (`FOR UPDATE SKIP LOCKED`); on SQLite one
    /// `UPDATE … RETURNING` holds the write lock.
    async fn claim_due(
        &self,
        owner: &str,
        lease_for: std::time::Duration,
        limit: u32,
        submitting_grace: std::time::Duration,
    ) -> StoreResult<Vec<StoreResult<JobRecord>>>;

    /// Live jobs of `provider`'s `account` holding a slot of task pool `pool` now (see
    /// [`crate::SlotClaim`]).
    async fn slots_in_use(&self, provider: &str, account: &str, pool: &str) -> StoreResult<u32>;

    /// Extend a lease still held (same owner and fencing number, not expired).
    async fn renew_lease(
        &self,
        id: &JobId,
        owner: &str,
        seq: i64,
        lease_for: std::time::Duration,
    ) -> StoreResult<()>;

    /// Give up a lease still held (the job is claimable at once).
    async fn release_lease(&self, id: &JobId, owner: &str, seq: i64) -> StoreResult<()>;

    /// Jobs matching `filter`, oldest first; one entry per row (corrupt rows are errors).
    async fn list(&self, filter: &JobFilter) -> StoreResult<Vec<StoreResult<JobRecord>>>;

    /// The jobs that can still move without a human (queued, submitting, submitted, running),
    /// oldest first: what [`crate::recover::Recovery`] drives.
    async fn open_jobs(&self) -> StoreResult<Vec<StoreResult<JobRecord>>> {
        self.list(&JobFilter::open()).await
    }

    /// Record a verified vendor callback as a wake-up ([`crate::wakeups`]): deduplicated on
    /// (vendor, job, reported status, delivery id); a new one moves an open job's
    /// `next_poll_at` to now. The job's state never changes (the poll it triggers decides).
    /// Errors: [`StoreError::NotFound`] for an unknown job id or another vendor's job.
    async fn record_callback(
        &self,
        report: &crate::wakeups::CallbackReport,
    ) -> StoreResult<crate::wakeups::Wakeup>;

    /// The schema version applied in the database.
    async fn schema_version(&self) -> StoreResult<i64>;

    /// Close the connections (pending writes finish first).
    async fn close(&self);
}

/// A shared store.
pub type SharedStore = Arc<dyn TaskStore>;

/// Open (and migrate) a store by URL: `sqlite:PATH` / `sqlite://PATH` (feature `sqlite`) or
/// `postgres://…` / `postgresql://…` (feature `postgres`).
///
/// SQLite takes `?synchronous=normal` to skip the fsync of the write-ahead row before a request
/// leaves: a killed process still loses nothing, but a power loss or OS crash may then lose the
/// record of a job that was sent (the default, `full`, never does).
///
/// ```no_run
/// # async fn demo() -> Result<(), mediatask_store::StoreError> {
/// let store = mediatask_store::open("sqlite:/var/lib/myapp/jobs.db").await?;
/// # Ok(()) }
/// ```
pub async fn open(url: &str) -> StoreResult<SharedStore> {
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        "sqlite" => open_sqlite(url).await,
        "postgres" | "postgresql" => open_postgres(url).await,
        _ => Err(StoreError::Config(format!(
            "unsupported store URL scheme `{scheme}`: use sqlite:PATH or postgres://…"
        ))),
    }
}

#[cfg(feature = "sqlite")]
async fn open_sqlite(url: &str) -> StoreResult<SharedStore> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or_default();
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    if path.is_empty() {
        return Err(StoreError::Config("sqlite: URL without a path".into()));
    }
    let mut durable = true;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("synchronous", "full")) => durable = true,
            Some(("synchronous", "normal")) => durable = false,
            _ => {
                return Err(StoreError::Config(format!(
                    "unknown SQLite store option `{pair}` (known: synchronous=full|normal)"
                )));
            }
        }
    }
    Ok(Arc::new(
        crate::sql::SqliteStore::open_with(std::path::Path::new(path), durable).await?,
    ))
}

#[cfg(not(feature = "sqlite"))]
async fn open_sqlite(_url: &str) -> StoreResult<SharedStore> {
    Err(StoreError::Config(
        "this build has no SQLite store (enable the `sqlite` feature of mediatask-store)".into(),
    ))
}

#[cfg(feature = "postgres")]
async fn open_postgres(url: &str) -> StoreResult<SharedStore> {
    Ok(Arc::new(crate::sql::PostgresStore::open(url).await?))
}

#[cfg(not(feature = "postgres"))]
async fn open_postgres(_url: &str) -> StoreResult<SharedStore> {
    Err(StoreError::Config(
        "this build has no PostgreSQL store (enable the `postgres` feature of mediatask-store)"
            .into(),
    ))
}

/// A store URL with any password replaced by `***` (for messages and logs).
///
/// ```
/// assert_eq!(
///     mediatask_store::redact_url("postgres://app:hunter2@db:5432/jobs"),
///     "postgres://app:***@db:5432/jobs"
/// );
/// assert_eq!(mediatask_store::redact_url("sqlite:/tmp/j.db"), "sqlite:/tmp/j.db");
/// ```
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let tail = match tail.split_once('?') {
        Some((path, _)) => format!("{path}?…"),
        None => tail.to_owned(),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => format!("{scheme}://{authority}{tail}"),
    }
}
