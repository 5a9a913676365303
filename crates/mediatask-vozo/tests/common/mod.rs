//! Shared test helpers: a Vozo client pointed at an httpmock server with instant retries.
#![allow(dead_code, unreachable_pub)]

use httpmock::MockServer;
use mediatask_http::{HttpConfig, RetryPolicy};
use mediatask_vozo::api::lipsync::{
    LipSyncModel, LipSyncRequest, ReferenceFileType, ReusableLipSyncRequest,
};
use mediatask_vozo::api::translate::{MediaType, TranslateDubRequest};
use mediatask_vozo::{VozoClient, VozoConfig};
use std::time::Duration;

pub const KEY: &str = "vz-test-key-5d1e9f";
pub const BEARER: &str = "Bearer vz-test-key-5d1e9f";

pub fn retry(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(attempts)
        .with_base_delay(Duration::from_millis(5))
        .with_max_delay(Duration::from_millis(20))
        .with_retry_after_cap(Duration::from_millis(50))
}

pub fn config(server: &MockServer) -> VozoConfig {
    VozoConfig::new(KEY)
        .with_base_url(server.base_url())
        .with_http(
            HttpConfig::default()
                .with_retry(retry(3))
                .with_request_timeout(Duration::from_secs(10)),
        )
}

pub fn client_with(config: VozoConfig) -> VozoClient {
    let (rt, _clock, _sleeper) = mediatask_testkit::fake_runtime();
    VozoClient::with_runtime(config, rt).expect("client builds")
}

pub fn client(server: &MockServer) -> VozoClient {
    client_with(config(server))
}

pub fn translate_request() -> TranslateDubRequest {
    TranslateDubRequest::new(
        MediaType::Video,
        "https://cdn.example/in.mp4",
        "en-US",
        "zh-CN",
    )
}

pub fn lip_sync_request() -> LipSyncRequest {
    LipSyncRequest::new(
        "https://cdn.example/face.mp4",
        ReferenceFileType::Video,
        "https://cdn.example/voice.wav",
        LipSyncModel::PrecisionV1,
    )
}

pub fn reusable_request() -> ReusableLipSyncRequest {
    ReusableLipSyncRequest::new("model-7", "https://cdn.example/voice.mp3")
}
