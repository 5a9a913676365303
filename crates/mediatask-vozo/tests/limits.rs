//! Concurrency pools: lip-sync (shared by both lip-sync kinds, documented 10 incl. queued) and a
//! separate translate & dub pool; a slot is freed when a poll sees the job terminal.

mod common;

use common::*;
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use mediatask_core::{ErrorKind, MediaTask, Provider};
use mediatask_vozo::{
    LIP_SYNC_POOL, LipSync, ReusableLipSync, TRANSLATE_POOL, TranslateDub, VozoConfig,
};
use std::time::Duration;

#[test]
fn default_caps_follow_the_docs_and_are_visible() {
    let c = VozoConfig::new("k");
    assert_eq!(c.lip_sync_max_concurrent_jobs, 10);
    assert_eq!(c.translate_max_concurrent_jobs, 10);
    let client = mediatask_vozo::VozoClient::new(c).unwrap();
    assert_eq!(
        client.transport().limiter().available_slots(LIP_SYNC_POOL),
        Some(10)
    );
    assert_eq!(
        client.transport().limiter().available_slots(TRANSLATE_POOL),
        Some(10)
    );
    let p = mediatask_vozo::VozoProvider::new(client);
    assert!(
        p.kinds()
            .iter()
            .all(|k| k.capabilities.max_in_flight_tasks == Some(10))
    );
    // 0 disables a local cap
    let client =
        mediatask_vozo::VozoClient::new(VozoConfig::new("k").with_translate_max_concurrent_jobs(0))
            .unwrap();
    assert_eq!(
        client.transport().limiter().available_slots(TRANSLATE_POOL),
        None
    );
}

#[tokio::test]
async fn lip_sync_pool_caps_both_kinds_and_frees_on_terminal_poll() {
    let server = MockServer::start_async().await;
    let config = config(&server)
        .with_lip_sync_max_concurrent_jobs(2)
        .with_translate_max_concurrent_jobs(1)
        .with_task_slot_wait(Duration::from_millis(150));
    let client = client_with(config);
    let lip = LipSync::new(client.clone());
    let reusable = ReusableLipSync::new(client.clone());
    let translate = TranslateDub::new(client.clone());

    let first = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/video_generation");
            then.status(200).body(r#"{"task_id":"ls-1"}"#);
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/reusable_lipsync_model_video_generation");
            then.status(200).body(r#"{"task_id":"rl-2"}"#);
        })
        .await;
    let h1 = lip.submit(lip_sync_request()).await.unwrap();
    let _h2 = reusable.submit(reusable_request()).await.unwrap();
    assert_eq!(
        client.transport().limiter().available_slots(LIP_SYNC_POOL),
        Some(0)
    );

    // third lip-sync job: the local cap refuses before sending
    let err = lip.submit(lip_sync_request()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConcurrencyLimited);
    first.assert_hits_async(1).await;
    second.assert_hits_async(1).await;

    // translate & dub has its own pool
    let tr = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/media/translate");
            then.status(200).body(r#"{"task_id":"tr-1"}"#);
        })
        .await;
    translate.submit(translate_request()).await.unwrap();
    assert_eq!(
        translate
            .submit(translate_request())
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::ConcurrencyLimited
    );
    tr.assert_hits_async(1).await;

    // a running poll keeps the slot, a terminal one frees it
    let running = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/video_generation/ls-1");
            then.status(200).body(r#"{"status":"processing"}"#);
        })
        .await;
    lip.poll(&h1).await.unwrap();
    assert_eq!(
        client.transport().limiter().available_slots(LIP_SYNC_POOL),
        Some(0)
    );
    running.delete_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/video_generation/ls-1");
            then.status(200)
                .body(r#"{"status":"failed","err_code":"20601"}"#);
        })
        .await;
    lip.poll(&h1).await.unwrap();
    assert_eq!(
        client.transport().limiter().available_slots(LIP_SYNC_POOL),
        Some(1)
    );
    lip.submit(lip_sync_request()).await.unwrap();
    first.assert_hits_async(2).await;
}
