//! Vendor callbacks in the CLI: `mediatask worker --webhooks ADDR` serves the
//! `mediatask-webhook` receiver next to the worker loop, and `--webhook-base URL` makes every
//! submit pass our per-job callback URL to the vendors that take one per request.
//!
//! * **Receiver**: the router of `mediatask-webhook` over the job journal ([`StoreSink`]). A
//!   verified callback makes its job due now; a job this worker is already waiting on has its
//!   sleep ended ([`Wakeups`]), and an unclaimed one is claimed at once (the worker loop does
//!   not wait for its idle poll). The worker then polls the vendor: only that answer changes
//!   the job's state.
//! * **Secrets**: path tokens are keyed by `MEDIATASK_WEBHOOK_KEY` (shared by every process
//!   that submits or receives for the same journal); Tencent VOD's `SignKey` comes from
//!   `MEDIATASK_TENCENT_SIGN_KEY`; ai-xjc's echoed `accessKey` is checked against the
//!   `access_key` of the xjc configuration (`--config` or `XJC_ACCESS_KEY`). None of them is
//!   ever printed.
//! * **Callback URLs** ([`with_callback_url`]): a layer over the vendor task, inside the
//!   journal's submit scope, reads the job id the journal set
//!   ([`mediatask_core::journal::current_client_job_id`]) and adds
//!   `<base>/<vendor>/<job id>/<token>` as ai-xjc `callbackUrl` / Vozo `callback_url`, unless
//!   the request already has one. The journal records the request as the user gave it (the
//!   URL, which carries a token, is not stored).

use crate::cli::Global;
use crate::exit::{CliResult, Failure};
use async_trait::async_trait;
use mediatask_core::journal::{SubmitIntent, SubmitLookup, current_client_job_id};
use mediatask_core::{CancelOutcome, DynMediaTask, DynOutput, TaskHandle, TaskInfo, TaskSnapshot};
use mediatask_store::SharedStore;
use mediatask_store::wakeups::Wakeups;
use mediatask_webhook::{
    Callback, CallbackSink, CallbackTokens, Secret, SinkError, SinkOutcome, StoreSink,
    WebhookConfig,
};
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::Notify;

/// The environment variable holding the path-token key.
pub(crate) const KEY_ENV: &str = "MEDIATASK_WEBHOOK_KEY";
/// The environment variable holding Tencent VOD's event-notification `SignKey`.
pub(crate) const TENCENT_SIGN_KEY_ENV: &str = "MEDIATASK_TENCENT_SIGN_KEY";
/// The shortest token key accepted (bytes).
const MIN_KEY_LEN: usize = 16;

/// The path-token key from [`KEY_ENV`], or an input error saying what to set.
pub(crate) fn tokens(what: &str) -> CliResult<CallbackTokens> {
    match std::env::var(KEY_ENV) {
        Ok(k) if k.len() >= MIN_KEY_LEN => Ok(CallbackTokens::new(Secret::new(k))),
        Ok(_) => Err(Failure::input(format!(
            "{what}: {KEY_ENV} must be at least {MIN_KEY_LEN} characters (a long random string \
             shared by every process that submits or receives callbacks for this journal)"
        ))),
        Err(_) => Err(Failure::input(format!(
            "{what} needs {KEY_ENV}: a long random string shared by every process that submits \
             or receives callbacks for this journal (it keys the per-job callback URLs)"
        ))),
    }
}

/// The ai-xjc access key of the configuration (`--config` entry, else `XJC_ACCESS_KEY`).
fn xjc_access_key(global: &Global) -> Option<Secret> {
    let entry = crate::setup::provider_entry(global, "xjc").ok()?;
    entry
        .get("access_key")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| std::env::var("XJC_ACCESS_KEY").ok())
        .filter(|k| !k.is_empty())
        .map(Secret::new)
}

/// The receiver's configuration from the environment and the vendor configuration.
fn config(global: &Global) -> CliResult<WebhookConfig> {
    let mut config = WebhookConfig::new(tokens("`mediatask worker --webhooks`")?);
    if let Ok(key) = std::env::var(TENCENT_SIGN_KEY_ENV)
        && !key.is_empty()
    {
        config = config.with_tencent_sign_key(Secret::new(key));
    }
    if let Some(key) = xjc_access_key(global) {
        config = config.with_xjc_access_key(key);
    }
    Ok(config)
}

/// The journal sink, plus a nudge to the worker loop for every wake-up (so a job nobody is
/// waiting on yet is claimed now, not at the next idle poll).
#[derive(Debug)]
struct WorkerSink {
    inner: StoreSink,
    claim_now: Arc<Notify>,
}

