//! Shared rate limits (ADR 0006): [`StoreRateGate`], a [`RateGate`] kept in the job store, so
//! every process that opens the same SQLite file (one machine) or PostgreSQL database (many
//! machines) shares one "≤ N requests in any sliding window" budget per vendor account; and,
//! behind the `redis` feature, [`RedisRateGate`] for users who already run Redis.
//!
//! The log is a sliding window of admissions per gate key (table
//! `mediatask_rate_admissions`, migration 0002), decided by [`mediatask_http::gate::decide`]
//! like the in-process limiter: a place is held while its request is in flight and for one
//! window after the answer, admissions are spread (at most `burst` per `burst_window`), and a
//! request that does not fit sleeps until the earliest moment a place frees and asks again.
//!
//! * **One decision at a time per key.** PostgreSQL: the admitter locks the key's row of
//!   `mediatask_rate_gates` (an upsert, so a new key needs no setup), keys in sorted order so
//!   two admitters never deadlock; SQLite: the whole admission runs in one `BEGIN IMMEDIATE`
//!   transaction (the database's single write lock).
//! * **One clock.** PostgreSQL: `clock_timestamp()` of the server, read after the lock is
//!   held, for admissions and answers alike: the callers' clocks never enter a decision.
//!   SQLite: the machine's clock (every process of one machine reads the same one), read
//!   inside the write lock. On both the clock of a key never runs backwards (the row keeps the
//!   latest reading), so a clock stepped back only makes callers wait longer.
//! * **Pruning.** Every admission deletes the entries of its keys that left the window, so a
//!   key holds at most about N rows.
//! * **Failure is closed.** A database that cannot be reached fails the admission with
//!   [`GateError::Unavailable`]: the transport sends nothing. A release that cannot be
//!   written leaves the place "in flight" until its hold runs out (longer waits, never more
//!   requests).
//!
//! ```
//! # #[cfg(feature = "sqlite")]
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use mediatask_http::{GateRequest, HttpConfig, RateGate, RateLimit};
//! use std::time::Duration;
//! let dir = tempfile::tempdir().unwrap();
//! let store = mediatask_store::SqliteStore::open(&dir.path().join("jobs.db")).await.unwrap();
//! let gate = store.rate_gate();
//! // a vendor client's transport shares its limits through the gate:
//! let http = HttpConfig::default().with_shared_gate(gate.clone(), "acct-1");
//! assert!(http.limits.shared_gate.is_some());
//! // or ask it directly
//! let request = GateRequest::new(vec![RateLimit::per_second("k", 1)], Duration::from_secs(60));
//! let permit = gate.admit(&request, None).await.unwrap();
//! drop(permit); // the answer came back: the place frees one second from now
//! # });
//! ```

#[cfg(feature = "redis")]
mod redis_gate;

#[cfg(feature = "redis")]
pub use redis_gate::RedisRateGate;

use crate::{StoreError, StoreResult};
use mediatask_http::RateGate;
use std::sync::Arc;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
use {
    async_trait::async_trait,
    mediatask_http::gate::{DEFAULT_POLL_INTERVAL, LogStats, combine, decide},
    mediatask_http::{GateDecision, GateError, GatePermit, GateRequest},
    std::time::Duration,
};

/// The live entries of one key at `$2` (and those admitted after `$3`, for spreading).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
const STATS_SQL: &str = "SELECT COUNT(*), MIN(expires_us), \
       COALESCE(SUM(CASE WHEN admitted_us > $3 THEN 1 ELSE 0 END), 0), \
       MIN(CASE WHEN admitted_us > $3 THEN admitted_us END) \
     FROM mediatask_rate_admissions WHERE gate_key = $1 AND expires_us > $2";

/// Drop the entries of a key that left the window.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
const PRUNE_SQL: &str =
    "DELETE FROM mediatask_rate_admissions WHERE gate_key = $1 AND expires_us <= $2";

