//! The CLI's job journal: on by default (SQLite in the platform data directory), `--store URL`
//! / `MEDIATASK_STORE` to choose another (`sqlite:PATH`, `postgres://…`), `--no-store` to opt
//! out. Opened once per command that runs jobs; every task those commands build is wrapped in
//! [`mediatask_store::Journaled`], and a job id is accepted wherever a handle is.

use crate::cli::Global;
use crate::exit::{CliResult, Failure};
use mediatask_core::{DynMediaTask, TaskHandle};
use mediatask_store::{
    JobId, JobRecord, JournalOptions, Journaled, SharedStore, SlotWait, SlotWaitNotice, redact_url,
};
use sha2::{Digest, Sha256};
use std::sync::{Arc, OnceLock};

/// The store of this process, once opened (`None` inside: `--no-store`).
static STORE: OnceLock<Option<SharedStore>> = OnceLock::new();

/// The rate gate every process on the same store shares (opened with the store).
static GATE: OnceLock<Arc<dyn mediatask_http::RateGate>> = OnceLock::new();

/// The shared rate gate, when the journal is open: vendor clients built with it keep "≤ N
/// requests in any sliding second" across every process using the same store.
pub(crate) fn rate_gate() -> Option<Arc<dyn mediatask_http::RateGate>> {
    current().and(GATE.get().cloned())
}

/// The default store URL: `sqlite:<data dir>/mediatask/jobs.db` (`$XDG_DATA_HOME` on Linux).
pub(crate) fn default_store_url() -> CliResult<String> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().map_err(|e| {
        Failure::input(format!(
            "cannot find a data directory for the job journal ({e}); pass --store sqlite:PATH or --no-store"
        ))
    })?;
    let path = base.data_dir().join("mediatask").join("jobs.db");
    Ok(format!("sqlite:{}", path.display()))
}

/// Open the store the flags ask for (once per process) and return it.
pub(crate) async fn open(global: &Global) -> CliResult<Option<SharedStore>> {
    if let Some(s) = STORE.get() {
        return Ok(s.clone());
    }
    let store = if global.no_store {
        None
    } else {
        let url = match &global.store {
            Some(url) => url.clone(),
            None => default_store_url()?,
        };
        let store = mediatask_store::open(&url).await.map_err(|e| {
            let code = match e {
                mediatask_store::StoreError::Config(_)
                | mediatask_store::StoreError::SchemaTooNew { .. } => crate::exit::INVALID_INPUT,
                _ => crate::exit::OTHER,
            };
            Failure::other(
                code,
                format!(
                    "cannot open the job journal {}: {e} — fix --store / MEDIATASK_STORE, or pass --no-store to run without one (a crash then loses track of submitted jobs)",
                    redact_url(&url)
                ),
            )
        })?;
        // The store's own database also carries the account's shared rate limits, unless
        // --limits names another place (e.g. a Redis the service already runs).
        let limits_url = global.limits.as_deref().unwrap_or(&url);
        let gate = mediatask_store::open_rate_gate(limits_url).await.map_err(|e| {
            Failure::other(
                crate::exit::OTHER,
                format!(
                    "cannot open the shared rate limits in {}: {e} (fix --limits / MEDIATASK_LIMITS)",
                    redact_url(limits_url)
                ),
            )
        })?;
        let _ = GATE.set(gate);
        Some(store)
    };
    Ok(STORE.get_or_init(|| store).clone())
}

/// Open the store for a command that only records what it sees: a store that cannot be
/// opened is a warning, and the command runs unjournaled.
pub(crate) async fn open_optional(global: &Global) {
    if let Err(f) = open(global).await {
        eprintln!(
            "warning: {} (continuing without the journal)",
            f.line.trim_start_matches("error: ")
        );
        let _ = STORE.set(None);
    }
}

/// The store, when one was opened (see [`open`]).
pub(crate) fn current() -> Option<SharedStore> {
    STORE.get().cloned().flatten()
}

