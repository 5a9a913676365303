//! [`Client`]: one Tencent VOD account — the shared transport (connection pool, limiter, signer)
//! every task kind is built from. Cheap to clone.

use crate::config::TencentVodConfig;
use crate::protocol::TencentProtocol;
use mediatask_core::{Error, ErrorKind, Operation, Reconcile, Result, Runtime};
use mediatask_http::{OutgoingRequest, Transport};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// A Tencent VOD client. Build once, share across tasks.
///
/// ```
/// use mediatask_tencent_vod::{Client, Credentials, TencentVodConfig};
/// let client = Client::new(
///     TencentVodConfig::default()
///         .with_credentials(Credentials::new("AKIDexample", "secret"))
///         .with_sub_app_id(Some(1500000001)),
/// ).unwrap();
/// assert_eq!(client.host(), "vod.intl.tencentcloudapi.com");
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    transport: Transport,
    sub_app_id: Option<u64>,
    allow_missing_sub_app_id: bool,
    duplicate_session_codes: Vec<String>,
}

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(rename = "Response")]
    response: T,
}

impl Client {
    /// A client with the real clock and sleeper.
    pub fn new(config: TencentVodConfig) -> Result<Self> {
        Self::with_runtime(config, Runtime::default())
    }

    /// A client with an injected runtime (tests: fake clock, instant sleeper).
    pub fn with_runtime(config: TencentVodConfig, runtime: Runtime) -> Result<Self> {
        let credentials = config.resolve_credentials()?;
        let sub_app_id = config.resolve_sub_app_id()?;
        let base_url = config.resolved_base_url();
        let parsed = url::Url::parse(&base_url).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("invalid base URL `{base_url}`: {e}"),
            )
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Local)
        })?;
        let host = match (parsed.host_str(), parsed.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("base URL `{base_url}` has no host"),
                )
                .with_provider(crate::PROVIDER)
                .with_operation(Operation::Local));
            }
        };
        let protocol = TencentProtocol::new(
            credentials,
            host,
            config.region.clone(),
            config.language.clone(),
            config.signed_header_set(),
            config.duplicate_session_codes.clone(),
        );
        let transport = Transport::with_runtime(
            &base_url,
            Arc::new(protocol),
            config.effective_http(),
            runtime,
        )?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                sub_app_id,
                allow_missing_sub_app_id: config.allow_missing_sub_app_id,
                duplicate_session_codes: config.duplicate_session_codes.clone(),
            }),
        })
    }

    /// The transport (limiter, runtime, base URL).
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The signed `Host` (`host[:port]` of the base URL).
    pub fn host(&self) -> String {
        self.inner.transport.host()
    }

    /// The default SubAppId: the config's `sub_app_id`, else `TENCENTCLOUD_VOD_SUBAPPID` (read
    /// when the client was built).
    pub fn default_sub_app_id(&self) -> Option<u64> {
        self.inner.sub_app_id
    }

    /// True when submits may go out without a `SubAppId` (`allow_missing_sub_app_id`, legacy
    /// accounts only).
    pub fn allows_missing_sub_app_id(&self) -> bool {
        self.inner.allow_missing_sub_app_id
    }

    /// True when `code` is one of the configured duplicate-SessionId codes
    /// (`duplicate_session_codes`): Tencent refused a submit because its SessionId was already
    /// accepted.
    ///
    /// ```
    /// use mediatask_tencent_vod::{Client, Credentials, TencentVodConfig};
    /// let client = Client::new(
    ///     TencentVodConfig::default().with_credentials(Credentials::new("AKIDexample", "secret")),
    /// ).unwrap();
    /// assert!(client.is_duplicate_session_code("InvalidParameterValue.SessionId"));
    /// assert!(!client.is_duplicate_session_code("InvalidParameterValue.SessionIdTooLong"));
    /// ```
    pub fn is_duplicate_session_code(&self, code: &str) -> bool {
        self.inner.duplicate_session_codes.iter().any(|c| c == code)
    }

    /// Call one action: `POST <base_url>/` with the JSON body, signed. Returns the decoded
    /// `Response` object.
    ///
    /// `dedupe_key` marks a submit Tencent dedupes (its `SessionId`): the transport may retry a
    /// lost answer, and any outcome that leaves the creation uncertain becomes `OutcomeUnknown`
    /// carrying that key.
    pub async fn call<B, R>(
        &self,
        action: impl Into<std::borrow::Cow<'static, str>>,
        operation: Operation,
        body: &B,
        dedupe_key: Option<&str>,
    ) -> Result<R>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let mut request = OutgoingRequest::post_json(action, "/", body)
            .map_err(|e| e.with_provider(crate::PROVIDER))?
            .with_operation(operation);
        if let Some(key) = dedupe_key {
            request = request.with_dedupe_key(key);
        }
        let digest = request
            .body
            .as_ref()
            .map(|b| hex::encode(Sha256::digest(b)));
        let result = self.inner.transport.send(request).await;
        let response = match result {
            Ok(r) => r,
            Err(e) => return Err(submit_uncertainty(e, operation, dedupe_key, digest, false)),
        };
        let head = crate::error::response_head(&response.body);
        let request_id = head.and_then(|h| h.request_id);
        let envelope: Envelope<R> = response.json().map_err(|e| {
            let e = e
                .or_provider(crate::PROVIDER)
                .or_request_id(request_id.as_deref());
            // Tencent accepted the call but its answer is unreadable: a submit may have created a task.
            submit_uncertainty(e, operation, dedupe_key, digest.clone(), true)
        })?;
        Ok(envelope.response)
    }
}

