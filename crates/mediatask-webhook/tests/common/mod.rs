//! A recording sink and request helpers shared by the router tests.
#![allow(dead_code, unreachable_pub)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use mediatask_webhook::{Callback, CallbackSink, SinkError, SinkOutcome};
use std::collections::HashSet;
use std::sync::Mutex;
use tower::ServiceExt;

/// Records callbacks, deduplicating like the store; `known` lists the job ids that exist.
#[derive(Debug, Default)]
pub struct Recorder {
    pub known: HashSet<String>,
    pub seen: Mutex<Vec<Callback>>,
}

impl Recorder {
    pub fn knowing(ids: &[&str]) -> Self {
        Recorder {
            known: ids.iter().map(|s| s.to_string()).collect(),
            seen: Mutex::default(),
        }
    }
    pub fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

#[async_trait::async_trait]
impl CallbackSink for Recorder {
    async fn accept(&self, cb: Callback) -> Result<SinkOutcome, SinkError> {
        if !self.known.contains(&cb.job_id) {
            return Err(SinkError::UnknownJob);
        }
        let mut seen = self.seen.lock().unwrap();
        if seen.contains(&cb) {
            return Ok(SinkOutcome::Duplicate);
        }
        seen.push(cb);
        Ok(SinkOutcome::Woken)
    }
}

/// POST `body` with `headers` to `path`; the status and the JSON answer.
pub async fn post(
    app: &axum::Router,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> (StatusCode, serde_json::Value) {
    let mut req = Request::post(path).header("content-type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = app
        .clone()
        .oneshot(req.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json)
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}
