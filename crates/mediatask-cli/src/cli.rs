//! Command-line definitions (clap).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Run long AI media jobs (avatars, voice cloning, TTS, STT, subtitles, dubbing, face swap) on
/// several vendors through one interface: submit → poll → cancel → result.
///
/// Credentials come from each vendor's environment variables (TENCENTCLOUD_SECRET_ID /
/// TENCENTCLOUD_SECRET_KEY, SOFTSUGAR_APP_ID / SOFTSUGAR_APP_KEY, XJC_ACCESS_KEY /
/// XJC_SECRET_KEY, RECCLOUD_API_KEY, VOZO_API_KEY) or from `--config`.
///
/// Exit codes: 0 ok · 1 other error · 2 invalid input/configuration · 3 task failed/cancelled ·
/// 4 auth/permission · 5 rate/concurrency/quota limit · 6 outcome unknown (a submit may have
/// created a job: do not resubmit blindly) · 7 timed out (task may still run) · 8 not found /
/// expired · 9 not finished yet (`result` on a queued/running task: `mediatask wait` it first) ·
/// 10 cancel refused by the vendor (the task keeps running).
#[derive(Debug, Parser)]
#[command(name = "mediatask", version, about, long_about)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Output {
    /// Human-readable text.
    Text,
    /// JSON (one document, or JSON lines while waiting).
    Json,
}

