//! Wire tests of the billing endpoints (non-voice and voice): exact bodies, documented
//! examples parsed (fractional `billingValue`, numeric `taskIsDelete`), validation.

mod common;

use common::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use mediatask_core::ErrorKind;
use mediatask_softsugar::api::{BillingRequest, PageRequest, VoiceBillingRequest};
use serde_json::json;

fn bill_request() -> BillingRequest {
    BillingRequest {
        owner: 41,
        algo_group: 14,
        algo_type: 14,
        bill_start_time: "2024-12-04 00:00:00".into(),
        bill_end_time: "2025-01-02 23:59:59".into(),
        page: PageRequest {
            page_no: Some(1),
            page_size: Some(10),
            sort_name: Some(String::new()),
            sort_value: None,
        },
    }
}

#[tokio::test]
async fn bill_list() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = mock_post(
        &server,
        "/api/assist/bill/list",
        json!({
            "owner": 41, "algoGroup": 14, "algoType": 14,
            "billStartTime": "2024-12-04 00:00:00", "billEndTime": "2025-01-02 23:59:59",
            "pageNo": 1, "pageSize": 10, "sortName": ""
        }),
        "bill_list",
    );
    let list = client(&server).list_bills(&bill_request()).await.unwrap();
    assert_eq!(list.used_sum.as_deref(), Some("0.55"));
    assert_eq!(list.page.result.len(), 3);
    let b = &list.page.result[0];
    assert_eq!(
        (b.task_id, b.billing_value, b.billing_unit),
        (Some(20989677953), Some(30.0), Some(2))
    );
    assert_eq!(b.task_is_delete.as_deref(), Some("0"));
    assert_eq!(b.message.as_deref(), Some("客户主动关闭"));
    m.assert_hits(1);
}

#[tokio::test]
async fn voice_bill_list() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let m = mock_post(
        &server,
        "/api/assist/bill/voice/list",
        json!({
            "owner": 41, "algoType": 30,
            "billStartTime": "2024-12-04 00:00:00", "billEndTime": "2025-01-03 23:59:59",
            "algoSubType1": "", "algoSubType2": "", "statRange": "1",
            "pageNo": 1, "pageSize": 10
        }),
        "bill_voice_list",
    );
    let list = client(&server)
        .list_voice_bills(&VoiceBillingRequest {
            owner: 41,
            algo_type: 30,
            bill_start_time: "2024-12-04 00:00:00".into(),
            bill_end_time: "2025-01-03 23:59:59".into(),
            algo_sub_type1: String::new(),
            algo_sub_type2: String::new(),
            stat_range: "1".into(),
            page: PageRequest::page(1, 10),
        })
        .await
        .unwrap();
    assert_eq!(list.page.pagination.number_records, Some(4));
    assert_eq!(list.page.result[0].billing_value, Some(0.0045));
    assert_eq!(list.page.result[3].algo_sub_type2.as_deref(), Some("TTS3"));
    m.assert_hits(1);
}

#[tokio::test]
async fn bad_billing_times_send_nothing() {
    let server = MockServer::start_async().await;
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let mut r = bill_request();
    r.bill_start_time = "2024/12/04".into();
    let err = client(&server).list_bills(&r).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.field(), Some("billStartTime"));
    any.assert_hits(0);
}

#[tokio::test]
async fn stream_bills_keeps_the_filters_on_every_page() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let mocks: Vec<_> = [(1, 101), (2, 102)]
        .into_iter()
        .map(|(no, id)| {
            server.mock(move |when, then| {
                when.method(POST).path("/api/assist/bill/list").json_body(json!({
                    "owner": 41, "algoGroup": 14, "algoType": 14,
                    "billStartTime": "2024-12-04 00:00:00", "billEndTime": "2025-01-02 23:59:59",
                    "pageNo": no, "pageSize": 10, "sortName": ""
                }));
                then.status(200).json_body(ok(json!({
                    "pagination": {"pageNo": no, "numberPages": 2},
                    "result": [{"id": id}], "usedSum": "1"
                })));
            })
        })
        .collect();
    let all: Vec<_> = client(&server)
        .stream_bills(bill_request())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|b| b.id).collect::<Vec<_>>(),
        vec![Some(101), Some(102)]
    );
    for m in &mocks {
        m.assert_hits(1);
    }
}

#[tokio::test]
async fn stream_voice_bills_keeps_the_filters_on_every_page() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let mocks: Vec<_> = [(3, 7), (4, 8)]
        .into_iter()
        .map(|(no, id)| {
            server.mock(move |when, then| {
                when.method(POST).path("/api/assist/bill/voice/list").json_body(json!({
                    "owner": 41, "algoType": 31,
                    "billStartTime": "2024-12-04 00:00:00", "billEndTime": "2025-01-02 23:59:59",
                    "algoSubType1": "PAAS_HTTP", "algoSubType2": "TTS5", "statRange": "1",
                    "pageNo": no, "pageSize": 1
                }));
                then.status(200).json_body(ok(json!({
                    "pagination": {"pageNo": no, "numberPages": 4},
                    "result": [{"id": id, "algoType": 31}]
                })));
            })
        })
        .collect();
    let request = VoiceBillingRequest {
        owner: 41,
        algo_type: 31,
        bill_start_time: "2024-12-04 00:00:00".into(),
        bill_end_time: "2025-01-02 23:59:59".into(),
        algo_sub_type1: "PAAS_HTTP".into(),
        algo_sub_type2: "TTS5".into(),
        stat_range: "1".into(),
        page: PageRequest::page(3, 1),
    };
    let all: Vec<_> = client(&server)
        .stream_voice_bills(request)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|b| b.id).collect::<Vec<_>>(),
        vec![Some(7), Some(8)]
    );
    for m in &mocks {
        m.assert_hits(1);
    }
}