/// A new admission, in flight.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
const INSERT_SQL: &str = "INSERT INTO mediatask_rate_admissions \
     (gate_key, id, admitted_us, done_us, window_us, expires_us) \
     VALUES ($1, $2, $3, NULL, $4, $5)";

/// PostgreSQL's clock in epoch microseconds (`clock_timestamp()`: the time of the call, not of
/// the transaction's start).
#[cfg(feature = "postgres")]
const PG_NOW: &str = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)";

/// The server's clock, read alone (for the lock-free first look of an admission).
#[cfg(feature = "postgres")]
static PG_NOW_SQL: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("SELECT {PG_NOW}"));

/// Lock a key's row (creating it) and read the clock after the lock is held: the `SET` runs
/// once the row is locked.
#[cfg(feature = "postgres")]
static PG_LOCK_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO mediatask_rate_gates (gate_key, touched_us) VALUES ($1, {PG_NOW}) \
         ON CONFLICT (gate_key) DO UPDATE \
           SET touched_us = GREATEST(mediatask_rate_gates.touched_us, {PG_NOW}) \
         RETURNING touched_us"
    )
});

/// Mark an admission answered at the server's time, or at `$3` (the admission time plus the
/// caller's measured elapsed time, see `StoreRateGate::permit`) if that is earlier; never
/// before the admission.
#[cfg(feature = "postgres")]
static PG_RELEASE_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "UPDATE mediatask_rate_admissions \
           SET done_us = c.answered_us, \
               expires_us = LEAST(mediatask_rate_admissions.expires_us, c.answered_us + mediatask_rate_admissions.window_us) \
         FROM (SELECT GREATEST(a.admitted_us, LEAST({PG_NOW}, $3)) AS answered_us \
               FROM mediatask_rate_admissions a WHERE a.gate_key = $1 AND a.id = $2) AS c \
         WHERE mediatask_rate_admissions.gate_key = $1 AND mediatask_rate_admissions.id = $2 \
           AND mediatask_rate_admissions.done_us IS NULL"
    )
});

/// Record the key (SQLite holds the write lock already) and keep its clock monotonic.
#[cfg(feature = "sqlite")]
const SQLITE_TOUCH_SQL: &str = "INSERT INTO mediatask_rate_gates (gate_key, touched_us) \
     VALUES ($1, $2) ON CONFLICT (gate_key) DO UPDATE \
       SET touched_us = MAX(touched_us, excluded.touched_us) \
     RETURNING touched_us";

/// Mark an admission answered at `$3` (the machine's clock; never before its admission).
#[cfg(feature = "sqlite")]
const SQLITE_RELEASE_SQL: &str = "UPDATE mediatask_rate_admissions \
       SET done_us = MAX($3, admitted_us), \
           expires_us = MIN(expires_us, MAX($3, admitted_us) + window_us) \
     WHERE gate_key = $1 AND id = $2 AND done_us IS NULL";

/// The pool a [`StoreRateGate`] writes through.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[derive(Debug, Clone)]
enum GatePool {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
}

