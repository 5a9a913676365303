//! `find_submitted` for every Tencent kind: did a journaled submit whose answer was lost create
//! a task? Answered by SessionId, never by guessing.
//!
//! 1. The SessionId is the recorded request's own, else the journal's job id — what submit
//!    sent inside the journal's scope ([`super::effective_session_id`]). A kind whose action
//!    has no SessionId (CreateAigcAudioTask) cannot tell: a resend could bill a second task.
//! 2. The recorded request is sent again with that SessionId. Tencent dedupes SessionIds for
//!    three days, so the resend cannot create a second task: accepted → the first attempt never
//!    landed and the task now exists exactly once → [`SubmitLookup::Found`]. Past the dedupe
//!    window nothing is resent ([`SubmitLookup::CannotTell`]).
//! 3. A duplicate-SessionId refusal (config `duplicate_session_codes`) proves an earlier
//!    acceptance: DescribeTasks is paged (ScrollToken) from the intent's `recorded_at` minus
//!    [`SCAN_MARGIN`] and the task whose `SessionId` matches is
//!    [`SubmitLookup::Found`]. Not listed → [`SubmitLookup::CannotTell`]: the task exists
//!    but DescribeTasks did not list it (whether it lists AIGC tasks at all is unverified).
//! 4. Any other error is returned as is: the recovery asks again later.
//!
//! The answer is never [`SubmitLookup::NotFound`]: a resend that is accepted already is the
//! one submission.

use super::kind::AigcKind;
use super::{effective_sub_app_id, task_handle, usable_session_id};
use crate::api::task::{DESCRIBE_TASKS_MAX_LIMIT, DescribeTasksRequest, TimeRange, describe_tasks};
use crate::client::Client;
use chrono::{DateTime, Duration, Utc};
use mediatask_core::Result;
use mediatask_core::journal::{SubmitIntent, SubmitLookup};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How long Tencent dedupes a SessionId (every `CreateAigc*Request` says three days).
pub(crate) const DEDUPE_WINDOW: Duration = Duration::days(3);
/// A resend is refused this long before the dedupe window closes (clock skew, slow calls).
pub(crate) const DEDUPE_SAFETY: Duration = Duration::hours(1);
/// DescribeTasks is scanned from this long before `recorded_at` (clock skew between hosts).
pub(crate) const SCAN_MARGIN: Duration = Duration::minutes(10);
/// At most this many DescribeTasks pages (of 100) are read before giving up.
pub(crate) const MAX_SCAN_PAGES: usize = 50;

fn cannot_tell(reason: String) -> Result<SubmitLookup> {
    Ok(SubmitLookup::CannotTell { reason })
}

