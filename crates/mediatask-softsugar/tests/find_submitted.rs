//! The journal's job id in SoftSugar names and the recovery lookup by it: exact create bodies
//! with the tag (empty name, appended, shortened, off, outside a scope), and `find_submitted`
//! over `listWithQueue` — found by `materialName` or `taskInfo`, `NotFound` only for a complete
//! and stable listing, `CannotTell` for what cannot be matched, errors for a changing list.

mod common;

use chrono::{DateTime, Utc};
use common::*;
use httpmock::Mock;
use httpmock::prelude::*;
use mediatask_core::journal::{SubmitIntent, SubmitLookup, with_client_job_id};
use mediatask_core::{ErrorKind, MediaTask};
use mediatask_softsugar::api::{FaceSwapRequest, TranscodeItem, TranscodeRequest};
use mediatask_softsugar::tasks::{FaceSwap, TaskById, Transcode, VideoSynthesis};
use serde_json::{Value, json};

const JOB: &str = "01JD5N5Z8Q4R7W2X9Y3A6B8C0D";
const LIST: &str = "/api/2dvh/v1/task/listWithQueue";

fn face_swap(name: &str) -> FaceSwapRequest {
    FaceSwapRequest {
        face_photo_url: "https://example.com/face.png".into(),
        video_url: "https://example.com/in.mp4".into(),
        material_name: name.into(),
    }
}

fn face_swap_body(name: &str) -> Value {
    json!({
        "facePhotoUrl": "https://example.com/face.png",
        "videoUrl": "https://example.com/in.mp4",
        "materialName": name
    })
}

/// The create call of a face swap carrying exactly `name`, answering task id `id`.
fn mock_face_swap_create<'a>(server: &'a MockServer, name: &str, id: i64) -> Mock<'a> {
    server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/material/face/swap/create")
            .header("authorization", BEARER)
            .header("content-type", "application/json")
            .json_body(face_swap_body(name));
        then.status(200).json_body(ok(json!(id)));
    })
}

fn intent(request: Value) -> SubmitIntent {
    SubmitIntent::new(
        JOB,
        request,
        DateTime::<Utc>::from_timestamp(1_767_225_480, 0).unwrap(),
    )
}

fn face_swap_intent() -> SubmitIntent {
    intent(serde_json::to_value(face_swap("demo")).unwrap())
}

fn record(id: i64, name: Option<&str>) -> Value {
    let mut r = json!({"id": id, "algoType": 20, "status": 2, "submitTime": "2026-01-01 07:58:30"});
    if let Some(n) = name {
        r["materialName"] = json!(n);
    }
    r
}

fn page(no: i64, pages: i64, records: i64, result: Vec<Value>) -> Value {
    ok(json!({
        "pagination": {"pageNo": no, "numberPages": pages, "numberRecords": records, "pageSize": 100, "startIndex": (no - 1) * 100},
        "result": result
    }))
}

/// `listWithQueue` page `no` of algoType `algo` (all statuses, 100 per page) answering `answer`.
fn mock_list<'a>(server: &'a MockServer, algo: i64, no: u32, answer: Value) -> Mock<'a> {
    server.mock(|when, then| {
        when.method(POST)
            .path(LIST)
            .header("authorization", BEARER)
            .header("content-type", "application/json")
            .json_body(json!({"algoType": algo, "status": -1, "pageNo": no, "pageSize": 100}));
        then.status(200).json_body(answer);
    })
}

#[tokio::test]
async fn submits_in_a_job_scope_carry_the_job_id_in_the_name() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let appended = mock_face_swap_create(&server, &format!("demo [{JOB}]"), 71);
    let empty = mock_face_swap_create(&server, JOB, 72);
    let plain = mock_face_swap_create(&server, "outside", 73);
    let task = FaceSwap::new(client(&server));
    let h = with_client_job_id(JOB, task.submit(face_swap("demo")))
        .await
        .unwrap();
    assert_eq!(h.task_id, "71");
    let h = with_client_job_id(JOB, task.submit(face_swap("")))
        .await
        .unwrap();
    assert_eq!(
        h.task_id, "72",
        "an empty name becomes the job id (and passes validation)"
    );
    let h = task.submit(face_swap("outside")).await.unwrap();
    assert_eq!(h.task_id, "73", "no scope, no tag");
    appended.assert_hits(1);
    empty.assert_hits(1);
    plain.assert_hits(1);
}

#[tokio::test]
async fn an_omitted_name_becomes_the_job_id_inside_a_scope_and_is_refused_outside() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = mock_face_swap_create(&server, JOB, 75);
    let omitted = || -> FaceSwapRequest {
        serde_json::from_value(json!({
            "facePhotoUrl": "https://example.com/face.png",
            "videoUrl": "https://example.com/in.mp4"
        }))
        .unwrap()
    };
    let task = FaceSwap::new(client(&server));
    let h = with_client_job_id(JOB, task.submit(omitted()))
        .await
        .unwrap();
    assert_eq!(h.task_id, "75");
    let e = task.submit(omitted()).await.unwrap_err();
    assert_eq!(e.field(), Some("materialName"));
    m.assert_hits(1);
}

