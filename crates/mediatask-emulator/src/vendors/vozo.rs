//! Vozo: `Authorization: Bearer <api_key>`, errors as non-2xx with
//! `{"code": "<string>", "message", "serverTs"}` (vendors.md §5.1).
//!
//! * Translate & dub: `POST /v1/media/translate` → `{"task_id"}`, `GET /v1/media/translate/{id}`
//!   → `{status, err_code, err_message, result: {video_url, audio_url, subtitle_url}}` moving
//!   through `queuing → preprocessing → transcribing → translating → dubbing → rendering → done`.
//! * Lip-sync: `POST /v1/video_generation` and `POST /v1/reusable_lipsync_model_video_generation`
//!   → `{"task_id"}`, `GET /v1/video_generation/{id}` → `{status: pending|processing|done|failed,
//!   video_url}`.

use crate::faults::FaultTarget;
use crate::state::{EmuTask, Phase, VendorCtx};
use crate::wire::{Dialect, Fired, json, json_retry_after};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde_json::{Value, json};
use std::sync::Arc;

/// Provider name.
pub(crate) const NAME: &str = "vozo";

const TRANSLATE: &str = "translate";
const LIPSYNC: &str = "lipsync";

#[derive(Debug)]
pub(crate) struct VozoDialect;

fn error(status: u16, code: &str, message: &str) -> Response {
    json(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        json!({"code": code, "message": message, "serverTs": chrono::Utc::now().timestamp_millis().to_string()}),
    )
}

impl Dialect for VozoDialect {
    fn classify(&self, method: &Method, _path: &str, _headers: &HeaderMap) -> FaultTarget {
        match *method {
            Method::POST => FaultTarget::Submit,
            Method::GET => FaultTarget::Poll,
            _ => FaultTarget::Any,
        }
    }
    fn throttled(&self, retry_after_secs: u64) -> Response {
        json_retry_after(
            StatusCode::TOO_MANY_REQUESTS,
            json!({"code": "1304", "message": "API key reached max concurrent requests", "serverTs": chrono::Utc::now().timestamp_millis().to_string()}),
            retry_after_secs,
        )
    }
    fn server_error(&self, status: u16) -> Response {
        error(status, "1000", "internal error")
    }
}

pub(crate) fn router(ctx: Arc<VendorCtx>) -> Router {
    Router::new()
        .route("/v1/media/translate", post(create_translate))
        .route("/v1/media/translate/{id}", get(get_translate))
        .route("/v1/video_generation", post(create_lipsync))
        .route(
            "/v1/reusable_lipsync_model_video_generation",
            post(create_reusable_lipsync),
        )
        .route("/v1/video_generation/{id}", get(get_lipsync))
        .with_state(ctx)
}

fn authorized(ctx: &VendorCtx, headers: &HeaderMap) -> Result<(), Response> {
    let presented = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if crate::vendors::keys_match(presented, &ctx.config.credentials.vozo_api_key) {
        Ok(())
    } else {
        ctx.auth_failed();
        Err(error(401, "1302", "API key is invalid or has been revoked"))
    }
}

fn parse_object(body: &[u8]) -> Result<Value, Response> {
    match serde_json::from_slice(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(error(
            400,
            "5",
            "invalid params: body must be a JSON object",
        )),
    }
}

fn require(req: &Value, fields: &[&str]) -> Result<(), Response> {
    for f in fields {
        if req
            .get(*f)
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(error(
                400,
                "5",
                &format!("invalid params: `{f}` is required"),
            ));
        }
    }
    Ok(())
}

fn create(ctx: &Arc<VendorCtx>, kind: &str, req: Value, fired: &[crate::Fault]) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let callback_url = req
        .get("callback_url")
        .and_then(Value::as_str)
        .map(str::to_owned);
    match ctx.create_task(id.clone(), kind, req, fired) {
        Some(_) => {
            if let Some(url) = callback_url {
                crate::callbacks::schedule(ctx.clone(), id.clone(), url, callback_body);
            }
            json(StatusCode::OK, json!({"task_id": id}))
        }
        None => error(
            400,
            "1304",
            "max concurrent jobs reached (queued jobs count)",
        ),
    }
}

async fn create_translate(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let run = || -> Result<Response, Response> {
        authorized(&ctx, &headers)?;
        let req = parse_object(&body)?;
        require(
            &req,
            &[
                "media_type",
                "media_url",
                "source_language",
                "target_language",
                "export_type",
            ],
        )?;
        if req.get("media_type").and_then(Value::as_str) == Some("audio")
            && matches!(
                req.get("export_type").and_then(Value::as_str),
                Some("video" | "all")
            )
        {
            return Err(error(
                400,
                "5",
                "invalid params: audio input cannot export video",
            ));
        }
        Ok(create(&ctx, TRANSLATE, req, &fired))
    };
    run().unwrap_or_else(|e| e)
}

async fn create_lipsync(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let run = || -> Result<Response, Response> {
        authorized(&ctx, &headers)?;
        let req = parse_object(&body)?;
        require(
            &req,
            &[
                "reference_file_url",
                "audio_url",
                "model",
                "reference_file_type",
            ],
        )?;
        Ok(create(&ctx, LIPSYNC, req, &fired))
    };
    run().unwrap_or_else(|e| e)
}