/// For submits, turn outcomes that leave the creation uncertain into `OutcomeUnknown` with the
/// SessionId and body digest attached.
///
/// The transport retries a deduped submit whose answer was lost; when the retry budget runs out it
/// reports the last transport error (`Timeout`/`Transport`/`Unavailable`). Such a submit may have
/// created the task, so it becomes `OutcomeUnknown` too. This is conservative: a connect error
/// that provably sent nothing is also reported this way (the transport does not expose that
/// distinction); resubmitting with the *same* SessionId is safe either way. Without a dedupe key
/// the transport already decided (it knows whether bytes left), except for an accepted answer
/// that cannot be decoded (`answered`), which is always uncertain.
fn submit_uncertainty(
    e: Error,
    operation: Operation,
    dedupe_key: Option<&str>,
    digest: Option<String>,
    answered: bool,
) -> Error {
    if operation != Operation::Submit {
        return e;
    }
    let uncertain = answered
        || match e.kind() {
            ErrorKind::OutcomeUnknown => true,
            // an answer we cannot read: the vendor got the request, the task may exist
            ErrorKind::Decode => dedupe_key.is_some() || e.http_status().is_some(),
            ErrorKind::Timeout | ErrorKind::Transport | ErrorKind::Unavailable => {
                dedupe_key.is_some()
            }
            _ => false,
        };
    if !uncertain {
        return e;
    }
    let has_key = e.reconcile().is_some_and(|r| r.dedupe_key.is_some());
    let mut e = if e.kind() == ErrorKind::OutcomeUnknown {
        e
    } else {
        let advice = if dedupe_key.is_some() {
            "resubmit with the same SessionId (Tencent dedupes it) or look the task up before creating another"
        } else {
            "this action has no dedupe key: check the VOD console before submitting again"
        };
        let msg = format!(
            "the submit may have reached Tencent but no usable answer came back ({}); it was NOT \
             resubmitted — {advice}",
            e.message()
        );
        e.with_kind(ErrorKind::OutcomeUnknown)
            .with_retry(mediatask_core::Retryability::Permanent)
            .with_message(msg)
    };
    if !has_key {
        e = e.with_reconcile(Reconcile {
            dedupe_key: dedupe_key.map(str::to_owned),
            request_digest: digest,
        });
    }
    e.or_provider(crate::PROVIDER)
        .with_operation(Operation::Submit)
}
