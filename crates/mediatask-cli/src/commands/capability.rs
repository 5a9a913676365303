//! `mediatask do <capability>` (a common request on the vendor `--vendor` or the config file's
//! `capabilities` section picks, run exactly like `mediatask run`) and
//! `mediatask providers --capabilities` (the capability × vendor matrix, from the code).

use crate::cli::{Global, Output};
use crate::commands::tasks::{self, hide_url_queries_in_json, print_json};
use crate::exit::{self, CliResult, Failure};
use crate::inputs::read_request;
use mediatask::capabilities::{self, CapabilityInfo, CapabilitySteps, Mode, Plan, WarningKind};
use mediatask_core::steps::StepPlanner;
use mediatask_core::{DynOutput, TaskHandle};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What `mediatask do` was asked.
pub(crate) struct DoArgs<'a> {
    pub(crate) capability: &'a str,
    pub(crate) vendor: Option<&'a str>,
    pub(crate) input: &'a str,
    pub(crate) lenient: bool,
    pub(crate) download: Option<&'a Path>,
    pub(crate) handle_file: Option<&'a Path>,
}

/// `mediatask do`: map the common request (nothing is sent when the vendor cannot honour it
/// in strict mode), then submit, wait, fetch and download through `run`'s code path, and print
/// the capability's common output.
pub(crate) async fn run(global: &Global, args: DoArgs<'_>) -> CliResult {
    let info = capabilities::capability(args.capability).map_err(|e| {
        Failure::input(format!(
            "{e} — run `mediatask providers --capabilities` for the matrix"
        ))
    })?;
    let request = read_request(args.input)?;
    let provider = choose_vendor(global, info, args.vendor)?;
    let mode = if args.lenient {
        Mode::Lenient
    } else {
        Mode::Strict
    };
    let plan = info
        .plan_json(&request, provider, mode)
        .map_err(|e| Failure::from_error(&format!("mapping {} to {provider}", info.name), &e))?;
    for w in &plan.warnings {
        let what = match w.kind {
            WarningKind::Dropped => "dropped",
            WarningKind::Approximated => "approximated",
        };
        eprintln!(
            "warning: {}: `{}` {what} ({}): {}",
            w.provider, w.field, info.name, w.message
        );
    }
    if plan.then.is_some() && crate::journal::current().is_some() {
        return run_steps(global, &args, info, provider, &request, mode).await;
    }
    // A vendor serving the capability in several jobs, without a journal (`--no-store`): run
    // each step like `run` in this process and build the next from its output (a crash here
    // loses track of the job; with the journal it is one job with its steps).
    let mut plan = plan;
    let mut steps: Vec<(&'static str, DynOutput)> = Vec::new();
    while let Some(next) = plan.then {
        let kept: Mutex<Option<DynOutput>> = Mutex::new(None);
        let keep = |_: &Global, handle: &TaskHandle, out: &DynOutput, _: &[(PathBuf, u64)]| {
            if let Ok(mut slot) = kept.lock() {
                *slot = Some(out.clone());
            }
            eprintln!(
                "step {}/{} {} done; next: {}",
                handle.provider,
                handle.kind,
                handle.task_id,
                next.kind()
            );
            Ok(exit::OK)
        };
        tasks::run_request(
            global,
            plan.provider,
            plan.kind,
            plan.request.clone(),
            None,
            args.handle_file,
            &keep,
        )
        .await?;
        let out = kept.into_inner().ok().flatten().ok_or_else(|| {
            Failure::other(exit::OTHER, format!("step {} left no output", plan.kind))
        })?;
        let following = next.plan(&plan, &out).map_err(|e| {
            Failure::from_error(&format!("building the step after {}", plan.kind), &e)
        })?;
        steps.push((plan.kind, out));
        plan = following;
    }
    let show = |g: &Global, handle: &TaskHandle, out: &DynOutput, files: &[(PathBuf, u64)]| {
        let out = if steps.is_empty() {
            out.clone()
        } else {
            let mut all = steps.clone();
            all.push((plan.kind, out.clone()));
            capabilities::chain_outputs(all)
        };
        show_common(g, info, &plan, handle, &out, files)
    };
    tasks::run_request(
        global,
        plan.provider,
        plan.kind,
        plan.request.clone(),
        args.download,
        args.handle_file,
        &show,
    )
    .await
}

/// A capability the vendor serves in several jobs, with the journal: one journaled job of
/// kind `capability:<name>` whose steps the journal runs (a crash resumes at the step it
/// reached: `mediatask resume`), submitted, waited for and fetched through `run`'s code path.
async fn run_steps(
    global: &Global,
    args: &DoArgs<'_>,
    info: &CapabilityInfo,
    provider: &'static str,
    request: &Value,
    mode: Mode,
) -> CliResult {
    let steps = CapabilitySteps::new(info.name, provider)
        .map_err(|e| Failure::from_error(&format!("mapping {} to {provider}", info.name), &e))?;
    let chain_request = steps.request(request, mode);
    let show = |g: &Global, handle: &TaskHandle, out: &DynOutput, files: &[(PathBuf, u64)]| {
        let plan = steps.final_plan(&chain_request, out).map_err(|e| {
            Failure::from_error(&format!("reading the result of {}", handle.task_id), &e)
        })?;
        show_common(g, info, &plan, handle, out, files)
    };
    let kind = steps.info().kind;
    tasks::run_request(
        global,
        provider,
        kind,
        chain_request.clone(),
        args.download,
        args.handle_file,
        &show,
    )
    .await
}

/// The vendor: `--vendor`, else the config file's `capabilities.<name>`, else the only
/// compiled-in vendor offering it.
fn choose_vendor(
    global: &Global,
    info: &CapabilityInfo,
    vendor: Option<&str>,
) -> CliResult<&'static str> {
    let offered: Vec<&'static str> = info.vendors().iter().map(|v| v.provider).collect();
    if let Some(v) = vendor {
        return offered.iter().copied().find(|p| *p == v).ok_or_else(|| {
            Failure::input(format!(
                "vendor `{v}` does not offer {} in this build; offered by: {}",
                info.name,
                offered.join(", ")
            ))
        });
    }
    if let Some(section) = config_capabilities(global)? {
        let defaults = capabilities::defaults_from_json(&section)
            .map_err(|e| Failure::from_error("reading the config file", &e))?;
        if let Some(p) = defaults.get(info.name) {
            return Ok(p);
        }
    }
    match offered.as_slice() {
        [one] => Ok(one),
        [] => Err(Failure::input(format!(
            "no compiled-in vendor offers {}",
            info.name
        ))),
        many => Err(Failure::input(format!(
            "{} is offered by {}: pass --vendor or set `capabilities.{}` in the config file",
            info.name,
            many.join(", "),
            info.name
        ))),
    }
}

