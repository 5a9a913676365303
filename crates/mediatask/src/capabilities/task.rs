//! [`CapabilityTask`]: a capability bound to one configured vendor. It maps each common
//! request ([`Capability::plan`]) and runs the plan through that vendor's ordinary task, so
//! validation, limits, retries and journaling are exactly the vendor's.

use super::{Capability, CapabilityOutput, Mode, Plan, Warning, common_output};
use mediatask_core::{
    DynMediaTask, Provider, Result, TaskHandle, TaskSnapshot, WaitPolicy, dyn_waiter,
    terminal_error,
};
use std::marker::PhantomData;
use std::sync::Arc;

/// A submitted capability job: its handle plus what lenient mode dropped.
///
/// ```
/// let s = mediatask::capabilities::Submitted {
///     handle: mediatask::TaskHandle::new("vozo", "translate_dub", "t1"),
///     warnings: vec![],
/// };
/// assert_eq!(s.handle.task_id, "t1");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Submitted {
    /// The vendor task's handle (serialisable; poll or fetch the result with it later).
    pub handle: TaskHandle,
    /// Warnings of the plan (empty in strict mode).
    pub warnings: Vec<Warning>,
}

/// Capability `C` on one configured vendor. Build it with
/// [`crate::Registry::capability`] (vendor from the configuration) or
/// [`crate::Registry::capability_on`].
///
/// ```no_run
/// # #[cfg(feature = "vozo")]
/// # async fn demo() -> mediatask::Result<()> {
/// use mediatask::capabilities::TranslateDub;
/// let registry = mediatask::Registry::from_json(&serde_json::json!({
///     "vozo": {}, "capabilities": {"translate_dub": "vozo"}
/// }))?;
/// let dub = registry.capability::<TranslateDub>()?;
/// let out = dub.run(&serde_json::from_value(serde_json::json!({
///     "media_url": "https://cdn.example/in.mp4", "source_language": "auto", "target_language": "es"
/// }))?, &Default::default()).await?;
/// println!("{}", out.artifacts[0].url);
/// # Ok(()) }
/// ```
pub struct CapabilityTask<C> {
    provider: Arc<dyn Provider>,
    mode: Mode,
    _capability: PhantomData<fn() -> C>,
}

impl<C> Clone for CapabilityTask<C> {
    fn clone(&self) -> Self {
        CapabilityTask {
            provider: self.provider.clone(),
            mode: self.mode,
            _capability: PhantomData,
        }
    }
}

impl<C> std::fmt::Debug for CapabilityTask<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CapabilityTask")
            .field("provider", &self.provider.name())
            .field("mode", &self.mode)
            .finish()
    }
}

impl<C: Capability> CapabilityTask<C> {
    /// `C` on `provider`; an error when the provider does not offer `C` in this build.
    ///
    /// ```
    /// # #[cfg(feature = "vozo")] {
    /// use mediatask::capabilities::{CapabilityTask, TranslateDub, VoiceClone};
    /// let registry = mediatask::Registry::from_json(&serde_json::json!({"vozo": {"api_key": "k"}})).unwrap();
    /// let vozo = registry.provider("vozo").unwrap().clone();
    /// assert!(CapabilityTask::<TranslateDub>::new(vozo.clone()).is_ok());
    /// assert!(CapabilityTask::<VoiceClone>::new(vozo).is_err()); // Vozo clones no voices
    /// # }
    /// ```
    pub fn new(provider: Arc<dyn Provider>) -> Result<Self> {
        let name = provider.name();
        if !C::vendors().iter().any(|v| v.provider == name) {
            return Err(super::not_offered(C::NAME, name, C::vendors()));
        }
        Ok(CapabilityTask {
            provider,
            mode: Mode::Strict,
            _capability: PhantomData,
        })
    }

    /// The same task in `mode` (default [`Mode::Strict`]).
    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// The vendor.
    pub fn provider(&self) -> &'static str {
        self.provider.name()
    }

    /// The strictness.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Map `request` to this vendor without sending anything.
    ///
    /// ```
    /// # #[cfg(feature = "reccloud")] {
    /// use mediatask::capabilities::{Mode, SpeechToText};
    /// let registry = mediatask::Registry::from_json(&serde_json::json!({"reccloud": {"api_key": "k"}})).unwrap();
    /// let stt = registry.capability::<SpeechToText>().unwrap().with_mode(Mode::Strict);
    /// let plan = stt.plan(&serde_json::from_value(serde_json::json!({
    ///     "media_url": "https://cdn.example/talk.mp3", "speaker_labels": true
    /// })).unwrap()).unwrap();
    /// assert_eq!(plan.request["speaker_recognition"], true);
    /// # }
    /// ```
    pub fn plan(&self, request: &C::Request) -> Result<Plan> {
        C::plan(request, self.provider.name(), self.mode)
    }

    /// The vendor task a plan runs on.
    pub fn task_for(&self, plan: &Plan) -> Result<Arc<dyn DynMediaTask>> {
        self.provider.task(plan.kind)
    }

    /// Map and submit (the first step only, for a vendor that serves `C` in several jobs:
    /// see [`Plan::then`]; [`CapabilityTask::run`] drives every step).
    pub async fn submit(&self, request: &C::Request) -> Result<Submitted> {
        let plan = self.plan(request)?;
        let handle = self.task_for(&plan)?.submit_json(plan.request).await?;
        Ok(Submitted {
            handle,
            warnings: plan.warnings,
        })
    }

    /// Poll a submitted job.
    pub async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        self.provider.task(&handle.kind)?.poll(handle).await
    }

    /// The common output of a finished job (no `warnings`: they belong to the submit).
    pub async fn result(&self, handle: &TaskHandle) -> Result<CapabilityOutput<C::Data>> {
        let out = self
            .provider
            .task(&handle.kind)?
            .result_json(handle)
            .await?;
        common_output::<C>(
            self.provider.name(),
            &handle.kind,
            &handle.task_id,
            Vec::new(),
            &out,
        )
    }

    /// Map, submit, wait and fetch the result (with the plan's warnings). A multi-step plan
    /// runs each vendor job to its end before the next is built from its output; the output's
    /// `vendor` then holds every step's output under its kind.
    pub async fn run(
        &self,
        request: &C::Request,
        policy: &WaitPolicy,
    ) -> Result<CapabilityOutput<C::Data>> {
        let mut plan = self.plan(request)?;
        let mut steps: Vec<(&'static str, mediatask_core::DynOutput)> = Vec::new();
        loop {
            let task = self.task_for(&plan)?;
            let handle = task.submit_json(plan.request.clone()).await?;
            let snap = dyn_waiter(task.as_ref(), &handle, policy)
                .run_to_end()
                .await?;
            if let Some(e) = terminal_error(&handle, &snap) {
                return Err(e);
            }
            let out = task.result_json_from_snapshot(&handle, &snap).await?;
            match plan.then {
                Some(next) => {
                    let following = next.plan(&plan, &out)?;
                    steps.push((plan.kind, out));
                    plan = following;
                }
                None => {
                    let out = if steps.is_empty() {
                        out
                    } else {
                        steps.push((plan.kind, out));
                        super::chain_outputs(steps)
                    };
                    return common_output::<C>(
                        plan.provider,
                        plan.kind,
                        &handle.task_id,
                        plan.warnings,
                        &out,
                    );
                }
            }
        }
    }
}