/// Options shared by every command.
#[derive(Debug, Clone, Args)]
pub(crate) struct Global {
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Output::Text)]
    pub(crate) output: Output,
    /// Override the vendor's base URL (e.g. an emulator: http://127.0.0.1:PORT).
    #[arg(long, global = true, env = "MEDIATASK_ENDPOINT")]
    pub(crate) endpoint: Option<String>,
    /// Registry configuration file: `{"<provider>": {<vendor config>}, …}`. Credentials missing
    /// from it fall back to the vendor's environment variables.
    #[arg(long, global = true, env = "MEDIATASK_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// Shortest delay between polls, milliseconds.
    #[arg(long, global = true, default_value_t = 2000)]
    pub(crate) min_poll_ms: u64,
    /// Longest delay between polls, milliseconds.
    #[arg(long, global = true, default_value_t = 30_000)]
    pub(crate) max_poll_ms: u64,
    /// Give up waiting after this many seconds (the remote task keeps running).
    #[arg(long, global = true, default_value_t = 6 * 3600)]
    pub(crate) max_wait_secs: u64,
    /// The job journal: `sqlite:PATH` or `postgres://USER@HOST/DB` (default: SQLite in the
    /// platform data directory, e.g. `~/.local/share/mediatask/jobs.db`). Every submitted job is
    /// recorded before its request leaves, so a crash never loses a paid job.
    #[arg(long, global = true, env = "MEDIATASK_STORE")]
    pub(crate) store: Option<String>,
    /// Run without the job journal (a crash then loses track of submitted jobs).
    #[arg(long, global = true)]
    pub(crate) no_store: bool,
    /// Where every process on a vendor account shares its request rate: `redis://HOST:PORT`,
    /// `sqlite:PATH` or `postgres://…` (default: the journal's own database). Task slots
    /// always live in the journal.
    #[arg(long, global = true, env = "MEDIATASK_LIMITS")]
    pub(crate) limits: Option<String>,
    /// Public base URL of the callback receiver (`mediatask worker --webhooks`), e.g.
    /// `https://hooks.example.com/mediatask`: journaled submits pass
    /// `<base>/<vendor>/<job id>/<token>` to the vendors that take a callback URL per request
    /// (ai-xjc `callbackUrl`, Vozo `callback_url`). Needs MEDIATASK_WEBHOOK_KEY.
    #[arg(long, global = true, env = "MEDIATASK_WEBHOOK_BASE")]
    pub(crate) webhook_base: Option<String>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List the compiled-in vendors and their job kinds with capabilities.
    Providers {
        /// Print the capability × vendor matrix instead: which common fields each vendor
        /// honours (generated from the code).
        #[arg(long)]
        capabilities: bool,
        /// With --capabilities: the matrix as the README's Markdown table.
        #[arg(long, requires = "capabilities")]
        markdown: bool,
    },
    /// Run a capability-level job (voice_clone, text_to_speech, talking_avatar, translate_dub,
    /// speech_to_text, lip_sync, face_swap, video_generation, image_generation) with a common
    /// request, on `--vendor` or the config file's `capabilities.<name>`; submits, waits and
    /// fetches like `run`.
    Do {
        /// Capability name (see `mediatask providers --capabilities`).
        capability: String,
        /// The vendor to run it on (default: the config file's `capabilities` section).
        #[arg(long)]
        vendor: Option<String>,
        /// Common request JSON: inline, a file path, or `-` for stdin.
        #[arg(long, short)]
        input: String,
        /// Send what the vendor can honour and warn about every dropped or approximated
        /// field (default: refuse the request before sending anything).
        #[arg(long)]
        lenient: bool,
        /// Download every result file into this directory.
        #[arg(long)]
        download: Option<PathBuf>,
        /// Also write the handle here right after submitting (to resume if interrupted).
        #[arg(long)]
        handle_file: Option<PathBuf>,
    },
    /// Submit a job; prints its handle as JSON (save it to resume later).
    Submit {
        /// Provider name (see `mediatask providers`).
        provider: String,
        /// Job kind (see `mediatask providers`).
        kind: String,
        /// Request JSON: inline, a file path, or `-` for stdin.
        #[arg(long, short)]
        input: String,
    },
    /// Poll a task once.
    Status {
        /// Handle: inline JSON, a file path, or `-` for stdin.
        handle: String,
    },
    /// Wait for a task to finish (progress bar on a TTY, JSON lines otherwise).
    Wait {
        /// Handle: inline JSON, a file path, or `-` for stdin.
        handle: String,
    },
    /// Ask the vendor to cancel a task.
    Cancel {
        /// Handle: inline JSON, a file path, or `-` for stdin.
        handle: String,
    },
    /// Fetch a finished task's result (and optionally download its files).
    Result {
        /// Handle: inline JSON, a file path, or `-` for stdin.
        handle: String,
        /// Download every result file into this directory (no credentials are sent).
        #[arg(long)]
        download: Option<PathBuf>,
    },
    /// Submit, wait and fetch the result in one go.
    Run {
        /// Provider name.
        provider: String,
        /// Job kind.
        kind: String,
        /// Request JSON: inline, a file path, or `-` for stdin.
        #[arg(long, short)]
        input: String,
        /// Download every result file into this directory.
        #[arg(long)]
        download: Option<PathBuf>,
        /// Also write the handle here right after submitting (to resume if interrupted).
        #[arg(long)]
        handle_file: Option<PathBuf>,
    },
    /// Account balance and bills: `account xjc balance|bills`, `account softsugar bills
    /// [--voice]`.
    Account(AccountArgs),
    /// Public catalogues: `catalog softsugar avatars|voices|templates|scripts|warming`.
    Catalog(CatalogArgs),
    /// Manage an existing task: `task restart|delete|phases <handle>` (SoftSugar).
    Task {
        /// What to do with the task.
        #[command(subcommand)]
        action: TaskAction,
    },
    /// List journaled jobs (`jobs`, `jobs --state unknown`, `jobs show JOB_ID`).
    Jobs(JobsArgs),
    /// Drive the given journaled jobs (default: every open one) to the end in this process:
    /// submit queued ones, reconcile interrupted submits (never resubmitting blindly), wait,
    /// fetch results. Exits 0 when all succeeded.
    Resume {
        /// Job ids (default: all open jobs).
        ids: Vec<String>,
        /// Leave alone (when no ids are given) a `submitting` job written less than this many
        /// seconds ago: another live process may be sending it.
        #[arg(long, default_value_t = 60)]
        submitting_grace_secs: u64,
    },
    /// Journal a job as queued without submitting it (`mediatask worker` submits it).
    Enqueue {
        /// Provider name.
        provider: String,
        /// Job kind.
        kind: String,
        /// Request JSON: inline, a file path, or `-` for stdin.
        #[arg(long, short)]
        input: String,
    },
    /// Submit queued jobs and drive open jobs to the end, until stopped (or, with
    /// `--until-idle`, until no job is open).
    Worker {
        /// Exit when no job is open.
        #[arg(long)]
        until_idle: bool,
        /// Reconcile a `submitting` job only once it is this many seconds old.
        #[arg(long, default_value_t = 60)]
        submitting_grace_secs: u64,
        /// How often an idle worker looks for new jobs, milliseconds.
        #[arg(long, default_value_t = 500)]
        idle_poll_ms: u64,
        /// How long a claim lasts, milliseconds (renewed every third of it): a job whose
        /// worker died is taken over, and its task slot freed, once it runs out.
        #[arg(long, default_value_t = 60_000)]
        lease_ms: u64,
        /// Also serve the vendor callback receiver on ADDR (e.g. `0.0.0.0:8080`): a verified
        /// callback makes its job due now and wakes this worker, which confirms by polling the
        /// vendor. Needs MEDIATASK_WEBHOOK_KEY (see docs/webhooks.md).
        #[arg(long, value_name = "ADDR")]
        webhooks: Option<String>,
    },
    /// Run the local multi-vendor emulator (prints its URLs and credentials as one JSON line).
    Emulator(EmulatorArgs),
    /// Start the built-in emulator and run one real job per compiled-in vendor end to end.
    Demo(DemoArgs),
}