async fn create_reusable_lipsync(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let run = || -> Result<Response, Response> {
        authorized(&ctx, &headers)?;
        let req = parse_object(&body)?;
        require(&req, &["model_id", "audio_url"])?;
        Ok(create(&ctx, LIPSYNC, req, &fired))
    };
    run().unwrap_or_else(|e| e)
}

const STAGES: [&str; 5] = [
    "preprocessing",
    "transcribing",
    "translating",
    "dubbing",
    "rendering",
];

fn failure(code: &str, message: &str) -> (Value, Value) {
    let code = if code.is_empty() { "10001" } else { code };
    let message = if message.is_empty() {
        "job failed (emulated)"
    } else {
        message
    };
    (json!(code), json!(message))
}

async fn get_translate(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(e) = authorized(&ctx, &headers) {
        return e;
    }
    let Some(task) = ctx.task(&id).filter(|t| t.kind == TRANSLATE) else {
        return error(404, "5", "task not found");
    };
    let phase = task.phase(&ctx.timing, std::time::Instant::now());
    let mut body = json!({"status": "", "err_code": "", "err_message": "", "result": null});
    match &phase {
        Phase::Queued { .. } => body["status"] = json!("queuing"),
        Phase::Running { stage, progress } => {
            let idx = (*stage as usize * STAGES.len()) / ctx.timing.running_steps.max(1) as usize;
            body["status"] = json!(STAGES[idx.min(STAGES.len() - 1)]);
            body["progress"] = json!(progress);
        }
        Phase::Succeeded => {
            let (video, _) = ctx.file_url(&task.id, "dubbed.mp4", &fired);
            let (audio, _) = ctx.file_url(&task.id, "dubbed.wav", &fired);
            let (srt, _) = ctx.file_url(&task.id, "translated.srt", &fired);
            let export = task
                .request
                .get("export_type")
                .and_then(Value::as_str)
                .unwrap_or("auto");
            let audio_only =
                task.request.get("media_type").and_then(Value::as_str) == Some("audio");
            body["status"] = json!("done");
            body["result"] = json!({
                "video_url": if audio_only || export == "audio" { Value::Null } else { json!(video) },
                "audio_url": if export == "video" { Value::Null } else { json!(audio) },
                "subtitle_url": srt,
            });
        }
        Phase::Failed { .. } | Phase::Cancelled => {
            let (c, m) = match &phase {
                Phase::Failed { code, message } => failure(code, message),
                _ => failure("", "cancelled"),
            };
            body["status"] = json!("failed");
            body["err_code"] = c;
            body["err_message"] = m;
        }
    }
    json(StatusCode::OK, body)
}

/// Vozo's webhook body: the job-status object of the `GET` of its kind (no signature, as
/// documented); pushed to an `http://` `callback_url` when the task ends (see
/// [`crate::callbacks::schedule`]). A cancelled task sends nothing.
fn callback_body(ctx: &VendorCtx, task: &EmuTask, phase: &Phase) -> Option<(String, Value)> {
    let body = match (phase, task.kind.as_str()) {
        (Phase::Succeeded, LIPSYNC) => {
            let (video, _) = ctx.file_url(&task.id, "lipsync.mp4", &[]);
            json!({"status": "done", "video_url": video})
        }
        (Phase::Succeeded, _) => {
            let (video, _) = ctx.file_url(&task.id, "dubbed.mp4", &[]);
            json!({"status": "done", "err_code": "", "err_message": "", "result": {"video_url": video}})
        }
        (Phase::Failed { code, message }, _) => {
            let (c, m) = failure(code.as_str(), message.as_str());
            json!({"status": "failed", "err_code": c, "err_message": m})
        }
        (Phase::Queued { .. } | Phase::Running { .. }, _) => json!({"status": "processing"}),
        (Phase::Cancelled, _) => return None,
    };
    let status = body["status"].as_str().unwrap_or_default().to_owned();
    Some((status, body))
}

fn code_of(p: &Phase) -> &str {
    match p {
        Phase::Failed { code, .. } => code,
        _ => "",
    }
}

fn message_of(p: &Phase) -> &str {
    match p {
        Phase::Failed { message, .. } => message,
        _ => "",
    }
}

async fn get_lipsync(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(e) = authorized(&ctx, &headers) {
        return e;
    }
    let Some(task) = ctx.task(&id).filter(|t| t.kind == LIPSYNC) else {
        return error(404, "5", "task not found");
    };
    let phase = task.phase(&ctx.timing, std::time::Instant::now());
    let body = match &phase {
        Phase::Queued { .. } => json!({"status": "pending", "video_url": null}),
        Phase::Running { progress, .. } => {
            json!({"status": "processing", "video_url": null, "progress": progress})
        }
        Phase::Succeeded => {
            let (video, _) = ctx.file_url(&task.id, "lipsync.mp4", &fired);
            json!({"status": "done", "video_url": video})
        }
        _ => {
            let (c, m) = failure(
                if code_of(&phase).is_empty() {
                    "999"
                } else {
                    code_of(&phase)
                },
                message_of(&phase),
            );
            json!({"status": "failed", "video_url": null, "err_code": c, "err_message": m})
        }
    };
    json(StatusCode::OK, body)
}
