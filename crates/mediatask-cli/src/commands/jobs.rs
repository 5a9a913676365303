//! The journal's commands: `jobs`, `jobs show`, `resume`, `enqueue`, `worker`.

use crate::cli::{Global, JobStateFilter, Output};
use crate::commands::tasks::hide_url_queries;
use crate::exit::{self, CliResult, Failure};
use crate::inputs::read_request;
use crate::journal;
use crate::setup;
use futures::StreamExt;
use mediatask_store::recover::{JobOutcome, Recovery};
use mediatask_store::wakeups::{ConfirmPolls, Wakeups};
use mediatask_store::{JobFilter, JobId, JobRecord, JobState, NewJob, SharedStore};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

fn print_json(v: &impl serde::Serialize) {
    match serde_json::to_string(v) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("error: cannot serialise output: {e}"),
    }
}

fn store_failure(what: &str, e: mediatask_store::StoreError) -> Failure {
    let code = match e {
        mediatask_store::StoreError::NotFound(_) => exit::NOT_FOUND,
        _ => exit::OTHER,
    };
    Failure::other(code, format!("{what}: {e}"))
}

fn filter_for(state: JobStateFilter) -> JobFilter {
    match state {
        JobStateFilter::Open => JobFilter::open(),
        JobStateFilter::All => JobFilter::all(),
        JobStateFilter::Unknown => JobFilter::states([JobState::Unknown]),
        JobStateFilter::Failed => {
            JobFilter::states([JobState::Failed, JobState::Rejected, JobState::Cancelled])
        }
        JobStateFilter::Succeeded => JobFilter::states([JobState::Succeeded]),
    }
}

/// One line per job for text output (no URL, no request body).
fn job_line(job: &JobRecord) -> String {
    let mut line = format!(
        "{}  {:<10}  {}/{}  task {}  updated {}",
        job.id,
        job.state.as_str(),
        job.provider,
        job.kind,
        job.vendor_task_id.as_deref().unwrap_or("-"),
        job.updated_at.format("%Y-%m-%d %H:%M:%S"),
    );
    if let Some(s) = &job.snapshot
        && job.state.is_open()
    {
        line.push_str(&format!("  [{}", s.status));
        if let Some(p) = s.progress {
            line.push_str(&format!(" {p}%"));
        }
        line.push(']');
    }
    if let Some(step) = &job.step {
        line.push_str(&format!("  step {} of job {}", step.index + 1, step.parent));
    }
    if let Some(e) = &job.error
        && !matches!(job.state, JobState::Succeeded)
    {
        let msg: String = hide_url_queries(&e.message).chars().take(120).collect();
        line.push_str(&format!("  {}: {msg}", e.kind));
    }
    line
}

/// `mediatask jobs`.
pub(crate) async fn list(global: &Global, state: JobStateFilter, limit: u32) -> CliResult {
    let store = journal::require(global, "`mediatask jobs`").await?;
    let rows = store
        .list(&filter_for(state).limit(limit))
        .await
        .map_err(|e| store_failure("listing jobs", e))?;
    let mut corrupt = 0;
    if global.output == Output::Json {
        let items: Vec<Value> = rows
            .iter()
            .map(|r| match r {
                Ok(job) => serde_json::to_value(job).unwrap_or(Value::Null),
                Err(e) => json!({"error": e.to_string()}),
            })
            .collect();
        corrupt = rows.iter().filter(|r| r.is_err()).count();
        print_json(&items);
    } else {
        if rows.is_empty() {
            println!("no jobs ({})", state_word(state));
        }
        for r in &rows {
            match r {
                Ok(job) => println!("{}", job_line(job)),
                Err(e) => {
                    corrupt += 1;
                    println!("error: {e}");
                }
            }
        }
    }
    if corrupt > 0 {
        return Err(Failure::other(
            exit::OTHER,
            format!("{corrupt} journal row(s) could not be read; they were left untouched"),
        ));
    }
    Ok(exit::OK)
}

fn state_word(s: JobStateFilter) -> &'static str {
    match s {
        JobStateFilter::Open => "open",
        JobStateFilter::All => "any state",
        JobStateFilter::Unknown => "unknown",
        JobStateFilter::Failed => "failed, rejected or cancelled",
        JobStateFilter::Succeeded => "succeeded",
    }
}

fn parse_id(s: &str) -> CliResult<JobId> {
    s.trim().parse().map_err(Failure::input)
}

