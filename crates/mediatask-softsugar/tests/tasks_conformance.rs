//! Every job kind passes the shared conformance suite, plus SoftSugar-specific task behaviour:
//! status mapping, queue position, failures, artifacts with 7-day expiry, cancel rules, task
//! slots, restart/delete of `task_by_id`.

mod common;

use common::*;
use httpmock::prelude::*;
use mediatask_core::{CancelOutcome, ErrorKind, MediaTask, TaskHandle, TaskStatus};
use mediatask_http::{HttpConfig, LimitConfig};
use mediatask_softsugar::api::{
    FaceSwapRequest, FileWarmingItem, FileWarmingRequest, TranscodeItem, TranscodeRequest,
    VideoSynthesisRequest,
};
use mediatask_softsugar::tasks::TaskByIdRequest;
use mediatask_softsugar::{
    ContentPreheat, FaceSwap, FileWarming, TaskById, Transcode, VideoSynthesis,
};
use mediatask_testkit::conformance::{self, Report, Suite};
use serde_json::json;
use std::time::Duration;

const SUBMITTED: i64 = 101;
const RUNNING: i64 = 102;
const FINISHED: i64 = 103;

/// task/info answers: SUBMITTED queued (0), RUNNING waiting (1), FINISHED done (5).
fn mock_infos(server: &MockServer, algo_type: i64, product: serde_json::Value) {
    for (id, status, product) in [
        (SUBMITTED, 0, serde_json::Value::Null),
        (RUNNING, 1, serde_json::Value::Null),
        (FINISHED, 5, product),
    ] {
        server.mock(move |when, then| {
            when.method(POST).path("/api/2dvh/v1/task/info").header("authorization", BEARER).json_body(json!({"ids": [id]}));
            then.status(200).json_body(ok(json!([{
                "id": id, "materialId": 1, "materialName": "m", "algoType": algo_type, "status": status,
                "productParam": product, "message": "{}", "endTime": "2024-05-27 16:39:03"
            }])));
        });
    }
}

fn mock_create(server: &MockServer, path: &str) {
    let path = path.to_owned();
    server.mock(move |when, then| {
        when.method(POST).path(path).header("authorization", BEARER);
        then.status(200).json_body(ok(json!(SUBMITTED)));
    });
}

fn handle(kind: &str, id: i64) -> TaskHandle {
    TaskHandle::new("softsugar", kind, id.to_string())
}

fn secrets() -> Vec<String> {
    vec![APP_KEY.to_owned(), TOKEN.to_owned()]
}

/// The shared conformance suite for `task` of `kind`: submits `request`, polls the RUNNING and
/// FINISHED handles, and checks the account secrets stay out of Debug output and errors.
async fn run_suite<T: MediaTask>(task: &T, kind: &str, request: T::Request) -> Report
where
    T::Output: std::fmt::Debug,
{
    conformance::run(Suite {
        task,
        submit: Some(request),
        running: handle(kind, RUNNING),
        finished: handle(kind, FINISHED),
        secrets: secrets(),
    })
    .await
}

fn video_product() -> serde_json::Value {
    json!(
        "{\"duration\": 880, \"thumbPath\": \"https://cdn/t.png\", \"videoPath\": \"https://cdn/v.mp4\"}"
    )
}

fn face_swap_request() -> FaceSwapRequest {
    FaceSwapRequest {
        face_photo_url: "https://x/f.png".into(),
        video_url: "https://x/v.mp4".into(),
        material_name: "m".into(),
    }
}

#[tokio::test]
async fn face_swap_conformance() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_create(&server, "/api/2dvh/v1/material/face/swap/create");
    mock_infos(
        &server,
        20,
        json!("{\"thumbPath\": \"https://cdn/t.png\", \"pkgPath\": \"https://cdn/r.mp4\"}"),
    );
    let task = FaceSwap::new(client(&server));
    let report = run_suite(&task, "face_swap", face_swap_request()).await;
    assert_eq!(report.submitted.unwrap().task_id, SUBMITTED.to_string());
    assert!(matches!(
        report.cancel_after_terminal,
        Some(Ok(CancelOutcome::AlreadyFinished {
            status: TaskStatus::Succeeded
        }))
    ));
}

fn video_request() -> VideoSynthesisRequest {
    serde_json::from_value(json!({
        "videoName": "xxx",
        "param": {
            "version": "0.0.13", "video_format": "MP4", "resolution": [1080, 1920], "bit_rate": 8, "frame_rate": 25,
            "watermark": {"show": true, "content": "内部测试"},
            "digital_role": {"id": 4051, "face_feature_id": "", "name": "Nina", "url": "", "fileId": "12345",
                             "position": {"x": 0, "y": 0}, "scale": 1.0, "z_position": 1, "rotation": 0.0, "start_frame_index": 123},
            "tts_config": {"id": "xiaoyue", "name": "晓月", "vendor_id": 3, "language": "zh-CN", "pitch_offset": 0.0, "speed_ratio": 1, "volume": 100},
            "tts_query": {"content": "您好,尊贵的客户", "ssml": false}
        }
    }))
    .unwrap()
}

