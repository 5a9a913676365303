//! The caller's deadline, carried in a task-local so every SDK call inside the scope honours it
//! (rate-limiter waiting included).

use std::future::Future;
use std::time::Instant;

tokio::task_local! {
    static DEADLINE: Instant;
}

/// Run `fut` with a deadline: transport calls inside it fail with `Timeout` instead of
/// running (or waiting for the limiter) past it.
///
/// ```no_run
/// # async fn demo() {
/// use std::time::{Duration, Instant};
/// let out = mediatask_http::with_deadline(Instant::now() + Duration::from_secs(5), async { 42 }).await;
/// assert_eq!(out, 42);
/// # }
/// ```
pub async fn with_deadline<F: Future>(deadline: Instant, fut: F) -> F::Output {
    let effective = current_deadline().map_or(deadline, |outer| outer.min(deadline));
    DEADLINE.scope(effective, fut).await
}

/// The deadline of the current scope, if any.
pub fn current_deadline() -> Option<Instant> {
    DEADLINE.try_with(|d| *d).ok()
}
