//! [`Emulator`]: starts one loopback listener per vendor (each vendor gets its own base URL, so
//! Tencent's signed `Host` and `POST /` work unchanged), a result file server and an admin API,
//! and exposes fault injection and counters in-process.

use crate::config::{EmulatorConfig, VENDORS};
use crate::faults::FaultRule;
use crate::files::{FileServer, FileState, serve_file};
use crate::state::{Stats, VendorCtx};
use crate::wire::{Pipeline, pipeline};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Where everything listens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmulatorUrls {
    /// Admin API (`GET /stats`, `POST /faults`, `DELETE /faults`, `GET /arrivals/{vendor}`).
    pub admin: String,
    /// Result file server.
    pub files: String,
    /// Base URL per vendor (provider name → `http://127.0.0.1:PORT`).
    pub vendors: BTreeMap<String, String>,
}

/// A running emulator. Dropping it stops every listener.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use mediatask_emulator::{Emulator, EmulatorConfig, FaultRule};
/// let emu = Emulator::start(EmulatorConfig::default()).await?;
/// let base = emu.base_url("reccloud").unwrap();
/// emu.inject(FaultRule::parse("reccloud:drop:submit").unwrap()).unwrap();
/// // ... point a client at `base` ...
/// assert_eq!(emu.stats("reccloud").unwrap().jobs_created, 0);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Emulator {
    urls: EmulatorUrls,
    config: Arc<EmulatorConfig>,
    vendors: Arc<HashMap<&'static str, Arc<VendorCtx>>>,
    servers: Vec<JoinHandle<()>>,
}

async fn bind(config: &EmulatorConfig, offset: u16) -> std::io::Result<(TcpListener, String)> {
    let port = if config.base_port == 0 {
        0
    } else {
        config.base_port.checked_add(offset).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "port out of range")
        })?
    };
    let listener = TcpListener::bind(SocketAddr::new(config.bind, port)).await?;
    let addr = listener.local_addr()?;
    Ok((listener, format!("http://{addr}")))
}

fn serve(listener: TcpListener, app: Router) -> JoinHandle<()> {
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!(error = %e, "emulator listener stopped");
        }
    })
}

impl Emulator {
    /// Start every emulated vendor on loopback.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let config = Arc::new(config);
        let files = Arc::new(FileServer::new());
        let mut vendors = HashMap::new();
        let mut urls = BTreeMap::new();
        let mut servers = Vec::new();
        let (admin_listener, admin_url) = bind(&config, 0).await?;
        for (i, name) in VENDORS.iter().enumerate() {
            let ctx = Arc::new(VendorCtx::new(name, config.clone(), files.clone()));
            let Some((routes, dialect)) = crate::vendors::build(name, ctx.clone()) else {
                continue;
            };
            let pipe = Pipeline {
                ctx: ctx.clone(),
                dialect,
            };
            let app = routes.layer(axum::middleware::from_fn_with_state(pipe, pipeline));
            let (listener, url) = bind(&config, 1 + i as u16).await?;
            servers.push(serve(listener, app));
            urls.insert((*name).to_owned(), url);
            vendors.insert(*name, ctx);
        }
        let vendors = Arc::new(vendors);
        let (file_listener, files_url) = bind(&config, 1 + VENDORS.len() as u16).await?;
        files.set_base(files_url.clone());
        let file_app = Router::new()
            .route("/files/{vendor}/{task}/{file}", get(serve_file))
            .with_state(FileState {
                server: files.clone(),
                vendors: vendors.clone(),
            });
        servers.push(serve(file_listener, file_app));
        let urls = EmulatorUrls {
            admin: admin_url,
            files: files_url,
            vendors: urls,
        };
        let admin = AdminState {
            vendors: vendors.clone(),
            urls: urls.clone(),
        };
        servers.push(serve(admin_listener, admin_router(admin)));
        Ok(Emulator {
            urls,
            config,
            vendors,
            servers,
        })
    }

    /// The callbacks `vendor` pushed so far, in order.
    pub fn deliveries(&self, vendor: &str) -> Vec<crate::callbacks::Delivery> {
        self.vendors
            .get(vendor)
            .map(|v| v.lock().deliveries.clone())
            .unwrap_or_default()
    }

    /// Status queries `vendor` answered for its task `task_id`.
    pub fn polls_of(&self, vendor: &str, task_id: &str) -> u64 {
        self.vendors
            .get(vendor)
            .and_then(|v| v.lock().polls_by_task.get(task_id).copied())
            .unwrap_or(0)
    }

    /// Every URL.
    pub fn urls(&self) -> &EmulatorUrls {
        &self.urls
    }

    /// The base URL of one vendor.
    pub fn base_url(&self, vendor: &str) -> Option<&str> {
        self.urls.vendors.get(vendor).map(String::as_str)
    }

    /// The configuration it runs with (credentials included).
    pub fn config(&self) -> &EmulatorConfig {
        &self.config
    }

    /// Arm a fault.
    pub fn inject(&self, rule: FaultRule) -> Result<(), String> {
        inject(&self.vendors, rule)
    }

    /// Remove every armed fault of `vendor`.
    pub fn clear_faults(&self, vendor: &str) {
        if let Some(v) = self.vendors.get(vendor) {
            v.clear_faults();
        }
    }

    /// Counters of `vendor`.
    pub fn stats(&self, vendor: &str) -> Option<Stats> {
        self.vendors.get(vendor).map(|v| v.stats())
    }

    /// Arrival times of every request `vendor` received, relative to the emulator start.
    pub fn arrivals(&self, vendor: &str) -> Vec<Duration> {
        self.vendors
            .get(vendor)
            .map(|v| v.arrivals())
            .unwrap_or_default()
    }

    /// Expire every token issued so far by `vendor` (ai-xjc, SoftSugar).
    pub fn expire_tokens(&self, vendor: &str) {
        if let Some(v) = self.vendors.get(vendor) {
            for exp in v.lock().tokens.values_mut() {
                *exp = 0;
            }
        }
    }

    /// Stop every listener.
    pub fn shutdown(mut self) {
        for s in self.servers.drain(..) {
            s.abort();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        for s in &self.servers {
            s.abort();
        }
    }
}

