//! The non-task endpoints through the real `mediatask` binary against the emulator:
//! `account xjc balance|bills`, `account softsugar bills [--voice]`, `catalog softsugar
//! avatars|voices|templates|scripts|warming`, `task restart|delete|phases` — text and JSON,
//! paging, and a clear exit 2 for providers that document none of them.

mod common;

use common::journal::sample;

use common::{Harness, Out, timing};
use mediatask_emulator::{EmulatorConfig, FaultRule};
use serde_json::{Value, json};

fn cfg() -> EmulatorConfig {
    EmulatorConfig::default().with_timing(timing())
}

/// No credential of the emulator appears in what the CLI printed.
fn assert_no_secrets(h: &Harness, out: &Out) {
    let c = &h.emu.config().credentials;
    for secret in [
        &c.softsugar_app_key,
        &c.xjc_secret_key,
        &c.xjc_access_key,
        &c.softsugar_app_id,
    ] {
        assert!(
            !out.stdout.contains(secret.as_str()) && !out.stderr.contains(secret.as_str()),
            "a credential was printed: {out:?}"
        );
    }
}

/// Run and expect success.
async fn ok(h: &Harness, args: &[&str]) -> Out {
    let out = h.cli(args).await;
    assert_eq!(out.code, 0, "{args:?}: {out:?}");
    assert_no_secrets(h, &out);
    out
}

/// Run and expect exit `code` with one clean error line.
async fn fails(h: &Harness, args: &[&str], code: i32) -> Out {
    let out = h.cli(args).await;
    assert_eq!(out.code, code, "{args:?}: {out:?}");
    out.assert_one_clean_error_line();
    assert_no_secrets(h, &out);
    out
}

