//! The [`MediaTask`] trait (one implementor per vendor job kind) and [`MediaTaskExt`]
//! (`wait`, `run`, `watch`), blanket-implemented for every task.

use crate::wait::{Waiter, terminal_error};
use crate::journal::{SubmitIntent, SubmitLookup};
use crate::{CancelOutcome, Result, TaskHandle, TaskInfo, TaskSnapshot, WaitPolicy};
use async_trait::async_trait;
use futures::FutureExt;
use std::fmt::Debug;

/// One kind of long-running vendor job: submit → poll → cancel → result.
///
/// Implementors are cheap handles over one shared vendor client (connection pool, token cache,
/// rate limiter). `submit` is never blindly retried by the SDK: when its answer is lost, it fails
/// with [`crate::ErrorKind::OutcomeUnknown`] unless the vendor dedupes submits.
///
/// Dropping a `wait` future stops local polling only; the remote job keeps running (and billing).
#[async_trait]
pub trait MediaTask: Send + Sync + Debug {
    /// The vendor's typed request for this job kind.
    type Request: Send + Sync;
    /// The vendor's typed result.
    type Output: Send;

    /// Provider, kind and capabilities.
    fn info(&self) -> &TaskInfo;
    /// Create the remote job.
    async fn submit(&self, request: Self::Request) -> Result<TaskHandle>;
    /// Read the job's current state (idempotent, retried on transient errors).
    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot>;
    /// Ask the vendor to cancel (idempotent). `Unsupported` where the vendor has no cancel.
    async fn cancel(&self, handle: &TaskHandle) -> Result<CancelOutcome>;
    /// The typed result; an error unless the task has succeeded.
    async fn result(&self, handle: &TaskHandle) -> Result<Self::Output>;

    /// Establish whether a submit whose answer was lost created a job, by the client job id it
    /// carried (see [`crate::journal`]). Called by a journal's recovery, never by a plain submit.
    /// A vendor whose submits are deduped by that id may resend the recorded request here.
    /// The default: [`SubmitLookup::CannotTell`] (the vendor has no lookup).
    async fn find_submitted(&self, intent: &SubmitIntent) -> Result<SubmitLookup> {
        let _ = intent;
        Ok(SubmitLookup::no_lookup(self.info().provider))
    }
}

/// Waiting helpers for every [`MediaTask`].
#[async_trait]
pub trait MediaTaskExt: MediaTask {
    /// Poll until the task is terminal (Succeeded, Failed or Cancelled) and return that snapshot.
    /// Errors: a permanent poll error, a status nobody recognises, or `max_wait` reached (after
    /// a final poll; throttled or failing polls are retried until then, or until the optional
    /// [`WaitPolicy::max_transient_streak`]).
    async fn wait(&self, handle: &TaskHandle, policy: &WaitPolicy) -> Result<TaskSnapshot> {
        self.waiter(handle, policy).run_to_end().await
    }

    /// Submit, wait and fetch the result. A failed or cancelled task is an
    /// [`crate::ErrorKind::TaskFailed`] error carrying the vendor code.
    async fn run(&self, request: Self::Request, policy: &WaitPolicy) -> Result<Self::Output>
    where
        Self::Request: 'async_trait,
    {
        let handle = self.submit(request).await?;
        let snap = self.wait(&handle, policy).await?;
        if let Some(e) = terminal_error(&handle, &snap) {
            return Err(e);
        }
        self.result(&handle).await
    }

    /// A waiter over this task (stream it with [`Waiter::into_stream`] to watch progress).
    ///
    /// ```no_run
    /// # async fn demo<T: mediatask_core::MediaTask>(task: &T, h: &mediatask_core::TaskHandle) {
    /// use futures::StreamExt;
    /// use mediatask_core::{MediaTaskExt, WaitPolicy};
    /// let mut snaps = Box::pin(task.watch(h, &WaitPolicy::default()));
    /// while let Some(snap) = snaps.next().await {
    ///     println!("{:?}", snap.map(|s| s.progress));
    /// }
    /// # }
    /// ```
    fn watch<'a>(
        &'a self,
        handle: &'a TaskHandle,
        policy: &WaitPolicy,
    ) -> futures::stream::BoxStream<'a, Result<TaskSnapshot>> {
        Box::pin(self.waiter(handle, policy).into_stream())
    }

    /// The raw waiter.
    fn waiter<'a>(&'a self, handle: &'a TaskHandle, policy: &WaitPolicy) -> Waiter<'a> {
        Waiter::new(handle, policy, Box::new(move || self.poll(handle).boxed()))
    }
}

impl<T: MediaTask + ?Sized> MediaTaskExt for T {}
