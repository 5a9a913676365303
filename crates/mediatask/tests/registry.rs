//! Registry behaviour with a fake provider (no vendor feature needed), and with each compiled-in
//! vendor built from an explicit JSON configuration.

use async_trait::async_trait;
use mediatask::{
    CancelOutcome, Capabilities, DynMediaTask, ErrorKind, MediaTask, Provider, Registry, Result,
    TaskHandle, TaskInfo, TaskSnapshot, TaskStatus, VendorStatus,
};
use std::sync::Arc;

#[derive(Debug)]
struct Echo(TaskInfo);

#[derive(Debug, serde::Serialize)]
struct EchoOut(serde_json::Value);

impl mediatask::HasArtifacts for EchoOut {
    fn artifacts(&self) -> Vec<mediatask::Artifact> {
        Vec::new()
    }
}

#[async_trait]
impl MediaTask for Echo {
    type Request = serde_json::Value;
    type Output = EchoOut;
    fn info(&self) -> &TaskInfo {
        &self.0
    }
    async fn submit(&self, request: serde_json::Value) -> Result<TaskHandle> {
        Ok(TaskHandle::new(
            "fake",
            "echo",
            request["id"].as_str().unwrap_or("?"),
        ))
    }
    async fn poll(&self, _h: &TaskHandle) -> Result<TaskSnapshot> {
        Ok(TaskSnapshot::new(
            TaskStatus::Succeeded,
            VendorStatus::new("done"),
        ))
    }
    async fn cancel(&self, _h: &TaskHandle) -> Result<CancelOutcome> {
        Ok(CancelOutcome::AlreadyFinished {
            status: TaskStatus::Succeeded,
        })
    }
    async fn result(&self, h: &TaskHandle) -> Result<EchoOut> {
        Ok(EchoOut(serde_json::json!({ "id": h.task_id })))
    }
}

#[derive(Debug)]
struct FakeProvider;

fn echo_info() -> TaskInfo {
    TaskInfo {
        provider: "fake",
        kind: "echo",
        description: "echo",
        capabilities: Capabilities::basic(),
    }
}

impl Provider for FakeProvider {
    fn name(&self) -> &'static str {
        "fake"
    }
    fn kinds(&self) -> Vec<TaskInfo> {
        vec![echo_info()]
    }
    fn task(&self, kind: &str) -> Result<Arc<dyn DynMediaTask>> {
        match kind {
            "echo" => Ok(Arc::new(Echo(echo_info()))),
            other => Err(mediatask::unknown_kind("fake", other, &self.kinds())),
        }
    }
}

#[tokio::test]
async fn builds_tasks_by_provider_and_kind() {
    let registry = Registry::new().with_provider(Arc::new(FakeProvider));
    let task = registry.task("fake", "echo").unwrap();
    let handle = task
        .submit_json(serde_json::json!({"id": "t-1"}))
        .await
        .unwrap();
    assert_eq!(handle.task_id, "t-1");
    let out = task.result_json(&handle).await.unwrap();
    assert_eq!(out.output, serde_json::json!({"id": "t-1"}));
    let err = registry.task("fake", "nope").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.message().contains("echo"), "{err}");
}

#[test]
fn unknown_and_not_compiled_providers_are_clear_errors() {
    let err = Registry::from_json(&serde_json::json!({"acme": {}})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.message().contains("unknown provider `acme`"), "{err}");
    for name in ["tencent-vod", "softsugar", "xjc", "reccloud", "vozo"] {
        if !mediatask::PROVIDERS.contains(&name) {
            let err = mediatask::build_provider(name, serde_json::json!({})).unwrap_err();
            assert!(err.message().contains("feature"), "{err}");
        }
    }
    let err = Registry::from_json(&serde_json::json!([1])).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}

#[test]
fn registries_are_independent() {
    let a = Registry::new().with_provider(Arc::new(FakeProvider));
    let b = Registry::new();
    assert!(a.task("fake", "echo").is_ok());
    assert!(b.task("fake", "echo").is_err());
}
