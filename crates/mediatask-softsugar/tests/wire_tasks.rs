//! Wire tests of the task endpoints: info, listByAccount, listWithQueue, cancel, delete (both
//! styles), restart, phase cost — exact method/path/query/headers/body, documented examples.

mod common;

use common::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use mediatask_core::ErrorKind;
use mediatask_softsugar::api::{
    DeleteStyle, ListByAccountRequest, ListWithQueueRequest, PageRequest, Product,
};
use serde_json::json;

#[tokio::test]
async fn task_info_case1_video() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = mock_post(
        &server,
        "/api/2dvh/v1/task/info",
        json!({"ids": [7, 27]}),
        "case1_task_info_video",
    );
    let records = client(&server).task_info(&[7, 27]).await.unwrap();
    let r = &records[0];
    assert_eq!(
        (r.id, r.material_id, r.algo_type, r.status),
        (913318, Some(854513), Some(14), Some(5))
    );
    assert_eq!(r.algo_sub_type3.as_deref(), Some("25"));
    let Some(Product::Video(v)) = r.product().unwrap() else {
        panic!("video product")
    };
    assert_eq!(v.duration, Some(880));
    assert!(v.video_path.unwrap().ends_with("/video.mp4"));
    let msg = r.message_info().unwrap().unwrap();
    assert_eq!(msg.video_info.unwrap()["fps"], 25);
    assert!(msg.time_info.unwrap()["main_process"]["sum"].is_number());
    m.assert_hits(1);
}

#[tokio::test]
async fn list_by_account_with_double_encoded_product_param() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = mock_post(
        &server,
        "/api/2dvh/v1/task/listByAccount",
        json!({"algoType": 12, "pageNo": 1, "pageSize": 10}),
        "list_by_account",
    );
    let page = client(&server)
        .list_tasks_by_account(&ListByAccountRequest {
            algo_type: 12,
            page: PageRequest::page(1, 10),
        })
        .await
        .unwrap();
    assert_eq!(page.pagination.number_records, Some(2));
    let first = &page.result[0];
    assert!(
        first.product_param.raw_str().unwrap().starts_with('"'),
        "raw double-encoded text is kept"
    );
    let v: serde_json::Value = first.product_param.decode("productParam").unwrap().unwrap();
    assert_eq!(v["duration"], 1234);
    assert!(v["videoPath"].as_str().unwrap().ends_with("output.mp4"));
    assert_eq!(
        page.result[1].status().0,
        mediatask_core::TaskStatus::Failed
    );
    m.assert_hits(1);
}

#[tokio::test]
async fn list_with_queue_decodes_task_info_extend_and_queue() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/task/listWithQueue")
            .header("authorization", BEARER)
            .json_body(json!({"algoType": 12, "status": -1, "pageNo": 1, "pageSize": 10}));
        then.status(200).body(fixture("list_with_queue"));
    });
    let page = client(&server)
        .list_tasks_with_queue(&ListWithQueueRequest {
            user_id: None,
            algo_type: 12,
            status: Some(-1),
            key: None,
            page: PageRequest::page(1, 10),
        })
        .await
        .unwrap();
    assert_eq!(page.result.len(), 4);
    let done = &page.result[0];
    assert_eq!(
        done.extend().unwrap().unwrap().face_feature_id.as_deref(),
        Some("b6ecebc8233b47809dedd6731c052d15_s1")
    );
    let ti = done.task_info().unwrap().unwrap();
    assert_eq!(ti.operation, "create2DAvatarModel");
    assert_eq!(ti.params["segmentStyle"], 1);
    let Some(Product::AvatarModel(a)) = done.product().unwrap() else {
        panic!("avatar product")
    };
    assert!(a.face_feature_path.unwrap().ends_with("_face_feature.zip"));
    assert!(
        page.result[1].product().unwrap().is_none(),
        "null productParam"
    );
    let failed = &page.result[2];
    assert_eq!(
        failed.failure_text().as_deref(),
        Some("Algorithm heart beat is overtime!!!")
    );
    let queued = &page.result[3];
    let q = queued.queue_position().unwrap();
    assert_eq!((q.position, q.total), (8, 9));
    assert_eq!(
        queued.task_info().unwrap().unwrap().operation,
        "rebuild2DAvatarModelVideo"
    );
    m.assert_hits(1);
}

#[tokio::test]
async fn stream_tasks_by_account_pages() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let p1 = server.mock(|when, then| {
        when.method(POST).path("/api/2dvh/v1/task/listByAccount").json_body(json!({"algoType": 14, "pageNo": 1, "pageSize": 1}));
        then.status(200).json_body(ok(json!({"pagination": {"pageNo": 1, "numberPages": 2}, "result": [{"id": 1, "status": 5}]})));
    });
    let p2 = server.mock(|when, then| {
        when.method(POST).path("/api/2dvh/v1/task/listByAccount").json_body(json!({"algoType": 14, "pageNo": 2, "pageSize": 1}));
        then.status(200).json_body(ok(json!({"pagination": {"pageNo": 2, "numberPages": 2}, "result": [{"id": 2, "status": 9}]})));
    });
    let all: Vec<_> = client(&server)
        .stream_tasks_by_account(14, PageRequest::page(1, 1))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), vec![1, 2]);
    p1.assert_hits(1);
    p2.assert_hits(1);
}