/// The store-backed [`RateGate`] of a [`crate::SqliteStore`] or [`crate::PostgresStore`]
/// (see the module docs for its guarantees). Get it with `store.rate_gate()`; cheap to clone.
///
/// ```no_run
/// # async fn demo() -> Result<(), mediatask_store::StoreError> {
/// let store = mediatask_store::PostgresStore::open("postgres://app@db/app").await?;
/// let gate = store.rate_gate(); // shared by every machine using this database
/// # Ok(()) }
/// ```
#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[derive(Debug, Clone)]
pub struct StoreRateGate {
    pool: GatePool,
    poll: Duration,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl StoreRateGate {
    /// Set how often a waiter asks again while every place is held by a request in flight
    /// (default [`DEFAULT_POLL_INTERVAL`]).
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")]
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = mediatask_store::SqliteStore::open(&dir.path().join("j.db")).await.unwrap();
    /// let gate = store.store_rate_gate().with_poll_interval(std::time::Duration::from_millis(10));
    /// # let _ = gate;
    /// # });
    /// ```
    pub fn with_poll_interval(mut self, poll: Duration) -> Self {
        self.poll = poll.max(Duration::from_millis(1));
        self
    }

    fn unavailable(&self, e: sqlx::Error) -> GateError {
        // sqlx errors name the failure, never the password (connect options are not echoed)
        GateError::unavailable(self.name(), e)
    }
}

/// Check a request before it reaches SQL: keys non-empty and distinct.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
fn checked_keys(request: &GateRequest) -> Result<Vec<&str>, GateError> {
    let mut keys: Vec<&str> = request.limits.iter().map(|l| l.key.as_str()).collect();
    if keys.iter().any(|k| k.is_empty()) {
        return Err(GateError::Invalid("a rate limit key is empty".into()));
    }
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(GateError::Invalid(
            "a request names the same rate limit key twice".into(),
        ));
    }
    Ok(keys)
}

/// The wait the log of every limit of `$request` imposes at `$now` (`None`: it fits), read
/// through `$exec`: inside the admission's locked transaction, and first without any lock —
/// a waiter that cannot fit is then told so without queueing on the key's lock (PostgreSQL's
/// row lock, SQLite's write lock), so the admitters that can fit are not slowed by the many
/// that are told to wait. Only the locked reading ever admits.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
macro_rules! wait_in_log {
    ($gate:expr, $exec:expr, $request:expr, $now:expr) => {{
        let gate = $gate;
        let request: &GateRequest = $request;
        let now: i64 = $now;
        let mut waits = Vec::with_capacity(request.limits.len());
        for limit in &request.limits {
            let (live, min_expires_us, in_burst, oldest_in_burst_us): (
                i64,
                Option<i64>,
                i64,
                Option<i64>,
            ) = sqlx::query_as(STATS_SQL)
                .bind(&limit.key)
                .bind(now)
                .bind(now.saturating_sub(limit.burst_window_us()))
                .fetch_one($exec)
                .await
                .map_err(|e| gate.unavailable(e))?;
            let stats = LogStats {
                live: u64::try_from(live).unwrap_or(0),
                min_expires_us,
                in_burst: u64::try_from(in_burst).unwrap_or(0),
                oldest_in_burst_us,
            };
            waits.push(decide(limit, &stats, now, gate.poll));
        }
        combine(waits)
    }};
}

/// The admission transaction, stamped out for each backend's connection type: lock every key
/// (sorted) and read the clock, read each key's log, decide, then prune and insert.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
macro_rules! admit_in_transaction {
    ($gate:expr, $tx:expr, $request:expr, $lock_sql:expr, $local_now:expr) => {{
        let gate = $gate;
        let request: &GateRequest = $request;
        let mut tx = $tx;
        let lock_sql: &'static str = $lock_sql;
        let keys = checked_keys(request)?;
        let local_now: Option<i64> = $local_now;
        let mut now = local_now.unwrap_or(i64::MIN);
        for key in &keys {
            let mut q = sqlx::query_scalar::<_, i64>(lock_sql).bind(*key);
            if let Some(n) = local_now {
                q = q.bind(n);
            }
            let touched = q
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| gate.unavailable(e))?;
            now = now.max(touched);
        }
        if let Some(wait) = wait_in_log!(gate, &mut *tx, request, now) {
            tx.rollback().await.map_err(|e| gate.unavailable(e))?;
            return Ok(GateDecision::Wait(wait));
        }
        let id = ulid::Ulid::new().to_string();
        for limit in &request.limits {
            sqlx::query(PRUNE_SQL)
                .bind(&limit.key)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(|e| gate.unavailable(e))?;
            let expires = now
                .saturating_add(request.hold_us())
                .saturating_add(limit.window_us());
            sqlx::query(INSERT_SQL)
                .bind(&limit.key)
                .bind(&id)
                .bind(now)
                .bind(limit.window_us())
                .bind(expires)
                .execute(&mut *tx)
                .await
                .map_err(|e| gate.unavailable(e))?;
        }
        tx.commit().await.map_err(|e| gate.unavailable(e))?;
        (id, now)
    }};
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[async_trait]
impl RateGate for StoreRateGate {
    fn name(&self) -> &str {
        match &self.pool {
            #[cfg(feature = "sqlite")]
            GatePool::Sqlite(_) => "sqlite",
            #[cfg(feature = "postgres")]
            GatePool::Postgres(_) => "postgres",
        }
    }

