//! Scale (issue #13, "Must show"): a store holding 1,000,000 open jobs, and how fast a worker
//! claims its next batch of 32 from it. Performance is reported (median and p99 on stderr),
//! never asserted by time; what is asserted is that every claim returns decodable, due,
//! unleased jobs, and that the plan of the claim's inner `SELECT` (the store's own SQL,
//! `PostgresStore::claim_select_sql`) reads the due index instead of scanning the table.
//!
//! The store looks like a busy production journal of long media jobs, bulk-inserted server
//! side (`INSERT … SELECT` over a generated series, copying one job written through the store
//! so every column decodes):
//!
//! * 995,000 `running` jobs waiting for their next poll, due in 10 to 20 minutes
//!   (vendors render for minutes to hours; the worker polls each every few minutes);
//! * 2,000 jobs leased by other workers, due since before the rest (being polled now: what
//!   about 60 workers of 32 hold); every claim must step over them;
//! * 3,000 due, unleased jobs: the backlog the claims drain.
//!
//! Ids are 26-digit strings (`00…0123`): valid ULIDs, as `RawRow::decode` requires of every
//! row a claim returns. Finished jobs are left out (the due index is partial on open states,
//! so they never enter the claim). Two phases are measured: *backlog* (each claim returns a
//! full batch) and *idle* (the backlog drained, nothing due: what a worker asks every time its
//! queue is empty — the claim must not walk the million waiting jobs to find nothing).
//! PostgreSQL is analysed after the load (autovacuum does that in production); SQLite is not
//! (the store never runs `ANALYZE`).

#[allow(unused_macros, unused_imports)] // `both_backends`: this file picks its own runtimes
mod common;

use common::Target;
use mediatask_core::{TaskHandle, TaskSnapshot, TaskStatus, VendorStatus};
use mediatask_store::{JobChange, JobState, NewJob, SharedStore};
use serde_json::json;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const OPEN: i64 = 1_000_000;
const LEASED: i64 = 2_000;
const DUE: i64 = 3_000;
const BATCH: u32 = 32;
/// Claims measured while the backlog lasts (60 × 32 = 1,920 of the 3,000 due).
const BACKLOG_CLAIMS: usize = 60;
/// Claims measured once nothing is due.
const IDLE_CLAIMS: usize = 60;

fn now_ms() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// One `running` job written through the store: the row every bulk row copies.
async fn template(store: &SharedStore) -> String {
    let job = store
        .insert(NewJob::new(
            "vozo",
            "translate_dub",
            "acct-fingerprint",
            json!({"video_url": "https://example.com/in.mp4", "target_language": "de"}),
        ))
        .await
        .unwrap();
    let handle =
        TaskHandle::new("vozo", "translate_dub", "vt-template").with_vendor_state(json!({"k": 1}));
    store
        .transition(
            &job.id,
            JobState::Submitting,
            JobState::Submitted,
            JobChange::none().handle(handle),
        )
        .await
        .unwrap();
    let snapshot = TaskSnapshot::new(TaskStatus::Running, VendorStatus::new("2")).with_progress(40);
    store
        .transition(
            &job.id,
            JobState::Submitted,
            JobState::Running,
            JobChange::none().snapshot(snapshot),
        )
        .await
        .unwrap();
    job.id.to_string()
}