/// How a command uses the job journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JournalUse {
    /// Not at all.
    None,
    /// Records what it sees when a journal is available (handle-based commands).
    Optional,
    /// Cannot run without it (it submits, or reads the journal).
    Required,
}

impl Command {
    /// How this command uses the journal.
    pub(crate) fn journal_use(&self) -> JournalUse {
        match self {
            Command::Submit { .. }
            | Command::Run { .. }
            | Command::Do { .. }
            | Command::Jobs(_)
            | Command::Resume { .. }
            | Command::Enqueue { .. }
            | Command::Worker { .. } => JournalUse::Required,
            Command::Status { .. }
            | Command::Wait { .. }
            | Command::Cancel { .. }
            | Command::Result { .. } => JournalUse::Optional,
            _ => JournalUse::None,
        }
    }
}

/// Emulator options (shared by `emulator` and `demo`).
#[derive(Debug, Clone, Args)]
pub(crate) struct EmulatorOptions {
    /// Arm a fault: `VENDOR:FAULT[=PARAM]:TARGET[:TIMES[:SKIP]]`, e.g. `reccloud:429=1:poll:3`,
    /// `tencent-vod:drop:submit`, `xjc:expire-token:poll`, `vozo:fail=10012:submit`.
    #[arg(long = "fault")]
    pub(crate) faults: Vec<String>,
    /// Vendor-side rate limit, VENDOR=RPS (answered with the vendor's throttling error).
    #[arg(long = "rate-limit")]
    pub(crate) rate_limits: Vec<String>,
    /// Vendor-side cap on tasks in flight, VENDOR=N.
    #[arg(long = "task-cap")]
    pub(crate) task_caps: Vec<String>,
    /// Milliseconds per task status step (a task takes about 7 steps).
    #[arg(long)]
    pub(crate) step_ms: Option<u64>,
}

/// `mediatask emulator`.
#[derive(Debug, Clone, Args)]
pub(crate) struct EmulatorArgs {
    /// First port (admin API); vendors use the next five ports, the file server the one after.
    /// 0 = ephemeral ports.
    #[arg(long, default_value_t = 0)]
    pub(crate) port: u16,
    #[command(flatten)]
    pub(crate) options: EmulatorOptions,
}

