//! Voice endpoints (LITE and PRO) on the wire, the documented examples, and the
//! train → synthesis chain that reuses the trained speakerId.

mod common;

use common::*;
use mediatask_core::{
    ErrorKind, HasArtifacts, MediaTask, MediaTaskExt, TaskHandle, TaskStatus, WaitPolicy,
};
use mediatask_xjc::{
    VoiceLiteSynthesis, VoiceLiteTrain, VoiceProSynthesis, VoiceProTrain, VoiceSynthesisRequest,
    VoiceTrainRequest,
};
use serde_json::json;
use std::time::Duration;

fn fast_wait() -> WaitPolicy {
    let (rt, _clock, _sleeper) = mediatask_testkit::fake_runtime();
    WaitPolicy::default()
        .with_min_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(2))
        .with_runtime(rt)
}

#[tokio::test]
async fn lite_train_then_synthesis_with_the_trained_speaker() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let train = post_mock(
        &e.server,
        "/api/model/v5/voice/lite/train",
        r#"{"speakerId":"","audioUrl":"https://cdn.example/sample.wav","callbackUrl":"https://hooks.example/t"}"#,
        ok(json!({"speakerId": "spk-lite-1"})),
    )
    .await;
    let detail = post_mock(
        &e.server,
        "/api/model/v5/voice/lite/train/detail",
        r#"{"speakerId":"spk-lite-1"}"#,
        ok(json!({"status": 3, "errorMessage": "", "speakerId": "spk-lite-1", "userId": "u1", "accessKey": AK, "type": "LITE"})),
    )
    .await;
    let trainer = VoiceLiteTrain::new(e.client.clone());
    let voice = trainer
        .run(
            VoiceTrainRequest::new("https://cdn.example/sample.wav")
                .with_callback_url("https://hooks.example/t"),
            &fast_wait(),
        )
        .await
        .unwrap();
    assert_eq!(voice.speaker_id, "spk-lite-1");
    assert_eq!(voice.voice_type.as_deref(), Some("LITE"));
    assert!(voice.artifacts().is_empty());
    train.assert_hits_async(1).await;

    // the synthesis body carries the trained id, kyyRole and ratios as strings
    let create = post_mock(
        &e.server,
        "/api/model/v5/voice/lite/create",
        r#"{"speakerId":"spk-lite-1","content":"欢迎光临","kyyRole":"no","speedRatio":"1.2","pitchRatio":"1.0","volumeRatio":"10.0"}"#,
        ok(json!({"jobId": "syn-1"})),
    )
    .await;
    let create_detail = post_mock(
        &e.server,
        "/api/model/v5/voice/lite/create/detail",
        r#"{"jobId":"syn-1"}"#,
        ok(json!({"status": 3, "errorMessage": "", "jobId": "syn-1", "url": "https://cdn.example/a/syn-1.mp3", "duration": 4, "userId": "u1", "accessKey": AK, "type": "LITE"})),
    )
    .await;
    let speech = VoiceLiteSynthesis::new(e.client.clone())
        .run(
            VoiceSynthesisRequest::new(voice.speaker_id.clone(), "欢迎光临")
                .with_cross_language(false)
                .with_speed_ratio(1.2)
                .with_pitch_ratio(1.0)
                .with_volume_ratio(10.0),
            &fast_wait(),
        )
        .await
        .unwrap();
    assert_eq!(speech.audio_url, "https://cdn.example/a/syn-1.mp3");
    assert_eq!(speech.duration_secs, Some(4.0));
    assert_eq!(
        speech.artifacts()[0].kind,
        mediatask_core::ArtifactKind::Audio
    );
    create.assert_hits_async(1).await;
    // the terminal detail answer carries the result: `run` asks no second time
    create_detail.assert_hits_async(1).await;
    detail.assert_hits_async(1).await;
}

#[tokio::test]
async fn pro_train_then_synthesis_chain() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let _train = post_mock(
        &e.server,
        "/api/model/v5/voice/pro/train",
        r#"{"speakerId":"spk-pro-7","audioUrl":"https://cdn.example/more.wav"}"#,
        ok(json!({"speakerId": "spk-pro-7"})),
    )
    .await;
    let running = post_mock(
        &e.server,
        "/api/model/v5/voice/pro/train/detail",
        r#"{"speakerId":"spk-pro-7"}"#,
        ok(json!({"status": 2, "errorMessage": "", "speakerId": "spk-pro-7", "type": "PRO"})),
    )
    .await;
    let trainer = VoiceProTrain::new(e.client.clone());
    let h = trainer
        .submit(VoiceTrainRequest::new("https://cdn.example/more.wav").with_speaker_id("spk-pro-7"))
        .await
        .unwrap();
    assert_eq!(
        (h.kind.as_str(), h.task_id.as_str()),
        ("voice_pro_train", "spk-pro-7")
    );
    assert_eq!(trainer.poll(&h).await.unwrap().status, TaskStatus::Running);
    running.delete_async().await;
    let _done = post_mock(
        &e.server,
        "/api/model/v5/voice/pro/train/detail",
        r#"{"speakerId":"spk-pro-7"}"#,
        ok(json!({"status": 3, "errorMessage": "", "speakerId": "spk-pro-7", "type": "PRO"})),
    )
    .await;
    let voice = trainer.result(&h).await.unwrap();

    let create = post_mock(
        &e.server,
        "/api/model/v5/voice/pro/create",
        r#"{"speakerId":"spk-pro-7","content":"hello","speedRatio":"2.5"}"#,
        ok(json!({"jobId": "pro-syn"})),
    )
    .await;
    let syn = VoiceProSynthesis::new(e.client.clone());
    let sh = syn
        .submit(VoiceSynthesisRequest::new(voice.speaker_id, "hello").with_speed_ratio(2.5))
        .await
        .unwrap();
    create.assert_hits_async(1).await;
    let _d = post_mock(
        &e.server,
        "/api/model/v5/voice/pro/create/detail",
        r#"{"jobId":"pro-syn"}"#,
        ok(json!({"status": 4, "errorMessage": "文本包含敏感词", "jobId": "pro-syn", "url": "", "duration": 0, "type": "PRO"})),
    )
    .await;
    let snap = syn.poll(&sh).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Failed);
    assert_eq!(snap.failure.unwrap().message, "文本包含敏感词");
    assert_eq!(
        syn.result(&sh).await.unwrap_err().kind(),
        ErrorKind::TaskFailed
    );
}

