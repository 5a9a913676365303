//! Waiting with visible progress: an indicatif bar on a terminal, JSON lines (one snapshot per
//! poll) otherwise.

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
    /// Nothing.
    Quiet,
}

impl Progress {
    /// A bar when stdout is a terminal, JSON lines otherwise.
    pub(crate) fn auto(label: &str) -> Self {
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal() {
            Progress::Bar(bar(label))
        } else {
            Progress::JsonLines
        }
    }

    fn show(&self, snap: &TaskSnapshot) {
        match self {
            Progress::Bar(pb) => {
                if let Some(p) = snap.progress {
                    pb.set_position(p as u64);
                }
                let detail = snap.detail.as_deref().unwrap_or("");
                pb.set_message(format!("{} {detail}", snap.status));
            }
            Progress::JsonLines => {
                if let Ok(line) = serde_json::to_string(snap) {
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
