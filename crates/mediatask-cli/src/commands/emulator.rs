//! `mediatask emulator`: run the multi-vendor emulator as a process.

use crate::cli::{EmulatorArgs, EmulatorOptions};
use crate::exit::{self, CliResult, Failure};
use mediatask_emulator::{Emulator, EmulatorConfig, FaultRule, Timing};
use serde_json::json;
use std::time::Duration;

fn pairs(flag: &str, values: &[String]) -> CliResult<Vec<(String, u32)>> {
    values
        .iter()
        .map(|v| {
            let (vendor, n) = v
                .split_once('=')
                .ok_or_else(|| Failure::input(format!("--{flag} `{v}` must be VENDOR=N")))?;
            if !mediatask_emulator::VENDORS.contains(&vendor) {
                return Err(Failure::input(format!(
                    "--{flag}: unknown vendor `{vendor}`"
                )));
            }
            let n = n
                .parse()
                .map_err(|_| Failure::input(format!("--{flag} `{v}`: N must be a number")))?;
            Ok((vendor.to_owned(), n))
        })
        .collect()
}

/// The emulator configuration from the shared flags.
pub(crate) fn config(options: &EmulatorOptions, base: EmulatorConfig) -> CliResult<EmulatorConfig> {
    let mut cfg = base;
    if let Some(ms) = options.step_ms {
        cfg.timing = Timing {
            step: Duration::from_millis(ms.max(1)),
            ..cfg.timing
        };
    }
    for (v, n) in pairs("rate-limit", &options.rate_limits)? {
        cfg = cfg.with_rate_limit(&v, n);
    }
    for (v, n) in pairs("task-cap", &options.task_caps)? {
        cfg = cfg.with_task_cap(&v, n);
    }
    Ok(cfg)
}

/// Arm the `--fault` specs.
pub(crate) fn arm(emu: &Emulator, faults: &[String]) -> CliResult<()> {
    for spec in faults {
        let rule = FaultRule::parse(spec).map_err(Failure::input)?;
        emu.inject(rule).map_err(Failure::input)?;
    }
    Ok(())
}

/// `mediatask emulator --port P`: prints one JSON line with URLs and credentials, then serves
/// until interrupted.
pub(crate) async fn run(args: &EmulatorArgs) -> CliResult {
    // record_arrivals stays on: the admin API reports windows and arrivals
    let cfg = config(
        &args.options,
        EmulatorConfig::default().with_base_port(args.port),
    )?;
    let emu = Emulator::start(cfg).await.map_err(|e| {
        Failure::other(
            exit::OTHER,
            format!("cannot start the emulator on port {}: {e}", args.port),
        )
    })?;
    arm(&emu, &args.options.faults)?;
    let line = json!({
        "emulator": "mediatask-emulator (local fake vendors; nothing is billed)",
        "urls": emu.urls(),
        "credentials": emu.config().credentials,
    });
    println!("{line}");
    eprintln!("mediatask emulator running; press Ctrl-C to stop");
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Failure::other(exit::OTHER, format!("cannot wait for Ctrl-C: {e}")))?;
    emu.shutdown();
    Ok(exit::OK)
}