#[tokio::test]
async fn documented_detail_examples_parse() {
    // the docs' examples (status 0, empty strings) for both editions
    let e = env().await;
    let _t = default_token(&e.server).await;
    for ed in ["lite", "pro"] {
        let _a = post_mock(
            &e.server,
            &format!("/api/model/v5/voice/{ed}/train/detail"),
            r#"{"speakerId":"s"}"#,
            ok(json!({"status": 0, "errorMessage": "", "speakerId": "", "userId": "", "accessKey": "", "type": ""})),
        )
        .await;
        let _b = post_mock(
            &e.server,
            &format!("/api/model/v5/voice/{ed}/create/detail"),
            r#"{"jobId":"j"}"#,
            ok(json!({"status": 0, "errorMessage": "", "jobId": "", "url": "", "duration": 0, "userId": "", "accessKey": "", "type": ""})),
        )
        .await;
    }
    let lite_train = VoiceLiteTrain::new(e.client.clone());
    let pro_train = VoiceProTrain::new(e.client.clone());
    let lite_syn = VoiceLiteSynthesis::new(e.client.clone());
    let pro_syn = VoiceProSynthesis::new(e.client.clone());
    let s = [
        lite_train
            .poll(&TaskHandle::new("xjc", "voice_lite_train", "s"))
            .await
            .unwrap(),
        pro_train
            .poll(&TaskHandle::new("xjc", "voice_pro_train", "s"))
            .await
            .unwrap(),
        lite_syn
            .poll(&TaskHandle::new("xjc", "voice_lite_synthesis", "j"))
            .await
            .unwrap(),
        pro_syn
            .poll(&TaskHandle::new("xjc", "voice_pro_synthesis", "j"))
            .await
            .unwrap(),
    ];
    assert!(
        s.iter()
            .all(|s| s.status == TaskStatus::Unknown && s.vendor_status.code == "0")
    );
}

#[tokio::test]
async fn documented_submit_examples_with_empty_ids_are_outcome_unknown() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let _a = post_mock(
        &e.server,
        "/api/model/v5/voice/lite/train",
        r#"{"speakerId":"","audioUrl":"https://x.example/a.wav"}"#,
        ok(json!({"speakerId": ""})),
    )
    .await;
    let _b = post_mock(
        &e.server,
        "/api/model/v5/voice/pro/create",
        r#"{"speakerId":"s","content":"c"}"#,
        ok(json!({"jobId": ""})),
    )
    .await;
    let err = VoiceLiteTrain::new(e.client.clone())
        .submit(VoiceTrainRequest::new("https://x.example/a.wav"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    let err = VoiceProSynthesis::new(e.client.clone())
        .submit(VoiceSynthesisRequest::new("s", "c"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
}

#[tokio::test]
async fn voice_business_errors() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let _m = e
        .server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST)
                .path("/api/model/v5/voice/pro/train");
            then.status(200)
                .json_body(json!({"code": 30002, "msg": "音色数量不足", "data": null}));
        })
        .await;
    let err = VoiceProTrain::new(e.client.clone())
        .submit(VoiceTrainRequest::new("https://x.example/a.wav"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::QuotaExhausted);
    assert_eq!(err.vendor_message(), Some("音色数量不足"));
}

#[tokio::test]
async fn lite_ratio_out_of_range_sends_nothing() {
    let e = env().await;
    let any = catch_all(&e.server).await;
    let syn = VoiceLiteSynthesis::new(e.client.clone());
    for req in [
        VoiceSynthesisRequest::new("s", "c").with_speed_ratio(1.95),
        VoiceSynthesisRequest::new("s", "c").with_pitch_ratio(0.05),
        VoiceSynthesisRequest::new("s", "c").with_volume_ratio(10.5),
    ] {
        assert_eq!(
            syn.submit(req).await.unwrap_err().kind(),
            ErrorKind::InvalidRequest
        );
    }
    any.assert_hits_async(0).await;
}

#[tokio::test]
async fn handles_of_another_kind_are_refused() {
    let e = env().await;
    let any = catch_all(&e.server).await;
    let err = VoiceLiteTrain::new(e.client.clone())
        .poll(&TaskHandle::new("xjc", "voice_pro_train", "s"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let err = VoiceLiteTrain::new(e.client.clone())
        .cancel(&TaskHandle::new("xjc", "voice_lite_train", "s"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    any.assert_hits_async(0).await;
}