#[tokio::test]
async fn tagging_can_be_shortened_to_a_limit_or_switched_off() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    // 30 characters at most: the caller's part is cut, the id never
    let cut = mock_face_swap_create(&server, &format!("a [{JOB}]"), 81);
    let (c, _) = client_with(&server, |c| c.with_tagged_name_max_chars(Some(30)));
    let h = with_client_job_id(
        JOB,
        FaceSwap::new(c).submit(face_swap("a long caller name")),
    )
    .await
    .unwrap();
    assert_eq!(h.task_id, "81");
    cut.assert_hits(1);
    let off = mock_face_swap_create(&server, "kept as is", 82);
    let (c, _) = client_with(&server, |c| c.with_tag_names_with_job_id(false));
    let h = with_client_job_id(JOB, FaceSwap::new(c).submit(face_swap("kept as is")))
        .await
        .unwrap();
    assert_eq!(h.task_id, "82");
    off.assert_hits(1);
}

#[tokio::test]
async fn video_synthesis_tags_video_name() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let param =
        json!({"digital_role": {"id": 7}, "audios": [{"url": "https://example.com/a.wav"}]});
    let m = server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/material/video/create")
            .header("authorization", BEARER)
            .header("content-type", "application/json")
            .json_body(json!({
                "videoName": format!("clip [{JOB}]"),
                "param": r#"{"digital_role":{"id":7},"audios":[{"url":"https://example.com/a.wav"}]}"#
            }));
        then.status(200).json_body(ok(json!(91)));
    });
    let req = serde_json::from_value(json!({"videoName": "clip", "param": param})).unwrap();
    let h = with_client_job_id(JOB, VideoSynthesis::new(client(&server)).submit(req))
        .await
        .unwrap();
    assert_eq!(h.task_id, "91");
    m.assert_hits(1);
}

#[tokio::test]
async fn found_by_material_name_on_a_later_page() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let p1 = mock_list(
        &server,
        20,
        1,
        page(
            1,
            2,
            3,
            vec![record(1, Some("other")), record(2, Some("demo"))],
        ),
    );
    let p2 = mock_list(
        &server,
        20,
        2,
        page(2, 2, 3, vec![record(3, Some(&format!("demo [{JOB}]")))]),
    );
    let found = FaceSwap::new(client(&server))
        .find_submitted(&face_swap_intent())
        .await
        .unwrap();
    let SubmitLookup::Found(h) = found else {
        panic!("expected Found, got {found:?}")
    };
    assert_eq!((h.kind.as_str(), h.task_id.as_str()), ("face_swap", "3"));
    assert_eq!(h.state_i64("algoType"), Some(20));
    p1.assert_hits(1);
    p2.assert_hits(1);
}

#[tokio::test]
async fn found_by_task_info_when_the_name_is_elsewhere() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let mut r = record(44, None);
    r["taskInfo"] = json!(format!("{{\"faceSwap\": {{\"materialName\": \"{JOB}\"}}}}"));
    mock_list(&server, 20, 1, page(1, 1, 1, vec![r]));
    let found = FaceSwap::new(client(&server))
        .find_submitted(&face_swap_intent())
        .await
        .unwrap();
    assert!(
        matches!(&found, SubmitLookup::Found(h) if h.task_id == "44"),
        "{found:?}"
    );
}

#[tokio::test]
async fn a_complete_stable_listing_without_the_id_is_not_found() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let p1 = mock_list(
        &server,
        20,
        1,
        page(1, 2, 3, vec![record(1, Some("a")), record(2, Some(""))]),
    );
    let p2 = mock_list(&server, 20, 2, page(2, 2, 3, vec![record(3, Some("b"))]));
    let found = FaceSwap::new(client(&server))
        .find_submitted(&face_swap_intent())
        .await
        .unwrap();
    assert_eq!(found, SubmitLookup::NotFound);
    p1.assert_hits(1);
    p2.assert_hits(1);
}

#[tokio::test]
async fn an_empty_account_is_not_found() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_list(&server, 20, 1, page(1, 0, 0, vec![]));
    let found = FaceSwap::new(client(&server))
        .find_submitted(&face_swap_intent())
        .await
        .unwrap();
    assert_eq!(found, SubmitLookup::NotFound);
}

#[tokio::test]
async fn records_without_a_name_cannot_tell() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_list(
        &server,
        20,
        1,
        page(1, 1, 2, vec![record(1, Some("a")), record(2, None)]),
    );
    let found = FaceSwap::new(client(&server))
        .find_submitted(&face_swap_intent())
        .await
        .unwrap();
    assert!(
        matches!(&found, SubmitLookup::CannotTell { reason } if reason.contains("without `materialName`")),
        "{found:?}"
    );
}

#[tokio::test]
async fn a_cut_off_tag_cannot_tell() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let cut = format!("demo [{}", &JOB[..12]);
    mock_list(&server, 20, 1, page(1, 1, 1, vec![record(1, Some(&cut))]));
    let found = FaceSwap::new(client(&server))
        .find_submitted(&face_swap_intent())
        .await
        .unwrap();
    assert!(
        matches!(&found, SubmitLookup::CannotTell { reason } if reason.contains("cut-off")),
        "{found:?}"
    );
}

