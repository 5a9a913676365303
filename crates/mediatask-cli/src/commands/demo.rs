//! `mediatask demo`: start the embedded emulator and run one real job per compiled-in vendor
//! through the production code path (registry → vendor crate → shared transport → HTTP):
//! submit, wait with progress, result, download; then print a summary table.

use crate::cli::DemoArgs;
use crate::commands::emulator;
use crate::commands::tasks::download_all;
use crate::exit::{self, CliResult, Failure};
use crate::progress::{self, Progress};
use crate::setup;
use indicatif::MultiProgress;
use mediatask::Registry;
use mediatask_core::{DynMediaTask, TaskHandle, WaitPolicy, terminal_error};
use mediatask_emulator::{Emulator, EmulatorConfig, Timing};
use serde_json::{Value, json};
use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

/// The one job the demo runs per vendor: (kind, request).
pub(crate) fn sample_job(provider: &str) -> Option<(&'static str, Value)> {
    Some(match provider {
        "tencent-vod" => (
            "audio_clone",
            json!({
                "VoiceId": "demo_voice_01",
                "AudioFileInfo": {"Type": "Url", "Url": "https://example.com/mediatask-demo/voice.wav"},
                "Text": "Hello from the mediatask demo."
            }),
        ),
        "softsugar" => (
            "face_swap",
            json!({
                "facePhotoUrl": "https://example.com/mediatask-demo/face.png",
                "videoUrl": "https://example.com/mediatask-demo/video.mp4",
                "materialName": "mediatask demo"
            }),
        ),
        "xjc" => (
            "works",
            json!({
                "audioUrl": "https://example.com/mediatask-demo/voice.wav",
                "videoUrl": "https://example.com/mediatask-demo/avatar.mp4",
                "title": "mediatask demo"
            }),
        ),
        "reccloud" => (
            "speech_to_text",
            json!({"url": "https://example.com/mediatask-demo/talk.mp3", "type": 4}),
        ),
        "vozo" => (
            "translate_dub",
            json!({
                "media_type": "video",
                "media_url": "https://example.com/mediatask-demo/talk.mp4",
                "source_language": "auto",
                "target_language": "fr",
                "export_type": "video"
            }),
        ),
        _ => return None,
    })
}

/// One row of the summary.
#[derive(Debug)]
struct Row {
    provider: String,
    kind: String,
    task_id: String,
    outcome: Result<(usize, u64), String>,
    seconds: f64,
}

async fn one_job(
    task: &dyn DynMediaTask,
    request: Value,
    policy: &WaitPolicy,
    progress: &Progress,
    out: &Path,
) -> Result<(TaskHandle, usize, u64), (Option<TaskHandle>, String)> {
    let handle = task
        .submit_json(request)
        .await
        .map_err(|e| (None, exit::report("submit", &e)))?;
    let fail =
        |what: &str, e: &mediatask_core::Error| (Some(handle.clone()), exit::report(what, e));
    let snap = progress::wait(task, &handle, policy, progress)
        .await
        .map_err(|e| fail("wait", &e))?;
    if let Some(e) = terminal_error(&handle, &snap) {
        return Err(fail("task", &e));
    }
    let result = task
        .result_json(&handle)
        .await
        .map_err(|e| fail("result", &e))?;
    let dir = out.join(&handle.provider);
    let files = download_all(&handle, &result.artifacts, &dir)
        .await
        .map_err(|e| fail("download", &e))?;
    let bytes = files.iter().map(|(_, n)| n).sum();
    // the typed result itself (transcripts, subtitles, voice ids…) next to the files
    let summary = serde_json::to_string_pretty(&result.output).unwrap_or_default();
    if let Err(e) = std::fs::write(dir.join(format!("{}-result.json", handle.kind)), summary) {
        return Err((
            Some(handle),
            format!("error: cannot write the result JSON: {e}"),
        ));
    }
    Ok((handle, files.len(), bytes))
}

