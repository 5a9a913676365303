//! Video synthesis create: the documented request JSON sent (as JSON text in `param`) to the
//! configurable, unconfirmed path.

mod common;

use common::*;
use httpmock::prelude::*;
use mediatask_core::ErrorKind;
use mediatask_softsugar::api::VideoSynthesisRequest;
use serde_json::json;

/// What the SDK sends for the vendor's takeover example values (integral floats as integers).
const PARAM: &str = r#"{"version":"0.0.13","video_format":"MP4","resolution":[1080,1920],"bit_rate":8,"frame_rate":25,"watermark":{"show":true,"content":"内部测试"},"digital_role":{"id":4051,"face_feature_id":"","name":"Nina","url":"","fileId":"12345","position":{"x":0.0,"y":0.0},"scale":1,"z_position":1,"rotation":0,"start_frame_index":123},"tts_config":{"id":"xiaoyue","name":"晓月","vendor_id":3,"language":"zh-CN","pitch_offset":0,"speed_ratio":1,"volume":100},"tts_query":{"content":"您好,尊贵的客户","ssml":false},"audios":[{"url":"https://x/a.wav"}],"subtitle":{"show":true}}"#;

fn request() -> VideoSynthesisRequest {
    serde_json::from_value(json!({
        "videoName": "xxx",
        "thumbnailUrl": "https://x/thumb.png",
        "param": {
            "version": "0.0.13", "video_format": "MP4", "resolution": [1080, 1920], "bit_rate": 8, "frame_rate": 25,
            "watermark": {"show": true, "content": "内部测试"},
            "digital_role": {"id": 4051, "face_feature_id": "", "name": "Nina", "url": "", "fileId": "12345",
                             "position": {"x": 0, "y": 0}, "scale": 1.0, "z_position": 1, "rotation": 0.0, "start_frame_index": 123},
            "tts_config": {"id": "xiaoyue", "name": "晓月", "vendor_id": 3, "language": "zh-CN", "pitch_offset": 0.0, "speed_ratio": 1, "volume": 100},
            "tts_query": {"content": "您好,尊贵的客户", "ssml": false},
            "audios": [{"url": "https://x/a.wav"}],
            "subtitle": {"show": true}
        }
    }))
    .unwrap()
}

#[tokio::test]
async fn default_path_and_exact_body() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/material/video/create")
            .header("authorization", BEARER)
            .header("content-type", "application/json")
            .json_body(
                json!({"videoName": "xxx", "param": PARAM, "thumbnailUrl": "https://x/thumb.png"}),
            );
        then.status(200).json_body(ok(json!(913318)));
    });
    assert_eq!(
        client(&server)
            .create_video_synthesis(&request())
            .await
            .unwrap(),
        913318
    );
    m.assert_hits(1);
}

#[tokio::test]
async fn configured_path_is_used() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v2/material/video/create")
            .json_body_partial(r#"{"videoName": "xxx"}"#);
        then.status(200).json_body(ok(json!(5)));
    });
    let (c, _) = client_with(&server, |c| {
        c.with_video_create_path("/api/2dvh/v2/material/video/create")
    });
    assert_eq!(c.create_video_synthesis(&request()).await.unwrap(), 5);
    m.assert_hits(1);
}

#[test]
fn validation_rules() {
    let mut r = request();
    r.param.tts_query = None;
    r.param.audios.clear();
    assert_eq!(r.validate().unwrap_err().field(), Some("param.tts_query"));
    let mut r = request();
    r.param.tts_config = None;
    r.param.audios.clear();
    assert_eq!(r.validate().unwrap_err().field(), Some("param.tts_config"));
    let mut r = request();
    r.param.video_format = Some("AVI".into());
    assert_eq!(r.validate().unwrap_err().kind(), ErrorKind::InvalidRequest);
    let mut r = request();
    r.param.digital_role = Default::default();
    assert_eq!(
        r.validate().unwrap_err().field(),
        Some("param.digital_role")
    );
    assert!(request().validate().is_ok());
}
