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
/// expired.
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
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List the compiled-in vendors and their job kinds with capabilities.
    Providers,
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
    /// Run the local multi-vendor emulator (prints its URLs and credentials as one JSON line).
    Emulator(EmulatorArgs),
    /// Start the built-in emulator and run one real job per compiled-in vendor end to end.
    Demo(DemoArgs),
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
