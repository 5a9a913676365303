//! Wire tests of the public material endpoints (avatar models, TTS voices QID + legacy, video
//! templates, live scripts): list + by ids, exact bodies, bearer header, the seed's examples
//! parsed (including `extendParam` as JSON text and as an object), and pagination streams.

mod common;

use common::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use mediatask_softsugar::api::PageRequest;
use serde_json::json;

#[tokio::test]
async fn avatar_models_list_and_by_ids() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let list = mock_post(
        &server,
        "/api/2dvh/v1/material/appearance/list",
        json!({"pageNo": 1, "pageSize": 10}),
        "appearance_list",
    );
    let ids = mock_post(
        &server,
        "/api/2dvh/v1/material/appearance",
        json!({"ids": [13, 16]}),
        "appearance_by_ids",
    );
    let c = client(&server);
    let page = c
        .list_avatar_models(&PageRequest::page(1, 10))
        .await
        .unwrap();
    assert_eq!(page.pagination.number_records, Some(10));
    assert_eq!(page.result.len(), 2);
    assert_eq!(page.result[0].id, 2221738);
    assert_eq!(
        page.result[0]
            .extend()
            .unwrap()
            .unwrap()
            .face_feature_id
            .as_deref(),
        Some("123")
    );
    let e = page.result[1].extend().unwrap().unwrap();
    assert_eq!((e.gender, e.avatar_type), (Some(2), Some(1)));
    assert!(page.result[0].desc.is_none());
    let by_ids = c.avatar_models(&[13, 16]).await.unwrap();
    assert_eq!(
        by_ids.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![13, 16]
    );
    assert_eq!(
        by_ids[1].pkg_url.as_deref(),
        Some("https://oss/folderPath/shenxiaoyi_2022090710331356954.zip")
    );
    list.assert_hits(1);
    ids.assert_hits(1);
}

#[tokio::test]
async fn tts_qid_voices_list_and_by_ids() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let list = mock_post(
        &server,
        "/api/2dvh/v3/material/tts/list",
        json!({"pageNo": 1, "pageSize": 10}),
        "tts_v3_list",
    );
    let ids = mock_post(
        &server,
        "/api/2dvh/v3/material/tts",
        json!({"ids": [13, 16]}),
        "tts_v3_by_ids",
    );
    let c = client(&server);
    let page = c.list_tts_voices(&PageRequest::page(1, 10)).await.unwrap();
    let v = page.result[1].extend().unwrap().unwrap(); // extendParam sent as an object
    assert_eq!(v.qid.as_deref(), Some("ttsId2"));
    assert_eq!(v.languages, vec!["zh-CN"]);
    assert_eq!(
        (v.speed_ratio, v.pitch_offset, v.volume, v.gender),
        (Some(4.0), Some(1.0), Some(100), Some(1))
    );
    let by_ids = c.tts_voices(&[13, 16]).await.unwrap();
    assert_eq!(
        by_ids[0].material_name.as_deref(),
        Some("公共角色TTS音色模型1")
    );
    list.assert_hits(1);
    ids.assert_hits(1);
}

#[tokio::test]
async fn legacy_tts_voices_list_and_by_ids() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let list = mock_post(
        &server,
        "/api/2dvh/v1/material/tts/list",
        json!({"pageNo": 1, "pageSize": 10}),
        "tts_legacy_list",
    );
    let ids = mock_post(
        &server,
        "/api/2dvh/v1/material/tts",
        json!({"ids": [13, 16]}),
        "tts_legacy_by_ids",
    );
    let c = client(&server);
    let page = c
        .list_legacy_tts_voices(&PageRequest::page(1, 10))
        .await
        .unwrap();
    let v = page.result[0].legacy_extend().unwrap().unwrap();
    assert_eq!(v.voice_id.as_deref(), Some("ttsId1"));
    assert_eq!(v.volume, Some(100));
    let by_ids = c.legacy_tts_voices(&[13, 16]).await.unwrap();
    assert_eq!(
        by_ids[1]
            .legacy_extend()
            .unwrap()
            .unwrap()
            .voice_id
            .as_deref(),
        Some("ttsId2")
    );
    list.assert_hits(1);
    ids.assert_hits(1);
}

