//! The lease a worker drives a job under, as a task-local: writes made inside
//! [`with_fence`] carry its fencing number ([`crate::JobChange::under_lease`]), so a worker that
//! lost the job to another (a pause past its lease, a network split) cannot overwrite what the
//! new holder wrote — its writes fail with [`crate::StoreError::LeaseLost`].
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use mediatask_store::lease::{current_fence, with_fence};
//! assert_eq!(current_fence(), None);
//! assert_eq!(with_fence(7, async { current_fence() }).await, Some(7));
//! # });
//! ```

use std::future::Future;

tokio::task_local! {
    static FENCE: Option<i64>;
}

/// Run `fut` with `seq` (a claimed lease's fencing number) on every journal write it makes.
pub async fn with_fence<F: Future>(seq: i64, fut: F) -> F::Output {
    FENCE.scope(Some(seq), fut).await
}

/// Run `fut` with no fencing number, inside a [`with_fence`] scope too: for writes on rows the
/// lease does not cover (the steps of a multi-step job, which compare-and-set on their state
/// alone; the parent's lease fences the parent).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use mediatask_store::lease::{current_fence, with_fence, without_fence};
/// assert_eq!(with_fence(7, without_fence(async { current_fence() })).await, None);
/// # });
/// ```
pub async fn without_fence<F: Future>(fut: F) -> F::Output {
    FENCE.scope(None, fut).await
}

/// The fencing number of the surrounding [`with_fence`] scope, if any.
pub fn current_fence() -> Option<i64> {
    FENCE.try_with(|s| *s).ok().flatten()
}