/// The last non-empty stdout line (the paging footer of a listing).
fn last_line(out: &Out) -> &str {
    out.stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xjc_balance_and_bills_in_text_and_json() {
    let h = Harness::start(cfg()).await;

    let text = ok(&h, &["account", "xjc", "balance"]).await;
    assert!(text.stdout.contains("credits: "), "{text:?}");
    assert!(
        text.stdout.contains("LITE voices: 0 used of 10"),
        "{text:?}"
    );
    let json = ok(&h, &["account", "xjc", "balance", "--output", "json"]).await;
    let b = json.last_json();
    assert!(b["balance"].as_i64().unwrap() > 0, "{b}");
    assert_eq!(b["voiceProTotalQuantity"], 3);

    // 17 records, 5 per page: 4 pages
    let first = ok(&h, &["account", "xjc", "bills", "--page-size", "5"]).await;
    assert!(first.stdout.starts_with("time "), "{first:?}");
    assert_eq!(
        last_line(&first),
        "page 1 of 4 (17 records); next: --page 2"
    );
    let last = ok(
        &h,
        &["account", "xjc", "bills", "--page", "4", "--page-size", "5"],
    )
    .await;
    assert_eq!(last_line(&last), "page 4 of 4 (17 records)");
    assert_eq!(last.stdout.lines().count(), 1 + 2 + 1, "{last:?}");

    let page = |n: &'static str| {
        let h = &h;
        async move {
            ok(
                h,
                &[
                    "account",
                    "xjc",
                    "bills",
                    "--page",
                    n,
                    "--page-size",
                    "5",
                    "--output",
                    "json",
                ],
            )
            .await
            .last_json()
        }
    };
    let (p1, p2) = (page("1").await, page("2").await);
    assert_eq!(p1["total"], 17);
    assert_eq!(p1["list"].as_array().unwrap().len(), 5);
    assert_ne!(p1["list"], p2["list"], "page 2 is not page 1 again");

    // SoftSugar-only flags are refused for xjc
    let e = fails(&h, &["account", "xjc", "bills", "--owner", "142"], 2).await;
    assert!(
        e.stderr.contains("--owner applies to softsugar bills only"),
        "{e:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn softsugar_task_and_voice_bills_in_text_and_json() {
    let h = Harness::start(cfg()).await;
    let period = ["--from", "2000-01-01", "--to", "2100-12-31"];
    let bills = |extra: &'static [&'static str]| {
        let mut args = vec!["account", "softsugar", "bills", "--owner", "142"];
        args.extend(period);
        args.extend(extra);
        args
    };

    let text = ok(&h, &bills(&["--page-size", "4"])).await;
    assert!(text.stdout.starts_with("id "), "{text:?}");
    assert!(text.stdout.contains("used on this page: "), "{text:?}");
    assert_eq!(last_line(&text), "page 1 of 8 (30 records); next: --page 2");
    let json = ok(
        &h,
        &bills(&["--page", "2", "--page-size", "4", "--output", "json"]),
    )
    .await;
    let list = json.last_json();
    assert_eq!(list["pagination"]["pageNo"], 2);
    assert_eq!(list["pagination"]["numberRecords"], 30);
    assert_eq!(list["result"].as_array().unwrap().len(), 4);
    assert!(list["usedSum"].is_string(), "{list}");
    assert!(list["result"][0]["algoType"] == 14, "{list}");

    // another task type
    let live = ok(&h, &bills(&["--algo-type", "17", "--output", "json"])).await;
    assert_eq!(live.last_json()["result"][0]["algoType"], 17);

    // voice bills: daily and monthly
    let daily = ok(
        &h,
        &bills(&[
            "--voice",
            "--algo-type",
            "30",
            "--channel",
            "PAAS_WS",
            "--output",
            "json",
        ]),
    )
    .await
    .last_json();
    assert_eq!(daily["pagination"]["numberRecords"], 40, "{daily}");
    assert!(daily["result"][0]["billingDate"].is_string());
    let monthly = ok(&h, &bills(&["--voice", "--stat-range", "monthly"])).await;
    assert!(monthly.stdout.contains("month"), "{monthly:?}");
    assert!(last_line(&monthly).starts_with("page 1 of "), "{monthly:?}");

    // input errors
    let e = fails(&h, &["account", "softsugar", "bills"], 2).await;
    assert!(e.stderr.contains("--owner"), "{e:?}");
    let bad_time = fails(
        &h,
        &[
            "account",
            "softsugar",
            "bills",
            "--owner",
            "142",
            "--from",
            "yesterday",
        ],
        2,
    )
    .await;
    assert!(
        bad_time.stderr.contains("--from must be YYYY-MM-DD"),
        "{bad_time:?}"
    );
    fails(&h, &bills(&["--channel", "PAAS_WS"]), 2).await;
    let reversed = fails(
        &h,
        &[
            "account",
            "softsugar",
            "bills",
            "--owner",
            "142",
            "--from",
            "2024-02-01",
            "--to",
            "2024-01-01",
        ],
        2,
    )
    .await;
    assert!(reversed.stderr.contains("billEndTime"), "{reversed:?}");
    let balance = fails(&h, &["account", "softsugar", "balance"], 2).await;
    assert!(balance.stderr.contains("softsugar bills"), "{balance:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn softsugar_catalogues_in_text_and_json_with_paging() {
    let h = Harness::start(cfg()).await;

    // 23 avatars: pages of 10
    let first = ok(&h, &["catalog", "softsugar", "avatars"]).await;
    assert!(first.stdout.contains("face feature id"), "{first:?}");
    assert_eq!(
        last_line(&first),
        "page 1 of 3 (23 records); next: --page 2"
    );
    let third = ok(&h, &["catalog", "softsugar", "avatars", "--page", "3"]).await;
    assert_eq!(last_line(&third), "page 3 of 3 (23 records)");
    assert_eq!(third.stdout.lines().count(), 1 + 3 + 1, "{third:?}");
    let json = ok(
        &h,
        &[
            "catalog",
            "softsugar",
            "avatars",
            "--page",
            "2",
            "--output",
            "json",
        ],
    )
    .await
    .last_json();
    assert_eq!(json["pagination"]["pageNo"], 2);
    assert_eq!(json["result"].as_array().unwrap().len(), 10);
    assert!(
        json["result"][0]["pkgUrl"]
            .as_str()
            .unwrap()
            .contains("Signature=")
    );
    let by_id = ok(
        &h,
        &[
            "catalog",
            "softsugar",
            "avatars",
            "--ids",
            "2221700,2221705,1",
        ],
    )
    .await;
    assert!(by_id.stdout.contains("ffid-2221705"), "{by_id:?}");
    assert_eq!(last_line(&by_id), "2 of 3 ids found");

    // voices (QID and legacy), templates, scripts: text hides signed queries, JSON keeps them
    let voices = ok(&h, &["catalog", "softsugar", "voices", "--page-size", "5"]).await;
    assert!(voices.stdout.contains("EAdUVf:emu-voice-01"), "{voices:?}");
    assert!(voices.stdout.contains("/sample.wav"), "{voices:?}");
    assert_eq!(
        last_line(&voices),
        "page 1 of 3 (14 records); next: --page 2"
    );
    let legacy = ok(
        &h,
        &[
            "catalog",
            "softsugar",
            "voices",
            "--legacy",
            "--output",
            "json",
        ],
    )
    .await
    .last_json();
    assert_eq!(legacy["result"][0]["extendParam"]["voiceId"], "ttsId1");
    let templates = ok(&h, &["catalog", "softsugar", "templates"]).await;
    assert!(templates.stdout.contains("/template.zip"), "{templates:?}");
    let scripts = ok(&h, &["catalog", "softsugar", "scripts"]).await;
    assert!(scripts.stdout.contains("公共直播话术3"), "{scripts:?}");
    assert_eq!(last_line(&scripts), "page 1 of 1 (3 records)");
    for out in [&first, &voices, &templates, &scripts] {
        assert!(!out.stdout.contains("Signature="), "{out:?}");
        assert!(!out.stdout.contains('?'), "{out:?}");
    }
    let json_scripts = ok(&h, &["catalog", "softsugar", "scripts", "--output", "json"])
        .await
        .last_json();
    assert!(
        json_scripts["result"][0]["pkgUrl"]
            .as_str()
            .unwrap()
            .contains("Signature=")
    );

    // warming query: files of a warming task
    let warm = ok(
        &h,
        &[
            "submit",
            "softsugar",
            "file_warming",
            "--input",
            &sample("softsugar", "file_warming"),
        ],
    )
    .await
    .last_json();
    let files = ok(
        &h,
        &["catalog", "softsugar", "warming", "--file-ids", "f-1,nope"],
    )
    .await;
    assert!(files.stdout.contains("f-1"), "{files:?}");
    assert_eq!(last_line(&files), "1 of 2 file ids found");
    let files = ok(
        &h,
        &[
            "catalog",
            "softsugar",
            "warming",
            "--file-ids",
            "f-1",
            "--output",
            "json",
        ],
    )
    .await
    .last_json();
    assert_eq!(files[0]["taskId"], warm["task_id"]);

    // paging flags are checked by the CLI
    let zero = h
        .cli(&["catalog", "softsugar", "avatars", "--page", "0"])
        .await;
    assert_eq!(zero.code, 2, "{zero:?}");
    assert!(zero.stderr.contains("--page"), "{zero:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn softsugar_task_restart_and_delete() {
    let h = Harness::start(cfg()).await;
    h.emu
        .inject(FaultRule::parse("softsugar:fail=9:submit:1").unwrap())
        .unwrap();
    let handle = ok(
        &h,
        &[
            "submit",
            "softsugar",
            "face_swap",
            "--input",
            &sample("softsugar", "face_swap"),
        ],
    )
    .await
    .last_json();
    let handle_text = handle.to_string();

    // not failed yet: restart refused locally; running: delete refused
    let early = fails(&h, &["task", "restart", &handle_text], 2).await;
    assert!(early.stderr.contains("only failed tasks"), "{early:?}");
    let running = fails(&h, &["task", "delete", &handle_text], 2).await;
    assert!(running.stderr.contains("cancel it first"), "{running:?}");

    let failed = h.cli(&["wait", &handle_text]).await;
    assert_eq!(failed.code, 3, "{failed:?}");

    // restart: same id, same kind, runs to success this time
    let restarted = ok(&h, &["task", "restart", &handle_text]).await;
    assert!(
        restarted
            .stdout
            .starts_with("restarted softsugar/face_swap "),
        "{restarted:?}"
    );
    let resumed = restarted.last_json();
    assert_eq!(resumed["task_id"], handle["task_id"]);
    assert_eq!(resumed["kind"], "face_swap");
    let waited = h.cli(&["wait", &resumed.to_string()]).await;
    assert_eq!(waited.code, 0, "{waited:?}");

    // face swap records no phase timings
    let phases = ok(&h, &["task", "phases", &handle_text]).await;
    assert!(phases.stdout.contains("no phase timings"), "{phases:?}");

    // delete (JSON), then the task is gone
    let deleted = ok(&h, &["task", "delete", &handle_text, "--output", "json"]).await;
    assert_eq!(
        deleted.last_json(),
        json!({"provider": "softsugar", "kind": "face_swap", "task_id": handle["task_id"], "deleted": true})
    );
    let gone = h.cli(&["status", &handle_text]).await;
    assert_eq!(gone.code, 8, "{gone:?}");
    fails(&h, &["task", "delete", &handle_text], 8).await;
    fails(&h, &["task", "restart", &handle_text], 8).await;

    // a second task deleted in text mode, after a restart in JSON mode
    h.emu
        .inject(FaultRule::parse("softsugar:fail=9:submit:1").unwrap())
        .unwrap();
    let other = ok(
        &h,
        &[
            "submit",
            "softsugar",
            "face_swap",
            "--input",
            &sample("softsugar", "face_swap"),
        ],
    )
    .await
    .last_json()
    .to_string();
    assert_eq!(h.cli(&["wait", &other]).await.code, 3);
    let json_restart = ok(&h, &["task", "restart", &other, "--output", "json"]).await;
    assert_eq!(json_restart.stdout.lines().count(), 1, "{json_restart:?}");
    let again: Value = json_restart.last_json();
    assert_eq!(h.cli(&["wait", &again.to_string()]).await.code, 0);
    let text_delete = ok(&h, &["task", "delete", &other]).await;
    assert!(
        text_delete
            .stdout
            .starts_with("deleted softsugar/face_swap "),
        "{text_delete:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn softsugar_video_synthesis_phase_timings() {
    let h = Harness::start(cfg()).await;
    let handle = ok(
        &h,
        &[
            "submit",
            "softsugar",
            "video_synthesis",
            "--input",
            &sample("softsugar", "video_synthesis"),
        ],
    )
    .await
    .last_json()
    .to_string();
    assert_eq!(h.cli(&["wait", &handle]).await.code, 0);
    let text = ok(&h, &["task", "phases", &handle]).await;
    assert!(text.stdout.contains("main_process"), "{text:?}");
    assert!(last_line(&text).starts_with("total: "), "{text:?}");
    let json = ok(&h, &["task", "phases", &handle, "--output", "json"])
        .await
        .last_json();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["phase"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 7, "{json}");
    assert_eq!(names[0], "asset_download");
    assert!(json[0]["costTime"].is_i64());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn providers_without_these_endpoints_exit_2() {
    let h = Harness::start(cfg()).await;
    let vozo = json!({"provider": "vozo", "kind": "lip_sync", "task_id": "abc",
        "submitted_at": "2025-01-01T00:00:00Z"})
    .to_string();
    for args in [
        vec!["account", "reccloud", "balance"],
        vec!["account", "vozo", "bills"],
        vec!["account", "tencent-vod", "bills"],
        vec!["catalog", "xjc", "avatars"],
        vec!["catalog", "reccloud", "voices"],
        vec!["task", "restart", vozo.as_str()],
        vec!["task", "delete", vozo.as_str()],
        vec!["task", "phases", vozo.as_str()],
    ] {
        let out = fails(&h, &args, 2).await;
        assert!(
            out.stderr.contains("(unsupported)") && out.stderr.contains("does not offer"),
            "{args:?}: {out:?}"
        );
    }
    let unknown = fails(&h, &["account", "nosuch", "balance"], 2).await;
    assert!(unknown.stderr.contains("not compiled in"), "{unknown:?}");
    // nothing reached a vendor
    for vendor in ["reccloud", "vozo", "tencent-vod", "xjc"] {
        assert_eq!(h.emu.stats(vendor).unwrap().requests, 0, "{vendor}");
    }
}