/// The store, or an input error for commands that need one.
pub(crate) async fn require(global: &Global, what: &str) -> CliResult<SharedStore> {
    open(global).await?.ok_or_else(|| {
        let why = if global.no_store {
            "--no-store turned it off"
        } else {
            "it could not be opened (see the warning above)"
        };
        Failure::input(format!("{what} needs the job journal, and {why}"))
    })
}

/// The vendor account's fingerprint: provider, endpoint and the non-secret key id (or a hash
/// of the API key where the key is all there is) — never the secret itself.
pub(crate) fn account_fingerprint(provider: &str, entry: &serde_json::Value) -> String {
    let field = |k: &str, env: &str| {
        entry
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .or_else(|| std::env::var(env).ok())
            .unwrap_or_default()
    };
    let id = match provider {
        "tencent-vod" => field("secret_id", "TENCENTCLOUD_SECRET_ID"),
        "softsugar" => field("app_id", "SOFTSUGAR_APP_ID"),
        "xjc" => field("access_key", "XJC_ACCESS_KEY"),
        "reccloud" => field("api_key", "RECCLOUD_API_KEY"),
        "vozo" => field("api_key", "VOZO_API_KEY"),
        _ => String::new(),
    };
    let base = entry
        .get("base_url")
        .and_then(|v| v.as_str())
        .unwrap_or("default");
    let digest = Sha256::digest(format!("{provider}\n{base}\n{id}").as_bytes());
    format!("{provider}:{}", &hex::encode(digest)[..16])
}

/// How long this process holds the jobs it submits before it must renew the lease.
pub(crate) const PROCESS_LEASE: std::time::Duration = std::time::Duration::from_secs(60);

/// This process as a lease owner (host, pid and a random part).
pub(crate) fn lease_owner() -> &'static str {
    static OWNER: OnceLock<String> = OnceLock::new();
    OWNER.get_or_init(|| {
        format!(
            "{}:{}:{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into()),
            std::process::id(),
            JobId::new()
        )
    })
}

/// True when a lease owner named by [`lease_owner`] is a process of this host that no longer
/// runs (Linux `/proc`); a process on another host, or one still running, is never "gone".
pub(crate) fn lease_holder_is_gone(owner: &str) -> bool {
    let mut parts = owner.split(':');
    let (Some(host), Some(pid)) = (parts.next(), parts.next()) else {
        return false;
    };
    let this_host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    host == this_host
        && pid != std::process::id()
        && std::path::Path::new("/proc/self").exists()
        && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// The lease this process holds on a job it just submitted (fencing number 1): renewed in the
/// background while held, so no `mediatask worker` polls the job alongside this process.
pub(crate) struct HeldJob {
    store: SharedStore,
    id: JobId,
    renewer: tokio::task::JoinHandle<()>,
}

impl HeldJob {
    /// The job's fencing number while held.
    pub(crate) const SEQ: i64 = 1;

    /// Keep renewing the lease on `id`.
    pub(crate) fn hold(store: SharedStore, id: JobId) -> HeldJob {
        let renewer = {
            let (store, id) = (store.clone(), id.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(PROCESS_LEASE / 3).await;
                    if let Err(e) = store
                        .renew_lease(&id, lease_owner(), Self::SEQ, PROCESS_LEASE)
                        .await
                    {
                        eprintln!("warning: job {id}: {e}; a worker may drive it now");
                        return;
                    }
                }
            })
        };
        HeldJob { store, id, renewer }
    }

    /// Stop renewing and hand the job over (a worker may claim it at once).
    pub(crate) async fn release(self) {
        self.renewer.abort();
        let _ = self
            .store
            .release_lease(&self.id, lease_owner(), Self::SEQ)
            .await;
    }
}

/// `task` wrapped in the journal when one is open.
pub(crate) fn wrap(
    task: Arc<dyn DynMediaTask>,
    provider: &str,
    entry: &serde_json::Value,
) -> Arc<dyn DynMediaTask> {
    match current() {
        Some(store) => Arc::new(
            Journaled::dynamic(task, store).with_options(
                JournalOptions::default()
                    .with_account(account_fingerprint(provider, entry))
                    .with_lease(lease_owner(), PROCESS_LEASE)
                    .with_slot_wait_notice(slot_wait_line()),
            ),
        ),
        None => task,
    }
}

