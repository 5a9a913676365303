//! `providers`, `submit`, `status`, `wait`, `cancel`, `result`, `run`.

use crate::cli::{Global, Output};
use crate::exit::{self, CliResult, Failure};
use crate::inputs::read_request;
use crate::progress::{self, Progress};
use crate::setup::{self, task_for};
use mediatask_core::{
    Artifact, CancelOutcome, DynMediaTask, DynOutput, TaskHandle, TaskSnapshot, TaskStatus,
};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Cap on one downloaded result file.
const MAX_DOWNLOAD_BYTES: u64 = 4 << 30;

pub(crate) fn print_json(v: &impl serde::Serialize) {
    match serde_json::to_string(v) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("error: cannot serialise output: {e}"),
    }
}

/// A URL without its query string and fragment (for file names).
pub(crate) fn shown_url(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// The byte offset of the next `http://` or `https://` (any case) in `text` from `from`.
fn next_url(text: &str, from: usize) -> Option<usize> {
    let rest = text.get(from..)?.as_bytes();
    (0..rest.len())
        .find(|&i| {
            let tail = &rest[i..];
            let starts =
                |p: &[u8]| tail.len() >= p.len() && tail[..p.len()].eq_ignore_ascii_case(p);
            starts(b"http://") || starts(b"https://")
        })
        .map(|i| from + i)
}

/// `text` with the query (and fragment) of every http(s) URL in it replaced by `?…` (`#…`):
/// signed URLs are bearer credentials for the file, so text output never shows them whole
/// (`--output json` does: there they are the data asked for). A URL ends at whitespace, a quote
/// or an angle bracket.
///
/// `https://h/files/v.mp4?sign=secret&t=1` → `https://h/files/v.mp4?…`
pub(crate) fn hide_url_queries(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(start) = next_url(text, at) {
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
            .map_or(text.len(), |n| start + n);
        if let Some(cut) = text[start..end].find(['?', '#']) {
            let cut = start + cut;
            out.push_str(&text[copied..cut]);
            out.push_str(if text.as_bytes()[cut] == b'?' {
                "?…"
            } else {
                "#…"
            });
            copied = end;
        }
        at = end;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// [`hide_url_queries`] on every string nested anywhere in `value`; true when one changed.
pub(crate) fn hide_url_queries_in_json(value: &mut Value) -> bool {
    match value {
        Value::String(s) => match hide_url_queries(s) {
            Cow::Owned(hidden) => {
                *s = hidden;
                true
            }
            Cow::Borrowed(_) => false,
        },
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |any, v| hide_url_queries_in_json(v) | any),
        Value::Object(map) => map
            .values_mut()
            .fold(false, |any, v| hide_url_queries_in_json(v) | any),
        _ => false,
    }
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
    // Submitted: hand the job over to whoever drives it next (a worker, `wait`, `resume`).
    if let Some(held) = crate::journal::announce(&handle).await {
        held.release().await;
    }
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
    println!("{}", hide_url_queries(&line));
}

/// `mediatask status`.
pub(crate) async fn status(global: &Global, handle: &str) -> CliResult {
    let handle = crate::journal::read_handle(global, handle).await?;
    let task = handle_task(global, &handle)?;
    let snap = task
        .poll(&handle)
        .await
        .map_err(|e| Failure::from_error(&format!("polling {}", handle.task_id), &e))?;
    show_snapshot(global, &handle, &snap);
    Ok(exit::OK)
}

/// Wait and turn a failed or cancelled terminal state into the task-failed exit.
async fn wait_terminal(
    global: &Global,
    task: &dyn DynMediaTask,
    handle: &TaskHandle,
    progress: &Progress,
) -> CliResult<TaskSnapshot> {
    let snap = progress::wait(task, handle, &setup::wait_policy(global), progress)
        .await
        .map_err(|e| Failure::from_error(&format!("waiting for {}", handle.task_id), &e))?;
    if let Some(f) = Failure::task_ended(&format!("task {}", handle.task_id), handle, &snap) {
        return Err(f);
    }
    Ok(snap)
}

/// The progress display of `wait` and `run`.
fn progress_for(global: &Global, label: &str) -> Progress {
    match global.output {
        Output::Json => Progress::JsonLines,
        Output::Text => Progress::auto(label),
    }
}

/// `mediatask wait`.
pub(crate) async fn wait(global: &Global, handle: &str) -> CliResult {
    let handle = crate::journal::read_handle(global, handle).await?;
    let task = handle_task(global, &handle)?;
    let progress = progress_for(global, &format!("{}/{}", handle.provider, handle.kind));
    let snap = wait_terminal(global, task.as_ref(), &handle, &progress).await?;
    if matches!(progress, Progress::Bar(_)) {
        show_snapshot(global, &handle, &snap);
    }
    Ok(exit::OK)
}

/// What a cancel outcome means, for text output (`None` for a refusal, which is an error).
fn cancel_text(handle: &TaskHandle, outcome: &CancelOutcome) -> Option<String> {
    let id = &handle.task_id;
    Some(match outcome {
        CancelOutcome::Cancelled => format!("{id}: cancelled"),
        CancelOutcome::Requested => format!(
            "{id}: cancel requested; {} will stop the task shortly (`mediatask status <handle>` \
             shows when it is cancelled)",
            handle.provider
        ),
        CancelOutcome::AlreadyFinished { status } => {
            format!("{id}: already finished ({status}); nothing to cancel")
        }
        CancelOutcome::Refused { .. } => return None,
        other => format!("{id}: {other:?}"),
    })
}

/// `mediatask cancel`. A refused cancel exits [`exit::CANCEL_REFUSED`] with its reason (the
/// JSON outcome is still printed with `--output json`).
pub(crate) async fn cancel(global: &Global, handle: &str) -> CliResult {
    let handle = crate::journal::read_handle(global, handle).await?;
    let task = handle_task(global, &handle)?;
    let outcome = task
        .cancel(&handle)
        .await
        .map_err(|e| Failure::from_error(&format!("cancelling {}", handle.task_id), &e))?;
    if global.output == Output::Json {
        print_json(&outcome);
    }
    if let CancelOutcome::Refused {
        vendor_code,
        message,
    } = &outcome
    {
        return Err(Failure::cancel_refused(
            &handle,
            vendor_code.as_deref(),
            message,
        ));
    }
    if global.output == Output::Text
        && let Some(line) = cancel_text(&handle, &outcome)
    {
        println!("{}", hide_url_queries(&line));
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

/// Whether an artifact's URL has expired at `now`: `None` when the vendor gave no expiry.
fn expired(a: &Artifact, now: chrono::DateTime<chrono::Utc>) -> Option<bool> {
    a.expires_at.map(|_| a.is_expired_at(now))
}

/// The artifacts as JSON, each with `expired`: true / false, or null when the expiry is unknown.
pub(crate) fn artifacts_json(
    artifacts: &[Artifact],
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<Value> {
    artifacts
        .iter()
        .map(|a| {
            let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("expired".into(), json!(expired(a, now)));
            }
            v
        })
        .collect()
}

fn show_result(global: &Global, out: &DynOutput, files: &[(PathBuf, u64)]) {
    let now = chrono::Utc::now();
    if global.output == Output::Json {
        let files: Vec<Value> = files
            .iter()
            .map(|(p, n)| json!({"path": p, "bytes": n}))
            .collect();
        print_json(&json!({
            "output": out.output,
            "artifacts": artifacts_json(&out.artifacts, now),
            "downloaded": files
        }));
        return;
    }
    let mut output = out.output.clone();
    let mut hidden = hide_url_queries_in_json(&mut output);
    println!(
        "{}",
        serde_json::to_string_pretty(&output).unwrap_or_default()
    );
    for a in &out.artifacts {
        let expires = match (a.expires_at, expired(a, now)) {
            (Some(t), Some(true)) => format!("EXPIRED at {t}"),
            (Some(t), _) => format!("expires {t}"),
            (None, _) => "expiry unknown".to_owned(),
        };
        let url = hide_url_queries(&a.url);
        hidden |= matches!(url, Cow::Owned(_));
        println!("artifact {:?}: {url} ({expires})", a.kind);
        if let (Some(t), Some(true)) = (a.expires_at, expired(a, now)) {
            eprintln!(
                "warning: artifact {:?} {} expired at {t}; poll again for fresh URLs (`mediatask result <handle>`)",
                a.kind,
                shown_url(&a.url)
            );
        }
    }
    for (p, n) in files {
        println!("downloaded {} ({n} bytes)", p.display());
    }
    if hidden {
        println!(
            "(URL queries are shown as `?…`: they are signed credentials; use --output json for the full URLs)"
        );
    }
}

/// Fetch the result of a task whose terminal `snap` was just seen (no request when the vendor
/// kept the result in the snapshot), download it if asked, and show it.
async fn fetch_result(
    global: &Global,
    task: &dyn DynMediaTask,
    handle: &TaskHandle,
    snap: &TaskSnapshot,
    download: Option<&Path>,
) -> CliResult {
    fetch_result_with(global, task, handle, snap, download, &show_plain_result).await
}

/// How a fetched result is shown: `run` prints the vendor output, `do` the capability's
/// common output.
pub(crate) type ShowResult<'a> =
    dyn Fn(&Global, &TaskHandle, &DynOutput, &[(PathBuf, u64)]) -> CliResult + Sync + 'a;

fn show_plain_result(
    global: &Global,
    _handle: &TaskHandle,
    out: &DynOutput,
    files: &[(PathBuf, u64)],
) -> CliResult {
    show_result(global, out, files);
    Ok(exit::OK)
}

/// [`fetch_result`] with its own way of showing the result.
async fn fetch_result_with(
    global: &Global,
    task: &dyn DynMediaTask,
    handle: &TaskHandle,
    snap: &TaskSnapshot,
    download: Option<&Path>,
    show: &ShowResult<'_>,
) -> CliResult {
    let out = task
        .result_json_from_snapshot(handle, snap)
        .await
        .map_err(|e| {
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
    show(global, handle, &out, &files)
}

/// `mediatask result`: one poll; a succeeded task's result is built from it (no second
/// request where the vendor's status answer carries the result). A task that is not finished
/// exits [`exit::NOT_FINISHED`]; a failed or cancelled one [`exit::TASK_FAILED`].
pub(crate) async fn result(global: &Global, handle: &str, download: Option<&Path>) -> CliResult {
    let handle = crate::journal::read_handle(global, handle).await?;
    let task = handle_task(global, &handle)?;
    let snap = task.poll(&handle).await.map_err(|e| {
        Failure::from_error(&format!("fetching the result of {}", handle.task_id), &e)
    })?;
    if !snap.is_terminal() {
        return Err(Failure::not_finished(&handle, &snap));
    }
    if let Some(f) = Failure::task_ended(&format!("task {}", handle.task_id), &handle, &snap) {
        return Err(f);
    }
    fetch_result(global, task.as_ref(), &handle, &snap, download).await
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
    run_request(
        global,
        provider,
        kind,
        request,
        download,
        handle_file,
        &show_plain_result,
    )
    .await
}

/// `run` of an already-read request (also `do`'s path, which shows the result its way):
/// submit under the journal, hold the job, wait, fetch, download, show.
pub(crate) async fn run_request(
    global: &Global,
    provider: &str,
    kind: &str,
    request: Value,
    download: Option<&Path>,
    handle_file: Option<&Path>,
    show: &ShowResult<'_>,
) -> CliResult {
    let task = task_for(global, provider, kind)?;
    let handle = task
        .submit_json(request)
        .await
        .map_err(|e| Failure::from_error(&format!("submitting {provider}/{kind}"), &e))?;
    let held = crate::journal::announce(&handle).await;
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
    let progress = progress_for(global, &format!("{provider}/{kind}"));
    if !matches!(progress, Progress::Bar(_)) {
        print_json(&handle);
    }
    // Driven here under the lease (fencing number 1): if this process stalls past it and a
    // worker takes the job over, this process's journal writes are refused, not mixed in.
    let drive = async {
        let snap = wait_terminal(global, task.as_ref(), &handle, &progress).await?;
        debug_assert_eq!(snap.status, TaskStatus::Succeeded);
        fetch_result_with(global, task.as_ref(), &handle, &snap, download, show).await
    };
    match held {
        Some(held) => {
            let outcome =
                mediatask_store::lease::with_fence(crate::journal::HeldJob::SEQ, drive).await;
            held.release().await;
            outcome
        }
        None => drive.await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_queries_and_fragments_are_hidden_in_text() {
        assert_eq!(
            hide_url_queries("http://host/files/video.mp4?sign=secret-query&t=1"),
            "http://host/files/video.mp4?…"
        );
        assert_eq!(
            hide_url_queries("see HTTPS://cdn.example/a.wav#t=3 and https://x.example/b?s=1, done"),
            "see HTTPS://cdn.example/a.wav#… and https://x.example/b?… done"
        );
        assert_eq!(
            hide_url_queries("two: \"https://a/x?k=1\" 'https://b/y?k=2'"),
            "two: \"https://a/x?…\" 'https://b/y?…'"
        );
        // nothing to hide: borrowed, unchanged (non-ASCII text keeps its bytes)
        for plain in [
            "https://cdn.example/v.mp4",
            "无效token ?a=1",
            "ftp://h/f?x=1",
            "",
        ] {
            assert!(matches!(hide_url_queries(plain), Cow::Borrowed(p) if p == plain));
        }
        assert_eq!(
            hide_url_queries("任务 https://主机.example/文件.mp4?签名=秘密 完成"),
            "任务 https://主机.example/文件.mp4?… 完成"
        );
    }

    #[test]
    fn url_queries_are_hidden_anywhere_in_nested_json() {
        let mut v = json!({
            "task_id": "t?1",
            "DemoAudio": "http://host/files/demo.wav?sign=secret-query&t=1",
            "files": [{"FileUrl": "https://h/v.mp4?Expires=1&Signature=abc", "Size": 3}],
            "deep": {"list": [["https://h/s.srt?token=zzz"]]}
        });
        assert!(hide_url_queries_in_json(&mut v));
        let text = v.to_string();
        for secret in ["secret-query", "Signature", "token=zzz"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert_eq!(v["files"][0]["FileUrl"], "https://h/v.mp4?…");
        assert_eq!(v["task_id"], "t?1", "not a URL");
        let mut plain = json!({"url": "https://h/v.mp4", "n": 1});
        assert!(!hide_url_queries_in_json(&mut plain));
    }

    #[test]
    fn artifacts_in_json_say_whether_they_expired() {
        let now = chrono::Utc::now();
        let artifacts = [
            Artifact::new(mediatask_core::ArtifactKind::Video, "https://h/a?s=1")
                .with_expiry(Some(now - chrono::Duration::hours(1))),
            Artifact::new(mediatask_core::ArtifactKind::Video, "https://h/b?s=1")
                .with_expiry(Some(now + chrono::Duration::hours(1))),
            Artifact::new(mediatask_core::ArtifactKind::Audio, "https://h/c"),
        ];
        let v = artifacts_json(&artifacts, now);
        assert_eq!(v[0]["expired"], json!(true));
        assert_eq!(v[1]["expired"], json!(false));
        assert_eq!(v[2]["expired"], Value::Null);
        assert_eq!(v[0]["url"], "https://h/a?s=1", "JSON keeps the full URL");
    }
}
