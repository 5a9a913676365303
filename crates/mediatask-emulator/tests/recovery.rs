//! What a journal's recovery reads from the emulator: Tencent `DescribeTasks` (the created
//! tasks with their SessionId, CreateTime, Status and TaskType, filtered and paged by
//! ScrollToken/Limit, next to the duplicate-SessionId refusal) through the tencent-vod crate's
//! own signed client, and the SoftSugar task list carrying each task's name (`materialName` from
//! `materialName` or `videoName`, `submitTime`, `taskInfo`).

use mediatask_emulator::{Emulator, EmulatorConfig, Timing, softsugar_sign};
use mediatask_tencent_vod::api::create_task;
use mediatask_tencent_vod::api::task::{DescribeTasksRequest, TimeRange, describe_tasks};
use mediatask_tencent_vod::{Client, Credentials, TencentVodConfig};
use serde_json::{Value, json};
use std::time::Duration;

const JOB: &str = "01JD5N5Z8Q4R7W2X9Y3A6B8C0D";
const SUB_APP: u64 = 1_500_000_001;

async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default().with_timing(Timing {
        step: Duration::from_secs(30),
        queued_steps: 1,
        running_steps: 3,
    }))
    .await
    .expect("emulator starts")
}

fn tencent(emu: &Emulator) -> Client {
    let c = &emu.config().credentials;
    Client::new(
        TencentVodConfig::default()
            .with_credentials(Credentials::new(
                c.tencent_secret_id.clone(),
                c.tencent_secret_key.clone(),
            ))
            .with_base_url(emu.base_url("tencent-vod").unwrap())
            .with_sub_app_id(Some(SUB_APP)),
    )
    .unwrap()
}

