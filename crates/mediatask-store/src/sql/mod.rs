//! The SQL backends. Both speak the same SQL subset (epoch-ms integers, JSON as text, `$n`
//! parameters, `RETURNING`), so the statements live here once and [`impl_task_store!`] stamps
//! the [`crate::TaskStore`] implementation out for each concrete sqlx pool; only opening,
//! migrating and the transaction flavour differ (`sqlite.rs`, `postgres.rs`).

use crate::{
    JobChange, JobError, JobId, JobRecord, JobState, Lease, NewJob, StoreError, StoreResult,
    request_digest,
};
use chrono::{DateTime, TimeZone, Utc};
use mediatask_core::{Artifact, TaskHandle, TaskSnapshot};

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

/// The embedded migrations (one folder: the SQL is common to both backends).
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The newest schema version this build knows (its last embedded migration).
///
/// ```
/// assert!(mediatask_store::supported_schema_version() >= 1);
/// ```
pub fn supported_schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Refuse a database whose schema is newer than this build (checked before migrating).
pub(crate) fn check_schema(found: Option<i64>) -> StoreResult<()> {
    let supported = supported_schema_version();
    match found {
        Some(found) if found > supported => Err(StoreError::SchemaTooNew { found, supported }),
        _ => Ok(()),
    }
}

/// The applied schema version (sqlx's own bookkeeping table, same on both backends).
pub(crate) const SCHEMA_VERSION_SQL: &str =
    "SELECT MAX(version) FROM _sqlx_migrations WHERE success";

/// Every column, in [`RawRow`] order.
pub(crate) const COLUMNS: &str = "id, provider, kind, account, request, request_sha256, state, \
    version, attempts, recovery_attempts, vendor_task_id, handle, snapshot, result, artifacts, \
    error, created_at_ms, updated_at_ms, submitted_at_ms, finished_at_ms, next_poll_at_ms, \
    lease_owner, lease_until_ms, lease_seq, slot_pool, parent_id, step";

/// `$10`/`$11`: the inserting process's lease (owner, ms) or NULLs; `$12`/`$13` the parent and
/// place of a step or NULLs; `{now}` the backend clock.
pub(crate) fn insert_sql(now: &str) -> String {
    format!(
        "INSERT INTO mediatask_jobs (id, provider, kind, account, request, request_sha256, \
         state, attempts, created_at_ms, updated_at_ms, next_poll_at_ms, \
         lease_owner, lease_until_ms, lease_seq, parent_id, step) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9, \
           $10, CASE WHEN $10 IS NULL THEN NULL ELSE {now} + $11 END, \
           CASE WHEN $10 IS NULL THEN 0 ELSE 1 END, $12, $13) RETURNING {COLUMNS}"
    )
}

pub(crate) fn get_sql() -> String {
    format!("SELECT {COLUMNS} FROM mediatask_jobs WHERE id = $1")
}

pub(crate) fn by_vendor_task_sql() -> String {
    format!(
        "SELECT {COLUMNS} FROM mediatask_jobs WHERE provider = $1 AND vendor_task_id = $2 \
         ORDER BY id DESC LIMIT 1"
    )
}

/// Whether job row `o` holds its task slot now: its own slot time has not run out, or it is a
/// step whose parent is leased (whoever drives the parent drives its steps, and renews only
/// the parent's lease).
fn slot_live(now: &str) -> String {
    format!(
        "(o.slot_until_ms > {now} OR (o.parent_id IS NOT NULL AND EXISTS (\
           SELECT 1 FROM mediatask_jobs p WHERE p.id = o.parent_id \
             AND p.lease_until_ms > {now})))"
    )
}