#[async_trait]
impl CallbackSink for WorkerSink {
    async fn accept(&self, callback: Callback) -> Result<SinkOutcome, SinkError> {
        let outcome = self.inner.accept(callback).await?;
        if outcome == SinkOutcome::Woken {
            self.claim_now.notify_one();
        }
        Ok(outcome)
    }
}

/// The receiver serving next to a worker.
pub(crate) struct Receiver {
    /// Set when a callback woke a job: the worker loop claims at once.
    pub(crate) claim_now: Arc<Notify>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Bind `addr` and serve the receiver over `store`; `wakeups` reaches the jobs this worker is
/// waiting on. Prints one stderr line with the bound address.
pub(crate) async fn serve(
    global: &Global,
    addr: &str,
    store: SharedStore,
    wakeups: Wakeups,
) -> CliResult<Receiver> {
    let config = config(global)?;
    log_refusals();
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure::input(format!("cannot listen for webhooks on {addr}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Failure::input(format!("cannot listen for webhooks on {addr}: {e}")))?;
    let claim_now = Arc::new(Notify::new());
    let sink = WorkerSink {
        inner: StoreSink::new(store).with_wakeups(wakeups),
        claim_now: claim_now.clone(),
    };
    let app = mediatask_webhook::router(config, Arc::new(sink));
    let server = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("error: the webhook receiver stopped: {e}");
        }
    });
    eprintln!(
        "webhooks: listening on http://{bound} (routes /tencent-vod, /softsugar/…, /xjc/…, /vozo/…)"
    );
    Ok(Receiver { claim_now, server })
}

/// Print the receiver's log lines (a refused callback: vendor, status, reason; never a secret)
/// on stderr; `MEDIATASK_LOG` (a `tracing` filter) overrides the default `mediatask_webhook=warn`.
fn log_refusals() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MEDIATASK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("mediatask_webhook=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .without_time()
        .try_init();
}

/// The field a vendor takes our callback URL in, per request (`None`: account-level or none).
fn callback_field(provider: &str) -> Option<&'static str> {
    match provider {
        "xjc" => Some("callbackUrl"),
        "vozo" => Some("callback_url"),
        _ => None,
    }
}

/// Callback URLs for submits: `<base>/<vendor>/<job id>/<token>`.
#[derive(Debug, Clone)]
pub(crate) struct CallbackUrls {
    base: String,
    tokens: CallbackTokens,
}

impl CallbackUrls {
    /// From `--webhook-base` (when given) and [`KEY_ENV`].
    pub(crate) fn from_global(global: &Global) -> CliResult<Option<CallbackUrls>> {
        let Some(base) = global.webhook_base.as_deref() else {
            return Ok(None);
        };
        let base = base.trim().trim_end_matches('/');
        let scheme_ok = base.starts_with("https://") || base.starts_with("http://");
        let host = base.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        if !scheme_ok || host.is_empty() || base.contains(['?', '#']) {
            return Err(Failure::input(format!(
                "--webhook-base must be an absolute http(s) URL without query or fragment, \
                 e.g. https://hooks.example.com/mediatask (got `{}`)",
                crate::commands::tasks::hide_url_queries(base)
            )));
        }
        Ok(Some(CallbackUrls {
            base: base.to_owned(),
            tokens: tokens("--webhook-base")?,
        }))
    }

    /// The callback URL of one job.
    fn url(&self, provider: &str, job_id: &str) -> String {
        format!(
            "{}/{provider}/{job_id}/{}",
            self.base,
            self.tokens.job_token(provider, job_id)
        )
    }
}

/// `task` passing our callback URL on submit, when the vendor takes one per request and
/// `--webhook-base` is set; otherwise `task` itself.
pub(crate) fn with_callback_url(
    task: Arc<dyn DynMediaTask>,
    urls: Option<CallbackUrls>,
) -> Arc<dyn DynMediaTask> {
    match (urls, callback_field(task.info().provider)) {
        (Some(urls), Some(field)) => Arc::new(WithCallbackUrl {
            inner: task,
            urls,
            field,
        }),
        _ => task,
    }
}

/// See [`with_callback_url`].
#[derive(Debug)]
struct WithCallbackUrl {
    inner: Arc<dyn DynMediaTask>,
    urls: CallbackUrls,
    field: &'static str,
}

impl WithCallbackUrl {
    /// `request` with our callback URL for the job of the surrounding journal scope.
    fn add_url(&self, request: Value) -> Value {
        add_callback_url(request, self.field, current_client_job_id(), |job| {
            self.urls.url(self.inner.info().provider, job)
        })
    }
}

