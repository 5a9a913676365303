//! [`CapabilitySteps`]: a capability a vendor serves in several jobs (RecCloud translate_dub:
//! preview, then synthesis) as a [`StepPlanner`], so the journal (`mediatask-store`'s
//! `StepChain`) runs it as **one** job with its steps. The logical job's kind is
//! `capability:<name>` (never a vendor kind) and its request is [`CapabilitySteps::request`]:
//! the common request and the mode. Steps are re-planned from the journal after a restart:
//! the first from the common request, each next one from the previous step's recorded request
//! and output, exactly as [`super::CapabilityTask::run`] plans them in memory.

use super::{CapabilityInfo, Mode, Plan, capability, chain_outputs, not_offered};
use mediatask_core::steps::{FinishedStep, StepPlan, StepPlanner};
use mediatask_core::{Capabilities, DynOutput, Error, ErrorKind, Operation, Result, TaskInfo};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The job-kind prefix of capability jobs run as steps.
pub const KIND_PREFIX: &str = "capability:";

/// A capability on one vendor, planned step by step.
///
/// ```
/// # #[cfg(feature = "reccloud")] {
/// use mediatask::capabilities::{CapabilitySteps, Mode};
/// use mediatask::steps::StepPlanner;
/// let steps = CapabilitySteps::new("translate_dub", "reccloud").unwrap();
/// assert_eq!(steps.info().kind, "capability:translate_dub");
/// let request = steps.request(&serde_json::json!({
///     "media_url": "https://cdn.example/in.mp4", "source_language": "auto", "target_language": "es",
///     "vendor_options": {"reccloud": {"voice": "es-female-1"}}
/// }), Mode::Strict);
/// let first = steps.next_step(&request, &[]).unwrap().unwrap();
/// assert_eq!(first.kind, "video_translation_preview");
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CapabilitySteps {
    capability: &'static CapabilityInfo,
    provider: &'static str,
    info: &'static TaskInfo,
}

/// The logical job's request as journaled.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChainRequest {
    capability: String,
    #[serde(default)]
    mode: Mode,
    request: Value,
}

impl CapabilitySteps {
    /// `capability` on `provider`; an error when the provider does not offer it in this build.
    pub fn new(capability_name: &str, provider: &str) -> Result<Self> {
        let capability = capability(capability_name)?;
        let Some(vendor) = capability.vendors().iter().find(|v| v.provider == provider) else {
            return Err(not_offered(capability.name, provider, capability.vendors()));
        };
        Ok(CapabilitySteps {
            capability,
            provider: vendor.provider,
            info: task_info(capability, vendor.provider),
        })
    }

    /// The planner for a journaled job kind (`capability:<name>`), if it is one.
    ///
    /// ```
    /// use mediatask::capabilities::CapabilitySteps;
    /// assert!(CapabilitySteps::for_kind("reccloud", "video_translation_preview").is_none());
    /// ```
    pub fn for_kind(provider: &str, kind: &str) -> Option<Result<Self>> {
        kind.strip_prefix(KIND_PREFIX)
            .map(|name| CapabilitySteps::new(name, provider))
    }

