//! The job kinds: [`TranslateDub`], [`LipSync`] and [`ReusableLipSync`], all built from one
//! [`VozoClient`]. This module holds what they share: submit bookkeeping
//! (task slots, outcome-unknown on an unreadable success), snapshot building from the generated
//! status tables, and the `result()` guard.

mod lip_sync;
mod translate_dub;

pub use lip_sync::{
    LIP_SYNC_KIND, LipSync, LipSyncOutput, REUSABLE_LIP_SYNC_KIND, ReusableLipSync,
};
pub use translate_dub::{KIND as TRANSLATE_DUB_KIND, TranslateDub, TranslateDubOutput};

use crate::api::JobCreated;
use crate::client::VozoClient;
use mediatask_core::spec::{StatusEntry, lookup_status};
use mediatask_core::{
    Error, ErrorKind, Operation, Reconcile, Result, TaskHandle, TaskSnapshot, TaskStatus,
    VendorStatus,
};
use mediatask_http::{HttpResponse, OutgoingRequest, TaskSlot};
use sha2::{Digest, Sha256};

/// Send a create request inside a reserved task slot of `pool`, decode `{"task_id"}` and build
/// the handle. A 2xx answer that cannot be read means the job probably exists: it becomes
/// `OutcomeUnknown` (never resubmitted) and keeps the request digest for reconciliation.
pub(crate) async fn submit_job(
    client: &VozoClient,
    pool: &str,
    kind: &'static str,
    request: &OutgoingRequest,
    vendor_state: serde_json::Value,
) -> Result<TaskHandle> {
    let transport = client.transport();
    let slot: TaskSlot = transport.reserve_task_slot(pool).await?;
    // borrowed, not moved: the request is stored once while it waits at the limiter, and its
    // digest is only computed when reconciliation needs it
    let response: HttpResponse = transport.send_ref(request).await?;
    let created: JobCreated = match response.json::<JobCreated>() {
        Ok(c) if crate::api::check_task_id(&c.task_id).is_ok() => c,
        outcome => {
            let why = match outcome {
                Ok(_) => {
                    "Vozo accepted the job but returned an empty or malformed task_id".to_owned()
                }
                Err(e) => format!(
                    "Vozo accepted the job but its answer could not be read: {}",
                    e.message()
                ),
            };
            // the slot is dropped (freed): a job we cannot track would otherwise hold it forever
            drop(slot);
            return Err(Error::new(
                ErrorKind::OutcomeUnknown,
                format!(
                    "{why}; the job may exist and bill — check the Vozo console before resubmitting"
                ),
            )
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Submit)
            .with_http_status(response.status)
            .or_request_id(response.request_id.as_deref())
            .with_reconcile(Reconcile {
                dedupe_key: None,
                request_digest: request
                    .body
                    .as_ref()
                    .map(|b| hex::encode(Sha256::digest(b))),
            }));
        }
    };
    transport.limiter().bind_task(slot, &created.task_id);
    let submitted_at = transport.runtime().clock.now_utc();
    Ok(TaskHandle::new(crate::PROVIDER, kind, created.task_id)
        .with_submitted_at(submitted_at)
        .with_vendor_state(vendor_state))
}

/// Build a snapshot from a vendor status through a generated status table. Non-terminal
/// statuses surface the vendor stage name in `detail` (`"dubbing"`); an unmapped value is
/// `Unknown` with the raw value kept.
pub(crate) fn snapshot(
    table: &'static [StatusEntry],
    status: &str,
    failure: impl FnOnce() -> mediatask_core::TaskFailure,
    response: &HttpResponse,
) -> TaskSnapshot {
    let (normalised, vendor) = match lookup_status(table, status) {
        Some(entry) => (entry.status, VendorStatus::with_text(status, entry.meaning)),
        None => (TaskStatus::Unknown, VendorStatus::new(status)),
    };
    let mut snap =
        TaskSnapshot::new(normalised, vendor).with_request_id(response.request_id.clone());
    if !normalised.is_terminal() {
        snap = snap.with_detail(status);
    }
    if normalised == TaskStatus::Failed {
        snap = snap.with_failure(failure());
    }
    snap
}

/// After a poll: free the task slot once the job is terminal.
pub(crate) fn settle(client: &VozoClient, handle: &TaskHandle, snap: &TaskSnapshot) {
    if snap.is_terminal() {
        client.transport().limiter().release_task(&handle.task_id);
    }
}

/// The error of `result()` on a job that has not succeeded.
pub(crate) fn not_succeeded(handle: &TaskHandle, snap: &TaskSnapshot) -> Error {
    let base = match &snap.failure {
        Some(f) if snap.status == TaskStatus::Failed => {
            let mut e = Error::new(
                ErrorKind::TaskFailed,
                format!("the job failed: {}", f.message),
            );
            if let Some(code) = &f.code {
                e = e.with_vendor_code(code.clone());
            }
            e
        }
        _ => Error::new(
            ErrorKind::InvalidRequest,
            format!(
                "the job has no result yet (status `{}`); wait until it succeeds",
                snap.vendor_status.code
            ),
        ),
    };
    base.with_provider(crate::PROVIDER)
        .with_operation(Operation::Result)
        .with_task_id(handle.task_id.clone())
        .or_request_id(snap.request_id.as_deref())
}

/// The `Unsupported` answer of `cancel()`: Vozo documents no cancel endpoint.
pub(crate) fn cancel_unsupported(handle: &TaskHandle) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        "Vozo documents no cancel endpoint; the job keeps running (and billing) until it finishes",
    )
    .with_provider(crate::PROVIDER)
    .with_operation(Operation::Cancel)
    .with_task_id(handle.task_id.clone())
}

/// Check that `handle` belongs to this provider and kind.
pub(crate) fn expect_handle(handle: &TaskHandle, kind: &str) -> Result<()> {
    handle.expect(crate::PROVIDER, kind)
}
