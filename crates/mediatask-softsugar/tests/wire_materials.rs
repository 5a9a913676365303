//! Wire tests of the material endpoints: method, path, query, headers (bearer token,
//! content type), exact body, and the seed's response examples parsed.

mod common;

use common::*;
use httpmock::prelude::*;
use mediatask_core::ErrorKind;
use mediatask_softsugar::api::materials::PreheatType;
use mediatask_softsugar::api::{
    ContentPreheatParam, ContentPreheatRequest, DigitalRoleRef, FaceSwapRequest, FileWarmingItem,
    FileWarmingRequest, PreheatTtsConfig, TranscodeItem, TranscodeRequest, TtsQuery, VoiceContent,
};
use serde_json::json;

#[tokio::test]
async fn face_swap_create() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = mock_post(
        &server,
        "/api/2dvh/v1/material/face/swap/create",
        json!({"facePhotoUrl": "https://x/face.png", "videoUrl": "https://x/v.mp4", "materialName": "materialName"}),
        "face_swap_create",
    );
    let id = client(&server)
        .create_face_swap(&FaceSwapRequest {
            face_photo_url: "https://x/face.png".into(),
            video_url: "https://x/v.mp4".into(),
            material_name: "materialName".into(),
        })
        .await
        .unwrap();
    assert_eq!(id, 1);
    m.assert_hits(1);
}

#[tokio::test]
async fn face_swap_validation_sends_nothing() {
    let server = MockServer::start_async().await;
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let err = client(&server)
        .create_face_swap(&FaceSwapRequest {
            face_photo_url: "ftp://x".into(),
            video_url: "https://x/v.mp4".into(),
            material_name: "m".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.field(), Some("facePhotoUrl"));
    any.assert_hits(0);
}

/// The seed's request example, with `thumbnailUrl` (table) instead of the example's `url`.
const PREHEAT_PARAM: &str = "{\"type\":\"quick_response\",\"desc\":\"123\",\"digital_role\":{\"face_feature_id\":\"1510a3ae060e4d7ea523684eb72b3447_s1test\",\"name\":\"小李\"},\"tts_config\":{\"qid\":\"EAdUVf:AEA_Z10Mqp9GYwDGPMTSiszE7NKMqrCg\",\"name\":\"xiaoxuan\",\"pitch_offset\":0,\"speed_ratio\":1,\"volume\":400},\"voice_content\":[{\"tts_query\":{\"content\":\"感谢你的提问,这个问题我想一下回答你。\",\"ssml\":false}},{\"tts_query\":{\"content\":\"这是一个好问题,我需要仔细思考一下,才能给出一个准确的答案。\",\"ssml\":false}},{\"tts_query\":{\"content\":\"好的,这位同学,请稍等。\",\"ssml\":false}}]}";

fn preheat_request() -> ContentPreheatRequest {
    let text = |t: &str| VoiceContent {
        tts_query: Some(TtsQuery {
            content: Some(t.into()),
            ssml: Some(false),
        }),
        audio: None,
    };
    ContentPreheatRequest {
        material_name: "534".into(),
        thumbnail_url: Some(
            "https://xxx/materials/33/demo_20230228104258028_20230720185601860.jpg".into(),
        ),
        param: ContentPreheatParam {
            kind: PreheatType::QuickResponse,
            desc: Some("123".into()),
            digital_role: Some(DigitalRoleRef {
                face_feature_id: "1510a3ae060e4d7ea523684eb72b3447_s1test".into(),
                name: "小李".into(),
            }),
            tts_config: PreheatTtsConfig {
                qid: Some("EAdUVf:AEA_Z10Mqp9GYwDGPMTSiszE7NKMqrCg".into()),
                name: Some("xiaoxuan".into()),
                pitch_offset: Some(0.0),
                speed_ratio: Some(1.0),
                volume: Some(400),
            },
            voice_content: vec![
                text("感谢你的提问,这个问题我想一下回答你。"),
                text("这是一个好问题,我需要仔细思考一下,才能给出一个准确的答案。"),
                text("好的,这位同学,请稍等。"),
            ],
        },
    }
}

#[tokio::test]
async fn content_preheat_create_sends_the_documented_param_text() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = mock_post(
        &server,
        "/api/2dvh/v1/material/voice/content/repository/create",
        json!({
            "materialName": "534",
            "param": PREHEAT_PARAM,
            "thumbnailUrl": "https://xxx/materials/33/demo_20230228104258028_20230720185601860.jpg"
        }),
        "content_preheat_create",
    );
    assert_eq!(
        client(&server)
            .create_content_preheat(&preheat_request())
            .await
            .unwrap(),
        1
    );
    m.assert_hits(1);
}

#[test]
fn content_preheat_rules() {
    let mut r = preheat_request();
    r.param.voice_content[1] = VoiceContent {
        tts_query: None,
        audio: Some("https://x/a.wav".into()),
    };
    assert!(r.validate().unwrap_err().message().contains("mixed"));
    let mut r = preheat_request();
    r.param.tts_config.qid = None;
    assert_eq!(
        r.validate().unwrap_err().field(),
        Some("param.tts_config.qid")
    );
    let mut r = preheat_request();
    r.param.tts_config.speed_ratio = Some(2.5);
    assert_eq!(
        r.validate().unwrap_err().field(),
        Some("param.tts_config.speed_ratio")
    );
    let mut r = preheat_request();
    r.param.tts_config.volume = Some(0);
    assert!(r.validate().is_err());
    assert!(preheat_request().validate().is_ok());
}