#[tokio::test]
async fn video_synthesis_conformance() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_create(&server, "/api/2dvh/v1/material/video/create");
    mock_infos(&server, 14, video_product());
    let task = VideoSynthesis::new(client(&server));
    assert!(!task.info().capabilities.endpoint_confirmed);
    run_suite(&task, "video_synthesis", video_request()).await;
}

#[tokio::test]
async fn file_warming_conformance() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_create(&server, "/api/2dvh/v1/material/file/warming");
    mock_infos(&server, 43, json!("{\"fileWarmingDetails\": []}"));
    let task = FileWarming::new(client(&server));
    let report = run_suite(
        &task,
        "file_warming",
        FileWarmingRequest {
            material_name: "n".into(),
            files: vec![FileWarmingItem {
                file_id: "a".into(),
                file_url: "https://x/a.png".into(),
            }],
        },
    )
    .await;
    assert_eq!(
        report.cancel_after_terminal,
        Some(Err(ErrorKind::Unsupported))
    );
}

#[tokio::test]
async fn transcode_conformance() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_create(&server, "/api/2dvh/v1/material/file/transcode");
    mock_infos(
        &server,
        99,
        json!(
            "{\"fileWarmingDetails\": [{\"fileUrl\": \"https://x/a.mp4\", \"transcodeResult\": true, \"fileTranscodeUrl\": \"https://cdn/a_25fps.mp4\"}]}"
        ),
    );
    let task = Transcode::new(client(&server));
    run_suite(
        &task,
        "transcode",
        TranscodeRequest {
            material_name: "n".into(),
            files: vec![TranscodeItem {
                file_url: "https://x/a.mp4".into(),
            }],
        },
    )
    .await;
    let out = task.result(&handle("transcode", FINISHED)).await.unwrap();
    assert_eq!(out.artifacts.len(), 1);
    assert_eq!(out.artifacts[0].url, "https://cdn/a_25fps.mp4");
}

#[tokio::test]
async fn content_preheat_conformance() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_create(
        &server,
        "/api/2dvh/v1/material/voice/content/repository/create",
    );
    mock_infos(&server, 42, json!("{\"ids\": [\"a\"]}"));
    let task = ContentPreheat::new(client(&server));
    let request = serde_json::from_value(json!({
        "materialName": "lib",
        "param": {"type": "startup_script", "tts_config": {"qid": "q"}, "voice_content": [{"tts_query": {"content": "hi"}}]}
    }))
    .unwrap();
    run_suite(&task, "content_preheat", request).await;
}

#[tokio::test]
async fn task_by_id_conformance() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_infos(&server, 14, video_product());
    let task = TaskById::new(client(&server));
    run_suite(&task, "task_by_id", TaskByIdRequest { id: SUBMITTED }).await;
}

fn mock_info_status<'a>(
    server: &'a MockServer,
    id: i64,
    status: serde_json::Value,
    extra: serde_json::Value,
) -> httpmock::Mock<'a> {
    let mut rec = json!({"id": id, "algoType": 14, "status": status});
    rec.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    server.mock(move |when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/task/info")
            .json_body(json!({"ids": [id]}));
        then.status(200).json_body(ok(json!([rec])));
    })
}

#[tokio::test]
async fn status_codes_map_and_unknown_keeps_the_raw_code() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let task = TaskById::new(client(&server));
    for (id, code, want) in [
        (10, 0, TaskStatus::Queued),
        (11, 1, TaskStatus::Queued),
        (12, 2, TaskStatus::Running),
        (13, 3, TaskStatus::Cancelled),
        (14, 5, TaskStatus::Succeeded),
        (15, 9, TaskStatus::Failed),
        (16, 7, TaskStatus::Unknown),
    ] {
        mock_info_status(&server, id, json!(code), json!({}));
        let snap = task.poll(&handle("task_by_id", id)).await.unwrap();
        assert_eq!(snap.status, want, "code {code}");
        assert_eq!(snap.vendor_status.code, code.to_string());
    }
}

#[tokio::test]
async fn failed_task_reports_the_vendor_reason() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_info_status(
        &server,
        20,
        json!(9),
        json!({"message": "{\"errorMsg\": \"Algorithm heart beat is overtime!!!\"}"}),
    );
    let task = TaskById::new(client(&server));
    let snap = task.poll(&handle("task_by_id", 20)).await.unwrap();
    let failure = snap.failure.unwrap();
    assert_eq!(failure.message, "Algorithm heart beat is overtime!!!");
    assert_eq!(failure.kind, ErrorKind::TaskFailed);
    let err = task.result(&handle("task_by_id", 20)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskFailed);
    assert_eq!(
        err.vendor_message(),
        Some("Algorithm heart beat is overtime!!!")
    );
}

