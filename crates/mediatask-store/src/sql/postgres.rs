//! The PostgreSQL backend, for many machines on one account. The journal lives in its own
//! schema (default `mediatask`, or `?mediatask_schema=NAME` in the URL), so its tables and
//! sqlx's migration bookkeeping never mix with the application's own.

use crate::sql::{MIGRATOR, check_schema, impl_task_store};
use crate::{Backend, StoreError, StoreResult, redact_url};
use sqlx::Executor;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;

/// The default schema.
pub(crate) const DEFAULT_SCHEMA: &str = "mediatask";

/// The PostgreSQL job store.
///
/// ```no_run
/// # async fn demo() -> Result<(), mediatask_store::StoreError> {
/// let store = mediatask_store::PostgresStore::open("postgres://app@db/app").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pub(crate) pool: PgPool,
    schema: String,
}

/// Split our own `mediatask_schema` parameter off a URL.
fn split_schema(url: &str) -> StoreResult<(String, String)> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), DEFAULT_SCHEMA.to_owned()));
    };
    let mut schema = DEFAULT_SCHEMA.to_owned();
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("mediatask_schema", v)) => schema = v.to_owned(),
            _ => kept.push(pair),
        }
    }
    let valid = !schema.is_empty()
        && schema.len() <= 63
        && schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !schema.starts_with(|c: char| c.is_ascii_digit());
    if !valid {
        return Err(StoreError::Config(format!(
            "mediatask_schema `{schema}` must be a lower-case SQL identifier"
        )));
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, schema))
}

impl PostgresStore {
    /// Connect, create the schema if missing, and migrate.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let (url, schema) = split_schema(url)?;
        let options = PgConnectOptions::from_str(&url).map_err(|e| {
            StoreError::Config(format!("invalid PostgreSQL URL {}: {e}", redact_url(&url)))
        })?;
        let search_path = format!("SET search_path TO {schema}");
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .after_connect(move |conn, _meta| {
                let sql = search_path.clone();
                Box::pin(async move {
                    conn.execute(sql.as_str()).await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| {
                StoreError::Unavailable(format!("cannot connect to {}: {e}", redact_url(&url)))
            })?;
        // Creating an existing schema concurrently can still race in the catalog: tolerate it.
        if let Err(e) = pool
            .execute(format!("CREATE SCHEMA IF NOT EXISTS {schema}").as_str())
            .await
        {
            let exists: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)")
                    .bind(&schema)
                    .fetch_one(&pool)
                    .await?;
            if !exists {
                return Err(StoreError::Unavailable(format!(
                    "cannot create schema {schema}: {e}"
                )));
            }
        }
        let store = PostgresStore { pool, schema };
        store.migrate().await?;
        Ok(store)
    }

    /// The schema holding the journal.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    async fn migrate(&self) -> StoreResult<()> {
        let exists: Option<String> =
            sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations')::text")
                .fetch_one(&self.pool)
                .await?;
        if exists.is_some() {
            let found: Option<i64> = sqlx::query_scalar(crate::sql::SCHEMA_VERSION_SQL)
                .fetch_one(&self.pool)
                .await?;
            check_schema(found)?;
        }
        // sqlx serialises concurrent migrators with an advisory lock.
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))
    }
}

impl PostgresStore {
    /// The database server's clock in epoch ms: the one clock of every machine.
    const NOW_MS: &'static str = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT";
    /// Concurrent claimers skip each other's rows instead of waiting on them.
    const SKIP_LOCKED: &'static str = "FOR UPDATE SKIP LOCKED";

    /// Every commit is durable on PostgreSQL (`synchronous_commit` as the server sets it).
    fn pool_for(&self, _durable: bool) -> &PgPool {
        &self.pool
    }

    /// A write that takes a task slot: one decision per pool at a time (a transaction-scoped
    /// advisory lock on the pool's name), so two machines never both count the last free slot.
    async fn begin_slot_write(
        &self,
        pool: &str,
    ) -> Result<sqlx::Transaction<'_, sqlx::Postgres>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(format!("mediatask-task-slots:{pool}"))
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    async fn close_pools(&self) {
        self.pool.close().await;
    }
}

impl_task_store!(PostgresStore, sqlx::Postgres, Backend::Postgres);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_parameter_is_ours_and_checked() {
        assert_eq!(
            split_schema("postgres://h/db?sslmode=disable&mediatask_schema=t_1").unwrap(),
            ("postgres://h/db?sslmode=disable".into(), "t_1".into())
        );
        assert_eq!(split_schema("postgres://h/db").unwrap().1, DEFAULT_SCHEMA);
        assert!(split_schema("postgres://h/db?mediatask_schema=x;drop").is_err());
    }
}