#[tokio::test]
async fn file_warming_create() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = mock_post(
        &server,
        "/api/2dvh/v1/material/file/warming",
        json!({
            "materialName": "XX场景预热",
            "param": "[{\"fileId\":\"9b158cc9-8e42-4d09-b928-49dd9941d921\",\"fileUrl\":\"https://xxx/xxx.png\"},{\"fileId\":\"9b158cc9-8e42-4d09-b928-49dd9941d922\",\"fileUrl\":\"https://xxx/xxx.jpg\"}]"
        }),
        "file_warming_create",
    );
    let id = client(&server)
        .create_file_warming(&FileWarmingRequest {
            material_name: "XX场景预热".into(),
            files: vec![
                FileWarmingItem {
                    file_id: "9b158cc9-8e42-4d09-b928-49dd9941d921".into(),
                    file_url: "https://xxx/xxx.png".into(),
                },
                FileWarmingItem {
                    file_id: "9b158cc9-8e42-4d09-b928-49dd9941d922".into(),
                    file_url: "https://xxx/xxx.jpg".into(),
                },
            ],
        })
        .await
        .unwrap();
    assert_eq!(id, 134);
    m.assert_hits(1);
}

#[tokio::test]
async fn file_warming_query() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = server.mock(|when, then| {
        when.method(GET)
            .path("/api/2dvh/v1/material/file/warming/query")
            .query_param("fileIds", "20250526-dev1,20250526-dev2")
            .header("authorization", BEARER);
        then.status(200).body(fixture("file_warming_query"));
    });
    let files = client(&server)
        .query_file_warming(&["20250526-dev1".into(), "20250526-dev2".into()])
        .await
        .unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].owner, Some(142));
    assert_eq!(files[0].task_id.as_deref(), Some("2040"));
    assert_eq!(files[0].status, Some(5));
    assert_eq!(files[1].file_id.as_deref(), Some("20250526-dev2"));
    assert_eq!(files[1].status, Some(2));
    assert_eq!(
        files[1].normalized_status(),
        mediatask_core::TaskStatus::Running
    );
    m.assert_hits(1);
}

#[tokio::test]
async fn file_warming_delete() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = mock_post(
        &server,
        "/api/2dvh/v1/material/file/warming/del",
        json!({"fileIds": ["9b158cc9-8e42-4d09-b928-49dd9941d921", "9b158cc9-8e42-4d09-b928-49dd9941d922"]}),
        "file_warming_delete",
    );
    let id = client(&server)
        .delete_file_warming(&[
            "9b158cc9-8e42-4d09-b928-49dd9941d921".into(),
            "9b158cc9-8e42-4d09-b928-49dd9941d922".into(),
        ])
        .await
        .unwrap();
    assert_eq!(id, 169);
    m.assert_hits(1);
}

#[tokio::test]
async fn transcode_create() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = mock_post(
        &server,
        "/api/2dvh/v1/material/file/transcode",
        json!({"materialName": "XX", "param": "[{\"fileUrl\":\"https://xxx/xxx.mp4\"},{\"fileUrl\":\"https://xxx/xxx.mp4\"}]"}),
        "transcode_create",
    );
    let id = client(&server)
        .create_transcode(&TranscodeRequest {
            material_name: "XX".into(),
            files: vec![
                TranscodeItem {
                    file_url: "https://xxx/xxx.mp4".into(),
                },
                TranscodeItem {
                    file_url: "https://xxx/xxx.mp4".into(),
                },
            ],
        })
        .await
        .unwrap();
    assert_eq!(id, 134);
    m.assert_hits(1);
}

#[tokio::test]
async fn create_is_never_retried_after_a_5xx() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/material/file/transcode");
        then.status(502).body("<html>bad gateway</html>");
    });
    let err = client(&server)
        .create_transcode(&TranscodeRequest {
            material_name: "XX".into(),
            files: vec![TranscodeItem {
                file_url: "https://x/a.mp4".into(),
            }],
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert!(
        err.reconcile()
            .and_then(|r| r.request_digest.as_ref())
            .is_some()
    );
    m.assert_hits(1);
}

#[tokio::test]
async fn create_with_unreadable_id_is_outcome_unknown() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/material/face/swap/create");
        then.status(200)
            .body(r#"{"code":0,"message":"success","data":null}"#);
    });
    let err = client(&server)
        .create_face_swap(&FaceSwapRequest {
            face_photo_url: "https://x/f.png".into(),
            video_url: "https://x/v.mp4".into(),
            material_name: "m".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    m.assert_hits(1);
}

#[tokio::test]
async fn business_error_on_create_is_classified_and_not_retried() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = server.mock(|when, then| {
        when.method(POST).path("/api/2dvh/v1/material/file/warming");
        then.status(200)
            .json_body(json!({"code": 20031, "message": "并发任务数已满", "data": null}));
    });
    let err = client(&server)
        .create_file_warming(&FileWarmingRequest {
            material_name: "n".into(),
            files: vec![FileWarmingItem {
                file_id: "a".into(),
                file_url: "https://x/a.png".into(),
            }],
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unexpected);
    assert_eq!(err.vendor_code(), Some("20031"));
    assert_eq!(err.vendor_message(), Some("并发任务数已满"));
    m.assert_hits(1);
}