/// `mediatask demo`.
#[derive(Debug, Clone, Args)]
pub(crate) struct DemoArgs {
    /// Directory for the downloaded result files (default: `mediatask-demo` in the system
    /// temporary directory).
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Only these providers (default: every compiled-in one).
    #[arg(long)]
    pub(crate) only: Vec<String>,
    #[command(flatten)]
    pub(crate) options: EmulatorOptions,
}

/// Paging of list commands (sent as the vendor's own paging parameters).
#[derive(Debug, Clone, Copy, Args)]
pub(crate) struct PageArgs {
    /// Page number, from 1 (SoftSugar `pageNo`, ai-xjc `pn`).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) page: u32,
    /// Items per page, 1 to 1000 (SoftSugar `pageSize`, ai-xjc `ds`).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub(crate) page_size: u32,
}

/// `mediatask account <provider> …`.
#[derive(Debug, Clone, Args)]
pub(crate) struct AccountArgs {
    /// Provider name: `xjc` (balance, bills) or `softsugar` (bills).
    pub(crate) provider: String,
    /// What to show.
    #[command(subcommand)]
    pub(crate) action: AccountAction,
}

/// Account subcommands.
#[derive(Debug, Clone, Subcommand)]
pub(crate) enum AccountAction {
    /// Credit balance and voice quotas (ai-xjc `GET /api/model/v5/user/balance`).
    Balance,
    /// One page of bills: ai-xjc credit consumption (`user/bill/list`); SoftSugar task bills
    /// (`POST /api/assist/bill/list`) or, with `--voice`, voice bills (`…/bill/voice/list`).
    Bills(BillArgs),
}

/// SoftSugar voice bill statistics range (`statRange`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StatRange {
    /// One line per day (`"1"`).
    Daily,
    /// One line per month (`"2"`).
    Monthly,
}

/// `mediatask account <provider> bills`.
#[derive(Debug, Clone, Args)]
pub(crate) struct BillArgs {
    #[command(flatten)]
    pub(crate) page: PageArgs,
    /// SoftSugar (required): the account id owning the tasks (`owner`).
    #[arg(long)]
    pub(crate) owner: Option<i64>,
    /// SoftSugar: task type `algoType` — 11 TTS voice model, 12 avatar model, 14 video
    /// synthesis (default), 17 interactive live, 44 video live; with `--voice`: 30 ASR, 31 TTS
    /// (default).
    #[arg(long)]
    pub(crate) algo_type: Option<i64>,
    /// SoftSugar: task group `algoGroup` (default: the task type).
    #[arg(long)]
    pub(crate) algo_group: Option<i64>,
    /// SoftSugar: start of the period, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS` (default: 30 days
    /// before `--to`).
    #[arg(long)]
    pub(crate) from: Option<String>,
    /// SoftSugar: end of the period, `YYYY-MM-DD` (the whole day) or `YYYY-MM-DD HH:MM:SS`
    /// (default: now, local time).
    #[arg(long)]
    pub(crate) to: Option<String>,
    /// SoftSugar: voice (ASR/TTS) bills instead of task bills.
    #[arg(long)]
    pub(crate) voice: bool,
    /// SoftSugar voice bills: channel `algoSubType1` (PAAS_HTTP, PAAS_WS, PAAS_VIDEO_2D,
    /// PAAS_VIDEO_MIX, PAAS_LIVE; default: all).
    #[arg(long)]
    pub(crate) channel: Option<String>,
    /// SoftSugar voice bills: engine `algoSubType2` (ASR5, TTS3, TTS4, TTS5, TTS7, TTS8;
    /// default: all).
    #[arg(long)]
    pub(crate) engine: Option<String>,
    /// SoftSugar voice bills: one line per day or per month (`statRange`).
    #[arg(long, value_enum)]
    pub(crate) stat_range: Option<StatRange>,
}

