//! RecCloud (aoscdn task API): `X-API-KEY` auth, `{status, message, data}` envelope whose
//! `status` mirrors the HTTP status, `POST /api/tasks/<kind>` → `data.task_id`,
//! `GET /api/tasks/<kind>/<task_id>` → `data.state` (0 queue, 2 preparing, 4 processing,
//! 5 publishing, 1 complete, negative = failed) with `progress` and a kind-specific `result`.
//!
//! Any `/api/tasks/...` path is accepted, so inferred query paths (vendors.md §2.4) work; the
//! result shape is chosen from the path (recognition, subtitle, video-translation
//! preview/synthesis, speech/tts, video).

use crate::faults::FaultTarget;
use crate::state::{EmuTask, Phase, VendorCtx};
use crate::wire::{Dialect, Fired, json, json_retry_after};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::any;
use axum::{Extension, Router};
use serde_json::{Value, json};
use std::sync::Arc;

/// Provider name.
pub(crate) const NAME: &str = "reccloud";

#[derive(Debug)]
pub(crate) struct RecCloudDialect;

fn envelope_error(status: u16, message: &str) -> Response {
    json(
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        json!({"status": status, "message": message, "data": null}),
    )
}

impl Dialect for RecCloudDialect {
    fn classify(&self, method: &Method, path: &str, _headers: &HeaderMap) -> FaultTarget {
        match (method, path.starts_with("/api/tasks/")) {
            (&Method::POST, true) => FaultTarget::Submit,
            (&Method::GET, true) => FaultTarget::Poll,
            _ => FaultTarget::Any,
        }
    }
    fn throttled(&self, retry_after_secs: u64) -> Response {
        json_retry_after(
            StatusCode::TOO_MANY_REQUESTS,
            json!({"status": 429, "message": "Too Many Requests: QPS limit exceeded", "data": null}),
            retry_after_secs,
        )
    }
    fn server_error(&self, status: u16) -> Response {
        envelope_error(status, "Internal Server Error")
    }
}

pub(crate) fn router(ctx: Arc<VendorCtx>) -> Router {
    Router::new()
        .route("/api/tasks/{*rest}", any(tasks))
        .with_state(ctx)
}

async fn tasks(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    method: Method,
    Path(rest): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !crate::vendors::keys_match(key, &ctx.config.credentials.reccloud_api_key) {
        ctx.auth_failed();
        return envelope_error(
            401,
            "Unauthorized: verify that the X-API-KEY is correct or if the service is activated",
        );
    }
    match method {
        Method::POST => create(&ctx, &rest, &body, &fired),
        Method::GET => query(&ctx, &rest, &fired),
        _ => envelope_error(405, "Method Not Allowed"),
    }
}

fn create(ctx: &VendorCtx, kind: &str, body: &[u8], fired: &[crate::Fault]) -> Response {
    let req: Value = match serde_json::from_slice(body) {
        Ok(v @ Value::Object(_)) => v,
        _ => return envelope_error(400, "Bad Request: body must be a JSON object"),
    };
    let text_input = kind.contains("tts")
        || kind.contains("text")
        || kind.contains("speech") && !kind.contains("recognition");
    let needs_url = !text_input;
    if needs_url {
        match req.get("url").and_then(Value::as_str) {
            Some(u) if u.starts_with("http://") || u.starts_with("https://") => {
                if u.len() > 512 {
                    return envelope_error(400, "Bad Request: url longer than 512 characters");
                }
            }
            _ => {
                return envelope_error(
                    400,
                    "Bad Request: `url` is required and must be a valid HTTP URL",
                );
            }
        }
    }
    let id = uuid::Uuid::new_v4().to_string();
    match ctx.create_task(id.clone(), kind, req, fired) {
        Some(_) => json(
            StatusCode::OK,
            json!({"status": 200, "message": "success", "data": {"task_id": id}}),
        ),
        None => envelope_error(429, "Too Many Requests: parallel task limit reached"),
    }
}

