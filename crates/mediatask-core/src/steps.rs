//! Multi-step jobs: one logical job a vendor serves as several of its own jobs in sequence
//! (RecCloud video translation: a preview, then a synthesis built from the preview's
//! subtitles). A [`StepPlanner`] says, from the logical job's request and the steps finished
//! so far, which vendor job comes next and what the whole job's output is; the journal
//! (`mediatask-store`'s `StepChain`) runs the steps, each journaled write-ahead as its own row
//! under the logical job, so a crash between two steps resumes at the next one and never sends
//! a finished step again.
//!
//! ```
//! use mediatask_core::steps::{FinishedStep, StepPlan, StepPlanner};
//! use mediatask_core::{Capabilities, DynOutput, Result, TaskInfo};
//!
//! /// Two vendor jobs: `draft`, then `final` from the draft's text.
//! #[derive(Debug)]
//! struct DraftThenFinal(TaskInfo);
//!
//! impl StepPlanner for DraftThenFinal {
//!     fn info(&self) -> &TaskInfo { &self.0 }
//!     fn next_step(&self, request: &serde_json::Value, done: &[FinishedStep]) -> Result<Option<StepPlan>> {
//!         Ok(match done {
//!             [] => Some(StepPlan::new("draft", request.clone())),
//!             [draft] => Some(StepPlan::new("final", serde_json::json!({"text": draft.output.output["text"]}))),
//!             _ => None,
//!         })
//!     }
//!     fn output(&self, _request: &serde_json::Value, done: &[FinishedStep]) -> Result<DynOutput> {
//!         Ok(done.last().map(|s| s.output.clone()).expect("a finished chain has steps"))
//!     }
//! }
//!
//! let planner = DraftThenFinal(TaskInfo {
//!     provider: "vendor", kind: "draft_then_final", description: "", capabilities: Capabilities::basic(),
//! });
//! let first = planner.next_step(&serde_json::json!({"text": "hi"}), &[]).unwrap().unwrap();
//! assert_eq!(first.kind, "draft");
//! ```

use crate::{DynOutput, Result, TaskInfo};
use serde_json::Value;
use std::fmt::Debug;

/// The next vendor job of a multi-step job: its kind (of the planner's provider) and request
/// (the vendor crate's serde form, what `submit_json` takes).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StepPlan {
    /// The vendor job kind.
    pub kind: String,
    /// Its request.
    pub request: Value,
}

impl StepPlan {
    /// A step of `kind` sending `request`.
    ///
    /// ```
    /// let s = mediatask_core::steps::StepPlan::new("preview", serde_json::json!({}));
    /// assert_eq!(s.kind, "preview");
    /// ```
    pub fn new(kind: impl Into<String>, request: Value) -> Self {
        StepPlan {
            kind: kind.into(),
            request,
        }
    }
}

/// A finished (succeeded) step as journaled: what was sent and what came back.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FinishedStep {
    /// The vendor job kind.
    pub kind: String,
    /// The request that was sent.
    pub request: Value,
    /// Its output.
    pub output: DynOutput,
}

impl FinishedStep {
    /// A finished step.
    ///
    /// ```
    /// let out = mediatask_core::DynOutput { output: serde_json::json!({}), artifacts: vec![] };
    /// let s = mediatask_core::steps::FinishedStep::new("preview", serde_json::json!({}), out);
    /// assert_eq!(s.kind, "preview");
    /// ```
    pub fn new(kind: impl Into<String>, request: Value, output: DynOutput) -> Self {
        FinishedStep {
            kind: kind.into(),
            request,
            output,
        }
    }
}

/// Plans the steps of one kind of multi-step job. Must be deterministic: after a restart the
/// journal asks again with the same request and finished steps and must get the same answer.
pub trait StepPlanner: Send + Sync + Debug {
    /// The logical job's provider and kind (e.g. `reccloud` / `capability:translate_dub`).
    fn info(&self) -> &TaskInfo;
    /// The step after `done` (the finished steps, in order), or `None` when the job is
    /// complete. An error when the request cannot be planned (nothing is sent then).
    fn next_step(&self, request: &Value, done: &[FinishedStep]) -> Result<Option<StepPlan>>;
    /// The logical job's output once [`StepPlanner::next_step`] said it is complete.
    fn output(&self, request: &Value, done: &[FinishedStep]) -> Result<DynOutput>;
}