#[tokio::test]
async fn stream_tasks_with_queue_keeps_the_filters_on_every_page() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let mocks: Vec<_> = [(1, 11), (2, 12)]
        .into_iter()
        .map(|(no, id)| {
            server.mock(move |when, then| {
                when.method(POST)
                    .path("/api/2dvh/v1/task/listWithQueue")
                    .json_body(json!({
                        "userId": 5, "algoType": 12, "status": -1, "key": "role",
                        "pageNo": no, "pageSize": 1, "sortName": "id", "sortValue": "desc"
                    }));
                then.status(200).json_body(ok(json!({
                    "pagination": {"pageNo": no, "numberPages": 2},
                    "result": [{"id": id, "status": 1, "queueInfo": "1/2"}]
                })));
            })
        })
        .collect();
    let request = ListWithQueueRequest {
        user_id: Some(5),
        algo_type: 12,
        status: Some(-1),
        key: Some("role".into()),
        page: PageRequest {
            sort_name: Some("id".into()),
            sort_value: Some(mediatask_softsugar::api::SortOrder::Desc),
            ..PageRequest::page(1, 1)
        },
    };
    let all: Vec<_> = client(&server)
        .stream_tasks_with_queue(request)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), vec![11, 12]);
    for m in &mocks {
        m.assert_hits(1);
    }
}

#[tokio::test]
async fn cancel_task() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = server.mock(|when, then| {
        when.method(GET)
            .path("/api/2dvh/v1/task/cancel")
            .query_param("id", "1")
            .header("authorization", BEARER);
        then.status(200).body(fixture("cancel"));
    });
    client(&server).cancel_task(1).await.unwrap();
    m.assert_hits(1);
}

#[tokio::test]
async fn delete_task_path_style_by_default() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = server.mock(|when, then| {
        when.method(DELETE)
            .path("/api/2dvh/v1/task/del/42")
            .header("authorization", BEARER);
        then.status(200).body(fixture("delete"));
    });
    client(&server).delete_task(42).await.unwrap();
    m.assert_hits(1);
}

#[tokio::test]
async fn delete_task_query_style_when_configured() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = server.mock(|when, then| {
        when.method(DELETE)
            .path("/api/2dvh/v1/task/del")
            .query_param("id", "42")
            .header("authorization", BEARER);
        then.status(200).body(fixture("delete"));
    });
    let (c, _) = client_with(&server, |c| c.with_delete_style(DeleteStyle::Query));
    c.delete_task(42).await.unwrap();
    m.assert_hits(1);
}

#[tokio::test]
async fn restart_task_is_not_retried() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = server.mock(|when, then| {
        when.method(GET)
            .path("/api/2dvh/v1/task/restart")
            .query_param("id", "1")
            .header("authorization", BEARER);
        then.status(200).body(fixture("restart"));
    });
    assert_eq!(client(&server).restart_task(1).await.unwrap(), 2);
    m.assert_hits(1);
    let server2 = MockServer::start_async().await;
    let _t2 = mock_token(&server2, TOKEN);
    let failing = server2.mock(|when, then| {
        when.method(GET).path("/api/2dvh/v1/task/restart");
        then.status(503);
    });
    let err = client(&server2).restart_task(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    failing.assert_hits(1);
}

#[tokio::test]
async fn phase_cost() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = server.mock(|when, then| {
        when.method(GET)
            .path("/api/2dvh/v1/task/phase/cost")
            .query_param("id", "1")
            .header("authorization", BEARER);
        then.status(200).body(fixture("phase_cost"));
    });
    let phases = client(&server).task_phase_cost(1).await.unwrap();
    assert_eq!(phases.len(), 7);
    assert_eq!(phases[2].phase.as_deref(), Some("st_mobile_change_package"));
    assert_eq!(phases[2].cost_time, Some(2242));
    m.assert_hits(1);
}

#[tokio::test]
async fn idempotent_calls_retry_5xx_then_succeed() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let fail = server.mock(|when, then| {
        when.method(GET)
            .path("/api/2dvh/v1/task/phase/cost")
            .query_param("id", "9");
        then.status(500);
    });
    let err = client(&server).task_phase_cost(9).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    fail.assert_hits(3); // max_attempts in tests
}

#[tokio::test]
async fn malformed_body_is_a_decode_error() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let _m = server.mock(|when, then| {
        when.method(POST).path("/api/2dvh/v1/task/info");
        then.status(200).body("{\"code\":0,\"data\":[{\"id\":");
    });
    let err = client(&server).task_info(&[1]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}
