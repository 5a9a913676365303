//! The `mediatask` CLI: submit, poll, wait, cancel and fetch results of long AI media jobs on
//! any compiled-in vendor; run the multi-vendor emulator; and `mediatask demo`, which runs one
//! real job per vendor end to end against the built-in emulator (no account needed).
//!
//! Errors are printed as one line (what failed, vendor code and message, request id, what to
//! do) and mapped to documented exit codes (see `mediatask --help` and [`exit`]).

mod cli;
mod commands;
mod exit;
mod inputs;
mod journal;
mod progress;
mod setup;
mod webhooks;

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

async fn dispatch(cli: Cli) -> exit::CliResult {
    let g = &cli.global;
    match cli.command.journal_use() {
        // Journal before anything is sent: a store that cannot be opened stops the command.
        cli::JournalUse::Required => {
            journal::open(g).await?;
        }
        cli::JournalUse::Optional => journal::open_optional(g).await,
        cli::JournalUse::None => {}
    }
    match &cli.command {
        Command::Providers {
            capabilities: false,
            ..
        } => commands::tasks::providers(g),
        Command::Providers { markdown, .. } => commands::capability::matrix(g, *markdown),
        Command::Do {
            capability,
            vendor,
            input,
            lenient,
            download,
            handle_file,
        } => {
            commands::capability::run(
                g,
                commands::capability::DoArgs {
                    capability,
                    vendor: vendor.as_deref(),
                    input,
                    lenient: *lenient,
                    download: download.as_deref(),
                    handle_file: handle_file.as_deref(),
                },
            )
            .await
        }
        Command::Submit {
            provider,
            kind,
            input,
        } => commands::tasks::submit(g, provider, kind, input).await,
        Command::Status { handle } => commands::tasks::status(g, handle).await,
        Command::Wait { handle } => commands::tasks::wait(g, handle).await,
        Command::Cancel { handle } => commands::tasks::cancel(g, handle).await,
        Command::Result { handle, download } => {
            commands::tasks::result(g, handle, download.as_deref()).await
        }
        Command::Run {
            provider,
            kind,
            input,
            download,
            handle_file,
        } => {
            commands::tasks::run(
                g,
                provider,
                kind,
                input,
                download.as_deref(),
                handle_file.as_deref(),
            )
            .await
        }
        Command::Account(args) => commands::account::run(g, args).await,
        Command::Catalog(args) => commands::catalog::run(g, args).await,
        Command::Task { action } => commands::task_admin::run(g, action).await,
        Command::Jobs(args) => match &args.action {
            Some(cli::JobsAction::Show { id }) => commands::jobs::show(g, id).await,
            None => commands::jobs::list(g, args.state, args.limit).await,
        },
        Command::Resume {
            ids,
            submitting_grace_secs,
        } => commands::jobs::resume(g, ids, *submitting_grace_secs).await,
        Command::Enqueue {
            provider,
            kind,
            input,
        } => commands::jobs::enqueue(g, provider, kind, input).await,
        Command::Worker {
            until_idle,
            submitting_grace_secs,
            idle_poll_ms,
            lease_ms,
            webhooks,
        } => {
            commands::jobs::set_worker_lease(std::time::Duration::from_millis(*lease_ms));
            commands::jobs::worker(
                g,
                *until_idle,
                *submitting_grace_secs,
                *idle_poll_ms,
                webhooks.as_deref(),
            )
            .await
        }
        Command::Emulator(args) => commands::emulator::run(args).await,
        Command::Demo(args) => commands::demo::run(args).await,
    }
}

fn main() -> ExitCode {
    // A bug must still end in one clear line, not a backtrace dump.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error in mediatask{at} — this is a bug, please report it");
    }));
    #[cfg(feature = "failpoints")]
    let _failpoints = fail::FailScenario::setup();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::OTHER);
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("{}", failure.line);
            ExitCode::from(failure.code)
        }
    }
}