#[tokio::test]
async fn queued_poll_surfaces_the_queue_position() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_info_status(&server, 30, json!(1), json!({}));
    let queue = server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/task/listWithQueue")
            .header("authorization", BEARER)
            .json_body(json!({"algoType": 14, "status": -1, "key": "30", "pageNo": 1, "pageSize": 10}));
        then.status(200).json_body(ok(json!({"pagination": {"pageNo": 1, "numberPages": 1}, "result": [{"id": 30, "status": 1, "queueInfo": "8/9"}]})));
    });
    let (c, _) = client_with(&server, |c| c.with_poll_queue_info(true));
    let snap = TaskById::new(c)
        .poll(&handle("task_by_id", 30))
        .await
        .unwrap();
    assert_eq!(snap.status, TaskStatus::Queued);
    assert_eq!(snap.detail.as_deref(), Some("queue position 8/9"));
    queue.assert_hits(1);
}

#[tokio::test]
async fn result_artifacts_expire_seven_days_after_the_end_time() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_info_status(
        &server,
        40,
        json!(5),
        json!({"productParam": video_product(), "endTime": "2024-05-27 16:39:03"}),
    );
    let out = VideoSynthesis::new(client(&server))
        .result(&handle("video_synthesis", 40))
        .await
        .unwrap();
    assert_eq!(out.artifacts.len(), 2);
    let want = chrono::DateTime::parse_from_rfc3339("2024-06-03T08:39:03Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    for a in &out.artifacts {
        assert_eq!(a.expires_at, Some(want));
    }
    assert_eq!(out.artifacts[0].url, "https://cdn/v.mp4");
}

#[tokio::test]
async fn malformed_product_param_is_a_decode_error() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_info_status(
        &server,
        41,
        json!(5),
        json!({"productParam": "{\"videoPath\": "}),
    );
    let err = VideoSynthesis::new(client(&server))
        .result(&handle("video_synthesis", 41))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.field(), Some("productParam"));
}

#[tokio::test]
async fn cancel_running_calls_the_vendor_and_file_warming_sends_nothing() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_info_status(&server, 50, json!(2), json!({}));
    let cancel = server.mock(|when, then| {
        when.method(GET)
            .path("/api/2dvh/v1/task/cancel")
            .query_param("id", "50")
            .header("authorization", BEARER);
        then.status(200).json_body(ok(serde_json::Value::Null));
    });
    let c = client(&server);
    let out = FaceSwap::new(c.clone())
        .cancel(&handle("face_swap", 50))
        .await
        .unwrap();
    assert_eq!(out, CancelOutcome::Requested);
    cancel.assert_hits(1);
    let err = FileWarming::new(c)
        .cancel(&handle("file_warming", 50))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    cancel.assert_hits(1);
}

#[tokio::test]
async fn wrong_handle_kind_is_rejected_locally() {
    let server = MockServer::start_async().await;
    let err = FaceSwap::new(client(&server))
        .poll(&handle("video_synthesis", 1))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn task_slots_cap_submits_and_free_on_terminal_poll() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let create = server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/material/face/swap/create");
        then.status(200).json_body(ok(json!(60)));
    });
    mock_info_status(&server, 60, json!(5), json!({}));
    let limits = LimitConfig::default()
        .with_task_pool("face_swap", 1)
        .with_task_slot_wait(Duration::from_millis(50));
    let (c, _) = client_with(&server, |c| {
        let http = HttpConfig::default()
            .with_limits(limits)
            .with_retry(c.http.retry.clone());
        c.with_http(http)
    });
    let task = FaceSwap::new(c.clone());
    let h = task.submit(face_swap_request()).await.unwrap();
    let err = task.submit(face_swap_request()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConcurrencyLimited);
    create.assert_hits(1);
    assert_eq!(task.poll(&h).await.unwrap().status, TaskStatus::Succeeded);
    assert_eq!(c.transport().limiter().tasks_in_flight(), 0);
    task.submit(face_swap_request()).await.unwrap();
    create.assert_hits(2);
}

#[tokio::test]
async fn restart_only_failed_tasks_and_delete() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_info_status(&server, 70, json!(9), json!({}));
    mock_info_status(&server, 71, json!(2), json!({}));
    let restart = server.mock(|when, then| {
        when.method(GET)
            .path("/api/2dvh/v1/task/restart")
            .query_param("id", "70");
        then.status(200).json_body(ok(json!(70)));
    });
    let delete = server.mock(|when, then| {
        when.method(DELETE).path("/api/2dvh/v1/task/del/70");
        then.status(200).json_body(ok(serde_json::Value::Null));
    });
    let task = TaskById::new(client(&server));
    let h = task.restart(&handle("task_by_id", 70)).await.unwrap();
    assert_eq!(h.task_id, "70");
    let err = task.restart(&handle("task_by_id", 71)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    restart.assert_hits(1);
    task.delete(&handle("task_by_id", 70)).await.unwrap();
    delete.assert_hits(1);
}

#[tokio::test]
async fn unknown_task_id_is_not_found() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    server.mock(|when, then| {
        when.method(POST).path("/api/2dvh/v1/task/info");
        then.status(200).json_body(ok(json!([])));
    });
    let err = TaskById::new(client(&server))
        .submit(TaskByIdRequest { id: 5 })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}