#[tokio::test]
async fn video_templates_list_and_by_ids() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let list = mock_post(
        &server,
        "/api/2dvh/v1/material/video/template/list",
        json!({"pageNo": 1, "pageSize": 10}),
        "video_template_list",
    );
    let ids = mock_post(
        &server,
        "/api/2dvh/v1/material/video/template",
        json!({"ids": [13, 16]}),
        "video_template_by_ids",
    );
    let c = client(&server);
    let page = c
        .list_video_templates(&PageRequest::page(1, 10))
        .await
        .unwrap();
    assert_eq!(
        page.result[0].pkg_url.as_deref(),
        Some("https://oss/folderPath/demo_20230608150104747.json")
    );
    assert!(page.result[0].extend_url.is_none());
    let by_ids = c.video_templates(&[13, 16]).await.unwrap();
    assert_eq!(by_ids[0].id, 13);
    list.assert_hits(1);
    ids.assert_hits(1);
}

#[tokio::test]
async fn live_scripts_list_and_by_ids() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let list = mock_post(
        &server,
        "/api/2dvh/v1/material/live/script/list",
        json!({"pageNo": 1, "pageSize": 10}),
        "live_script_list",
    );
    let ids = mock_post(
        &server,
        "/api/2dvh/v1/material/live/script",
        json!({"ids": [13, 16]}),
        "live_script_by_ids",
    );
    let c = client(&server);
    let page = c
        .list_live_scripts(&PageRequest::page(1, 10))
        .await
        .unwrap();
    assert_eq!(
        page.result[1].material_name.as_deref(),
        Some("公共直播脚本2")
    );
    let by_ids = c.live_scripts(&[13, 16]).await.unwrap();
    assert_eq!(by_ids[1].id, 16);
    list.assert_hits(1);
    ids.assert_hits(1);
}

#[tokio::test]
async fn sort_fields_are_sent_when_set() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = mock_post(
        &server,
        "/api/2dvh/v1/material/appearance/list",
        json!({"pageNo": 2, "pageSize": 5, "sortName": "createTime", "sortValue": "desc"}),
        "appearance_list",
    );
    let page = PageRequest {
        page_no: Some(2),
        page_size: Some(5),
        sort_name: Some("createTime".into()),
        sort_value: Some(mediatask_softsugar::api::SortOrder::Desc),
    };
    client(&server).list_avatar_models(&page).await.unwrap();
    m.assert_hits(1);
}

fn page_body(page_no: i64, pages: i64, ids: &[i64]) -> serde_json::Value {
    let items: Vec<_> = ids
        .iter()
        .map(|id| json!({"id": id, "materialName": format!("m{id}")}))
        .collect();
    ok(
        json!({"pagination": {"pageNo": page_no, "numberPages": pages, "numberRecords": 5, "pageSize": 2, "startIndex": 0}, "result": items}),
    )
}

#[tokio::test]
async fn stream_walks_every_page_once() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let mocks: Vec<_> = [(1, vec![1, 2]), (2, vec![3, 4]), (3, vec![5])]
        .into_iter()
        .map(|(no, ids)| {
            let body = page_body(no, 3, &ids);
            server.mock(move |when, then| {
                when.method(POST)
                    .path("/api/2dvh/v1/material/video/template/list")
                    .header("authorization", BEARER)
                    .json_body(json!({"pageNo": no, "pageSize": 2}));
                then.status(200).json_body(body);
            })
        })
        .collect();
    let all: Vec<_> = client(&server)
        .stream_video_templates(PageRequest::page(1, 2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    for m in &mocks {
        m.assert_hits(1);
    }
}

#[tokio::test]
async fn stream_stops_on_an_empty_page_and_surfaces_errors() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let first = server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/material/live/script/list")
            .json_body(json!({"pageNo": 1, "pageSize": 2}));
        then.status(200).json_body(page_body(1, 99, &[]));
    });
    let all: Vec<_> = client(&server)
        .stream_live_scripts(PageRequest::page(1, 2))
        .try_collect()
        .await
        .unwrap();
    assert!(all.is_empty());
    first.assert_hits(1);

    let err_page = server.mock(|when, then| {
        when.method(POST).path("/api/2dvh/v1/material/tts/list");
        then.status(200)
            .json_body(json!({"code": 400, "message": "bad page", "data": null}));
    });
    let err = client(&server)
        .stream_legacy_tts_voices(PageRequest::page(1, 2))
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), mediatask_core::ErrorKind::InvalidRequest);
    err_page.assert_hits(1);
}