#[tokio::test]
async fn a_listing_without_a_record_count_cannot_tell() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_list(
        &server,
        20,
        1,
        ok(json!({"result": [record(1, Some("a"))]})),
    );
    let found = FaceSwap::new(client(&server))
        .find_submitted(&face_swap_intent())
        .await
        .unwrap();
    assert!(
        matches!(&found, SubmitLookup::CannotTell { reason } if reason.contains("numberRecords")),
        "{found:?}"
    );
}

#[tokio::test]
async fn a_list_that_changes_or_comes_up_short_is_an_error_to_retry() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_list(
        &server,
        20,
        1,
        page(1, 2, 3, vec![record(1, Some("a")), record(2, Some("b"))]),
    );
    // page 2 now counts 4 records: one was added while the list was read
    mock_list(&server, 20, 2, page(2, 2, 4, vec![record(3, Some("c"))]));
    let e = FaceSwap::new(client(&server))
        .find_submitted(&face_swap_intent())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert!(e.message().contains("changed while it was read"), "{e}");

    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    // promises 3 records, delivers 2 distinct ones
    mock_list(
        &server,
        20,
        1,
        page(1, 1, 3, vec![record(1, Some("a")), record(2, Some("b"))]),
    );
    let e = FaceSwap::new(client(&server))
        .find_submitted(&face_swap_intent())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
}

#[tokio::test]
async fn a_list_longer_than_the_page_cap_cannot_tell() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let pages = server.mock(|when, then| {
        when.method(POST).path(LIST);
        then.status(200)
            .json_body(page(1, 1000, 100_000, vec![record(1, Some("a"))]));
    });
    let found = FaceSwap::new(client(&server))
        .find_submitted(&face_swap_intent())
        .await
        .unwrap();
    assert!(
        matches!(&found, SubmitLookup::CannotTell { reason } if reason.contains("longer than 50 pages")),
        "{found:?}"
    );
    pages.assert_hits(50);
}

#[tokio::test]
async fn a_listing_error_is_returned() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    mock_list(
        &server,
        20,
        1,
        json!({"code": 10002, "message": "bad algoType", "data": null}),
    );
    let e = FaceSwap::new(client(&server))
        .find_submitted(&face_swap_intent())
        .await
        .unwrap_err();
    assert_ne!(e.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn nothing_is_listed_when_tagging_is_off_the_algo_type_unknown_or_the_request_unreadable() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let mut any = server.mock(|when, then| {
        when.method(POST).path(LIST);
        then.status(200).json_body(page(1, 1, 0, vec![]));
    });
    let (off, _) = client_with(&server, |c| c.with_tag_names_with_job_id(false));
    let found = FaceSwap::new(off)
        .find_submitted(&face_swap_intent())
        .await
        .unwrap();
    assert!(
        matches!(&found, SubmitLookup::CannotTell { reason } if reason.contains("tag_names_with_job_id")),
        "{found:?}"
    );
    let transcode = serde_json::to_value(TranscodeRequest {
        material_name: "t".into(),
        files: vec![TranscodeItem {
            file_url: "https://example.com/a.mp4".into(),
        }],
    })
    .unwrap();
    let found = Transcode::new(client(&server))
        .find_submitted(&intent(transcode.clone()))
        .await
        .unwrap();
    assert!(
        matches!(&found, SubmitLookup::CannotTell { reason } if reason.contains("transcode_algo_type")),
        "{found:?}"
    );
    let found = FaceSwap::new(client(&server))
        .find_submitted(&intent(json!({"videoUrl": 3})))
        .await
        .unwrap();
    assert!(
        matches!(&found, SubmitLookup::CannotTell { .. }),
        "{found:?}"
    );
    any.assert_hits(0);
    any.delete();

    // with the algoType configured, transcode is listed under it
    let listed = mock_list(&server, 46, 1, page(1, 1, 0, vec![]));
    let (c, _) = client_with(&server, |mut c| {
        c.transcode_algo_type = Some(46);
        c
    });
    let found = Transcode::new(c)
        .find_submitted(&intent(transcode))
        .await
        .unwrap();
    assert_eq!(found, SubmitLookup::NotFound);
    listed.assert_hits(1);
}

#[tokio::test]
async fn task_by_id_is_found_by_reading_it() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/task/info")
            .json_body(json!({"ids": [913318]}));
        then.status(200).body(fixture("case1_task_info_video"));
    });
    server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/task/info")
            .json_body(json!({"ids": [5]}));
        then.status(200).json_body(ok(json!([])));
    });
    let task = TaskById::new(client(&server));
    let found = task
        .find_submitted(&intent(json!({"id": 913318})))
        .await
        .unwrap();
    assert!(
        matches!(&found, SubmitLookup::Found(h) if h.task_id == "913318" && h.state_i64("algoType") == Some(14)),
        "{found:?}"
    );
    let missing = task
        .find_submitted(&intent(json!({"id": 5})))
        .await
        .unwrap();
    assert_eq!(missing, SubmitLookup::NotFound, "adopting creates nothing");
}
