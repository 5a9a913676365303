//! Building the [`Registry`] for a command: the `--config` file (if any), the `--endpoint`
//! override, and — for the demo and `providers` — the emulator's credentials in each vendor's
//! own configuration fields.

use crate::cli::Global;
use crate::exit::{CliResult, Failure};
use mediatask::Registry;
use mediatask_core::{DynMediaTask, WaitPolicy};
use mediatask_emulator::EmulatorCredentials;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// The registry configuration from `--config` (an object keyed by provider), or `{}`.
fn config_file(global: &Global) -> CliResult<serde_json::Map<String, Value>> {
    let Some(path) = &global.config else {
        return Ok(serde_json::Map::new());
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::input(format!(
            "cannot read the config file `{}`: {e}",
            path.display()
        ))
    })?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Failure::input(format!(
            "config file `{}` must be a JSON object keyed by provider name",
            path.display()
        ))),
        Err(e) => Err(Failure::input(format!(
            "config file `{}` is not valid JSON: {e}",
            path.display()
        ))),
    }
}

/// An input error unless `provider` is compiled in.
pub(crate) fn require_compiled(provider: &str) -> CliResult<()> {
    if mediatask::PROVIDERS.contains(&provider) {
        Ok(())
    } else {
        Err(Failure::input(format!(
            "provider `{provider}` is not compiled in; available: {}",
            available()
        )))
    }
}

/// The configuration of `provider` from `--config` (or `{}`), with `--endpoint` as its
/// `base_url`; the vendor crate fills in missing credentials from its environment variables.
pub(crate) fn provider_entry(global: &Global, provider: &str) -> CliResult<Value> {
    require_compiled(provider)?;
    let mut file = config_file(global)?;
    let mut entry = file.remove(provider).unwrap_or_else(|| json!({}));
    if !entry.is_object() {
        return Err(Failure::input(format!(
            "the `{provider}` entry of the config file must be an object"
        )));
    }
    if let Some(endpoint) = &global.endpoint {
        entry["base_url"] = json!(endpoint);
    }
    Ok(entry)
}

/// A registry holding only `provider`, configured from `--config`, env vars and `--endpoint`.
pub(crate) fn registry_for(global: &Global, provider: &str) -> CliResult<Registry> {
    let entry = provider_entry(global, provider)?;
    let config = json!({ provider: entry });
    let registry = match crate::journal::rate_gate() {
        // Every process on this journal shares the account's rate limits.
        Some(gate) => Registry::from_json_with(&config, &|name, cfg, http| {
            let account = crate::journal::account_fingerprint(name, cfg);
            http.limits = std::mem::take(&mut http.limits).with_shared_gate(gate.clone(), account);
        }),
        None => Registry::from_json(&config),
    };
    registry.map_err(|e| Failure::from_error(&format!("configuring {provider}"), &e))
}

/// The SoftSugar client, configured exactly like the registry's (`--config`, env vars,
/// `--endpoint`), for the endpoints that are not tasks (catalogues, bills, task management).
#[cfg(feature = "softsugar")]
pub(crate) fn softsugar_client(
    global: &Global,
) -> CliResult<mediatask::vendors::softsugar::Client> {
    use mediatask::vendors::softsugar::{Client, SoftSugarConfig};
    let entry = provider_entry(global, "softsugar")?;
    SoftSugarConfig::from_json(entry)
        .and_then(Client::new)
        .map_err(|e| Failure::from_error("configuring softsugar", &e))
}

/// The ai-xjc client, configured exactly like the registry's (`--config`, env vars,
/// `--endpoint`), for the account endpoints.
#[cfg(feature = "xjc")]
pub(crate) fn xjc_client(global: &Global) -> CliResult<mediatask::vendors::xjc::XjcClient> {
    use mediatask::vendors::xjc::{XjcClient, XjcConfig};
    let entry = provider_entry(global, "xjc")?;
    let config: XjcConfig = serde_json::from_value(entry).map_err(|e| {
        let e = mediatask_core::Error::new(
            mediatask_core::ErrorKind::Config,
            format!("invalid xjc config: {e}"),
        )
        .with_provider("xjc");
        Failure::from_error("configuring xjc", &e)
    })?;
    XjcClient::new(config).map_err(|e| Failure::from_error("configuring xjc", &e))
}