/// `mediatask demo`.
pub(crate) async fn run(args: &DemoArgs) -> CliResult {
    let base = EmulatorConfig::default().with_timing(Timing::demo());
    let cfg = emulator::config(&args.options, base)?;
    let emu = Emulator::start(cfg).await.map_err(|e| {
        Failure::other(
            exit::OTHER,
            format!("cannot start the built-in emulator: {e}"),
        )
    })?;
    emulator::arm(&emu, &args.options.faults)?;
    println!(
        "mediatask demo — using the built-in EMULATOR: local fake vendor APIs on {} \
         (no vendor account, no network, nothing is billed).",
        emu.urls()
            .admin
            .trim_start_matches("http://")
            .split(':')
            .next()
            .unwrap_or("127.0.0.1")
    );
    println!(
        "Each job goes through the production path: registry → vendor crate → HTTP → emulator.\n"
    );

    let wanted: Vec<&str> = if args.only.is_empty() {
        mediatask_emulator::VENDORS.to_vec()
    } else {
        args.only.iter().map(String::as_str).collect()
    };
    let mut jobs = Vec::new();
    let mut skipped = Vec::new();
    for provider in wanted {
        if !mediatask::PROVIDERS.contains(&provider) {
            skipped.push(format!(
                "skipping {provider}: not compiled into this build (enable the `{provider}` feature)"
            ));
            continue;
        }
        let (Some(url), Some((kind, request))) = (emu.base_url(provider), sample_job(provider))
        else {
            skipped.push(format!(
                "skipping {provider}: the emulator has no sample job for it"
            ));
            continue;
        };
        let entry = setup::emulator_entry(provider, url, &emu.config().credentials);
        let task = Registry::from_json(&json!({ provider: entry }))
            .and_then(|r| r.task(provider, kind))
            .map_err(|e| Failure::from_error(&format!("configuring {provider}"), &e))?;
        jobs.push((provider.to_owned(), kind, request, task));
    }
    for line in &skipped {
        println!("{line}");
    }
    if jobs.is_empty() {
        return Err(Failure::input(format!(
            "no vendor to run; compiled in: {}",
            setup::available()
        )));
    }

    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("mediatask-demo"));
    let tty = std::io::stdout().is_terminal();
    let multi = MultiProgress::new();
    let policy = WaitPolicy::default()
        .with_min_delay(Duration::from_millis(200))
        .with_max_delay(Duration::from_secs(1))
        .with_max_wait(Some(Duration::from_secs(120)));
    let runs = jobs.into_iter().map(|(provider, kind, request, task)| {
        let progress = if tty {
            Progress::Bar(multi.add(progress::bar(&format!("{provider}/{kind}"))))
        } else {
            Progress::Quiet
        };
        let policy = policy.clone();
        let out = out_dir.clone();
        async move {
            let started = Instant::now();
            if !tty {
                println!("{provider}/{kind}: submitting…");
            }
            let res = one_job(task.as_ref(), request, &policy, &progress, &out).await;
            let seconds = started.elapsed().as_secs_f64();
            let row = match res {
                Ok((h, files, bytes)) => Row {
                    provider,
                    kind: kind.to_owned(),
                    task_id: h.task_id,
                    outcome: Ok((files, bytes)),
                    seconds,
                },
                Err((h, line)) => Row {
                    provider,
                    kind: kind.to_owned(),
                    task_id: h.map(|h| h.task_id).unwrap_or_else(|| "-".into()),
                    outcome: Err(line),
                    seconds,
                },
            };
            if !tty {
                println!(
                    "{}/{}: {}",
                    row.provider,
                    row.kind,
                    if row.outcome.is_ok() {
                        "succeeded"
                    } else {
                        "FAILED"
                    }
                );
            }
            row
        }
    });
    let rows = futures::future::join_all(runs).await;

    println!();
    println!(
        "{:<12} {:<15} {:<10} {:>6} {:>6} {:>9}  task id",
        "provider", "kind", "result", "secs", "files", "bytes"
    );
    let mut failed = 0;
    for r in &rows {
        let short: String = r.task_id.chars().take(44).collect();
        match &r.outcome {
            Ok((files, bytes)) => println!(
                "{:<12} {:<15} {:<10} {:>6.1} {:>6} {:>9}  {short}",
                r.provider, r.kind, "succeeded", r.seconds, files, bytes
            ),
            Err(_) => {
                failed += 1;
                println!(
                    "{:<12} {:<15} {:<10} {:>6.1} {:>6} {:>9}  {short}",
                    r.provider, r.kind, "FAILED", r.seconds, "-", "-"
                );
            }
        }
    }
    for r in &rows {
        if let Err(line) = &r.outcome {
            println!("{}: {line}", r.provider);
        }
    }
    println!(
        "\nResult files downloaded (without credentials) into {}/<provider>/, with each typed \
         result as <kind>-result.json. All of this ran against the emulator; set the vendor \
         credentials and drop the emulator to run for real (see `mediatask --help`).",
        out_dir.display()
    );
    let stats: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            emu.stats(&r.provider)
                .map(|s| format!("{} {} req/{} job", r.provider, s.requests, s.jobs_created))
        })
        .collect();
    println!("Emulator counters: {}", stats.join(", "));
    if failed > 0 {
        return Err(Failure::other(
            exit::OTHER,
            format!("{failed} of {} demo jobs failed (see above)", rows.len()),
        ));
    }
    Ok(exit::OK)
}
