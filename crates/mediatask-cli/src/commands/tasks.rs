//! `providers`, `submit`, `status`, `wait`, `cancel`, `result`, `run`.

use crate::cli::{Global, Output};
use crate::exit::{self, CliResult, Failure};
use crate::inputs::{read_handle, read_request};
use crate::progress::{self, Progress};
use crate::setup::{self, task_for};
use mediatask_core::{
    Artifact, DynMediaTask, DynOutput, TaskHandle, TaskSnapshot, TaskStatus, terminal_error,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Cap on one downloaded result file.
const MAX_DOWNLOAD_BYTES: u64 = 4 << 30;

fn print_json(v: &impl serde::Serialize) {
    match serde_json::to_string(v) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("error: cannot serialise output: {e}"),
    }
}

/// A URL without its query string (signed URLs are bearer credentials for the file).
pub(crate) fn shown_url(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

/// `mediatask providers`.
pub(crate) fn providers(global: &Global) -> CliResult {
    let creds = mediatask_emulator::EmulatorCredentials::default();
    let mut all = Vec::new();
    for name in mediatask::PROVIDERS {
        // Listing kinds never sends a request: build with placeholder credentials.
        let cfg = json!({ *name: setup::emulator_entry(name, "http://127.0.0.1:9", &creds) });
        let registry = mediatask::Registry::from_json(&cfg)
            .map_err(|e| Failure::from_error(&format!("loading {name}"), &e))?;
        for p in registry.providers() {
            all.extend(p.kinds());
        }
    }
    if global.output == Output::Json {
        print_json(&all);
        return Ok(exit::OK);
    }
    if all.is_empty() {
        println!("no provider compiled in; available: {}", setup::available());
    }
    println!(
        "{:<12} {:<28} {:<6} {:<8} {:<9} {:<6} {:<6} {:<7} description",
        "provider", "kind", "cancel", "progress", "callbacks", "dedupe", "rps", "tasks"
    );
    for k in &all {
        let c = &k.capabilities;
        let yn = |b: bool| if b { "yes" } else { "no" };
        let opt = |n: Option<u32>| n.map_or("-".to_owned(), |n| n.to_string());
        let confirmed = if c.endpoint_confirmed {
            ""
        } else {
            " [endpoint unconfirmed]"
        };
        println!(
            "{:<12} {:<28} {:<6} {:<8} {:<9} {:<6} {:<6} {:<7} {}{confirmed}",
            k.provider,
            k.kind,
            yn(c.cancel),
            yn(c.progress),
            yn(c.callbacks),
            yn(c.dedupe_submit),
            opt(c.requests_per_second),
            opt(c.max_in_flight_tasks),
            k.description
        );
    }
    Ok(exit::OK)
}

fn handle_task(global: &Global, handle: &TaskHandle) -> CliResult<Arc<dyn DynMediaTask>> {
    task_for(global, &handle.provider, &handle.kind)
}

/// `mediatask submit`.
pub(crate) async fn submit(global: &Global, provider: &str, kind: &str, input: &str) -> CliResult {
    let request = read_request(input)?;
    let task = task_for(global, provider, kind)?;
    let handle = task
        .submit_json(request)
        .await
        .map_err(|e| Failure::from_error(&format!("submitting {provider}/{kind}"), &e))?;
    print_json(&handle);
    Ok(exit::OK)
}

fn show_snapshot(global: &Global, handle: &TaskHandle, snap: &TaskSnapshot) {
    if global.output == Output::Json {
        print_json(snap);
        return;
    }
    let mut line = format!(
        "{}/{} {}: {}",
        handle.provider, handle.kind, handle.task_id, snap.status
    );
    if let Some(p) = snap.progress {
        line.push_str(&format!(" {p}%"));
    }
    if let Some(d) = &snap.detail {
        line.push_str(&format!(" ({d})"));
    }
    line.push_str(&format!(" [vendor status {}]", snap.vendor_status.code));
    if let Some(f) = &snap.failure {
        line.push_str(&format!(
            " failure: {}{}",
            f.message,
            f.code
                .as_deref()
                .map(|c| format!(" (vendor code {c})"))
                .unwrap_or_default()
        ));
    }
    println!("{line}");
}

/// `mediatask status`.
pub(crate) async fn status(global: &Global, handle: &str) -> CliResult {
    let handle = read_handle(handle)?;
    let task = handle_task(global, &handle)?;
    let snap = task
        .poll(&handle)
        .await
        .map_err(|e| Failure::from_error(&format!("polling {}", handle.task_id), &e))?;
    show_snapshot(global, &handle, &snap);
    Ok(exit::OK)
}

/// Wait and turn a failed terminal state into the task-failed exit.
async fn wait_terminal(
    global: &Global,
    task: &dyn DynMediaTask,
    handle: &TaskHandle,
    progress: &Progress,
) -> CliResult<TaskSnapshot> {
    let snap = progress::wait(task, handle, &setup::wait_policy(global), progress)
        .await
        .map_err(|e| Failure::from_error(&format!("waiting for {}", handle.task_id), &e))?;
    if let Some(e) = terminal_error(handle, &snap) {
        return Err(Failure::from_error(&format!("task {}", handle.task_id), &e));
    }
    Ok(snap)
}

/// `mediatask wait`.
pub(crate) async fn wait(global: &Global, handle: &str) -> CliResult {
    let handle = read_handle(handle)?;
    let task = handle_task(global, &handle)?;
    let progress = match global.output {
        Output::Json => Progress::JsonLines,
        Output::Text => Progress::auto(&format!("{}/{}", handle.provider, handle.kind)),
    };
    let snap = wait_terminal(global, task.as_ref(), &handle, &progress).await?;
    if matches!(progress, Progress::Bar(_)) {
        show_snapshot(global, &handle, &snap);
    }
    Ok(exit::OK)
}

/// `mediatask cancel`.
pub(crate) async fn cancel(global: &Global, handle: &str) -> CliResult {
    let handle = read_handle(handle)?;
    let task = handle_task(global, &handle)?;
    let outcome = task
        .cancel(&handle)
        .await
        .map_err(|e| Failure::from_error(&format!("cancelling {}", handle.task_id), &e))?;
    if global.output == Output::Json {
        print_json(&outcome);
    } else {
        println!(
            "{}: {}",
            handle.task_id,
            serde_json::to_string(&outcome).unwrap_or_default()
        );
    }
    Ok(exit::OK)
}

fn file_name(artifact: &Artifact, index: usize, kind: &str) -> String {
    let from_url = shown_url(&artifact.url)
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty() && s.contains('.'))
        .map(|s| {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
        });
    format!(
        "{kind}-{index}-{}",
        from_url.unwrap_or_else(|| "file".into())
    )
}

