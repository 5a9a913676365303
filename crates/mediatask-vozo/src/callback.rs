//! Vozo webhooks (`callback_url`): typed parsing, correlation, and confirm-by-polling.
//!
//! Vozo documents that `callback_url` "will receive a request with the schema same as response
//! for query job status API when job status changes"
//! (<https://www.vozo.ai/docs/api_reference/endpoints/lipsync/create>). So a translate callback
//! body is a [`TranslateStatusBody`] and a lip-sync one a [`LipSyncStatusBody`]. The documented
//! schemas carry **no task id** and **no signature**: anyone who knows the URL can post to it.
//! Treat every callback as a wake-up hint and confirm with [`confirm_by_polling`]; correlate with
//! your own id embedded in the URL ([`callback_url_with_correlation`]).
//!
//! ## Callback challenge (API error `1301`) — undocumented gap
//!
//! Every Vozo error table lists `1301 Callback Challenge failed` (older revisions: "Challenge
//! failed", and the oldest LipSync page "Face recognition failed"), which implies Vozo probes the
//! callback URL (probably when the job is created) and expects a specific answer. No public
//! Vozo page found describes the probe: not the HTTP method, not the parameter or body field
//! carrying the challenge, not the expected echo, not when it happens (searched the Vozo API
//! reference pages for translate, lipsync, reusable lipsync and their overviews, 2026-11).
//! This crate therefore ships **no challenge responder** ([`CHALLENGE_DOCUMENTED`] is false):
//! implementing a guessed echo could silently fail in production. A `1301` answer to a submit is
//! a permanent `InvalidRequest` error carrying vendor code `1301`. Practical advice until Vozo
//! documents it: answer every request on the callback URL with HTTP 200 quickly, log bodies that
//! [`parse_translate`] / [`parse_lip_sync`] reject (a probe would show up there), or submit
//! without `callback_url` and poll.

use crate::api::lipsync::LipSyncStatusBody;
use crate::api::translate::TranslateStatusBody;
use crate::generated::tables;
use mediatask_core::spec::{StatusEntry, lookup_status};
use mediatask_core::{
    Error, ErrorKind, MediaTask, Operation, Result, TaskHandle, TaskSnapshot, TaskStatus,
    VendorStatus,
};

/// False: Vozo's callback challenge handshake is not publicly documented (see module docs).
pub const CHALLENGE_DOCUMENTED: bool = tables::CALLBACK_CHALLENGE_DOCUMENTED;

/// Query parameter used by [`callback_url_with_correlation`].
pub const CORRELATION_PARAM: &str = "mediatask_ref";

/// Largest callback body accepted.
pub const MAX_CALLBACK_BYTES: usize = 256 * 1024;

/// A parsed callback: the vendor body plus its normalised status (a hint, not the truth).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackEvent<B> {
    /// The body as Vozo sent it.
    pub body: B,
    /// Normalised status (`Unknown` for an unmapped value).
    pub status: TaskStatus,
    /// The raw status.
    pub vendor_status: VendorStatus,
}

fn decode<B: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<B> {
    if bytes.len() > MAX_CALLBACK_BYTES {
        return Err(callback_error(format!(
            "{what} callback body of {} bytes exceeds the {MAX_CALLBACK_BYTES}-byte cap",
            bytes.len()
        )));
    }
    mediatask_http::decode_json::<B>(bytes).map_err(|e| {
        e.with_provider(crate::PROVIDER)
            .with_operation(Operation::Callback)
            .with_message(format!(
                "not a Vozo {what} status callback: {}",
                e_message(bytes)
            ))
    })
}

fn e_message(bytes: &[u8]) -> String {
    format!(
        "first bytes `{}`",
        mediatask_http::redact::snippet(bytes, 80)
    )
}

fn callback_error(msg: String) -> Error {
    Error::new(ErrorKind::Decode, msg)
        .with_provider(crate::PROVIDER)
        .with_operation(Operation::Callback)
}

fn event<B>(body: B, status: &str, table: &'static [StatusEntry]) -> CallbackEvent<B> {
    let (normalised, vendor_status) = match lookup_status(table, status) {
        Some(e) => (e.status, VendorStatus::with_text(status, e.meaning)),
        None => (TaskStatus::Unknown, VendorStatus::new(status)),
    };
    CallbackEvent {
        body,
        status: normalised,
        vendor_status,
    }
}