/// `mediatask jobs show`.
pub(crate) async fn show(global: &Global, id: &str) -> CliResult {
    let id = parse_id(id)?;
    let store = journal::require(global, "`mediatask jobs show`").await?;
    let job = store
        .get(&id)
        .await
        .map_err(|e| store_failure(&format!("reading job {id}"), e))?;
    if global.output == Output::Json {
        print_json(&job);
        return Ok(exit::OK);
    }
    println!("{}", job_line(&job));
    println!("  account        {}", job.account);
    println!("  request sha256 {}", job.request_sha256);
    println!(
        "  attempts       {} submit, {} recovery",
        job.attempts, job.recovery_attempts
    );
    println!("  created        {}", job.created_at.to_rfc3339());
    if let Some(t) = job.submitted_at {
        println!("  submitted      {}", t.to_rfc3339());
    }
    if let Some(t) = job.finished_at {
        println!("  finished       {}", t.to_rfc3339());
    }
    if let Some(s) = &job.snapshot {
        println!(
            "  last status    {} (vendor status {})",
            s.status, s.vendor_status.code
        );
    }
    if let Some(e) = &job.error {
        let code = e
            .vendor_code
            .as_deref()
            .map(|c| format!(" [vendor code {c}]"))
            .unwrap_or_default();
        println!(
            "  error          {}: {}{code}",
            e.kind,
            hide_url_queries(&e.message)
        );
    }
    let steps = mediatask_store::steps::steps_of(store.as_ref(), &job.id)
        .await
        .map_err(|e| store_failure(&format!("reading the steps of job {id}"), e))?;
    for step in &steps {
        println!("  step           {}", job_line(step));
    }
    for a in &job.artifacts {
        let expires = a
            .expires_at
            .map_or("expiry unknown".to_owned(), |t| format!("expires {t}"));
        println!(
            "  artifact {:?}: {} ({expires})",
            a.kind,
            crate::commands::tasks::shown_url(&a.url)
        );
    }
    if job.state == JobState::Unknown {
        println!(
            "  → the vendor may hold this job and bill it: look it up in the vendor console (our id {} \
             is in the request where the vendor has a field for it) before submitting it again",
            job.id
        );
    }
    if !job.artifacts.is_empty() {
        println!("(URLs shown without their signed query; use --output json for the full URLs)");
    }
    Ok(exit::OK)
}

/// `mediatask enqueue`.
pub(crate) async fn enqueue(global: &Global, provider: &str, kind: &str, input: &str) -> CliResult {
    let request = read_request(input)?;
    // Validate the provider and kind now, not when a worker picks the job up.
    setup::task_for(global, provider, kind)?;
    let entry = setup::provider_entry(global, provider)?;
    let store = journal::require(global, "`mediatask enqueue`").await?;
    let job = store
        .insert(
            NewJob::new(
                provider,
                kind,
                journal::account_fingerprint(provider, &entry),
                request,
            )
            .queued(),
        )
        .await
        .map_err(|e| store_failure("journaling the job", e))?;
    if global.output == Output::Json {
        print_json(&json!({"job_id": job.id, "state": job.state}));
    } else {
        println!(
            "{} queued ({provider}/{kind}); `mediatask worker` submits it",
            job.id
        );
    }
    Ok(exit::OK)
}

fn recovery(
    global: &Global,
    store: SharedStore,
    grace_secs: u64,
    wakeups: Option<&Wakeups>,
) -> Recovery {
    let mut policy = setup::wait_policy(global);
    policy.jitter = true;
    if let Some(w) = wakeups {
        // A callback recorded through the same `Wakeups` ends the sleep between two polls.
        policy.runtime.sleeper = w.sleeper(policy.runtime.sleeper.clone());
    }
    // Unwrapped tasks: the recovery journals through the store itself.
    Recovery::new(store, setup::resolver(global))
        .with_wait_policy(policy)
        .with_submitting_grace(Duration::from_secs(grace_secs))
}

/// The exit code of one outcome.
fn outcome_code(o: &JobOutcome) -> u8 {
    if o.succeeded() {
        return exit::OK;
    }
    if let Some(e) = &o.error {
        return exit::code_for(e.kind());
    }
    match o.state() {
        Some(JobState::Failed | JobState::Cancelled | JobState::Rejected) => exit::TASK_FAILED,
        Some(JobState::Unknown) => exit::OUTCOME_UNKNOWN,
        _ => exit::OTHER,
    }
}