/// The compare-and-set write. With `slot_now` (the backend's clock expression) it also takes
/// a task slot (`$21` pool, `$22` size, `$23` hold ms of an unleased job): the row is written
/// only while fewer than `$22` other live jobs of its provider and account hold a slot of the
/// pool whose time has not run out.
pub(crate) fn transition_sql(slot_now: Option<&str>) -> String {
    let (slot_set, slot_where) = match slot_now {
        None => (String::new(), String::new()),
        Some(now) => (
            format!(
                ", slot_pool = $21, slot_until_ms = CASE WHEN lease_until_ms > {now} \
                 THEN lease_until_ms ELSE {now} + $23 END"
            ),
            format!(
                " AND (SELECT COUNT(*) FROM mediatask_jobs o \
                   WHERE o.provider = mediatask_jobs.provider \
                     AND o.account = mediatask_jobs.account AND o.slot_pool = $21 \
                     AND o.state IN ('submitting', 'submitted', 'running') \
                     AND {} AND o.id <> mediatask_jobs.id) < $22",
                slot_live(now)
            ),
        ),
    };
    format!(
        "UPDATE mediatask_jobs SET \
           state = $3, version = version + 1, updated_at_ms = $4, \
           attempts = attempts + $5, recovery_attempts = recovery_attempts + $6, \
           vendor_task_id = COALESCE($7, vendor_task_id), \
           handle = COALESCE($8, handle), \
           snapshot = COALESCE($9, snapshot), \
           last_status = COALESCE($10, last_status), \
           result = COALESCE($11, result), \
           artifacts = COALESCE($12, artifacts), \
           expires_at_ms = COALESCE($13, expires_at_ms), \
           error = CASE WHEN $14 THEN $15 ELSE error END, \
           next_poll_at_ms = CASE WHEN $16 THEN $17 ELSE next_poll_at_ms END, \
           submitted_at_ms = COALESCE(submitted_at_ms, $18), \
           finished_at_ms = COALESCE(finished_at_ms, $19){slot_set} \
         WHERE id = $1 AND state = $2 AND ($20 IS NULL OR lease_seq = $20){slot_where} \
         RETURNING {COLUMNS}"
    )
}

/// Claim due, unleased open jobs (`$1` owner, `$2` lease ms, `$3` batch, `$4` submitting
/// grace ms); `{now}` is the backend's clock expression, `{lock}` its row-lock clause. A
/// claimed job that took a task slot holds it for the new lease (it exists at the vendor).
pub(crate) fn claim_sql(now: &str, lock: &str) -> String {
    format!(
        "UPDATE mediatask_jobs SET lease_owner = $1, lease_until_ms = {now} + $2, \
           lease_seq = lease_seq + 1, \
           slot_until_ms = CASE WHEN slot_pool IS NULL THEN slot_until_ms ELSE {now} + $2 END \
         WHERE id IN ({}) \
         RETURNING {COLUMNS}",
        claim_select_sql(now, lock)
    )
}

/// An open job's due time, NULL once it ended (a job without a poll time is due since ever):
/// the key of `mediatask_jobs_due_at` (migration 0005), which must spell it the same way.
const DUE_KEY: &str = "(CASE WHEN state IN ('queued', 'submitting', 'submitted', 'running') \
    THEN COALESCE(next_poll_at_ms, 0) END)";

/// The claim's inner `SELECT`: the ids of the due jobs it leases (`$3` batch, `$4` grace ms);
/// never a step of a multi-step job (its parent's driver drives it).
/// A range scan of `mediatask_jobs_due_at` that stops after the batch: the clock is read once,
/// as a scalar subquery (PostgreSQL's `clock_timestamp()` is volatile, never an index bound);
/// its `+ 0` drops SQLite's INTEGER affinity of the `CAST`, which would make the comparison
/// numeric against a key without affinity and the index unusable as a bound.
pub(crate) fn claim_select_sql(now: &str, lock: &str) -> String {
    format!(
        "SELECT id FROM mediatask_jobs \
         WHERE {DUE_KEY} <= (SELECT {now} + 0) \
           AND (lease_until_ms IS NULL OR lease_until_ms < (SELECT {now})) \
           AND (state <> 'submitting' OR updated_at_ms <= (SELECT {now}) - $4) \
           AND parent_id IS NULL \
         ORDER BY {DUE_KEY}, id LIMIT $3 {lock}"
    )
}

/// Extend (`$4` > 0) or give up (`$4` = 0) a lease still held (`$1` id, `$2` owner, `$3` seq).
/// A renewal also extends the job's task slot; a release leaves it to run out.
pub(crate) fn lease_sql(now: &str) -> String {
    format!(
        "UPDATE mediatask_jobs SET \
           lease_until_ms = CASE WHEN $4 > 0 THEN {now} + $4 ELSE NULL END, \
           slot_until_ms = CASE WHEN $4 > 0 AND slot_pool IS NOT NULL THEN {now} + $4 \
             ELSE slot_until_ms END, \
           lease_owner = CASE WHEN $4 > 0 THEN lease_owner ELSE NULL END \
         WHERE id = $1 AND lease_owner = $2 AND lease_seq = $3 \
           AND ($4 = 0 OR lease_until_ms >= {now}) \
         RETURNING id"
    )
}

