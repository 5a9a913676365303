//! Opening a fresh store of each backend for a test, and raw SQL access to it (for corrupting
//! rows and planting schema versions the way a hand edit or a newer build would).
#![allow(dead_code, unreachable_pub)]

use mediatask_store::SharedStore;
use std::path::PathBuf;

/// The PostgreSQL server the tests use (`.ci/with-services` starts one and sets this).
pub const POSTGRES_ENV: &str = "MEDIATASK_TEST_POSTGRES_URL";

/// The PostgreSQL URL; a missing server fails the test (it is never silently skipped).
pub fn postgres_url() -> String {
    std::env::var(POSTGRES_ENV).unwrap_or_else(|_| {
        panic!(
            "{POSTGRES_ENV} is not set: run the tests through `bash .ci/with-services cargo test …` \
             (it starts a throwaway PostgreSQL on loopback) or point it at a server you own"
        )
    })
}

/// One backend under test.
#[derive(Debug, Clone)]
pub enum Target {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL schema of its own.
    Postgres { url: String, schema: String },
}

impl Target {
    /// A fresh SQLite file in `dir`.
    pub fn sqlite(dir: &tempfile::TempDir) -> Self {
        Target::Sqlite(dir.path().join("jobs.db"))
    }
    /// A fresh PostgreSQL schema.
    pub fn postgres() -> Self {
        let schema = format!("t_{}", ulid::Ulid::new().to_string().to_lowercase());
        Target::Postgres {
            url: postgres_url(),
            schema,
        }
    }
    /// The store URL.
    pub fn url(&self) -> String {
        match self {
            Target::Sqlite(p) => format!("sqlite:{}", p.display()),
            Target::Postgres { url, schema } => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mediatask_schema={schema}")
            }
        }
    }
    /// Open (and migrate) it.
    pub async fn open(&self) -> SharedStore {
        mediatask_store::open(&self.url())
            .await
            .unwrap_or_else(|e| panic!("opening {}: {e}", mediatask_store::redact_url(&self.url())))
    }
    /// Run raw SQL against it (outside the store).
    pub async fn exec(&self, sql: &str) {
        use sqlx::Executor;
        match self {
            Target::Sqlite(p) => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", p.display()))
                    .await
                    .unwrap();
                pool.execute(sql).await.unwrap();
                pool.close().await;
            }
            Target::Postgres { url, schema } => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                pool.execute(format!("SET search_path TO {schema}; {sql}").as_str())
                    .await
                    .unwrap();
                pool.close().await;
            }
        }
    }
    /// Count rows of the journal table.
    pub async fn count_rows(&self) -> i64 {
        match self {
            Target::Sqlite(p) => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", p.display()))
                    .await
                    .unwrap();
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mediatask_jobs")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                pool.close().await;
                n
            }
            Target::Postgres { url, schema } => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                let n: i64 =
                    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {schema}.mediatask_jobs"))
                        .fetch_one(&pool)
                        .await
                        .unwrap();
                pool.close().await;
                n
            }
        }
    }
}

/// One `#[tokio::test]` per backend for each `async fn(Target)` named.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    super::$name(super::common::Target::sqlite(&dir)).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(super::common::Target::postgres()).await;
                }
            )*
        }
    };
}
pub(crate) use both_backends;