fn show_outcome(global: &Global, o: &JobOutcome) {
    let state = o.state().map(|s| s.as_str()).unwrap_or("unreadable");
    if global.output == Output::Json {
        let rec = o.record.as_ref();
        print_json(&json!({
            "job_id": o.job_id,
            "state": state,
            "provider": rec.map(|r| r.provider.clone()),
            "kind": rec.map(|r| r.kind.clone()),
            "task_id": rec.and_then(|r| r.vendor_task_id.clone()),
            "artifacts": rec.map(|r| r.artifacts.len()).unwrap_or(0),
            "error": o.error.as_ref().map(|e| json!({"kind": e.kind().as_str(), "message": e.message()}))
                .or_else(|| rec.and_then(|r| r.error.as_ref()).filter(|_| !o.succeeded()).map(|e| json!({"kind": e.kind, "message": e.message}))),
        }));
        return;
    }
    match (&o.record, &o.error) {
        (Some(r), _) if o.succeeded() => println!(
            "{}  succeeded  {}/{}  {} artifact(s) — `mediatask jobs show {}`",
            o.job_id,
            r.provider,
            r.kind,
            r.artifacts.len(),
            o.job_id
        ),
        (_, Some(e)) => println!(
            "{}  {state}  {}",
            o.job_id,
            crate::exit::report("driving the job", e).trim_start_matches("error: ")
        ),
        (Some(r), None) => println!("{}", job_line(r)),
        (None, None) => println!("{}  {state}", o.job_id),
    }
}

/// A job named to `resume` whose lease another process still holds is refused, unless that
/// process is provably gone (same host, its pid no longer running): driving it alongside a live
/// submitter could reconcile a submit that is still in flight.
fn refuse_if_held_by_a_live_process(job: &JobRecord) -> CliResult<()> {
    let Some(lease) = job.lease.as_ref().filter(|l| l.until > chrono::Utc::now()) else {
        return Ok(());
    };
    if journal::lease_holder_is_gone(&lease.owner) {
        return Ok(());
    }
    Err(Failure::other(
        exit::LIMITS,
        format!(
            "job {} is held by a live process ({}) until {}; wait for it, or stop that process first",
            job.id,
            lease.owner,
            lease.until.to_rfc3339()
        ),
    ))
}

/// `mediatask resume`.
pub(crate) async fn resume(global: &Global, ids: &[String], grace_secs: u64) -> CliResult {
    let store = journal::require(global, "`mediatask resume`").await?;
    let recovery = recovery(global, store.clone(), grace_secs, None);
    let jobs = if ids.is_empty() {
        let mut jobs = Vec::new();
        for r in recovery
            .open_jobs()
            .await
            .map_err(|e| store_failure("listing open jobs", e))?
        {
            match r {
                Ok(job) => jobs.push(job),
                Err(e) => eprintln!("warning: skipping an unreadable journal row: {e}"),
            }
        }
        jobs
    } else {
        let mut jobs = Vec::new();
        for id in ids {
            let id = parse_id(id)?;
            let job = store
                .get(&id)
                .await
                .map_err(|e| store_failure(&format!("reading job {id}"), e))?;
            refuse_if_held_by_a_live_process(&job)?;
            jobs.push(job);
        }
        jobs
    };
    if jobs.is_empty() && global.output == Output::Text {
        println!("no open jobs to resume");
    }
    let mut worst = exit::OK;
    let mut outcomes = recovery.resume(jobs);
    while let Some(o) = outcomes.next().await {
        show_outcome(global, &o);
        let code = outcome_code(&o);
        if worst == exit::OK {
            worst = code;
        }
    }
    Ok(worst)
}

/// How long a worker's claim on a job lasts before it must renew it.
const DEFAULT_WORKER_LEASE: Duration = Duration::from_secs(60);

/// This worker's lease (`worker --lease-ms`), set once at start.
static WORKER_LEASE: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();

/// Use `lease` for every claim of this worker (a job of a worker that died is taken over
/// once it runs out; the worker renews it every third of it).
pub(crate) fn set_worker_lease(lease: Duration) {
    let _ = WORKER_LEASE.set(lease.max(Duration::from_millis(300)));
}