/// Live holders of an account's task slots (`$1` provider, `$2` account, `$3` pool).
pub(crate) fn slots_in_use_sql(now: &str) -> String {
    format!(
        "SELECT COUNT(*) FROM mediatask_jobs o WHERE o.provider = $1 AND o.account = $2 \
           AND o.slot_pool = $3 AND o.state IN ('submitting', 'submitted', 'running') \
           AND {}",
        slot_live(now)
    )
}

/// `SELECT … WHERE` prefix for listings (the filter is pushed by a query builder).
pub(crate) fn list_prefix() -> String {
    format!("SELECT {COLUMNS} FROM mediatask_jobs WHERE 1 = 1")
}

/// Epoch milliseconds.
pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// Now, in epoch milliseconds (the journal's own timestamps use the process clock; shared
/// limits use the database's).
pub(crate) fn now_ms() -> i64 {
    ms(Utc::now())
}

/// The values [`NewJob`] binds, in `insert_sql` order.
pub(crate) struct InsertParams {
    pub(crate) id: String,
    pub(crate) provider: String,
    pub(crate) kind: String,
    pub(crate) account: String,
    pub(crate) request: String,
    pub(crate) request_sha256: String,
    pub(crate) state: &'static str,
    pub(crate) attempts: i64,
    pub(crate) now_ms: i64,
    pub(crate) lease_owner: Option<String>,
    pub(crate) lease_ms: i64,
    pub(crate) parent_id: Option<String>,
    pub(crate) step: Option<i64>,
}

impl InsertParams {
    pub(crate) fn new(job: &NewJob) -> StoreResult<Self> {
        if !matches!(job.state, JobState::Queued | JobState::Submitting) {
            return Err(StoreError::Config(format!(
                "a new job starts queued or submitting, not {}",
                job.state
            )));
        }
        Ok(InsertParams {
            id: job.id.to_string(),
            provider: job.provider.clone(),
            kind: job.kind.clone(),
            account: job.account.clone(),
            request: job.request.to_string(),
            request_sha256: request_digest(&job.request),
            state: job.state.as_str(),
            attempts: i64::from(job.state == JobState::Submitting),
            now_ms: now_ms(),
            lease_owner: job.lease.as_ref().map(|(owner, _)| owner.clone()),
            lease_ms: job
                .lease
                .as_ref()
                .map_or(0, |(_, d)| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            parent_id: job.step.as_ref().map(|s| s.parent.to_string()),
            step: job.step.as_ref().map(|s| i64::from(s.index)),
        })
    }
}

/// The values a [`JobChange`] binds, in `transition_sql` order from `$3`.
pub(crate) struct ChangeParams {
    pub(crate) to: &'static str,
    pub(crate) now_ms: i64,
    pub(crate) attempts: i64,
    pub(crate) recovery: i64,
    pub(crate) vendor_task_id: Option<String>,
    pub(crate) handle: Option<String>,
    pub(crate) snapshot: Option<String>,
    pub(crate) last_status: Option<String>,
    pub(crate) result: Option<String>,
    pub(crate) artifacts: Option<String>,
    pub(crate) expires_at_ms: Option<i64>,
    pub(crate) set_error: bool,
    pub(crate) error: Option<String>,
    pub(crate) set_next_poll: bool,
    pub(crate) next_poll_at_ms: Option<i64>,
    pub(crate) submitted_at_ms: Option<i64>,
    pub(crate) finished_at_ms: Option<i64>,
}

impl ChangeParams {
    pub(crate) fn new(to: JobState, change: &JobChange) -> StoreResult<Self> {
        let now = now_ms();
        let (result, artifacts, expires_at_ms) = match &change.result {
            Some((output, artifacts)) => (
                Some(output.to_string()),
                Some(json(artifacts)?),
                artifacts.iter().filter_map(|a| a.expires_at).map(ms).min(),
            ),
            None => (None, None, None),
        };
        let (set_error, error) = match &change.error {
            Some(Some(e)) => (true, Some(json(e)?)),
            Some(None) => (true, None),
            None => (false, None),
        };
        let (set_next_poll, next_poll_at_ms) = match change.next_poll_at {
            Some(at) => (true, at.map(ms)),
            None => (false, None),
        };
        Ok(ChangeParams {
            to: to.as_str(),
            now_ms: now,
            attempts: i64::from(change.count_attempt),
            recovery: i64::from(change.count_recovery),
            vendor_task_id: change.handle.as_ref().map(|h| h.task_id.clone()),
            handle: change.handle.as_ref().map(json).transpose()?,
            snapshot: change.snapshot.as_ref().map(json).transpose()?,
            last_status: change.snapshot.as_ref().map(|s| s.status.to_string()),
            result,
            artifacts,
            expires_at_ms,
            set_error,
            error,
            set_next_poll,
            next_poll_at_ms,
            submitted_at_ms: change.handle.as_ref().map(|h| ms(h.submitted_at)),
            finished_at_ms: (to.is_final() || to == JobState::Unknown).then_some(now),
        })
    }
}

/// A JSON column's text.
fn json<T: serde::Serialize + ?Sized>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v)
        .map_err(|e| StoreError::Config(format!("cannot serialise a job field: {e}")))
}