/// The bulk copy: `series` is the backend's `g(n)` row source for 1..=OPEN, `id` its
/// 26-digit id of `g.n`.
fn bulk_sql(series: &str, id: &str, template: &str, now: i64) -> String {
    format!(
        "{series} INSERT INTO mediatask_jobs (id, provider, kind, account, request, \
           request_sha256, state, version, attempts, recovery_attempts, vendor_task_id, handle, \
           snapshot, created_at_ms, updated_at_ms, submitted_at_ms, next_poll_at_ms, \
           lease_owner, lease_until_ms, lease_seq) \
         SELECT {id}, t.provider, t.kind, t.account, t.request, t.request_sha256, t.state, \
           t.version, t.attempts, t.recovery_attempts, 'vt-' || g.n, t.handle, t.snapshot, \
           {now} - 3600000, {now} - 60000, {now} - 3600000, \
           CASE WHEN g.n <= {LEASED} THEN {now} - 120000 + g.n \
                WHEN g.n <= {LEASED} + {DUE} THEN {now} - 60000 + g.n \
                ELSE {now} + 600000 + (g.n * 7919) % 600000 END, \
           CASE WHEN g.n <= {LEASED} THEN 'other-worker' END, \
           CASE WHEN g.n <= {LEASED} THEN {now} + 3600000 END, \
           CASE WHEN g.n <= {LEASED} THEN 1 ELSE 0 END \
         FROM g, mediatask_jobs t WHERE t.id = '{template}'; \
         DELETE FROM mediatask_jobs WHERE id = '{template}'"
    )
}

async fn load(target: &Target, store: &SharedStore) {
    let template = template(store).await;
    let started = Instant::now();
    let sql = match target {
        Target::Postgres { .. } => bulk_sql(
            &format!("WITH g(n) AS (SELECT generate_series(1::bigint, {OPEN}))"),
            "lpad(g.n::text, 26, '0')",
            &template,
            now_ms(),
        ),
        Target::Sqlite(_) => bulk_sql(
            &format!(
                "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {OPEN})"
            ),
            "printf('%026d', g.n)",
            &template,
            now_ms(),
        ),
    };
    target.exec(&sql).await;
    if let Target::Postgres { .. } = target {
        target.exec("ANALYZE mediatask_jobs").await;
    }
    assert_eq!(target.count_rows().await, OPEN, "the bulk load");
    eprintln!(
        "scale [{}]: {OPEN} open jobs loaded in {:.1} s",
        name(target),
        started.elapsed().as_secs_f64()
    );
}

fn name(target: &Target) -> &'static str {
    match target {
        Target::Postgres { .. } => "postgres",
        Target::Sqlite(_) => "sqlite",
    }
}

/// `n` claims of a batch: their times, after checking every claimed job.
async fn claims(store: &SharedStore, n: usize, expect: u32, now: i64) -> Vec<Duration> {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        let got = store
            .claim_due("scale", Duration::from_secs(300), BATCH, Duration::ZERO)
            .await
            .unwrap();
        times.push(started.elapsed());
        assert_eq!(got.len(), expect as usize, "jobs claimed");
        for job in got {
            let job = job.expect("a claimed row decodes");
            let due = job.next_poll_at.unwrap().timestamp_millis();
            assert!(due <= now, "claimed a job not due: {due} > {now}");
            assert_eq!(job.lease.unwrap().owner, "scale");
            assert_eq!(job.state, JobState::Running);
        }
    }
    times
}

fn report(target: &Target, phase: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let p99 = times[(times.len() * 99).div_ceil(100) - 1];
    eprintln!(
        "scale [{}]: claim_due of {BATCH} over {OPEN} open jobs, {phase}: median {:.2} ms, \
         p99 {:.2} ms, max {:.2} ms ({} claims)",
        name(target),
        ms(times[times.len() / 2]),
        ms(p99),
        ms(*times.last().unwrap()),
        times.len()
    );
}