/// `mediatask catalog <provider> …`.
#[derive(Debug, Clone, Args)]
pub(crate) struct CatalogArgs {
    /// Provider name: `softsugar`.
    pub(crate) provider: String,
    /// Which catalogue.
    #[command(subcommand)]
    pub(crate) list: CatalogList,
}

/// Catalogue subcommands.
#[derive(Debug, Clone, Subcommand)]
pub(crate) enum CatalogList {
    /// Public avatar models (`POST /api/2dvh/v1/material/appearance/list`).
    Avatars(CatalogPage),
    /// Public TTS voices with their QID (`POST /api/2dvh/v3/material/tts/list`); `--legacy`:
    /// the old voice models (`/api/2dvh/v1/material/tts/list`).
    Voices {
        /// The legacy (v1) voice models instead of the QID (v3) ones.
        #[arg(long)]
        legacy: bool,
        #[command(flatten)]
        page: CatalogPage,
    },
    /// Public video templates (`POST /api/2dvh/v1/material/video/template/list`).
    Templates(CatalogPage),
    /// Public live-streaming scripts (`POST /api/2dvh/v1/material/live/script/list`).
    Scripts(CatalogPage),
    /// Preheated (warmed) files by file id (`GET /api/2dvh/v1/material/file/warming/query`).
    Warming {
        /// File ids, comma separated (or the flag repeated).
        #[arg(long = "file-ids", value_delimiter = ',', required = true, num_args = 1..)]
        file_ids: Vec<String>,
    },
}

/// A catalogue listing: one page, or only the given ids.
#[derive(Debug, Clone, Args)]
pub(crate) struct CatalogPage {
    #[command(flatten)]
    pub(crate) page: PageArgs,
    /// Only these ids, comma separated (the vendor's by-id lookup; no paging).
    #[arg(long, value_delimiter = ',', conflicts_with_all = ["page", "page_size"])]
    pub(crate) ids: Vec<i64>,
}

/// `mediatask task …`.
#[derive(Debug, Clone, Subcommand)]
pub(crate) enum TaskAction {
    /// Restart a failed task (SoftSugar `GET /api/2dvh/v1/task/restart`); the id stays the
    /// same. The new run may be billed again. Prints the handle to `wait` on.
    Restart {
        /// Handle: inline JSON, a file path, or `-` for stdin.
        handle: String,
    },
    /// Delete a task that is not running (SoftSugar `DELETE /api/2dvh/v1/task/del/{id}`); the
    /// vendor keeps no record of it afterwards.
    Delete {
        /// Handle: inline JSON, a file path, or `-` for stdin.
        handle: String,
    },
    /// Phase timings of a video synthesis task (SoftSugar `GET /api/2dvh/v1/task/phase/cost`).
    Phases {
        /// Handle: inline JSON, a file path, or `-` for stdin.
        handle: String,
    },
}

/// `mediatask jobs`.
#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct JobsArgs {
    /// Which jobs.
    #[arg(long, value_enum, default_value_t = JobStateFilter::Open)]
    pub(crate) state: JobStateFilter,
    /// At most this many (the newest).
    #[arg(long, default_value_t = 100)]
    pub(crate) limit: u32,
    #[command(subcommand)]
    pub(crate) action: Option<JobsAction>,
}

/// `mediatask jobs` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub(crate) enum JobsAction {
    /// One job in full: states, attempts, vendor ids, error, artifacts.
    Show {
        /// The job id (as printed by `submit`, `run`, `enqueue` or `jobs`).
        id: String,
    },
}

/// Job states to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum JobStateFilter {
    /// Queued, submitting, submitted or running.
    Open,
    /// Every job.
    All,
    /// Outcome unknown: parked for reconciliation.
    Unknown,
    /// Failed, rejected or cancelled.
    Failed,
    /// Succeeded.
    Succeeded,
}