/// The task `provider`/`kind` from a fresh registry, journaled when the command opened the
/// job journal (see [`crate::journal`]).
pub(crate) fn task_for(
    global: &Global,
    provider: &str,
    kind: &str,
) -> CliResult<Arc<dyn DynMediaTask>> {
    let task = raw_task_for(global, provider, kind)?;
    let entry = provider_entry(global, provider)?;
    Ok(crate::journal::wrap(task, provider, &entry))
}

/// The task `provider`/`kind` from a fresh registry, not journaled (the journal's own
/// recovery wraps it itself); with `--webhook-base`, it passes our callback URL on submit.
/// A `capability:<name>` kind is a capability the vendor serves in several jobs: a
/// [`mediatask_store::StepChain`] over the journal, its steps built here too.
pub(crate) fn raw_task_for(
    global: &Global,
    provider: &str,
    kind: &str,
) -> CliResult<Arc<dyn DynMediaTask>> {
    if let Some(planner) = mediatask::capabilities::CapabilitySteps::for_kind(provider, kind) {
        let planner = planner
            .map_err(|e| Failure::from_error(&format!("selecting {provider}/{kind}"), &e))?;
        return crate::journal::step_chain(Arc::new(planner), resolver(global));
    }
    let urls = crate::webhooks::CallbackUrls::from_global(global)?;
    let task = registry_for(global, provider)?
        .task(provider, kind)
        .map_err(|e| {
            let what = format!("selecting {provider}/{kind}");
            if e.kind() == mediatask_core::ErrorKind::NotFound {
                Failure::input(format!(
                    "{what}: {e} — run `mediatask providers` to list the job kinds"
                ))
            } else {
                Failure::from_error(&what, &e)
            }
        })?;
    // Our per-job callback URL on submit (`--webhook-base`), for vendors that take one.
    Ok(crate::webhooks::with_callback_url(task, urls))
}

/// Builds the unjournaled vendor tasks the journal drives (recovery, workers, the steps of a
/// multi-step job), exactly as [`raw_task_for`] does.
pub(crate) fn resolver(global: &Global) -> mediatask_store::recover::TaskResolver {
    let global = global.clone();
    Arc::new(move |provider: &str, kind: &str| {
        raw_task_for(&global, provider, kind).map_err(|f| {
            mediatask_core::Error::new(mediatask_core::ErrorKind::Config, f.line)
                .with_provider(provider.to_owned())
        })
    })
}

/// Compiled-in providers, comma separated.
pub(crate) fn available() -> String {
    if mediatask::PROVIDERS.is_empty() {
        "none (build with `--features full`)".to_owned()
    } else {
        mediatask::PROVIDERS.join(", ")
    }
}

/// The VOD application id (`SubAppId`) the demo configuration gives the Tencent emulator.
const EMULATOR_TENCENT_SUB_APP_ID: u64 = 251_000_000;

/// The configuration of `provider` pointing at an emulator (`base_url`) with its credentials,
/// in the vendor crate's own field names.
pub(crate) fn emulator_entry(provider: &str, base_url: &str, c: &EmulatorCredentials) -> Value {
    let mut v = match provider {
        // Tencent requires a `SubAppId` (accounts opened after 2023-12-25): the demo uses a
        // fixed, obviously fake VOD application id the emulator accepts.
        "tencent-vod" => json!({
            "secret_id": c.tencent_secret_id,
            "secret_key": c.tencent_secret_key,
            "sub_app_id": EMULATOR_TENCENT_SUB_APP_ID
        }),
        "softsugar" => json!({"app_id": c.softsugar_app_id, "app_key": c.softsugar_app_key}),
        "xjc" => json!({"access_key": c.xjc_access_key, "secret_key": c.xjc_secret_key}),
        "reccloud" => json!({"api_key": c.reccloud_api_key}),
        "vozo" => json!({"api_key": c.vozo_api_key}),
        _ => json!({}),
    };
    v["base_url"] = json!(base_url);
    v
}

/// The waiting policy from the global flags.
pub(crate) fn wait_policy(global: &Global) -> WaitPolicy {
    let min = Duration::from_millis(global.min_poll_ms.max(1));
    WaitPolicy::default()
        .with_min_delay(min)
        .with_max_delay(Duration::from_millis(global.max_poll_ms).max(min))
        .with_max_wait(Some(Duration::from_secs(global.max_wait_secs.max(1))))
}