fn worker_lease() -> Duration {
    WORKER_LEASE.get().copied().unwrap_or(DEFAULT_WORKER_LEASE)
}
/// After a callback woke a job, the longest sleep between its confirming polls …
const CONFIRM_INTERVAL: Duration = Duration::from_secs(1);
/// … for this long.
const CONFIRM_WINDOW: Duration = Duration::from_secs(30);
/// Jobs one worker claims per round.
const WORKER_BATCH: u32 = 32;

/// `mediatask worker`: claim due jobs with a lease (never two workers on one job), drive each
/// under its fencing number while renewing the lease, release it, repeat. With `webhooks`,
/// also serve the callback receiver there: a callback ends the wait of a job this worker
/// drives, or makes an unclaimed one due and claimed at once (see [`crate::webhooks`]).
pub(crate) async fn worker(
    global: &Global,
    until_idle: bool,
    grace_secs: u64,
    idle_poll_ms: u64,
    webhooks: Option<&str>,
) -> CliResult {
    let store = journal::require(global, "`mediatask worker`").await?;
    // After a callback, confirm by polling every second for half a minute: the vendor's
    // status API may not agree yet, and only its answer ends the job.
    let wakeups = Wakeups::new().with_confirm_polls(ConfirmPolls {
        interval: CONFIRM_INTERVAL,
        window: CONFIRM_WINDOW,
    });
    let receiver = match webhooks {
        Some(addr) => {
            Some(crate::webhooks::serve(global, addr, store.clone(), wakeups.clone()).await?)
        }
        None => None,
    };
    let claim_now = receiver.as_ref().map(|r| r.claim_now.clone());
    let recovery = Arc::new(recovery(global, store.clone(), grace_secs, Some(&wakeups)));
    let owner = format!(
        "{}:{}:{}",
        std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into()),
        std::process::id(),
        JobId::new()
    );
    let grace = Duration::from_secs(grace_secs);
    let mut running = tokio::task::JoinSet::new();
    let mut worst = exit::OK;
    loop {
        let room = (WORKER_BATCH as usize).saturating_sub(running.len()) as u32;
        let claimed = if room > 0 {
            store
                .claim_due(&owner, worker_lease(), room, grace)
                .await
                .map_err(|e| store_failure("claiming due jobs", e))?
        } else {
            Vec::new()
        };
        for row in claimed {
            let job = match row {
                Ok(job) => job,
                Err(e) => {
                    eprintln!("warning: skipping an unreadable journal row: {e}");
                    continue;
                }
            };
            let (store, recovery, owner) = (store.clone(), recovery.clone(), owner.clone());
            let wakeups = wakeups.clone();
            running.spawn(async move {
                let id = job.id.clone();
                wakeups
                    .scope(&id, drive_leased(store, recovery, owner, job))
                    .await
            });
        }
        // Collect what finished; wait a little when nothing is due (a callback that woke a
        // job cuts the wait short).
        let idle = tokio::time::sleep(Duration::from_millis(idle_poll_ms.max(10)));
        let woken = async {
            match &claim_now {
                Some(n) => n.notified().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = woken => {}
            Some(done) = running.join_next() => {
                if let Ok(Some(o)) = done {
                    show_outcome(global, &o);
                    let code = outcome_code(&o);
                    if worst == exit::OK {
                        worst = code;
                    }
                }
            }
            _ = idle => {}
        }
        if until_idle && running.is_empty() {
            let open = store
                .list(&JobFilter::open().limit(1))
                .await
                .map_err(|e| store_failure("listing open jobs", e))?;
            if open.is_empty() {
                return Ok(worst);
            }
        }
    }
}

/// Drive one claimed job under its lease; `None` when it went back to the queue (throttled).
async fn drive_leased(
    store: SharedStore,
    recovery: Arc<Recovery>,
    owner: String,
    job: JobRecord,
) -> Option<JobOutcome> {
    let seq = job.lease.as_ref().map_or(0, |l| l.seq);
    let id = job.id.clone();
    let renewer = {
        let (store, owner, id) = (store.clone(), owner.clone(), id.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(worker_lease() / 3).await;
                if let Err(e) = store.renew_lease(&id, &owner, seq, worker_lease()).await {
                    eprintln!("warning: job {id}: {e}; another worker may drive it now");
                    return;
                }
            }
        })
    };
    let outcome = mediatask_store::lease::with_fence(seq, recovery.drive(job)).await;
    renewer.abort();
    let _ = store.release_lease(&id, &owner, seq).await;
    (outcome.state() != Some(JobState::Queued)).then_some(outcome)
}