/// One row as stored, before decoding (every backend decodes into this).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RawRow {
    id: String,
    provider: String,
    kind: String,
    account: String,
    request: String,
    request_sha256: String,
    state: String,
    version: i64,
    attempts: i64,
    recovery_attempts: i64,
    vendor_task_id: Option<String>,
    handle: Option<String>,
    snapshot: Option<String>,
    result: Option<String>,
    artifacts: Option<String>,
    error: Option<String>,
    created_at_ms: i64,
    updated_at_ms: i64,
    submitted_at_ms: Option<i64>,
    finished_at_ms: Option<i64>,
    next_poll_at_ms: Option<i64>,
    lease_owner: Option<String>,
    lease_until_ms: Option<i64>,
    lease_seq: i64,
    slot_pool: Option<String>,
    parent_id: Option<String>,
    step: Option<i64>,
}

impl RawRow {
    /// Decode, naming the first corrupt column.
    pub(crate) fn decode(self) -> StoreResult<JobRecord> {
        let id_text = self.id.clone();
        let corrupt = |field: &'static str, detail: String| StoreError::Corrupt {
            id: id_text.clone(),
            field,
            detail,
        };
        fn parse<T: serde::de::DeserializeOwned>(
            text: &str,
            field: &'static str,
            corrupt: &dyn Fn(&'static str, String) -> StoreError,
        ) -> StoreResult<T> {
            serde_json::from_str(text).map_err(|e| corrupt(field, e.to_string()))
        }
        let opt = |text: &Option<String>,
                   field: &'static str|
         -> StoreResult<Option<serde_json::Value>> {
            text.as_deref()
                .map(|t| parse(t, field, &corrupt))
                .transpose()
        };
        let time = |v: i64, field: &'static str| -> StoreResult<DateTime<Utc>> {
            Utc.timestamp_millis_opt(v)
                .single()
                .ok_or_else(|| corrupt(field, format!("{v} is not a time in epoch ms")))
        };
        let opt_time = |v: Option<i64>, field: &'static str| v.map(|v| time(v, field)).transpose();
        let count = |v: i64, field: &'static str| -> StoreResult<u32> {
            u32::try_from(v).map_err(|_| corrupt(field, format!("{v} is not a count")))
        };
        let id: JobId = self.id.parse().map_err(|e: String| corrupt("id", e))?;
        let state: JobState = self
            .state
            .parse()
            .map_err(|e: String| corrupt("state", e))?;
        let request: serde_json::Value = parse(&self.request, "request", &corrupt)?;
        let handle: Option<TaskHandle> = opt(&self.handle, "handle")?
            .map(|v| serde_json::from_value(v).map_err(|e| corrupt("handle", e.to_string())))
            .transpose()?;
        let snapshot: Option<TaskSnapshot> = opt(&self.snapshot, "snapshot")?
            .map(|v| serde_json::from_value(v).map_err(|e| corrupt("snapshot", e.to_string())))
            .transpose()?;
        let artifacts: Vec<Artifact> = opt(&self.artifacts, "artifacts")?
            .map(|v| serde_json::from_value(v).map_err(|e| corrupt("artifacts", e.to_string())))
            .transpose()?
            .unwrap_or_default();
        let error: Option<JobError> = opt(&self.error, "error")?
            .map(|v| serde_json::from_value(v).map_err(|e| corrupt("error", e.to_string())))
            .transpose()?;
        if state.holds_vendor_slot() && state != JobState::Submitting && handle.is_none() {
            return Err(corrupt(
                "handle",
                format!("a {state} job must have a handle"),
            ));
        }
        let lease = match (self.lease_owner, self.lease_until_ms) {
            (Some(owner), Some(until)) => Some(Lease {
                owner,
                until: time(until, "lease_until_ms")?,
                seq: self.lease_seq,
            }),
            _ => None,
        };
        let step = match (self.parent_id, self.step) {
            (None, None) => None,
            (Some(parent), Some(index)) => Some(crate::StepOf {
                parent: parent
                    .parse()
                    .map_err(|e: String| corrupt("parent_id", e))?,
                index: u32::try_from(index)
                    .map_err(|_| corrupt("step", format!("{index} is not a step number")))?,
            }),
            (parent, index) => {
                return Err(corrupt(
                    "step",
                    format!("parent {parent:?} and step {index:?} must be set together"),
                ));
            }
        };
        Ok(JobRecord {
            id,
            provider: self.provider,
            kind: self.kind,
            account: self.account,
            request,
            request_sha256: self.request_sha256,
            state,
            version: self.version,
            attempts: count(self.attempts, "attempts")?,
            recovery_attempts: count(self.recovery_attempts, "recovery_attempts")?,
            vendor_task_id: self.vendor_task_id,
            handle,
            snapshot,
            result: opt(&self.result, "result")?,
            artifacts,
            error,
            created_at: time(self.created_at_ms, "created_at_ms")?,
            updated_at: time(self.updated_at_ms, "updated_at_ms")?,
            submitted_at: opt_time(self.submitted_at_ms, "submitted_at_ms")?,
            finished_at: opt_time(self.finished_at_ms, "finished_at_ms")?,
            next_poll_at: opt_time(self.next_poll_at_ms, "next_poll_at_ms")?,
            lease,
            slot_pool: self.slot_pool,
            step,
        })
    }
}

