//! What one AIGC job kind adds to the shared plumbing of [`super`] (which is generic over it),
//! and the one `MediaTask` impl every kind uses.
//!
//! A kind implements [`AigcKind`] (its [`KindSpec`], its DescribeTaskDetail sub-task output,
//! where its request keeps `SessionId`/`SubAppId`, how its typed output is built) and invokes
//! [`aigc_task!`] for its public struct, `new` and `MediaTask` impl. The macro exists only
//! because the orphan rule forbids a blanket `impl<K: AigcKind> MediaTask for K`; all logic
//! lives in the generic functions of [`super`].

use super::KindSpec;
use crate::api::{DescribeTaskDetailResponse, SubTask};
use mediatask_core::MediaTask;

/// The per-kind facts the shared submit/poll/cancel/result need.
pub(crate) trait AigcKind: MediaTask {
    /// Kind, action, detail field and task pool.
    const SPEC: KindSpec;
    /// The kind's `Output` inside its DescribeTaskDetail sub-task.
    type Detail: Default + Send;

    /// Take the kind's sub-task (`AigcVideoTask`, …) out of a DescribeTaskDetail answer.
    fn take_detail(response: &mut DescribeTaskDetailResponse) -> Option<SubTask<Self::Detail>>;
    /// The request's `SessionId` field (`None` when the action has none) and `SubAppId` field.
    fn id_fields(request: &mut Self::Request) -> (Option<&mut Option<String>>, &mut Option<u64>);
    /// The typed output from a succeeded task.
    fn output(parts: ResultParts<Self::Detail>) -> Self::Output;
}

/// What a succeeded task yields, before the kind shapes it into its output.
pub(crate) struct ResultParts<D> {
    /// The vendor task id.
    pub(crate) task_id: String,
    /// The sub-task output (default when absent).
    pub(crate) detail: D,
    /// The sub-task's SessionId, else the one recorded in the handle at submit.
    pub(crate) session_id: Option<String>,
    /// The SessionContext echoed back.
    pub(crate) session_context: Option<String>,
    /// `FinishTime` of the task.
    pub(crate) finish_time: Option<String>,
}

/// A public task type `$task` (its docs passed through, fields `client` and `info`, `new`)
/// and its `MediaTask` impl over its [`AigcKind`] impl (including `find_submitted`, the
/// journal's recovery lookup by SessionId in `super::lookup`); `$task` must also have inherent
/// `task_info() -> TaskInfo` and `validate(&$request) -> Result<()>`.
macro_rules! aigc_task {
    ($(#[$attr:meta])* pub struct $task:ident: $request:ty => $output:ty;) => {
        $(#[$attr])*
        #[derive(Debug, Clone)]
        pub struct $task {
            client: $crate::client::Client,
            info: mediatask_core::TaskInfo,
        }

        impl $task {
            /// The task over a shared client.
            pub fn new(client: $crate::client::Client) -> Self {
                $task {
                    client,
                    info: Self::task_info(),
                }
            }
        }

        #[async_trait::async_trait]
        impl mediatask_core::MediaTask for $task {
            type Request = $request;
            type Output = $output;

            fn info(&self) -> &mediatask_core::TaskInfo {
                &self.info
            }

            async fn submit(
                &self,
                req: $request,
            ) -> mediatask_core::Result<mediatask_core::TaskHandle> {
                Self::validate(&req)?;
                $crate::tasks::submit::<Self>(&self.client, req).await
            }

            async fn poll(
                &self,
                handle: &mediatask_core::TaskHandle,
            ) -> mediatask_core::Result<mediatask_core::TaskSnapshot> {
                $crate::tasks::poll_keeping_result::<Self>(&self.client, handle).await
            }

            async fn cancel(
                &self,
                handle: &mediatask_core::TaskHandle,
            ) -> mediatask_core::Result<mediatask_core::CancelOutcome> {
                $crate::tasks::cancel::<Self>(&self.client, handle).await
            }

            async fn find_submitted(
                &self,
                intent: &mediatask_core::journal::SubmitIntent,
            ) -> mediatask_core::Result<mediatask_core::journal::SubmitLookup> {
                $crate::tasks::lookup::find_submitted::<Self>(&self.client, intent, Self::validate)
                    .await
            }

            async fn result(
                &self,
                handle: &mediatask_core::TaskHandle,
            ) -> mediatask_core::Result<$output> {
                $crate::tasks::result::<Self>(&self.client, handle).await
            }

            async fn result_from_snapshot(
                &self,
                handle: &mediatask_core::TaskHandle,
                snapshot: &mediatask_core::TaskSnapshot,
            ) -> mediatask_core::Result<$output> {
                $crate::tasks::result_from_snapshot::<Self>(&self.client, handle, snapshot).await
            }
        }
    };
}
pub(crate) use aigc_task;