fn state_of(phase: &Phase) -> (i64, &'static str, u8) {
    match phase {
        Phase::Queued { .. } => (0, "Queue", 0),
        Phase::Running { progress, stage: 0 } => (2, "Preparing", *progress),
        Phase::Running { progress, .. } if *progress >= 90 => (5, "Publishing", *progress),
        Phase::Running { progress, .. } => (4, "Processing", *progress),
        Phase::Succeeded => (1, "Complete", 100),
        Phase::Failed { code, .. } => (code.parse().unwrap_or(-1), failure_text(code), 100),
        Phase::Cancelled => (-1, "Failed", 100),
    }
}

/// The documented meaning of each negative state (vendors.md §2.3).
fn failure_text(code: &str) -> &'static str {
    match code {
        "-11" => "No valid speech content detected",
        "-8" => "Processing timeout",
        "-7" => "Invalid file",
        "-5" => "Exceeds size limit",
        "-4" => "Submission failed",
        "-3" => "Download failed",
        "-2" => "Upload failed",
        _ => "Failed",
    }
}

fn query(ctx: &VendorCtx, rest: &str, fired: &[crate::Fault]) -> Response {
    let Some((kind, id)) = rest.rsplit_once('/') else {
        return envelope_error(404, "Not Found");
    };
    let Some(task) = ctx.task(id).filter(|t| t.kind == kind) else {
        return envelope_error(404, "Not Found: unknown task_id");
    };
    let phase = task.phase(&ctx.timing, std::time::Instant::now());
    let (state, detail, progress) = state_of(&phase);
    let created = task.created_utc.timestamp();
    let finished = task.finished_utc(&ctx.timing).timestamp();
    let mut data = json!({
        "task_id": task.id,
        "state": state,
        "state_detail": detail,
        "progress": progress,
        "created_at": created,
        "processed_at": if matches!(phase, Phase::Queued { .. }) { Value::Null } else { json!(created + 1) },
        "completed_at": if phase.is_terminal() { json!(finished) } else { Value::Null },
    });
    if phase == Phase::Succeeded {
        add_result(ctx, &task, &mut data, fired);
    }
    json(
        StatusCode::OK,
        json!({"status": 200, "message": "success", "data": data}),
    )
}

fn segments(speaker: bool) -> Value {
    let mut segs = json!([
        {"start": 0, "end": 1500, "text": "Hello from the mediatask emulator."},
        {"start": 1500, "end": 3000, "text": "This subtitle was generated locally."}
    ]);
    if speaker {
        for (i, s) in segs.as_array_mut().into_iter().flatten().enumerate() {
            s["speaker"] = json!(format!("Speaker {}", i % 2 + 1));
        }
    }
    segs
}

fn add_result(ctx: &VendorCtx, task: &EmuTask, data: &mut Value, fired: &[crate::Fault]) {
    let kind = task.kind.as_str();
    let req = &task.request;
    if kind.contains("recognition") {
        let speaker = req.get("type").and_then(Value::as_i64) == Some(4)
            || req.get("speaker_recognition").and_then(Value::as_i64) == Some(1);
        data["duration"] = json!(3);
        data["source_language"] = json!("en");
        data["target_language"] = req.get("language").cloned().unwrap_or(json!("en"));
        data["result"] = segments(speaker);
    } else if kind.contains("preview") || kind.ends_with("video-translation/create") {
        let (srt, _) = ctx.file_url(&task.id, "translated.srt", fired);
        data["result"] = json!({
            "source_subtitles": segments(false),
            "translated_subtitles": segments(false),
            "translate_srt_url": srt,
        });
    } else if kind.contains("tts") || kind.contains("speech") {
        let (url, _) = ctx.file_url(&task.id, "speech.wav", fired);
        data["duration"] = json!(1);
        data["result"] = json!({"audio": url, "url": url});
    } else {
        let (url, _) = ctx.file_url(&task.id, "video.mp4", fired);
        data["result"] = json!({"video": url, "url": url});
    }
}
