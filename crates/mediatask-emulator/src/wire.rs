//! The request pipeline shared by every emulated vendor: count the request, enforce the
//! vendor-side rate limit, fire armed faults (answering with the vendor's own throttling and
//! error envelopes), hand the fired faults to the handler, then drop, delay or mangle the
//! answer as the faults say.

use crate::faults::{Fault, FaultTarget, Malformation, slow_delay};
use crate::state::VendorCtx;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// A vendor's wire dialect for the shared pipeline.
pub(crate) trait Dialect: Send + Sync + std::fmt::Debug + 'static {
    /// What kind of request this is.
    fn classify(&self, method: &Method, path: &str, headers: &HeaderMap) -> FaultTarget;
    /// The vendor's throttling answer.
    fn throttled(&self, retry_after_secs: u64) -> Response;
    /// The vendor's internal-error answer with HTTP `status`.
    fn server_error(&self, status: u16) -> Response;
}

/// Faults fired for the current request, available to handlers as an extension.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fired(pub(crate) Vec<Fault>);

/// State of the pipeline layer.
#[derive(Debug, Clone)]
pub(crate) struct Pipeline {
    pub(crate) ctx: Arc<VendorCtx>,
    pub(crate) dialect: Arc<dyn Dialect>,
}

/// A response whose body fails before its first byte: hyper aborts the connection, so the
/// client never sees an answer (the lost-answer case).
pub(crate) fn dropped_connection() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("emulator dropped the connection"))
    });
    Response::new(Body::from_stream(stream))
}

/// A fresh request id (UUID).
pub(crate) fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The shared middleware.
pub(crate) async fn pipeline(State(p): State<Pipeline>, mut req: Request, next: Next) -> Response {
    let op = p
        .dialect
        .classify(req.method(), req.uri().path(), req.headers());
    if !p.ctx.admit() {
        return p.dialect.throttled(1);
    }
    let fired = p.ctx.fire(op);
    for f in &fired {
        match f {
            Fault::RateLimit { retry_after_secs } => return p.dialect.throttled(*retry_after_secs),
            Fault::ServerError { status } => return p.dialect.server_error(*status),
            _ => {}
        }
    }
    req.extensions_mut().insert(Fired(fired.clone()));
    let mut resp = next.run(req).await;
    if !resp.headers().contains_key("x-request-id")
        && let Ok(v) = HeaderValue::from_str(&request_id())
    {
        resp.headers_mut().insert("x-request-id", v);
    }
    if fired.contains(&Fault::DropAfterAccept) {
        return dropped_connection();
    }
    if let Some(delay) = slow_delay(&fired) {
        tokio::time::sleep(delay).await;
    }
    if let Some(how) = fired.iter().find_map(|f| match f {
        Fault::Malformed { how } => Some(*how),
        _ => None,
    }) {
        return mangle(resp, how).await;
    }
    resp
}

async fn mangle(resp: Response, how: Malformation) -> Response {
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let (ctype, body): (&str, Vec<u8>) = match how {
        Malformation::Html => (
            "text/html",
            b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>".to_vec(),
        ),
        Malformation::Truncated => ("application/json", bytes[..bytes.len() / 2].to_vec()),
        Malformation::Garbage => ("application/json", b"\x00\xff\xfe not json at all \x01".to_vec()),
        Malformation::WrongShape => ("application/json", b"[]".to_vec()),
    };
    let mut out = (StatusCode::OK, body).into_response();
    out.headers_mut()
        .insert("content-type", HeaderValue::from_static(ctype));
    if let Some(id) = parts.headers.get("x-request-id") {
        out.headers_mut().insert("x-request-id", id.clone());
    }
    out
}

/// JSON response helper.
pub(crate) fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (status, axum::Json(value)).into_response()
}

/// A JSON response with a `Retry-After` header.
pub(crate) fn json_retry_after(
    status: StatusCode,
    value: serde_json::Value,
    secs: u64,
) -> Response {
    let mut r = json(status, value);
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        r.headers_mut().insert("retry-after", v);
    }
    r
}
