//! The SQLite backend: one file in WAL mode with a busy timeout, for the processes of one
//! machine. Single statements commit on their own; multi-statement writes take the write lock
//! up front with `BEGIN IMMEDIATE` (a deferred `BEGIN` that reads then writes fails with
//! `SQLITE_BUSY` whatever the busy timeout).

use crate::sql::{MIGRATOR, check_schema, impl_task_store};
use crate::{Backend, StoreError, StoreResult};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::time::Duration;

/// How long a writer waits for another process's write lock before failing.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The SQLite job store.
///
/// ```no_run
/// # async fn demo() -> Result<(), mediatask_store::StoreError> {
/// let store = mediatask_store::SqliteStore::open(std::path::Path::new("/tmp/jobs.db")).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// Everyday writes: `synchronous=NORMAL` (in WAL mode a commit survives a killed process;
    /// power loss may drop the last ones — a snapshot or a recorded vendor id, which recovery
    /// re-polls or reconciles).
    pub(crate) pool: SqlitePool,
    /// Writes that must survive power loss before a request may leave (a new intent, a job
    /// moving to `submitting`): `synchronous=FULL`. Its fsync of the WAL also makes every
    /// earlier commit durable.
    durable: SqlitePool,
}

impl SqliteStore {
    /// Open (creating it and its directory if missing) and migrate the store at `path`.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        Self::open_with(path, true).await
    }

    /// [`SqliteStore::open`], choosing whether the writes a request waits on are fsynced
    /// (`durable`, `synchronous=FULL`: they survive power loss) or not (`NORMAL`: they survive a
    /// killed process only).
    pub async fn open_with(path: &Path, durable: bool) -> StoreResult<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Config(format!("cannot create {}: {e}", dir.display())))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(BUSY_TIMEOUT);
        let connect = |sync: SqliteSynchronous, max: u32| {
            let options = options.clone().synchronous(sync);
            async move {
                SqlitePoolOptions::new()
                    .max_connections(max)
                    .connect_with(options)
                    .await
                    .map_err(|e| {
                        StoreError::Unavailable(format!("cannot open {}: {e}", path.display()))
                    })
            }
        };
        let pool = connect(SqliteSynchronous::Normal, 4).await?;
        let durable_sync = if durable {
            SqliteSynchronous::Full
        } else {
            SqliteSynchronous::Normal
        };
        let durable = connect(durable_sync, 2).await?;
        let store = SqliteStore { pool, durable };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> StoreResult<()> {
        // Two processes opening a new file at once may race on the first migration; the loser
        // sees it applied when it retries.
        let mut last = None;
        for _ in 0..5 {
            let exists: Option<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_optional(&self.pool)
            .await?;
            if exists.is_some() {
                let found: Option<i64> = sqlx::query_scalar(crate::sql::SCHEMA_VERSION_SQL)
                    .fetch_one(&self.pool)
                    .await?;
                check_schema(found)?;
            }
            match MIGRATOR.run(&self.pool).await {
                Ok(()) => return Ok(()),
                Err(e) => {
                    last = Some(e);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        Err(StoreError::Migration(
            last.map(|e| e.to_string()).unwrap_or_default(),
        ))
    }
}

impl SqliteStore {
    /// The database clock in epoch ms (every process of the machine shares it).
    const NOW_MS: &'static str = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";
    /// SQLite has no row locks: one `UPDATE` holds the write lock for its whole run.
    const SKIP_LOCKED: &'static str = "";

    /// The pool for a write that must be durable before a request leaves.
    fn pool_for(&self, durable: bool) -> &SqlitePool {
        if durable { &self.durable } else { &self.pool }
    }

    /// A write that takes a task slot: the count and the update under the write lock.
    async fn begin_slot_write(
        &self,
        _pool: &str,
    ) -> Result<sqlx::Transaction<'_, sqlx::Sqlite>, sqlx::Error> {
        self.durable.begin_with("BEGIN IMMEDIATE").await
    }

    async fn close_pools(&self) {
        self.durable.close().await;
        self.pool.close().await;
    }
}

impl_task_store!(SqliteStore, sqlx::Sqlite, Backend::Sqlite);
