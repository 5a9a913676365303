//! End to end against the workspace's Vozo emulator (real HTTP on loopback, real time): the
//! full translate flow through its stages, lip-sync, and money safety under injected faults.

use futures::StreamExt;
use mediatask_core::{ErrorKind, MediaTask, MediaTaskExt, TaskStatus, WaitPolicy};
use mediatask_emulator::{Emulator, EmulatorConfig, FaultRule, Timing};
use mediatask_http::{HttpConfig, RetryPolicy};
use mediatask_vozo::api::lipsync::{LipSyncModel, LipSyncRequest, ReferenceFileType};
use mediatask_vozo::api::translate::{ExportType, MediaType, TranslateDubRequest};
use mediatask_vozo::{LipSync, TranslateDub, VozoClient, VozoConfig};
use std::time::Duration;

async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default().with_timing(Timing {
        step: Duration::from_millis(60),
        queued_steps: 1,
        running_steps: 5,
    }))
    .await
    .expect("emulator starts")
}

fn client(emu: &Emulator) -> VozoClient {
    let config = VozoConfig::new(emu.config().credentials.vozo_api_key.clone())
        .with_base_url(emu.base_url("vozo").unwrap())
        .with_http(
            HttpConfig::default().with_retry(
                RetryPolicy::default()
                    .with_max_attempts(3)
                    .with_base_delay(Duration::from_millis(10))
                    .with_max_delay(Duration::from_millis(50)),
            ),
        );
    VozoClient::new(config).unwrap()
}

fn policy() -> WaitPolicy {
    WaitPolicy::default()
        .with_min_delay(Duration::from_millis(20))
        .with_max_delay(Duration::from_millis(40))
        .with_max_wait(Some(Duration::from_secs(20)))
        .with_jitter(false)
}

#[tokio::test]
async fn translate_runs_through_its_stages_to_a_result() {
    let emu = start().await;
    let task = TranslateDub::new(client(&emu));
    let req = TranslateDubRequest::new(
        MediaType::Video,
        "https://example.com/talk.mp4",
        "auto",
        "fr",
    )
    .with_export_type(ExportType::All);
    let handle = task.submit(req).await.unwrap();
    let snaps: Vec<_> = task.watch(&handle, &policy()).collect().await;
    let snaps: Vec<_> = snaps.into_iter().map(Result::unwrap).collect();
    let last = snaps.last().unwrap();
    assert_eq!(last.status, TaskStatus::Succeeded);
    let order = [
        "queuing",
        "preprocessing",
        "transcribing",
        "translating",
        "dubbing",
        "rendering",
    ];
    let stages: Vec<usize> = snaps
        .iter()
        .filter_map(|s| s.detail.as_deref())
        .map(|d| {
            order
                .iter()
                .position(|o| *o == d)
                .unwrap_or_else(|| panic!("undocumented stage {d}"))
        })
        .collect();
    assert!(
        stages.windows(2).all(|w| w[0] <= w[1]),
        "stages go forward: {stages:?}"
    );
    assert!(
        stages.iter().any(|i| *i > 0),
        "running stages surfaced: {stages:?}"
    );
    assert!(
        snaps.iter().all(|s| s.status != TaskStatus::Unknown),
        "every emulator status is mapped"
    );
    let out = task.result(&handle).await.unwrap();
    assert!(out.video_url.is_some() && out.audio_url.is_some());
    let stats = emu.stats("vozo").unwrap();
    assert_eq!(stats.jobs_created, 1);
    assert_eq!(stats.auth_failures, 0);
}

#[tokio::test]
async fn lip_sync_runs_to_a_video() {
    let emu = start().await;
    let task = LipSync::new(client(&emu));
    let req = LipSyncRequest::new(
        "https://example.com/face.png",
        ReferenceFileType::Image,
        "https://example.com/voice.wav",
        LipSyncModel::StandardV1,
    );
    let out = task.run(req, &policy()).await.unwrap();
    assert!(out.video_url.starts_with("http"));
    assert_eq!(emu.stats("vozo").unwrap().jobs_created, 1);
}

#[tokio::test]
async fn dropped_submit_answer_is_outcome_unknown_and_not_resent() {
    let emu = start().await;
    emu.inject(FaultRule::parse("vozo:drop:submit").unwrap())
        .unwrap();
    let task = TranslateDub::new(client(&emu));
    let req =
        TranslateDubRequest::new(MediaType::Audio, "https://example.com/a.mp3", "en-US", "de");
    let err = task.submit(req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    let stats = emu.stats("vozo").unwrap();
    assert_eq!(
        stats.jobs_created, 1,
        "the emulated vendor did create (and bill) the job"
    );
    assert_eq!(stats.requests, 1, "and it was never resent");
}

#[tokio::test]
async fn failed_job_is_classified_from_the_job_table() {
    let emu = start().await;
    emu.inject(FaultRule::parse("vozo:fail=10002:submit").unwrap())
        .unwrap();
    let task = TranslateDub::new(client(&emu));
    let req = TranslateDubRequest::new(MediaType::Video, "https://example.com/v.mp4", "auto", "es");
    let handle = task.submit(req).await.unwrap();
    let snap = task.wait(&handle, &policy()).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Failed);
    let failure = snap.failure.unwrap();
    assert_eq!(failure.code.as_deref(), Some("10002"));
    assert_eq!(failure.kind, ErrorKind::InvalidRequest);
    let err = task.result(&handle).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.vendor_code()),
        (ErrorKind::TaskFailed, Some("10002"))
    );
}