fn iso(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

async fn create_video(client: &Client, sub_app: u64, session: &str) -> String {
    let body =
        json!({"SubAppId": sub_app, "ModelName": "Kling", "Prompt": "a cat", "SessionId": session});
    create_task(client, "CreateAigcVideoTask", &body, Some(session))
        .await
        .unwrap()
        .task_id
        .unwrap()
}

fn scan(token: Option<&str>, limit: u32) -> DescribeTasksRequest {
    DescribeTasksRequest {
        sub_app_id: Some(SUB_APP),
        create_time: Some(TimeRange {
            after: Some(iso(chrono::Utc::now() - chrono::Duration::minutes(10))),
            before: None,
        }),
        limit: Some(limit),
        scroll_token: token.map(str::to_owned),
        ..Default::default()
    }
}

#[tokio::test]
async fn tencent_describe_tasks_lists_created_tasks_by_session_id_in_pages() {
    let emu = start().await;
    let client = tencent(&emu);
    let first = create_video(&client, SUB_APP, JOB).await;
    let second = create_video(&client, SUB_APP, "s-2").await;
    let third = create_video(&client, SUB_APP, "s-3").await;
    let elsewhere = create_video(&client, 42, "s-other-app").await;

    // a resend with a SessionId already accepted is refused: nothing new is created
    let dup =
        json!({"SubAppId": SUB_APP, "ModelName": "Kling", "Prompt": "a cat", "SessionId": JOB});
    let e = create_task(&client, "CreateAigcVideoTask", &dup, Some(JOB))
        .await
        .unwrap_err();
    assert_eq!(e.vendor_code(), Some("InvalidParameterValue.SessionId"));

    let page1 = describe_tasks(&client, &scan(None, 2)).await.unwrap();
    let ids: Vec<_> = page1
        .task_set
        .iter()
        .map(|t| t.task_id.clone().unwrap())
        .collect();
    assert_eq!(ids, [first.clone(), second], "oldest first, 2 per page");
    let mine = &page1.task_set[0];
    assert_eq!(mine.session_id.as_deref(), Some(JOB));
    assert_eq!(mine.task_type.as_deref(), Some("AigcVideoTask"));
    assert_eq!(mine.status.as_deref(), Some("WAITING"));
    let created = chrono::DateTime::parse_from_rfc3339(mine.create_time.as_deref().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert!((chrono::Utc::now() - created).num_seconds().abs() < 60);
    let token = page1.next_token().unwrap().to_owned();

    let page2 = describe_tasks(&client, &scan(Some(&token), 2))
        .await
        .unwrap();
    assert_eq!(page2.task_set.len(), 1);
    assert_eq!(page2.task_set[0].task_id.as_deref(), Some(third.as_str()));
    assert_eq!(page2.task_set[0].session_id.as_deref(), Some("s-3"));
    assert_eq!(page2.next_token(), None, "the last page has no token");

    // the other SubAppId's task is listed only under its own SubAppId
    let other = describe_tasks(
        &client,
        &DescribeTasksRequest {
            sub_app_id: Some(42),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(other.task_set.len(), 1);
    assert_eq!(
        other.task_set[0].task_id.as_deref(),
        Some(elsewhere.as_str())
    );

    // filters: a window starting later, a status no task has yet
    let later = DescribeTasksRequest {
        create_time: Some(TimeRange {
            after: Some(iso(chrono::Utc::now() + chrono::Duration::minutes(1))),
            before: None,
        }),
        ..scan(None, 100)
    };
    assert!(
        describe_tasks(&client, &later)
            .await
            .unwrap()
            .task_set
            .is_empty()
    );
    let finished = DescribeTasksRequest {
        status: Some("FINISH".into()),
        ..scan(None, 100)
    };
    assert!(
        describe_tasks(&client, &finished)
            .await
            .unwrap()
            .task_set
            .is_empty()
    );
    let waiting = DescribeTasksRequest {
        status: Some("WAITING".into()),
        ..scan(None, 100)
    };
    assert_eq!(
        describe_tasks(&client, &waiting)
            .await
            .unwrap()
            .task_set
            .len(),
        3
    );

    // documented bounds: Limit ≤ 100, a ScrollToken the list never issued
    let e = describe_tasks(&client, &scan(None, 101)).await.unwrap_err();
    assert_eq!(e.vendor_code(), Some("InvalidParameterValue.Limit"));
    let e = describe_tasks(&client, &scan(Some("nope"), 10))
        .await
        .unwrap_err();
    assert_eq!(e.vendor_code(), Some("InvalidParameterValue.ScrollToken"));

    let stats = emu.stats("tencent-vod").unwrap();
    assert_eq!(stats.jobs_created, 4);
    assert_eq!(stats.duplicate_rejections, 1);
}

async fn softsugar_token(emu: &Emulator, http: &reqwest::Client) -> String {
    let c = &emu.config().credentials;
    let ts = chrono::Utc::now().timestamp().to_string();
    let sign = softsugar_sign(&c.softsugar_app_id, &ts, &c.softsugar_app_key);
    let body: Value = http
        .post(format!(
            "{}/api/uc/v1/access/api/token",
            emu.base_url("softsugar").unwrap()
        ))
        .json(&json!({"appId": c.softsugar_app_id, "timestamp": ts, "sign": sign, "grantType": "sign"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["data"]["accessToken"].as_str().unwrap().to_owned()
}

async fn softsugar_post(
    emu: &Emulator,
    http: &reqwest::Client,
    token: &str,
    path: &str,
    body: Value,
) -> Value {
    http.post(format!("{}{path}", emu.base_url("softsugar").unwrap()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn softsugar_task_lists_carry_the_names_tasks_were_created_with() {
    let emu = start().await;
    let http = reqwest::Client::new();
    let token = softsugar_token(&emu, &http).await;
    let tagged = format!("demo [{JOB}]");
    let swap = softsugar_post(
        &emu,
        &http,
        &token,
        "/api/2dvh/v1/material/face/swap/create",
        json!({"facePhotoUrl": "https://e/f.png", "videoUrl": "https://e/v.mp4", "materialName": tagged}),
    )
    .await["data"]
        .as_i64()
        .unwrap();
    let video = softsugar_post(
        &emu,
        &http,
        &token,
        "/api/2dvh/v1/material/video/create",
        json!({"videoName": JOB, "param": "{\"digital_role\":{\"id\":7}}"}),
    )
    .await["data"]
        .as_i64()
        .unwrap();

    let list = |algo: i64| {
        softsugar_post(
            &emu,
            &http,
            &token,
            "/api/2dvh/v1/task/listWithQueue",
            json!({"algoType": algo, "status": -1, "pageNo": 1, "pageSize": 100}),
        )
    };
    let swaps = list(20).await;
    assert_eq!(swaps["data"]["pagination"]["numberRecords"], 1);
    let r = &swaps["data"]["result"][0];
    assert_eq!(r["id"].as_i64(), Some(swap));
    assert_eq!(r["materialName"].as_str(), Some(tagged.as_str()));
    let submitted = r["submitTime"].as_str().unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(submitted, "%Y-%m-%d %H:%M:%S").is_ok(),
        "{submitted}"
    );
    let info: Value = serde_json::from_str(r["taskInfo"].as_str().unwrap()).unwrap();
    assert_eq!(
        info["createTask"]["materialName"].as_str(),
        Some(tagged.as_str())
    );

    let videos = list(14).await;
    let v = &videos["data"]["result"][0];
    assert_eq!(v["id"].as_i64(), Some(video));
    assert_eq!(
        v["materialName"].as_str(),
        Some(JOB),
        "a video's videoName is listed as its materialName"
    );

    // task/info carries the same name
    let info = softsugar_post(
        &emu,
        &http,
        &token,
        "/api/2dvh/v1/task/info",
        json!({"ids": [video]}),
    )
    .await;
    assert_eq!(info["data"][0]["materialName"].as_str(), Some(JOB));
}