/// The plan of the claim's inner `SELECT`, as the store runs it (`$3` = 32, `$4` = 0 ms).
async fn plan(target: &Target, analyze: bool) -> String {
    use sqlx::{Connection, Executor};
    match target {
        Target::Postgres { url, schema } => {
            let sql = mediatask_store::PostgresStore::claim_select_sql();
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            conn.execute(format!("SET search_path TO {schema}").as_str())
                .await
                .unwrap();
            let how = if analyze {
                "ANALYZE, BUFFERS, COSTS OFF"
            } else {
                "COSTS OFF"
            };
            // The plan of this execution (bound parameters, a custom plan) …
            let custom: Vec<String> = sqlx::query_scalar(&format!("EXPLAIN ({how}) {sql}"))
                .bind("plan")
                .bind(1_i64)
                .bind(i64::from(BATCH))
                .bind(0_i64)
                .fetch_all(&mut conn)
                .await
                .unwrap();
            // … and the generic plan PostgreSQL may switch a cached statement to.
            conn.execute(
                format!(
                    "SET plan_cache_mode = force_generic_plan; \
                     PREPARE claim(text, bigint, bigint, bigint) AS {sql}"
                )
                .as_str(),
            )
            .await
            .unwrap();
            let generic: Vec<String> = sqlx::query_scalar(&format!(
                "EXPLAIN ({how}) EXECUTE claim('plan', 1, {BATCH}, 0)"
            ))
            .fetch_all(&mut conn)
            .await
            .unwrap();
            conn.close().await.unwrap();
            format!(
                "custom plan:\n{}\ngeneric plan:\n{}",
                custom.join("\n"),
                generic.join("\n")
            )
        }
        Target::Sqlite(path) => {
            let sql = mediatask_store::SqliteStore::claim_select_sql()
                .replace("$3", &BATCH.to_string())
                .replace("$4", "0");
            let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display()))
                .await
                .unwrap();
            let rows: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
            conn.close().await.unwrap();
            rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("\n")
        }
    }
}

/// The plan must bound a scan of the due index by the clock (a range that stops after the
/// batch), not walk the index or the table.
fn assert_uses_due_index(target: &Target, plan: &str) {
    eprintln!(
        "scale [{}]: plan of the claim's SELECT\n{plan}",
        name(target)
    );
    let bounded = match target {
        Target::Postgres { .. } => {
            let lines: Vec<&str> = plan.lines().collect();
            lines.iter().enumerate().all(|(i, l)| {
                !l.contains("Index Scan using mediatask_jobs_due_at")
                    || lines
                        .get(i + 1)
                        .is_some_and(|next| next.trim_start().starts_with("Index Cond:"))
            }) && plan
                .matches("Index Scan using mediatask_jobs_due_at")
                .count()
                == 2
                && !plan.contains("Seq Scan")
                && !plan.contains("Sort")
        }
        Target::Sqlite(_) => {
            plan.contains("SEARCH mediatask_jobs USING INDEX mediatask_jobs_due_at (<expr><?)")
                && !plan.contains("TEMP B-TREE")
        }
    };
    assert!(
        bounded,
        "the claim does not range-scan the due index:\n{plan}"
    );
}

async fn scale(target: Target) {
    let store = target.open().await;
    load(&target, &store).await;
    assert_uses_due_index(&target, &plan(&target, false).await);

    let now = now_ms() + 1_000;
    report(
        &target,
        "backlog",
        claims(&store, BACKLOG_CLAIMS, BATCH, now).await,
    );
    // Drain what is left of the backlog, then ask with nothing due.
    let left = DUE - (BACKLOG_CLAIMS as i64) * i64::from(BATCH);
    let mut drained = 0_i64;
    while drained < left {
        let got = store
            .claim_due("scale", Duration::from_secs(300), 500, Duration::ZERO)
            .await
            .unwrap();
        assert!(!got.is_empty(), "the backlog ran dry early");
        drained += got.len() as i64;
    }
    assert_eq!(drained, left, "every due job claimed exactly once");
    let idle_plan = plan(&target, matches!(target, Target::Postgres { .. })).await;
    assert_uses_due_index(&target, &idle_plan);
    report(&target, "idle", claims(&store, IDLE_CLAIMS, 0, now).await);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_one_million_open_jobs() {
    scale(Target::postgres()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_one_million_open_jobs() {
    let dir = tempfile::tempdir().unwrap();
    scale(Target::sqlite(&dir)).await;
}