/// Parse a Translate & Dub callback body. Never panics; a body of another shape is a `Decode`
/// error with operation `Callback`.
///
/// ```
/// let ev = mediatask_vozo::callback::parse_translate(br#"{"status":"dubbing"}"#).unwrap();
/// assert_eq!(ev.status, mediatask_core::TaskStatus::Running);
/// ```
pub fn parse_translate(bytes: &[u8]) -> Result<CallbackEvent<TranslateStatusBody>> {
    let body: TranslateStatusBody = decode(bytes, "translate")?;
    let status = body.status.clone();
    Ok(event(body, &status, tables::TRANSLATE_STATUS))
}

/// Parse a LipSync / reusable LipSync callback body.
///
/// ```
/// let ev = mediatask_vozo::callback::parse_lip_sync(br#"{"status":"done","video_url":"https://cdn.example/v.mp4"}"#).unwrap();
/// assert_eq!(ev.status, mediatask_core::TaskStatus::Succeeded);
/// ```
pub fn parse_lip_sync(bytes: &[u8]) -> Result<CallbackEvent<LipSyncStatusBody>> {
    let body: LipSyncStatusBody = decode(bytes, "lip-sync")?;
    let status = body.status.clone();
    Ok(event(body, &status, tables::LIPSYNC_STATUS))
}

/// Add `mediatask_ref=<correlation_id>` to a callback URL, so the (task-id-less) callback can be
/// matched to your job.
///
/// ```
/// let url = mediatask_vozo::callback::callback_url_with_correlation("https://hooks.example/vozo?x=1", "job 42").unwrap();
/// assert_eq!(url, "https://hooks.example/vozo?x=1&mediatask_ref=job+42");
/// assert_eq!(mediatask_vozo::callback::correlation_from_url(&url).as_deref(), Some("job 42"));
/// ```
pub fn callback_url_with_correlation(base: &str, correlation_id: &str) -> Result<String> {
    let mut url = url::Url::parse(base).map_err(|e| {
        Error::invalid_field("callback_url", format!("is not a URL: {e}"))
            .with_provider(crate::PROVIDER)
    })?;
    url.query_pairs_mut()
        .append_pair(CORRELATION_PARAM, correlation_id);
    Ok(url.into())
}

/// The correlation id of a callback request URL (absolute, or a path with query).
pub fn correlation_from_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url)
        .or_else(|_| url::Url::parse("http://callback.invalid").and_then(|b| b.join(url)))
        .ok()?;
    parsed
        .query_pairs()
        .find(|(k, _)| k == CORRELATION_PARAM)
        .map(|(_, v)| v.into_owned())
}

/// The outcome of [`confirm_by_polling`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// The authoritative state from a poll.
    pub snapshot: TaskSnapshot,
    /// True when the poll agrees with the callback's status.
    pub callback_agreed: bool,
}

/// Confirm a callback by polling the job: the poll is the truth, the callback only a hint. Use
/// the returned snapshot (e.g. call `result()` only when it says `Succeeded`).
///
/// ```no_run
/// # async fn demo(task: &mediatask_vozo::TranslateDub, handle: &mediatask_core::TaskHandle, body: &[u8]) -> mediatask_core::Result<()> {
/// let event = mediatask_vozo::callback::parse_translate(body)?;
/// let confirmed = mediatask_vozo::callback::confirm_by_polling(task, handle, event.status).await?;
/// if confirmed.snapshot.status == mediatask_core::TaskStatus::Succeeded { /* fetch result */ }
/// # Ok(()) }
/// ```
pub async fn confirm_by_polling<T: MediaTask + ?Sized>(
    task: &T,
    handle: &TaskHandle,
    callback_status: TaskStatus,
) -> Result<Confirmation> {
    let snapshot = task.poll(handle).await?;
    let callback_agreed = snapshot.status == callback_status;
    if !callback_agreed {
        tracing::debug!(
            provider = crate::PROVIDER,
            task_id = %handle.task_id,
            callback = %callback_status,
            polled = %snapshot.status,
            "Vozo callback disagrees with the polled status; trusting the poll"
        );
    }
    Ok(Confirmation {
        snapshot,
        callback_agreed,
    })
}
