//! `mediatask task restart|delete|phases <handle>`: SoftSugar task management beyond the task
//! interface — restart a failed task (same id; prints the handle to `wait` on), delete a task
//! that is not running, and show a video synthesis task's phase timings. Any SoftSugar handle
//! works (the task is adopted by id); other providers document none of these.

use super::listing::unsupported;
use crate::cli::{Global, TaskAction};
use crate::exit::CliResult;
use crate::setup;

/// `mediatask task …`.
pub(crate) async fn run(global: &Global, action: &TaskAction) -> CliResult {
    let (verb, source) = match action {
        TaskAction::Restart { handle } => ("restart", handle),
        TaskAction::Delete { handle } => ("delete", handle),
        TaskAction::Phases { handle } => ("phases", handle),
    };
    let handle = crate::journal::read_handle(global, source).await?;
    setup::require_compiled(&handle.provider)?;
    match handle.provider.as_str() {
        #[cfg(feature = "softsugar")]
        "softsugar" => softsugar::run(global, action, &handle).await,
        p => {
            let _ = global;
            Err(unsupported(
                p,
                &format!("task {verb} {}", handle.task_id),
                &format!(
                    "{p} documents no task {verb}; `task restart|delete|phases` supports softsugar"
                ),
            ))
        }
    }
}

#[cfg(feature = "softsugar")]
mod softsugar {
    use super::super::listing::{Table, num, print_json, text};
    use crate::cli::{Global, Output, TaskAction};
    use crate::exit::{CliResult, Failure};
    use crate::setup;
    use mediatask::vendors::softsugar::TaskById;
    use mediatask_core::{Error, ErrorKind, TaskHandle, TaskStatus};
    use serde_json::json;

    /// `handle` as a `task_by_id` handle (same id and vendor state), which restart and delete
    /// take.
    fn adopted(handle: &TaskHandle) -> TaskHandle {
        TaskHandle::new(
            handle.provider.clone(),
            "task_by_id",
            handle.task_id.clone(),
        )
        .with_vendor_state(handle.vendor_state.clone())
        .with_submitted_at(handle.submitted_at)
    }

    fn numeric_id(id: &str) -> CliResult<i64> {
        id.trim()
            .parse()
            .map_err(|_| Failure::input(format!("SoftSugar task ids are numeric; `{id}` is not")))
    }

    pub(super) async fn run(
        global: &Global,
        action: &TaskAction,
        handle: &TaskHandle,
    ) -> CliResult {
        let client = setup::softsugar_client(global)?;
        let id = &handle.task_id;
        let name = format!("{}/{} {id}", handle.provider, handle.kind);
        match action {
            TaskAction::Restart { .. } => {
                let restarted = TaskById::new(client)
                    .restart(&adopted(handle))
                    .await
                    .map_err(|e| Failure::from_error(&format!("restarting {id}"), &e))?;
                // the same job kind, so `wait` / `result` decode it as before
                let resumed = TaskHandle::new(
                    handle.provider.clone(),
                    handle.kind.clone(),
                    restarted.task_id,
                )
                .with_vendor_state(restarted.vendor_state);
                if global.output == Output::Text {
                    println!(
                        "restarted {name} (the task id is unchanged; the new run may be billed again); wait on this handle:"
                    );
                }
                print_json(&resumed)
            }
            TaskAction::Delete { .. } => {
                // SoftSugar deletes only tasks that are not running; say so before asking (its
                // refusal code is undocumented)
                let numeric = numeric_id(id)?;
                let records = client
                    .task_info(&[numeric])
                    .await
                    .map_err(|e| Failure::from_error(&format!("checking {id}"), &e))?;
                let Some(record) = records.iter().find(|r| r.id == numeric) else {
                    let e = Error::new(
                        ErrorKind::NotFound,
                        "task/info did not return this task (deleted or not yours)",
                    )
                    .with_provider(handle.provider.clone())
                    .with_task_id(id.clone());
                    return Err(Failure::from_error(&format!("deleting {id}"), &e));
                };
                let (status, vendor) = record.status();
                if matches!(status, TaskStatus::Queued | TaskStatus::Running) {
                    return Err(Failure::input(format!(
                        "{name} is {status} (vendor status {}): SoftSugar deletes only tasks that are not running — cancel it first (`mediatask cancel <handle>`) or wait for it to finish",
                        vendor.code
                    )));
                }
                TaskById::new(client)
                    .delete(&adopted(handle))
                    .await
                    .map_err(|e| Failure::from_error(&format!("deleting {id}"), &e))?;
                if global.output == Output::Json {
                    return print_json(&json!({
                        "provider": handle.provider,
                        "kind": handle.kind,
                        "task_id": id,
                        "deleted": true,
                    }));
                }
                println!("deleted {name}: SoftSugar keeps no record of it any more");
                Ok(crate::exit::OK)
            }
            TaskAction::Phases { .. } => {
                let numeric = numeric_id(id)?;
                let phases = client
                    .task_phase_cost(numeric)
                    .await
                    .map_err(|e| Failure::from_error(&format!("reading the phases of {id}"), &e))?;
                if global.output == Output::Json {
                    return print_json(&phases);
                }
                let mut table = Table::new(&["phase", "start", "end", "ms", "repeats"]);
                for p in &phases {
                    table.push(vec![
                        text(p.phase.as_deref()),
                        text(p.start_time.as_deref()),
                        text(p.end_time.as_deref()),
                        num(p.cost_time),
                        num(p.call_count),
                    ]);
                }
                table.print(&format!(
                    "no phase timings for {name} (SoftSugar records them for video synthesis only, once it runs)"
                ));
                if !phases.is_empty() {
                    let total: i64 = phases.iter().filter_map(|p| p.cost_time).sum();
                    println!("total: {total} ms over {} phases", phases.len());
                }
                Ok(crate::exit::OK)
            }
        }
    }
}