/// The `capabilities` section of `--config`, if any.
fn config_capabilities(global: &Global) -> CliResult<Option<Value>> {
    let Some(path) = &global.config else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::input(format!(
            "cannot read the config file `{}`: {e}",
            path.display()
        ))
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        Failure::input(format!(
            "config file `{}` is not valid JSON: {e}",
            path.display()
        ))
    })?;
    Ok(value.get("capabilities").cloned())
}

fn show_common(
    global: &Global,
    info: &CapabilityInfo,
    plan: &Plan,
    handle: &TaskHandle,
    out: &DynOutput,
    files: &[(PathBuf, u64)],
) -> CliResult {
    let mut common = info.output_json(plan, &handle.task_id, out).map_err(|e| {
        Failure::from_error(&format!("reading the result of {}", handle.task_id), &e)
    })?;
    let downloaded: Vec<Value> = files
        .iter()
        .map(|(p, n)| json!({"path": p, "bytes": n}))
        .collect();
    if global.output == Output::Json {
        common["downloaded"] = Value::Array(downloaded);
        print_json(&common);
        return Ok(exit::OK);
    }
    let hidden = hide_url_queries_in_json(&mut common);
    println!(
        "{}",
        serde_json::to_string_pretty(&common).unwrap_or_default()
    );
    for (p, n) in files {
        println!("downloaded {} ({n} bytes)", p.display());
    }
    if hidden {
        println!(
            "(URL queries are shown as `?…`: they are signed credentials; use --output json for the full URLs)"
        );
    }
    Ok(exit::OK)
}

/// `mediatask providers --capabilities [--markdown]`.
pub(crate) fn matrix(global: &Global, markdown: bool) -> CliResult {
    if markdown {
        print!("{}", capabilities::matrix_markdown());
        return Ok(exit::OK);
    }
    let rows = capabilities::matrix();
    if global.output == Output::Json {
        print_json(&rows);
        return Ok(exit::OK);
    }
    println!(
        "{:<16} {:<12} {:<22} {:<48} refuses (strict)",
        "capability", "vendor", "kind", "honours"
    );
    for r in rows {
        let list = |f: &[&str]| {
            if f.is_empty() {
                "-".to_owned()
            } else {
                f.join(",")
            }
        };
        println!(
            "{:<16} {:<12} {:<22} {:<48} {}",
            r.capability,
            r.provider,
            r.kind,
            list(&r.honoured),
            list(&r.refused)
        );
    }
    Ok(exit::OK)
}