/// A multi-step job (`planner`'s steps, built by `resolve`) as one task over the journal; an
/// input error without one (the steps have nowhere to be kept).
pub(crate) fn step_chain(
    planner: Arc<dyn mediatask_core::steps::StepPlanner>,
    resolve: mediatask_store::recover::TaskResolver,
) -> CliResult<Arc<dyn DynMediaTask>> {
    let info = planner.info();
    let store = current().ok_or_else(|| {
        Failure::input(format!(
            "{}/{} runs several vendor jobs journaled as one job: it needs the job journal (drop --no-store)",
            info.provider, info.kind
        ))
    })?;
    let options = JournalOptions::default().with_slot_wait_notice(slot_wait_line());
    Ok(Arc::new(
        mediatask_store::StepChain::new(planner, store, resolve).with_options(options),
    ))
}

/// The progress line of a submit waiting for a task slot another process holds (stderr, so
/// stdout stays the handle or the result).
fn slot_wait_line() -> SlotWaitNotice {
    SlotWaitNotice::new(|w| eprintln!("{}", slot_wait_text(w)))
}

fn slot_wait_text(w: &SlotWait) -> String {
    format!(
        "waiting for a task slot: all {} slots of {} pool `{}` are held by live jobs of this \
         account (job {} not sent yet, waited {}s; other processes on the account share them)",
        w.max,
        w.provider,
        w.pool,
        w.job,
        w.waited.as_secs()
    )
}

/// A handle argument that is a job id: the job's record from the store.
pub(crate) async fn job_for_argument(global: &Global, arg: &str) -> CliResult<Option<JobRecord>> {
    let Ok(id) = arg.trim().parse::<JobId>() else {
        return Ok(None);
    };
    let store = require(global, "a job id").await?;
    store.get(&id).await.map(Some).map_err(|e| match e {
        mediatask_store::StoreError::NotFound(_) => Failure::other(
            crate::exit::NOT_FOUND,
            format!("{e} — `mediatask jobs` lists the journaled jobs"),
        ),
        e => Failure::other(crate::exit::OTHER, format!("reading job {id}: {e}")),
    })
}

/// The handle of a journaled job, or a clear error saying why it has none yet.
pub(crate) fn handle_of(job: &JobRecord) -> CliResult<TaskHandle> {
    job.handle.clone().ok_or_else(|| {
        let why = match job.state {
            mediatask_store::JobState::Queued => {
                "it is queued and not submitted yet (`mediatask worker` submits it)".to_owned()
            }
            mediatask_store::JobState::Submitting => {
                "its submit is in flight or was interrupted (`mediatask resume` reconciles it)"
                    .to_owned()
            }
            mediatask_store::JobState::Unknown => {
                "its submit's outcome is unknown (see `mediatask jobs show`)".to_owned()
            }
            s => format!("it is {s}"),
        };
        Failure::other(
            crate::exit::NOT_FOUND,
            format!("job {} has no vendor task: {why}", job.id),
        )
    })
}

/// A handle argument: a job id from the journal, or a handle (inline JSON, a file, `-`).
pub(crate) async fn read_handle(global: &Global, source: &str) -> CliResult<TaskHandle> {
    match job_for_argument(global, source).await? {
        Some(job) => handle_of(&job),
        None => crate::inputs::read_handle(source),
    }
}

/// Tell the user which journal entry a fresh handle is (stderr, so stdout stays the handle),
/// and keep holding the job's lease while this process drives it.
pub(crate) async fn announce(handle: &TaskHandle) -> Option<HeldJob> {
    let store = current()?;
    let job = store
        .find_by_vendor_task(&handle.provider, &handle.task_id)
        .await
        .ok()
        .flatten()?;
    eprintln!(
        "journaled as job {} (`mediatask jobs show {}`; any command taking a handle takes it)",
        job.id, job.id
    );
    Some(HeldJob::hold(store, job.id))
}