    /// The capability.
    pub fn capability(&self) -> &'static CapabilityInfo {
        self.capability
    }

    /// The logical job's request: the common request and the mode.
    ///
    /// ```
    /// # #[cfg(feature = "reccloud")] {
    /// use mediatask::capabilities::{CapabilitySteps, Mode};
    /// let steps = CapabilitySteps::new("translate_dub", "reccloud").unwrap();
    /// let r = steps.request(&serde_json::json!({"media_url": "https://cdn.example/a.mp4"}), Mode::Lenient);
    /// assert_eq!((r["capability"].as_str(), r["mode"].as_str()), (Some("translate_dub"), Some("lenient")));
    /// # }
    /// ```
    pub fn request(&self, common: &Value, mode: Mode) -> Value {
        serde_json::json!({"capability": self.capability.name, "mode": mode, "request": common})
    }

    fn decode(&self, request: &Value) -> Result<(Value, Mode)> {
        let chain: ChainRequest = serde_json::from_value(request.clone()).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "a {}{} job's request must be {{\"capability\", \"mode\", \"request\"}}: {e}",
                    KIND_PREFIX, self.capability.name
                ),
            )
            .with_provider(self.provider)
            .with_operation(Operation::Local)
        })?;
        if chain.capability != self.capability.name {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "the request names capability `{}`, the job is {}",
                    chain.capability, self.capability.name
                ),
            )
            .with_provider(self.provider)
            .with_operation(Operation::Local));
        }
        Ok((chain.request, chain.mode))
    }

    /// The plans of the finished steps (each with the request that was sent) and of the next
    /// step, if any.
    fn replay(&self, request: &Value, done: &[FinishedStep]) -> Result<(Vec<Plan>, Option<Plan>)> {
        let (common, mode) = self.decode(request)?;
        let mut next = Some(self.capability.plan_json(&common, self.provider, mode)?);
        let mut plans = Vec::with_capacity(done.len());
        for (i, step) in done.iter().enumerate() {
            let drift = |what: String| {
                Error::new(
                    ErrorKind::Decode,
                    format!(
                        "journaled step {} ({}) does not fit the {} mapping of this build: {what}",
                        i + 1,
                        step.kind,
                        self.capability.name
                    ),
                )
                .with_provider(self.provider)
                .with_operation(Operation::Local)
            };
            let mut plan = next
                .take()
                .ok_or_else(|| drift("the mapping has fewer steps".into()))?;
            if plan.kind != step.kind {
                return Err(drift(format!("it plans {} there", plan.kind)));
            }
            // What was sent is what counts, whatever this build would send now.
            plan.request = step.request.clone();
            next = match plan.then {
                Some(followup) => Some(followup.plan(&plan, &step.output)?),
                None => None,
            };
            plans.push(plan);
        }
        Ok((plans, next))
    }

    /// The plan of the last step of a finished job (its kind, and the warnings of every
    /// step) from the job's `output` ([`StepPlanner::output`]): what
    /// [`CapabilityInfo::output_json`] reads that output with. Later steps are re-planned from
    /// each step's output in it.
    pub fn final_plan(&self, request: &Value, output: &DynOutput) -> Result<Plan> {
        let (common, mode) = self.decode(request)?;
        let mut plan = self.capability.plan_json(&common, self.provider, mode)?;
        while let Some(followup) = plan.then {
            let step = DynOutput {
                output: output.output.get(plan.kind).cloned().ok_or_else(|| {
                    Error::new(
                        ErrorKind::Decode,
                        format!("the job's output has no `{}` step", plan.kind),
                    )
                    .with_provider(self.provider)
                    .with_operation(Operation::Local)
                })?,
                artifacts: Vec::new(),
            };
            plan = followup.plan(&plan, &step)?;
        }
        Ok(plan)
    }
}

impl StepPlanner for CapabilitySteps {
    fn info(&self) -> &TaskInfo {
        self.info
    }

    fn next_step(&self, request: &Value, done: &[FinishedStep]) -> Result<Option<StepPlan>> {
        let (_, next) = self.replay(request, done)?;
        Ok(next.map(|p| StepPlan::new(p.kind, p.request)))
    }

    /// One step: its output as it is; several: every step's output under its kind, the
    /// artifacts of the last ([`chain_outputs`]).
    fn output(&self, _request: &Value, done: &[FinishedStep]) -> Result<DynOutput> {
        Ok(match done {
            [one] => one.output.clone(),
            many => chain_outputs(
                many.iter()
                    .map(|s| (s.kind.as_str(), s.output.clone()))
                    .collect(),
            ),
        })
    }
}

/// The `TaskInfo` of `capability` on `provider`, made once per pair (the registry of kinds
/// is `'static`).
fn task_info(capability: &'static CapabilityInfo, provider: &'static str) -> &'static TaskInfo {
    static INFOS: OnceLock<Mutex<HashMap<(&'static str, &'static str), &'static TaskInfo>>> =
        OnceLock::new();
    let mut infos = INFOS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    infos.entry((capability.name, provider)).or_insert_with(|| {
        let mut caps = Capabilities::basic();
        caps.cancel = true;
        caps.progress = true;
        caps.notes = "several vendor jobs run in sequence, journaled as one job with its steps";
        Box::leak(Box::new(TaskInfo {
            provider,
            kind: Box::leak(format!("{KIND_PREFIX}{}", capability.name).into_boxed_str()),
            description: capability.description,
            capabilities: caps,
        }))
    })
}