/// Download every artifact into `dir`; returns (path, bytes) per file.
pub(crate) async fn download_all(
    handle: &TaskHandle,
    artifacts: &[Artifact],
    dir: &Path,
) -> mediatask_core::Result<Vec<(PathBuf, u64)>> {
    std::fs::create_dir_all(dir).map_err(|e| {
        mediatask_core::Error::new(
            mediatask_core::ErrorKind::Config,
            format!("cannot create {}: {e}", dir.display()),
        )
    })?;
    let mut out = Vec::new();
    for (i, a) in artifacts.iter().enumerate() {
        let path = dir.join(file_name(a, i, &handle.kind));
        let bytes = mediatask_http::download(&a.url, &path, MAX_DOWNLOAD_BYTES)
            .await
            .map_err(|e| {
                e.or_provider(&handle.provider)
                    .with_task_id(handle.task_id.clone())
            })?;
        out.push((path, bytes));
    }
    Ok(out)
}

fn show_result(global: &Global, out: &DynOutput, files: &[(PathBuf, u64)]) {
    if global.output == Output::Json {
        let files: Vec<Value> = files
            .iter()
            .map(|(p, n)| json!({"path": p, "bytes": n}))
            .collect();
        print_json(&json!({"output": out.output, "artifacts": out.artifacts, "downloaded": files}));
        return;
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&out.output).unwrap_or_default()
    );
    for a in &out.artifacts {
        let expires = a
            .expires_at
            .map_or("expiry unknown".to_owned(), |t| format!("expires {t}"));
        println!("artifact {:?}: {} ({expires})", a.kind, shown_url(&a.url));
    }
    for (p, n) in files {
        println!("downloaded {} ({n} bytes)", p.display());
    }
    if !out.artifacts.is_empty() {
        println!("(URLs shown without their signed query; use --output json for the full URLs)");
    }
}

async fn fetch_result(
    global: &Global,
    task: &dyn DynMediaTask,
    handle: &TaskHandle,
    download: Option<&Path>,
) -> CliResult {
    let out = task.result_json(handle).await.map_err(|e| {
        Failure::from_error(&format!("fetching the result of {}", handle.task_id), &e)
    })?;
    let files = match download {
        Some(dir) => download_all(handle, &out.artifacts, dir)
            .await
            .map_err(|e| {
                Failure::from_error(&format!("downloading the result of {}", handle.task_id), &e)
            })?,
        None => Vec::new(),
    };
    show_result(global, &out, &files);
    Ok(exit::OK)
}

/// `mediatask result`.
pub(crate) async fn result(global: &Global, handle: &str, download: Option<&Path>) -> CliResult {
    let handle = read_handle(handle)?;
    let task = handle_task(global, &handle)?;
    fetch_result(global, task.as_ref(), &handle, download).await
}

/// `mediatask run`.
pub(crate) async fn run(
    global: &Global,
    provider: &str,
    kind: &str,
    input: &str,
    download: Option<&Path>,
    handle_file: Option<&Path>,
) -> CliResult {
    let request = read_request(input)?;
    let task = task_for(global, provider, kind)?;
    let handle = task
        .submit_json(request)
        .await
        .map_err(|e| Failure::from_error(&format!("submitting {provider}/{kind}"), &e))?;
    if let Some(path) = handle_file {
        let text = serde_json::to_string(&handle).unwrap_or_default();
        std::fs::write(path, text + "\n").map_err(|e| {
            Failure::other(
                exit::OTHER,
                format!(
                    "the job {} was submitted but its handle could not be written to {}: {e}",
                    handle.task_id,
                    path.display()
                ),
            )
        })?;
    }
    let progress = match global.output {
        Output::Json => Progress::JsonLines,
        Output::Text => Progress::auto(&format!("{provider}/{kind}")),
    };
    if !matches!(progress, Progress::Bar(_)) {
        print_json(&handle);
    }
    let snap = wait_terminal(global, task.as_ref(), &handle, &progress).await?;
    debug_assert_eq!(snap.status, TaskStatus::Succeeded);
    fetch_result(global, task.as_ref(), &handle, download).await
}
