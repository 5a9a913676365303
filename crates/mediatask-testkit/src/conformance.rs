//! The conformance suite every vendor task runs (design.md, testing layer 4):
//! handle serde round-trip, poll after terminal, cancel after terminal, result before success is
//! an error, and Debug redaction of secrets.
//!
//! The vendor test arranges a mock server so that `running` polls as non-terminal and `finished`
//! polls as `Succeeded`, then calls [`run`].

use mediatask_core::{CancelOutcome, ErrorKind, MediaTask, TaskHandle, TaskStatus};

/// Inputs of the suite.
pub struct Suite<'a, T: MediaTask> {
    /// The task under test.
    pub task: &'a T,
    /// A request whose submit the mock accepts (its handle is round-tripped and polled).
    pub submit: Option<T::Request>,
    /// A handle the mock reports as queued/running.
    pub running: TaskHandle,
    /// A handle the mock reports as succeeded.
    pub finished: TaskHandle,
    /// Secret values that must never appear in Debug output or error messages.
    pub secrets: Vec<String>,
}

/// What the suite observed (for extra assertions by the caller).
#[derive(Debug, Default)]
pub struct Report {
    /// Handle returned by the submit, if one was made.
    pub submitted: Option<TaskHandle>,
    /// Cancel outcome (or error kind) on the finished task.
    pub cancel_after_terminal: Option<Result<CancelOutcome, ErrorKind>>,
}

fn assert_no_secret(text: &str, secrets: &[String], what: &str) {
    for s in secrets {
        assert!(
            !s.is_empty() && !text.contains(s.as_str()),
            "secret leaked in {what}: {text}"
        );
    }
}

/// Run the suite; panics with a clear message on the first violation.
pub async fn run<T: MediaTask>(suite: Suite<'_, T>) -> Report
where
    T::Output: std::fmt::Debug,
{
    let Suite {
        task,
        submit,
        running,
        finished,
        secrets,
    } = suite;
    let mut report = Report::default();
    assert_no_secret(&format!("{task:?}"), &secrets, "Debug of the task");
    assert_no_secret(&format!("{task:#?}"), &secrets, "pretty Debug of the task");
    let info = task.info();
    assert!(
        !info.provider.is_empty() && !info.kind.is_empty(),
        "TaskInfo must name provider and kind"
    );

    // 1. submit → handle serde round-trip → poll with the restored handle
    if let Some(req) = submit {
        let handle = task
            .submit(req)
            .await
            .unwrap_or_else(|e| panic!("conformance submit failed: {e}"));
        assert_eq!(handle.provider, info.provider, "handle provider");
        assert_eq!(handle.kind, info.kind, "handle kind");
        let json = serde_json::to_string(&handle).expect("handle serialises");
        assert_no_secret(&json, &secrets, "serialised handle");
        let back: TaskHandle = serde_json::from_str(&json).expect("handle deserialises");
        assert_eq!(back, handle, "handle serde round-trip");
        task.poll(&back)
            .await
            .unwrap_or_else(|e| panic!("poll with a restored handle failed: {e}"));
        report.submitted = Some(handle);
    }

    // 2. result before success is an error (never a fake success)
    let snap = task
        .poll(&running)
        .await
        .unwrap_or_else(|e| panic!("poll(running) failed: {e}"));
    assert!(
        !snap.status.is_terminal(),
        "`running` handle must poll as non-terminal, got {:?}",
        snap.status
    );
    match task.result(&running).await {
        Ok(out) => panic!("result() before success must be an error, got {out:?}"),
        Err(e) => {
            assert_no_secret(&e.to_string(), &secrets, "error Display");
            assert_no_secret(&format!("{e:?}"), &secrets, "error Debug");
        }
    }

    // 3. poll after terminal is stable
    let a = task
        .poll(&finished)
        .await
        .unwrap_or_else(|e| panic!("poll(finished) failed: {e}"));
    assert_eq!(
        a.status,
        TaskStatus::Succeeded,
        "`finished` handle must poll as Succeeded"
    );
    let b = task
        .poll(&finished)
        .await
        .unwrap_or_else(|e| panic!("second poll(finished) failed: {e}"));
    assert_eq!(a.status, b.status, "poll after terminal must stay terminal");

    // 4. cancel after terminal never reports a fresh cancellation
    let c = task.cancel(&finished).await;
    match &c {
        Ok(CancelOutcome::Cancelled) | Ok(CancelOutcome::Requested) => {
            panic!("cancel after terminal must not report a cancellation: {c:?}")
        }
        Ok(_) => {}
        Err(e) => {
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::Unsupported | ErrorKind::InvalidRequest | ErrorKind::NotFound
                ),
                "cancel after terminal: unexpected error {e}"
            );
            assert_no_secret(&e.to_string(), &secrets, "cancel error");
        }
    }
    report.cancel_after_terminal = Some(c.map_err(|e| e.kind()));

    // 5. result after success works
    task.result(&finished)
        .await
        .unwrap_or_else(|e| panic!("result(finished) failed: {e}"));
    report
}