/// `request` with `url(job_id)` in `field`, unless the request already sets `field` (to
/// anything but `""`) or there is no job id (an unjournaled submit has no job to wake).
fn add_callback_url(
    mut request: Value,
    field: &str,
    job_id: Option<String>,
    url: impl FnOnce(&str) -> String,
) -> Value {
    let Some(job_id) = job_id else {
        return request;
    };
    if let Some(obj) = request.as_object_mut() {
        let set = obj
            .get(field)
            .is_some_and(|v| v.as_str().is_none_or(|s| !s.is_empty()));
        if !set {
            obj.insert(field.to_owned(), Value::String(url(&job_id)));
        }
    }
    request
}

#[async_trait]
impl DynMediaTask for WithCallbackUrl {
    fn info(&self) -> &TaskInfo {
        self.inner.info()
    }
    async fn submit_json(&self, request: Value) -> mediatask_core::Result<TaskHandle> {
        self.inner.submit_json(self.add_url(request)).await
    }
    async fn poll(&self, handle: &TaskHandle) -> mediatask_core::Result<TaskSnapshot> {
        self.inner.poll(handle).await
    }
    async fn cancel(&self, handle: &TaskHandle) -> mediatask_core::Result<CancelOutcome> {
        self.inner.cancel(handle).await
    }
    async fn result_json(&self, handle: &TaskHandle) -> mediatask_core::Result<DynOutput> {
        self.inner.result_json(handle).await
    }
    async fn result_json_from_snapshot(
        &self,
        handle: &TaskHandle,
        snapshot: &TaskSnapshot,
    ) -> mediatask_core::Result<DynOutput> {
        self.inner.result_json_from_snapshot(handle, snapshot).await
    }
    async fn find_submitted(&self, intent: &SubmitIntent) -> mediatask_core::Result<SubmitLookup> {
        self.inner.find_submitted(intent).await
    }
    fn task_pool(&self) -> Option<mediatask_core::journal::TaskPool> {
        self.inner.task_pool()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn urls() -> CallbackUrls {
        CallbackUrls {
            base: "https://hooks.example.com/mt".into(),
            tokens: CallbackTokens::new(Secret::new("0123456789abcdef0123")),
        }
    }

    #[test]
    fn the_url_carries_the_job_and_its_token() {
        let u = urls();
        let url = u.url("vozo", "01JD5N5Z8Q4R7W2X9Y3A6B8C0D");
        let token = u.tokens.job_token("vozo", "01JD5N5Z8Q4R7W2X9Y3A6B8C0D");
        assert_eq!(
            url,
            format!("https://hooks.example.com/mt/vozo/01JD5N5Z8Q4R7W2X9Y3A6B8C0D/{token}")
        );
    }

    #[test]
    fn a_url_is_added_only_where_the_request_has_none() {
        let url = |job: &str| format!("https://h/vozo/{job}/t");
        let job = Some("J1".to_owned());
        let added = add_callback_url(json!({"a": 1}), "callback_url", job.clone(), url);
        assert_eq!(
            added,
            json!({"a": 1, "callback_url": "https://h/vozo/J1/t"})
        );
        let empty = add_callback_url(
            json!({"callback_url": ""}),
            "callback_url",
            job.clone(),
            url,
        );
        assert_eq!(empty["callback_url"], "https://h/vozo/J1/t");
        let own = json!({"callback_url": "https://mine.example/cb"});
        assert_eq!(
            add_callback_url(own.clone(), "callback_url", job.clone(), url),
            own
        );
        // No journaled job id in scope: nothing to wake, the request is sent as given.
        assert_eq!(
            add_callback_url(json!({"a": 1}), "callback_url", None, url),
            json!({"a": 1})
        );
        // Not an object: left for the vendor's own validation to refuse.
        assert_eq!(
            add_callback_url(json!([1]), "callback_url", job, url),
            json!([1])
        );
    }

    #[test]
    fn the_softsugar_account_token_matches_the_documented_openssl_line() {
        // docs/webhooks.md: printf 'account\nsoftsugar' | openssl dgst -sha256 -hmac "$KEY"
        let t = urls().tokens.account_token("softsugar");
        assert_eq!(t, "85dc8b37dd8517dd844f0644a5b00809");
    }

    #[test]
    fn only_per_request_vendors_take_a_url() {
        assert_eq!(callback_field("xjc"), Some("callbackUrl"));
        assert_eq!(callback_field("vozo"), Some("callback_url"));
        for p in ["tencent-vod", "softsugar", "reccloud"] {
            assert_eq!(callback_field(p), None, "{p}");
        }
    }
}