fn inject(vendors: &HashMap<&'static str, Arc<VendorCtx>>, rule: FaultRule) -> Result<(), String> {
    match vendors.get(rule.vendor.as_str()) {
        Some(v) => {
            v.arm(rule);
            Ok(())
        }
        None => Err(format!("unknown vendor `{}`", rule.vendor)),
    }
}

#[derive(Debug, Clone)]
struct AdminState {
    vendors: Arc<HashMap<&'static str, Arc<VendorCtx>>>,
    urls: EmulatorUrls,
}

/// Body of `POST /faults`: a [`FaultRule`] as JSON or a compact spec.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum FaultBody {
    Spec { spec: String },
    Rule(FaultRule),
}

fn admin_router(state: AdminState) -> Router {
    Router::new()
        .route(
            "/urls",
            get(|State(s): State<AdminState>| async move { Json(s.urls) }),
        )
        .route("/stats", get(all_stats))
        .route("/arrivals/{vendor}", get(arrivals))
        .route(
            "/faults",
            axum::routing::post(post_fault).delete(delete_faults),
        )
        .with_state(state)
}

async fn all_stats(State(s): State<AdminState>) -> Json<BTreeMap<String, Stats>> {
    Json(
        s.vendors
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.stats()))
            .collect(),
    )
}

async fn arrivals(State(s): State<AdminState>, Path(vendor): Path<String>) -> Response {
    match s.vendors.get(vendor.as_str()) {
        Some(v) => {
            let ms: Vec<u64> = v.arrivals().iter().map(|d| d.as_micros() as u64).collect();
            Json(serde_json::json!({"arrivals_us": ms})).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn post_fault(State(s): State<AdminState>, Json(body): Json<FaultBody>) -> Response {
    let rule = match body {
        FaultBody::Spec { spec } => FaultRule::parse(&spec),
        FaultBody::Rule(r) => Ok(r),
    };
    match rule.and_then(|r| inject(&s.vendors, r)) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e).into_response(),
    }
}

async fn delete_faults(State(s): State<AdminState>) -> StatusCode {
    for v in s.vendors.values() {
        v.clear_faults();
    }
    StatusCode::NO_CONTENT
}