    async fn try_admit(&self, request: &GateRequest) -> Result<GateDecision, GateError> {
        // Before the admission is even asked for: the answer can be no later on the gate's
        // clock than the admission time plus what elapses here from this instant on.
        let asked = std::time::Instant::now();
        let (id, admitted_us) = match &self.pool {
            #[cfg(feature = "sqlite")]
            GatePool::Sqlite(pool) => {
                checked_keys(request)?;
                let look = mediatask_http::gate::unix_micros();
                if let Some(wait) = wait_in_log!(self, pool, request, look) {
                    return Ok(GateDecision::Wait(wait));
                }
                let tx = pool
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(|e| self.unavailable(e))?;
                // the machine's clock, read while this process holds the write lock
                let now = mediatask_http::gate::unix_micros();
                admit_in_transaction!(self, tx, request, SQLITE_TOUCH_SQL, Some(now))
            }
            #[cfg(feature = "postgres")]
            GatePool::Postgres(pool) => {
                checked_keys(request)?;
                let look: i64 = sqlx::query_scalar(PG_NOW_SQL.as_str())
                    .fetch_one(pool)
                    .await
                    .map_err(|e| self.unavailable(e))?;
                if let Some(wait) = wait_in_log!(self, pool, request, look) {
                    return Ok(GateDecision::Wait(wait));
                }
                let tx = pool.begin().await.map_err(|e| self.unavailable(e))?;
                admit_in_transaction!(self, tx, request, PG_LOCK_SQL.as_str(), None)
            }
        };
        Ok(GateDecision::Admitted(self.permit(
            request,
            id,
            admitted_us,
            asked,
        )))
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl StoreRateGate {
    /// A permit whose release writes the answer time of admission `id`. If the write never
    /// lands, the place frees when its hold runs out.
    ///
    /// The answer time written is the gate's clock when the write lands, but never later than
    /// `admitted_us` plus the time this process measured (monotonic) from `asked` — an instant
    /// before the admission was asked for, so before `admitted_us` — to the moment the permit
    /// was let go. That bound is never earlier than the true answer, so the vendor-side bound
    /// holds, and a release write that waits for a connection does not hold the place longer.
    fn permit(
        &self,
        request: &GateRequest,
        id: String,
        admitted_us: i64,
        asked: std::time::Instant,
    ) -> GatePermit {
        let keys: Vec<String> = request.limits.iter().map(|l| l.key.clone()).collect();
        let gate = self.clone();
        GatePermit::new(move || {
            let elapsed = i64::try_from(asked.elapsed().as_micros()).unwrap_or(i64::MAX);
            let answered_by = admitted_us.saturating_add(elapsed);
            async move {
                if let Err(e) = gate.release(&keys, &id, answered_by).await {
                    tracing::warn!(gate = gate.name(), error = %e,
                        "could not record an answer in the shared rate gate; its place frees when its hold runs out");
                }
            }
        })
    }

    async fn release(
        &self,
        keys: &[String],
        id: &str,
        answered_by: i64,
    ) -> Result<(), sqlx::Error> {
        match &self.pool {
            #[cfg(feature = "sqlite")]
            GatePool::Sqlite(pool) => {
                let now = mediatask_http::gate::unix_micros().min(answered_by);
                for key in keys {
                    sqlx::query(SQLITE_RELEASE_SQL)
                        .bind(key)
                        .bind(id)
                        .bind(now)
                        .execute(pool)
                        .await?;
                }
            }
            #[cfg(feature = "postgres")]
            GatePool::Postgres(pool) => {
                for key in keys {
                    sqlx::query(PG_RELEASE_SQL.as_str())
                        .bind(key)
                        .bind(id)
                        .bind(answered_by)
                        .execute(pool)
                        .await?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(feature = "sqlite")]
impl crate::SqliteStore {
    /// The rate gate kept in this store's file, shared by every process of this machine that
    /// opens it (see [`crate::limits`]).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = mediatask_store::SqliteStore::open(&dir.path().join("j.db")).await.unwrap();
    /// assert_eq!(store.rate_gate().name(), "sqlite");
    /// # });
    /// ```
    pub fn rate_gate(&self) -> Arc<dyn RateGate> {
        Arc::new(self.store_rate_gate())
    }

    /// [`crate::SqliteStore::rate_gate`] as its concrete type (to tune it).
    pub fn store_rate_gate(&self) -> StoreRateGate {
        StoreRateGate {
            pool: GatePool::Sqlite(self.pool.clone()),
            poll: DEFAULT_POLL_INTERVAL,
        }
    }
}

#[cfg(feature = "postgres")]
impl crate::PostgresStore {
    /// The rate gate kept in this database (in the store's schema), shared by every machine
    /// that opens it (see [`crate::limits`]).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), mediatask_store::StoreError> {
    /// let store = mediatask_store::PostgresStore::open("postgres://app@db/app").await?;
    /// assert_eq!(store.rate_gate().name(), "postgres");
    /// # Ok(()) }
    /// ```
    pub fn rate_gate(&self) -> Arc<dyn RateGate> {
        Arc::new(self.store_rate_gate())
    }

    /// [`crate::PostgresStore::rate_gate`] as its concrete type (to tune it).
    pub fn store_rate_gate(&self) -> StoreRateGate {
        StoreRateGate {
            pool: GatePool::Postgres(self.pool.clone()),
            poll: DEFAULT_POLL_INTERVAL,
        }
    }
}

/// Open a shared rate gate by URL: `sqlite:PATH` (feature `sqlite`) and `postgres://…`
/// (feature `postgres`) open (and migrate) the job store there and return its gate;
/// `redis://…` / `rediss://…` (feature `redis`) connect to Redis. An unreachable backend is
/// [`StoreError::Unavailable`] (nothing is limited "open").
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let e = mediatask_store::open_rate_gate("memcached://x").await.unwrap_err();
/// assert!(e.to_string().contains("unsupported"));
/// # });
/// ```
pub async fn open_rate_gate(url: &str) -> StoreResult<Arc<dyn RateGate>> {
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        #[cfg(feature = "sqlite")]
        "sqlite" => {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or_default();
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(StoreError::Config("sqlite: URL without a path".into()));
            }
            let store = crate::SqliteStore::open(std::path::Path::new(path)).await?;
            Ok(store.rate_gate())
        }
        #[cfg(feature = "postgres")]
        "postgres" | "postgresql" => Ok(crate::PostgresStore::open(url).await?.rate_gate()),
        #[cfg(feature = "redis")]
        "redis" | "rediss" => Ok(Arc::new(RedisRateGate::connect(url).await?)),
        #[allow(unreachable_patterns)] // reached only when a backend's feature is off
        "sqlite" | "postgres" | "postgresql" | "redis" | "rediss" => {
            Err(StoreError::Config(format!(
                "this build has no `{scheme}` rate gate (enable the feature of mediatask-store)"
            )))
        }
        _ => Err(StoreError::Config(format!(
            "unsupported rate gate URL scheme `{scheme}`: use sqlite:PATH, postgres://… or redis://…"
        ))),
    }
}
