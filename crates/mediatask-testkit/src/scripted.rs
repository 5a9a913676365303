//! [`ScriptedTask`]: a fake `MediaTask` whose polls replay a script.

use async_trait::async_trait;
use mediatask_core::{
    Artifact, ArtifactKind, CancelOutcome, Capabilities, Error, ErrorKind, HasArtifacts, MediaTask,
    Result, TaskHandle, TaskInfo, TaskSnapshot, TaskStatus,
};
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The fake output: the task id it was produced for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScriptedOutput {
    /// The task id.
    pub task_id: String,
}

impl HasArtifacts for ScriptedOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        vec![Artifact::new(
            ArtifactKind::Other("fake".into()),
            format!("https://example.invalid/{}", self.task_id),
        )]
    }
}

/// Polls return the scripted items in order; the last item repeats forever.
#[derive(Debug)]
pub struct ScriptedTask {
    info: TaskInfo,
    script: Mutex<VecDeque<Result<TaskSnapshot>>>,
    last: Mutex<Option<TaskSnapshot>>,
    submits: AtomicUsize,
    polls: AtomicUsize,
}

impl ScriptedTask {
    /// A task replaying `script`.
    pub fn new(script: Vec<Result<TaskSnapshot>>) -> Self {
        ScriptedTask {
            info: TaskInfo {
                provider: "fake",
                kind: "scripted",
                description: "scripted fake task",
                capabilities: Capabilities::basic(),
            },
            script: Mutex::new(script.into()),
            last: Mutex::new(None),
            submits: AtomicUsize::new(0),
            polls: AtomicUsize::new(0),
        }
    }
    /// Number of polls so far.
    pub fn polls(&self) -> usize {
        self.polls.load(Ordering::SeqCst)
    }
    /// Number of submits so far.
    pub fn submits(&self) -> usize {
        self.submits.load(Ordering::SeqCst)
    }
    /// A handle for this task.
    pub fn handle(&self) -> TaskHandle {
        TaskHandle::new("fake", "scripted", "fake-1")
    }
}

#[async_trait]
impl MediaTask for ScriptedTask {
    type Request = serde_json::Value;
    type Output = ScriptedOutput;

    fn info(&self) -> &TaskInfo {
        &self.info
    }
    async fn submit(&self, _request: serde_json::Value) -> Result<TaskHandle> {
        self.submits.fetch_add(1, Ordering::SeqCst);
        Ok(self.handle())
    }
    async fn poll(&self, _handle: &TaskHandle) -> Result<TaskSnapshot> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        let mut script = self.script.lock().expect("script lock");
        let next = if script.len() > 1 {
            script.pop_front()
        } else {
            None
        };
        let item = match next {
            Some(item) => item,
            None => match script.front() {
                Some(Ok(s)) => Ok(s.clone()),
                Some(Err(e)) => Err(Error::new(e.kind(), e.message()).with_retry(e.retryability())),
                None => Err(Error::new(ErrorKind::Unexpected, "empty script")),
            },
        };
        if let Ok(s) = &item {
            *self.last.lock().expect("last lock") = Some(s.clone());
        }
        item
    }
    async fn cancel(&self, _handle: &TaskHandle) -> Result<CancelOutcome> {
        match self.last.lock().expect("last lock").as_ref() {
            Some(s) if s.status.is_terminal() => {
                Ok(CancelOutcome::AlreadyFinished { status: s.status })
            }
            _ => Ok(CancelOutcome::Requested),
        }
    }
    async fn result(&self, handle: &TaskHandle) -> Result<ScriptedOutput> {
        match self.last.lock().expect("last lock").as_ref() {
            Some(s) if s.status == TaskStatus::Succeeded => Ok(ScriptedOutput {
                task_id: handle.task_id.clone(),
            }),
            _ => Err(Error::new(
                ErrorKind::InvalidRequest,
                "task has not succeeded",
            )),
        }
    }
}