fn iso(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// See the module docs. `validate` is the kind's local check (nothing is resent when it fails).
pub(crate) async fn find_submitted<K>(
    client: &Client,
    intent: &SubmitIntent,
    validate: fn(&K::Request) -> Result<()>,
) -> Result<SubmitLookup>
where
    K: AigcKind,
    K::Request: Serialize + DeserializeOwned,
{
    let spec = &K::SPEC;
    let mut request: K::Request = match serde_json::from_value(intent.request.clone()) {
        Ok(r) => r,
        Err(e) => {
            return cannot_tell(format!(
                "the journaled request cannot be read as a {} request ({e}), so it cannot be \
                 resent with its SessionId; look the job up in the VOD console by SessionId `{}`",
                spec.action, intent.job_id
            ));
        }
    };
    let (session_field, sub_app_id_field) = K::id_fields(&mut request);
    let requested_sub_app_id = *sub_app_id_field;
    let Some(session_field) = session_field else {
        return cannot_tell(format!(
            "{} has no SessionId, so Tencent cannot dedupe a resend and no task can be found by \
             our job id; check the VOD console (or the task's event callback) before submitting \
             again",
            spec.action
        ));
    };
    let session_id = session_field
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| intent.job_id.clone());
    if !usable_session_id(&session_id) {
        return cannot_tell(format!(
            "our job id `{}` cannot be a SessionId (blank or over 50 characters), so the submit \
             carried a generated SessionId that was never recorded; check the VOD console before \
             submitting again",
            intent.job_id
        ));
    }
    *session_field = Some(session_id.clone());
    let now = client.transport().runtime().clock.now_utc();
    if now - intent.recorded_at > DEDUPE_WINDOW - DEDUPE_SAFETY {
        return cannot_tell(format!(
            "the submit was recorded at {}, near or past the end of Tencent's 3-day SessionId \
             dedupe window, so a resend could create a second task; look the task up in the VOD \
             console by SessionId `{session_id}`",
            intent.recorded_at.to_rfc3339()
        ));
    }
    validate(&request)?;
    let sub_app_id = effective_sub_app_id(client, spec.action, requested_sub_app_id)?;
    match super::submit::<K>(client, request).await {
        Ok(handle) => {
            tracing::info!(
                provider = crate::PROVIDER,
                kind = spec.kind,
                task_id = %handle.task_id,
                "resend with the journaled SessionId was accepted: the first attempt never landed"
            );
            Ok(SubmitLookup::Found(handle))
        }
        Err(e)
            if e.vendor_code()
                .is_some_and(|c| client.is_duplicate_session_code(c)) =>
        {
            tracing::info!(
                provider = crate::PROVIDER,
                kind = spec.kind,
                vendor_code = e.vendor_code().unwrap_or_default(),
                "duplicate SessionId: an earlier submit was accepted; looking it up in DescribeTasks"
            );
            scan::<K>(client, intent, &session_id, sub_app_id).await
        }
        Err(e) => Err(e),
    }
}

/// Page DescribeTasks from `recorded_at` − [`SCAN_MARGIN`] for the task with `session_id`.
async fn scan<K: AigcKind>(
    client: &Client,
    intent: &SubmitIntent,
    session_id: &str,
    sub_app_id: Option<u64>,
) -> Result<SubmitLookup> {
    let spec = &K::SPEC;
    let from = intent.recorded_at - SCAN_MARGIN;
    let mut request = DescribeTasksRequest {
        sub_app_id,
        create_time: Some(TimeRange {
            after: Some(iso(from)),
            before: None,
        }),
        limit: Some(DESCRIBE_TASKS_MAX_LIMIT),
        ..Default::default()
    };
    let mut listed = 0usize;
    for _ in 0..MAX_SCAN_PAGES {
        let page = describe_tasks(client, &request).await?;
        listed += page.task_set.len();
        let found = page.task_set.iter().find_map(|t| {
            let id = t.task_id.as_deref().filter(|id| !id.trim().is_empty())?;
            (t.session_id.as_deref() == Some(session_id)).then_some((id, t))
        });
        if let Some((task_id, info)) = found {
            let created = info
                .create_time
                .as_deref()
                .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
                .map_or(intent.recorded_at, |t| t.with_timezone(&Utc));
            return Ok(SubmitLookup::Found(task_handle(
                spec,
                task_id.to_owned(),
                created,
                Some(session_id),
                sub_app_id,
                None,
            )));
        }
        match page.next_token() {
            Some(next) if request.scroll_token.as_deref() != Some(next) => {
                request.scroll_token = Some(next.to_owned());
            }
            _ => {
                return cannot_tell(format!(
                    "Tencent refused a resend as a duplicate SessionId, so the {} task with \
                     SessionId `{session_id}` exists (it was accepted, and billed, once), but \
                     DescribeTasks did not list it among the {listed} tasks created since {} \
                     (whether DescribeTasks lists AIGC tasks is unverified); look it up in the \
                     VOD console by SessionId `{session_id}` — do not submit again",
                    spec.action,
                    iso(from)
                ));
            }
        }
    }
    cannot_tell(format!(
        "Tencent refused a resend as a duplicate SessionId, so the {} task with SessionId \
         `{session_id}` exists, but it was not among the first {listed} tasks DescribeTasks \
         listed since {} ({MAX_SCAN_PAGES} pages); look it up in the VOD console by SessionId \
         `{session_id}` — do not submit again",
        spec.action,
        iso(from)
    ))
}
