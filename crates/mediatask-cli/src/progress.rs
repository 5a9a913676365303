//! Waiting with visible progress: an indicatif bar on a terminal, JSON lines (one snapshot per
//! poll) otherwise.

use crate::commands::tasks::{hide_url_queries, hide_url_queries_in_json};
use indicatif::{ProgressBar, ProgressStyle};
use mediatask_core::{DynMediaTask, Result, TaskHandle, TaskSnapshot, WaitPolicy, dyn_waiter};
use std::io::Write;

/// How progress is shown.
#[derive(Debug, Clone)]
pub(crate) enum Progress {
    /// A bar (on stderr).
    Bar(ProgressBar),
    /// One JSON snapshot per line on stdout.
    JsonLines,
    /// The same lines in text mode (stdout is not a terminal): URL queries hidden.
    TextLines,
    /// Nothing.
    Quiet,
}

impl Progress {
    /// Text mode: a bar when stdout is a terminal, JSON lines (URL queries hidden) otherwise.
    pub(crate) fn auto(label: &str) -> Self {
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal() {
            Progress::Bar(bar(label))
        } else {
            Progress::TextLines
        }
    }

    fn show(&self, snap: &TaskSnapshot) {
        match self {
            Progress::Bar(pb) => {
                if let Some(p) = snap.progress {
                    pb.set_position(p as u64);
                }
                let detail = snap.detail.as_deref().unwrap_or("");
                pb.set_message(hide_url_queries(&format!("{} {detail}", snap.status)).into_owned());
            }
            Progress::JsonLines | Progress::TextLines => {
                let line = if matches!(self, Progress::TextLines) {
                    serde_json::to_value(snap).and_then(|mut v| {
                        hide_url_queries_in_json(&mut v);
                        serde_json::to_string(&v)
                    })
                } else {
                    serde_json::to_string(snap)
                };
                if let Ok(line) = line {
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "{line}");
                    let _ = out.flush();
                }
            }
            Progress::Quiet => {}
        }
    }

    fn finish(&self, snap: Option<&TaskSnapshot>) {
        if let Progress::Bar(pb) = self {
            match snap {
                Some(s) if s.status == mediatask_core::TaskStatus::Succeeded => {
                    pb.set_position(100);
                    pb.finish_with_message("succeeded");
                }
                Some(s) => pb.abandon_with_message(s.status.to_string()),
                None => pb.abandon_with_message("stopped"),
            }
        }
    }
}

/// A styled bar for one task.
pub(crate) fn bar(label: &str) -> ProgressBar {
    let pb = ProgressBar::new(100);
    if let Ok(style) =
        ProgressStyle::with_template("{prefix:<28} [{bar:30}] {pos:>3}% {elapsed:>4} {msg}")
    {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_prefix(label.to_owned());
    pb.enable_steady_tick(std::time::Duration::from_millis(200));
    pb
}

/// Poll until terminal, showing each snapshot; returns the terminal snapshot.
pub(crate) async fn wait(
    task: &dyn DynMediaTask,
    handle: &TaskHandle,
    policy: &WaitPolicy,
    progress: &Progress,
) -> Result<TaskSnapshot> {
    let mut waiter = dyn_waiter(task, handle, policy);
    let mut last = None;
    while let Some(item) = waiter.next().await {
        match item {
            Ok(snap) => {
                progress.show(&snap);
                last = Some(snap);
            }
            Err(e) => {
                progress.finish(None);
                return Err(e);
            }
        }
    }
    progress.finish(last.as_ref());
    last.ok_or_else(|| {
        mediatask_core::Error::new(
            mediatask_core::ErrorKind::Unexpected,
            "no snapshot was observed",
        )
    })
}