/// Implements [`crate::TaskStore`] for `$store` (a struct with a `pool: $pool` field and a
/// `backend()` constant) over the shared statements above.
macro_rules! impl_task_store {
    ($store:ty, $db:ty, $backend:expr) => {
        impl $store {
            /// The SQL of [`crate::TaskStore::claim_due`]'s inner `SELECT` (parameters `$1`–`$4`
            /// as for the claim), for `EXPLAIN` in the scale test; not an API.
            #[doc(hidden)]
            pub fn claim_select_sql() -> String {
                $crate::sql::claim_select_sql(Self::NOW_MS, Self::SKIP_LOCKED)
            }

            /// Renew (`ms` > 0) or release (`ms` = 0) a lease still held.
            async fn lease_write(
                &self,
                id: &$crate::JobId,
                owner: &str,
                seq: i64,
                ms: i64,
            ) -> $crate::StoreResult<()> {
                let row: Option<String> = sqlx::query_scalar(&$crate::sql::lease_sql(Self::NOW_MS))
                    .bind(id.as_str())
                    .bind(owner)
                    .bind(seq)
                    .bind(ms)
                    .fetch_optional(&self.pool)
                    .await?;
                match row {
                    Some(_) => Ok(()),
                    None => Err($crate::StoreError::LeaseLost {
                        id: id.clone(),
                        seq,
                    }),
                }
            }

            /// The one compare-and-set write behind `transition` and `amend`.
            async fn compare_and_set(
                &self,
                id: &$crate::JobId,
                from: $crate::JobState,
                to: $crate::JobState,
                change: $crate::JobChange,
            ) -> $crate::StoreResult<$crate::JobRecord> {
                let p = $crate::sql::ChangeParams::new(to, &change)?;
                if change.slot.is_some() && to != $crate::JobState::Submitting {
                    return Err($crate::StoreError::Config(format!(
                        "job {id}: a task slot is taken only by a move to submitting, not {to}"
                    )));
                }
                let sql = $crate::sql::transition_sql(change.slot.as_ref().map(|_| Self::NOW_MS));
                let query = sqlx::query_as::<_, $crate::sql::RawRow>(&sql)
                    .bind(id.as_str())
                    .bind(from.as_str())
                    .bind(p.to)
                    .bind(p.now_ms)
                    .bind(p.attempts)
                    .bind(p.recovery)
                    .bind(p.vendor_task_id)
                    .bind(p.handle)
                    .bind(p.snapshot)
                    .bind(p.last_status)
                    .bind(p.result)
                    .bind(p.artifacts)
                    .bind(p.expires_at_ms)
                    .bind(p.set_error)
                    .bind(p.error)
                    .bind(p.set_next_poll)
                    .bind(p.next_poll_at_ms)
                    .bind(p.submitted_at_ms)
                    .bind(p.finished_at_ms)
                    .bind(change.fence);
                let row: Option<$crate::sql::RawRow> = match &change.slot {
                    None => {
                        query
                            .fetch_optional(self.pool_for(to == $crate::JobState::Submitting))
                            .await?
                    }
                    Some(slot) => {
                        let hold = i64::try_from(slot.hold.as_millis()).unwrap_or(i64::MAX);
                        let mut tx = self.begin_slot_write(&slot.pool).await?;
                        let row = query
                            .bind(slot.pool.clone())
                            .bind(i64::from(slot.max))
                            .bind(hold)
                            .fetch_optional(&mut *tx)
                            .await?;
                        tx.commit().await?;
                        row
                    }
                };
                match row {
                    Some(row) => row.decode(),
                    None => {
                        let actual = $crate::TaskStore::get(self, id).await?;
                        if let (true, Some(slot)) = (actual.state == from, &change.slot) {
                            let held = $crate::TaskStore::slots_in_use(
                                self,
                                &actual.provider,
                                &actual.account,
                                &slot.pool,
                            )
                            .await?;
                            if held >= slot.max {
                                return Err($crate::StoreError::SlotsBusy {
                                    id: id.clone(),
                                    pool: slot.pool.clone(),
                                    max: slot.max,
                                });
                            }
                        }
                        if actual.state == from {
                            // Only the fence can have failed: another worker holds the job.
                            return Err($crate::StoreError::LeaseLost {
                                id: id.clone(),
                                seq: change.fence.unwrap_or_default(),
                            });
                        }
                        Err($crate::StoreError::Conflict {
                            id: id.clone(),
                            expected: from,
                            actual: actual.state,
                        })
                    }
                }
            }
        }

        #[async_trait::async_trait]
        impl $crate::TaskStore for $store {
            fn backend(&self) -> $crate::Backend {
                $backend
            }

            async fn insert(&self, job: $crate::NewJob) -> $crate::StoreResult<$crate::JobRecord> {
                let p = $crate::sql::InsertParams::new(&job)?;
                let row: $crate::sql::RawRow =
                    sqlx::query_as(&$crate::sql::insert_sql(Self::NOW_MS))
                        .bind(&p.id)
                        .bind(&p.provider)
                        .bind(&p.kind)
                        .bind(&p.account)
                        .bind(&p.request)
                        .bind(&p.request_sha256)
                        .bind(p.state)
                        .bind(p.attempts)
                        .bind(p.now_ms)
                        .bind(p.lease_owner)
                        .bind(p.lease_ms)
                        .bind(p.parent_id)
                        .bind(p.step)
                        .fetch_one(self.pool_for(true))
                        .await
                        .map_err(|e| match e.as_database_error() {
                            Some(d) if d.is_unique_violation() => {
                                $crate::StoreError::Duplicate(job.id.clone())
                            }
                            _ => $crate::StoreError::from(e),
                        })?;
                row.decode()
            }

            async fn get(&self, id: &$crate::JobId) -> $crate::StoreResult<$crate::JobRecord> {
                let row: Option<$crate::sql::RawRow> = sqlx::query_as(&$crate::sql::get_sql())
                    .bind(id.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                row.ok_or_else(|| $crate::StoreError::NotFound(id.to_string()))?
                    .decode()
            }

            async fn find_by_vendor_task(
                &self,
                provider: &str,
                vendor_task_id: &str,
            ) -> $crate::StoreResult<Option<$crate::JobRecord>> {
                let row: Option<$crate::sql::RawRow> =
                    sqlx::query_as(&$crate::sql::by_vendor_task_sql())
                        .bind(provider)
                        .bind(vendor_task_id)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map($crate::sql::RawRow::decode).transpose()
            }

            async fn transition(
                &self,
                id: &$crate::JobId,
                from: $crate::JobState,
                to: $crate::JobState,
                change: $crate::JobChange,
            ) -> $crate::StoreResult<$crate::JobRecord> {
                if !from.can_become(to) {
                    return Err($crate::StoreError::IllegalTransition {
                        id: id.clone(),
                        from,
                        to,
                    });
                }
                self.compare_and_set(id, from, to, change).await
            }

            async fn amend(
                &self,
                id: &$crate::JobId,
                state: $crate::JobState,
                change: $crate::JobChange,
            ) -> $crate::StoreResult<$crate::JobRecord> {
                self.compare_and_set(id, state, state, change).await
            }

            async fn claim_due(
                &self,
                owner: &str,
                lease_for: std::time::Duration,
                limit: u32,
                submitting_grace: std::time::Duration,
            ) -> $crate::StoreResult<Vec<$crate::StoreResult<$crate::JobRecord>>> {
                let ms = |d: std::time::Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
                let rows: Vec<$crate::sql::RawRow> =
                    sqlx::query_as(&$crate::sql::claim_sql(Self::NOW_MS, Self::SKIP_LOCKED))
                        .bind(owner)
                        .bind(ms(lease_for).max(1))
                        .bind(i64::from(limit))
                        .bind(ms(submitting_grace))
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map($crate::sql::RawRow::decode).collect())
            }

            async fn renew_lease(
                &self,
                id: &$crate::JobId,
                owner: &str,
                seq: i64,
                lease_for: std::time::Duration,
            ) -> $crate::StoreResult<()> {
                let ms = i64::try_from(lease_for.as_millis())
                    .unwrap_or(i64::MAX)
                    .max(1);
                self.lease_write(id, owner, seq, ms).await
            }

            async fn release_lease(
                &self,
                id: &$crate::JobId,
                owner: &str,
                seq: i64,
            ) -> $crate::StoreResult<()> {
                self.lease_write(id, owner, seq, 0).await
            }

            async fn list(
                &self,
                filter: &$crate::JobFilter,
            ) -> $crate::StoreResult<Vec<$crate::StoreResult<$crate::JobRecord>>> {
                let mut q = sqlx::QueryBuilder::<$db>::new($crate::sql::list_prefix());
                if !filter.states.is_empty() {
                    q.push(" AND state IN (");
                    let mut sep = q.separated(", ");
                    for s in &filter.states {
                        sep.push_bind(s.as_str());
                    }
                    q.push(")");
                }
                if let Some(p) = &filter.provider {
                    q.push(" AND provider = ").push_bind(p.clone());
                }
                q.push(" ORDER BY id DESC");
                if let Some(n) = filter.limit {
                    q.push(" LIMIT ").push_bind(i64::from(n));
                }
                let rows: Vec<$crate::sql::RawRow> =
                    q.build_query_as().fetch_all(&self.pool).await?;
                Ok(rows
                    .into_iter()
                    .rev()
                    .map($crate::sql::RawRow::decode)
                    .collect())
            }

            async fn slots_in_use(
                &self,
                provider: &str,
                account: &str,
                pool: &str,
            ) -> $crate::StoreResult<u32> {
                let n: i64 = sqlx::query_scalar(&$crate::sql::slots_in_use_sql(Self::NOW_MS))
                    .bind(provider)
                    .bind(account)
                    .bind(pool)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(u32::try_from(n).unwrap_or(u32::MAX))
            }

            async fn record_callback(
                &self,
                report: &$crate::wakeups::CallbackReport,
            ) -> $crate::StoreResult<$crate::wakeups::Wakeup> {
                self.record_callback_in(report).await
            }

            async fn schema_version(&self) -> $crate::StoreResult<i64> {
                let v: Option<i64> = sqlx::query_scalar($crate::sql::SCHEMA_VERSION_SQL)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(v.unwrap_or(0))
            }

            async fn close(&self) {
                self.close_pools().await;
            }
        }
    };
}
pub(crate) use impl_task_store;
