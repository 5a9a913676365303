//! End to end against the stateful ai-xjc emulator (`mediatask-emulator`, an independent
//! reading of the same seed): real clock, real token exchange, works and the voice chain,
//! token expiry → one re-issue.

use mediatask_core::{MediaTask, MediaTaskExt, TaskStatus, WaitPolicy};
use mediatask_emulator::{Emulator, EmulatorConfig, Timing};
use mediatask_xjc::*;
use std::time::Duration;

async fn start() -> (Emulator, XjcClient) {
    let emu = Emulator::start(EmulatorConfig::default().with_timing(Timing {
        step: Duration::from_millis(40),
        queued_steps: 1,
        running_steps: 2,
    }))
    .await
    .expect("emulator starts");
    let creds = emu.config().credentials.clone();
    let base = emu.base_url("xjc").expect("xjc emulated").to_owned();
    let client = XjcClient::new(
        XjcConfig::new(creds.xjc_access_key, creds.xjc_secret_key).with_base_url(base),
    )
    .unwrap();
    (emu, client)
}

fn policy() -> WaitPolicy {
    WaitPolicy::default()
        .with_min_delay(Duration::from_millis(20))
        .with_max_delay(Duration::from_millis(50))
        .with_max_wait(Some(Duration::from_secs(10)))
}

#[tokio::test]
async fn works_and_voice_chain_against_the_emulator() {
    let (emu, client) = start().await;
    let files = emu.urls().files.clone();
    let works = Works::new(client.clone())
        .run(
            WorksRequest::audio_driven(
                format!("{files}/avatar.mp4"),
                format!("{files}/speech.wav"),
            ),
            &policy(),
        )
        .await
        .unwrap();
    assert!(!works.video_url.is_empty());

    let voice = VoiceProTrain::new(client.clone())
        .run(
            VoiceTrainRequest::new(format!("{files}/sample.wav")),
            &policy(),
        )
        .await
        .unwrap();
    let speech = VoiceProSynthesis::new(client.clone())
        .run(
            VoiceSynthesisRequest::new(voice.speaker_id, "你好").with_speed_ratio(1.1),
            &policy(),
        )
        .await
        .unwrap();
    assert!(!speech.audio_url.is_empty());
    assert_eq!(client.token_fetches(), 1);

    // the vendor forgets every token: one 20002, one re-issue, and the call succeeds
    emu.expire_tokens("xjc");
    let b = client.balance().await.unwrap();
    assert!(b.balance.is_some());
    assert_eq!(client.token_fetches(), 2);
    let lite = VoiceLiteTrain::new(client.clone());
    let h = lite
        .submit(VoiceTrainRequest::new(format!("{files}/sample.wav")))
        .await
        .unwrap();
    let snap = lite.wait(&h, &policy()).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Succeeded);
    emu.shutdown();
}
