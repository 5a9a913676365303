//! The [`MediaTask`] trait (one implementor per vendor job kind) and [`MediaTaskExt`]
//! (`wait`, `run`, `watch`), blanket-implemented for every task.

use crate::journal::{SubmitIntent, SubmitLookup};
use crate::wait::{Waiter, terminal_error};
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

    /// The typed result of `handle` once `snapshot` — a terminal snapshot this task's
    /// [`MediaTask::poll`] returned for it, e.g. the last one a waiter saw — has been observed.
    /// Vendors whose status answer carries the result keep it in the snapshot
    /// ([`TaskSnapshot::with_kept_result`]) and return it here without another request (under a
    /// 2-requests-per-second limit every request counts). The default asks the vendor again
    /// with [`MediaTask::result`], as does an override when the snapshot kept nothing (e.g. it
    /// was read back from JSON).
    async fn result_from_snapshot(
        &self,
        handle: &TaskHandle,
        snapshot: &TaskSnapshot,
    ) -> Result<Self::Output> {
        let _ = snapshot;
        self.result(handle).await
    }

    /// Establish whether a submit whose answer was lost created a job, by the client job id it
    /// carried (see [`crate::journal`]). Called by a journal's recovery, never by a plain submit.
    /// A vendor whose submits are deduped by that id may resend the recorded request here.
    /// The default: [`SubmitLookup::CannotTell`] (the vendor has no lookup).
    async fn find_submitted(&self, intent: &SubmitIntent) -> Result<SubmitLookup> {
        let _ = intent;
        Ok(SubmitLookup::no_lookup(self.info().provider))
    }

    /// The pool of the vendor account's task slots this task's jobs occupy while in flight, if
    /// the vendor caps them (see [`crate::journal::TaskPool`]). A journal shared by several
    /// processes counts the slots in its store. The default: `None` (no cap).
    fn task_pool(&self) -> Option<crate::journal::TaskPool> {
        None
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

    /// Submit, wait and fetch the result (from the terminal snapshot when the vendor kept it
    /// there: see [`MediaTask::result_from_snapshot`]). A failed or cancelled task is an
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
        self.result_from_snapshot(&handle, &snap).await
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Capabilities, TaskStatus, VendorStatus};
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Succeeds at its first poll; counts polls and result calls.
    #[derive(Debug)]
    struct Counting {
        info: TaskInfo,
        keeps_result: bool,
        polls: AtomicU32,
        results: AtomicU32,
    }

    impl Counting {
        fn new(keeps_result: bool) -> Self {
            Counting {
                info: TaskInfo {
                    provider: "test",
                    kind: "counting",
                    description: "",
                    capabilities: Capabilities::basic(),
                },
                keeps_result,
                polls: AtomicU32::new(0),
                results: AtomicU32::new(0),
            }
        }
    }

    #[async_trait]
    impl MediaTask for Counting {
        type Request = ();
        type Output = String;

        fn info(&self) -> &TaskInfo {
            &self.info
        }
        async fn submit(&self, _: ()) -> Result<TaskHandle> {
            Ok(TaskHandle::new("test", "counting", "1"))
        }
        async fn poll(&self, _: &TaskHandle) -> Result<TaskSnapshot> {
            self.polls.fetch_add(1, Ordering::SeqCst);
            let snap = TaskSnapshot::new(TaskStatus::Succeeded, VendorStatus::new("done"));
            Ok(if self.keeps_result {
                snap.with_kept_result(String::from("from the poll"))
            } else {
                snap
            })
        }
        async fn cancel(&self, _: &TaskHandle) -> Result<CancelOutcome> {
            Ok(CancelOutcome::Cancelled)
        }
        async fn result(&self, _: &TaskHandle) -> Result<String> {
            self.results.fetch_add(1, Ordering::SeqCst);
            Ok("from result".into())
        }
        async fn result_from_snapshot(
            &self,
            handle: &TaskHandle,
            snapshot: &TaskSnapshot,
        ) -> Result<String> {
            match snapshot.kept_result::<String>() {
                Some(kept) => Ok(kept.clone()),
                None => self.result(handle).await,
            }
        }
    }

    #[test]
    fn run_builds_the_result_from_the_terminal_snapshot_without_asking_again() {
        let policy = WaitPolicy::default().with_jitter(false);
        let kept = Counting::new(true);
        let out = futures::executor::block_on(kept.run((), &policy)).unwrap();
        assert_eq!(out, "from the poll");
        assert_eq!(kept.polls.load(Ordering::SeqCst), 1);
        assert_eq!(
            kept.results.load(Ordering::SeqCst),
            0,
            "no request after the terminal poll"
        );

        // a snapshot that kept nothing (read back from JSON, or a vendor that cannot): asked again
        let plain = Counting::new(false);
        let out = futures::executor::block_on(plain.run((), &policy)).unwrap();
        assert_eq!(out, "from result");
        assert_eq!(plain.results.load(Ordering::SeqCst), 1);
        let snap =
            futures::executor::block_on(kept.poll(&TaskHandle::new("test", "counting", "1")))
                .unwrap();
        let back: TaskSnapshot =
            serde_json::from_str(&serde_json::to_string(&snap).unwrap()).unwrap();
        assert_eq!(
            back, snap,
            "the kept result is not part of the observed state"
        );
        assert_eq!(back.kept_result::<String>(), None);
    }
}
