//! The `mediatask` binary end to end against the emulator: every vendor task, the money-safety
//! cases (lost answers, 429 storms, token expiry, expired URLs, malformed bodies) and resuming a
//! saved handle from a second process.

mod common;

use common::{Harness, compiled, samples, timing};
use mediatask_emulator::{EmulatorConfig, FaultRule, Timing};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

const BAD_SECRET: &str = "Wr0ngS3cretValue-DoNotPrint";

/// A sample whose result has downloadable files.
fn file_sample(provider: &str) -> (&'static str, String) {
    let kind = match provider {
        "reccloud" => "subtitle_burn_in",
        _ => return first_sample(provider),
    };
    let (_, kind, req) = samples()
        .into_iter()
        .find(|(p, k, _)| *p == provider && *k == kind)
        .unwrap();
    (kind, req.to_string())
}

fn cfg() -> EmulatorConfig {
    EmulatorConfig::default().with_timing(timing())
}

/// The first sample job of `provider`.
fn first_sample(provider: &str) -> (&'static str, String) {
    let (_, kind, req) = samples()
        .into_iter()
        .find(|(p, _, _)| *p == provider)
        .unwrap_or_else(|| panic!("no sample for {provider}"));
    (kind, req.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_vendor_task_runs_through_the_cli() {
    let h = Harness::start(cfg()).await;
    let vendors = compiled();
    assert!(!vendors.is_empty(), "no vendor compiled in");
    // every compiled-in kind has a sample
    let listed = h.cli(&["providers", "--output", "json"]).await;
    assert_eq!(listed.code, 0, "{listed:?}");
    let kinds: BTreeSet<(String, String)> = listed
        .last_json()
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["provider"].as_str().unwrap().to_owned(),
                k["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let sampled: BTreeSet<(String, String)> = samples()
        .iter()
        .filter(|(p, _, _)| vendors.iter().any(|v| v == p))
        .map(|(p, k, _)| ((*p).to_owned(), (*k).to_owned()))
        .collect();
    assert_eq!(
        kinds, sampled,
        "every compiled-in kind needs a sample request"
    );

    // TaskById adopts an existing task: create one first
    let mut adopt_id = 0i64;
    if vendors.iter().any(|v| v == "softsugar") {
        let (kind, req) = first_sample("softsugar");
        let created = h.cli(&["submit", "softsugar", kind, "--input", &req]).await;
        assert_eq!(created.code, 0, "{created:?}");
        adopt_id = created.last_json()["task_id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
    }
    let runs = samples()
        .into_iter()
        .filter(|(p, _, _)| vendors.iter().any(|v| v == p))
        .map(|(provider, kind, mut req)| {
            if kind == "task_by_id" {
                req = json!({ "id": adopt_id });
            }
            let h = &h;
            async move {
                let dir = h.path(&format!("dl-{provider}-{kind}"));
                let out = h
                    .cli(&[
                        "run",
                        provider,
                        kind,
                        "--input",
                        &req.to_string(),
                        "--download",
                        &dir,
                        "--output",
                        "json",
                    ])
                    .await;
                (provider, kind, dir, out)
            }
        });
    for (provider, kind, dir, out) in futures::future::join_all(runs).await {
        assert_eq!(out.code, 0, "{provider}/{kind}: {out:?}");
        let result = out.last_json();
        let files = result["downloaded"].as_array().unwrap();
        assert_eq!(
            files.len(),
            result["artifacts"].as_array().unwrap().len(),
            "{provider}/{kind}"
        );
        for f in files {
            let path = f["path"].as_str().unwrap();
            assert!(path.starts_with(&dir));
            assert!(std::fs::metadata(path).unwrap().len() > 0);
        }
        // the JSON lines before the result are the handle then snapshots ending in succeeded
        let statuses: Vec<String> = out
            .stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|v| v["status"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(
            statuses.last().map(String::as_str),
            Some("succeeded"),
            "{provider}/{kind}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_answer_submit_is_outcome_unknown_and_creates_exactly_one_job() {
    let h = Harness::start(cfg()).await;
    for vendor in compiled() {
        let (kind, req) = first_sample(&vendor);
        h.emu
            .inject(FaultRule::parse(&format!("{vendor}:drop:submit")).unwrap())
            .unwrap();
        let out = h.cli(&["submit", &vendor, kind, "--input", &req]).await;
        assert_eq!(
            out.code, 6,
            "{vendor}: exit code must be outcome-unknown: {out:?}"
        );
        out.assert_one_clean_error_line();
        assert!(out.stderr.contains("do NOT resubmit"), "{out:?}");
        let stats = h.emu.stats(&vendor).unwrap();
        assert_eq!(
            stats.jobs_created, 1,
            "{vendor}: exactly one job, never a blind resubmit"
        );
        if vendor == "tencent-vod" {
            // Tencent dedupes: the SDK retried with the same SessionId and was refused
            assert_eq!(stats.duplicate_rejections, 1, "{stats:?}");
            assert!(out.stderr.contains("dedupe key"), "{out:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_submit_beyond_the_client_timeout_is_outcome_unknown() {
    let vendor = "xjc";
    if !compiled().iter().any(|v| v == vendor) {
        return;
    }
    let h = Harness::start_with(cfg(), json!({"xjc": {"request_timeout_secs": 1}})).await;
    h.emu
        .inject(FaultRule::parse("xjc:slow=2500:submit").unwrap())
        .unwrap();
    let (kind, req) = first_sample(vendor);
    let out = h.cli(&["submit", vendor, kind, "--input", &req]).await;
    assert_eq!(out.code, 6, "{out:?}");
    out.assert_one_clean_error_line();
    assert_eq!(h.emu.stats(vendor).unwrap().jobs_created, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_is_absorbed_and_the_job_finishes() {
    // the emulated vendors enforce limits too: RecCloud its documented 2 QPS (the SDK's default
    // client limit), the others a generous 30 QPS
    let mut config = cfg();
    for v in mediatask_emulator::VENDORS {
        config = config.with_rate_limit(v, if v == "reccloud" { 2 } else { 30 });
    }
    let h = Harness::start(config).await;
    for vendor in compiled() {
        let (kind, req) = first_sample(&vendor);
        // three throttled polls in a row, each asking for a 1 s pause
        h.emu
            .inject(FaultRule::parse(&format!("{vendor}:429=1:poll:3")).unwrap())
            .unwrap();
        let out = h
            .cli(&["run", &vendor, kind, "--input", &req, "--output", "json"])
            .await;
        assert_eq!(out.code, 0, "{vendor}: {out:?}");
        let stats = h.emu.stats(&vendor).unwrap();
        assert_eq!(stats.faults_fired["rate_limit"], 3, "{stats:?}");
        assert_eq!(stats.jobs_created, 1);
        assert_eq!(
            stats.throttled, 0,
            "{vendor}: the client exceeded the vendor limit: {stats:?}"
        );
        if vendor == "reccloud" {
            assert!(stats.max_requests_in_one_second <= 2, "{stats:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_expiry_mid_wait_is_renewed_once() {
    let h = Harness::start(cfg()).await;
    for vendor in compiled() {
        if !matches!(vendor.as_str(), "xjc" | "softsugar") {
            continue;
        }
        let (kind, req) = first_sample(&vendor);
        // the second poll finds the token expired
        h.emu
            .inject(FaultRule::parse(&format!("{vendor}:expire-token:poll:1:1")).unwrap())
            .unwrap();
        let out = h
            .cli(&["run", &vendor, kind, "--input", &req, "--output", "json"])
            .await;
        assert_eq!(out.code, 0, "{vendor}: {out:?}");
        let stats = h.emu.stats(&vendor).unwrap();
        assert_eq!(stats.faults_fired["expire_token"], 1);
        assert_eq!(
            stats.tokens_issued, 2,
            "{vendor}: one re-issue after expiry: {stats:?}"
        );
        assert_eq!(stats.jobs_created, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_result_url_is_a_clear_error() {
    let h = Harness::start(cfg()).await;
    for vendor in compiled() {
        let (kind, req) = file_sample(&vendor);
        let handle_file = h.path(&format!("{vendor}-handle.json"));
        let submitted = h.cli(&["submit", &vendor, kind, "--input", &req]).await;
        assert_eq!(submitted.code, 0, "{submitted:?}");
        std::fs::write(&handle_file, &submitted.stdout).unwrap();
        let waited = h.cli(&["wait", &handle_file, "--output", "json"]).await;
        assert_eq!(waited.code, 0, "{waited:?}");
        h.emu
            .inject(FaultRule::parse(&format!("{vendor}:expire-urls:any:*")).unwrap())
            .unwrap();
        let out = h
            .cli(&[
                "result",
                &handle_file,
                "--download",
                &h.path(&format!("dl-{vendor}")),
            ])
            .await;
        h.emu.clear_faults(&vendor);
        assert_eq!(out.code, 8, "{vendor}: {out:?}");
        out.assert_one_clean_error_line();
        assert!(out.stderr.contains("expired"), "{out:?}");
        let leaked = out
            .stderr
            .split("Signature=")
            .skip(1)
            .any(|rest| rest.starts_with(|c: char| c.is_ascii_hexdigit()));
        assert!(!leaked, "signed query leaked: {out:?}");
        assert!(h.emu.stats(&vendor).unwrap().expired_downloads >= 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_are_clear_errors_without_panics() {
    let h = Harness::start(cfg()).await;
    for vendor in compiled() {
        let (kind, req) = first_sample(&vendor);
        let submitted = h.cli(&["submit", &vendor, kind, "--input", &req]).await;
        assert_eq!(submitted.code, 0, "{submitted:?}");
        let handle = submitted.stdout.trim().to_owned();
        for how in ["html", "truncated", "garbage", "wrong-shape"] {
            h.emu
                .inject(FaultRule::parse(&format!("{vendor}:{how}:poll:*")).unwrap())
                .unwrap();
            let out = h.cli(&["status", &handle]).await;
            h.emu.clear_faults(&vendor);
            assert_ne!(out.code, 0, "{vendor}/{how}: {out:?}");
            assert_ne!(out.code, 101, "{vendor}/{how} panicked: {out:?}");
            out.assert_one_clean_error_line();
        }
        let ok = h.cli(&["status", &handle]).await;
        assert_eq!(ok.code, 0, "{ok:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_for_auth_input_and_task_failure() {
    let h = Harness::start(cfg()).await;
    for vendor in compiled() {
        let (kind, req) = first_sample(&vendor);
        // invalid input: not JSON, unknown kind
        let bad = h.cli(&["submit", &vendor, kind, "--input", "{oops"]).await;
        assert_eq!(bad.code, 2, "{bad:?}");
        bad.assert_one_clean_error_line();
        let unknown = h
            .cli(&["submit", &vendor, "no_such_kind", "--input", &req])
            .await;
        assert_eq!(unknown.code, 2, "{unknown:?}");
        unknown.assert_one_clean_error_line();
        // the task fails with a documented vendor code
        let code = match vendor.as_str() {
            "xjc" => "20011",
            "reccloud" => "-3",
            "vozo" => "10012",
            "tencent-vod" => "InvalidParameter.VoilationContent",
            _ => "9",
        };
        h.emu
            .inject(FaultRule::parse(&format!("{vendor}:fail={code}:submit")).unwrap())
            .unwrap();
        let failed = h.cli(&["run", &vendor, kind, "--input", &req]).await;
        assert_eq!(failed.code, 3, "{vendor}: {failed:?}");
        assert!(
            failed
                .stderr
                .lines()
                .last()
                .unwrap_or("")
                .starts_with("error: "),
            "{failed:?}"
        );
        assert!(!failed.stderr.contains("panicked"));
    }
    // wrong credentials: exit code auth
    let bad_creds = Harness::start_with(
        cfg(),
        json!({
            "xjc": {"secret_key": BAD_SECRET}, "reccloud": {"api_key": BAD_SECRET}, "vozo": {"api_key": BAD_SECRET},
            "softsugar": {"app_key": BAD_SECRET}, "tencent-vod": {"secret_key": BAD_SECRET}
        }),
    )
    .await;
    for vendor in compiled() {
        let (kind, req) = first_sample(&vendor);
        let out = bad_creds
            .cli(&["submit", &vendor, kind, "--input", &req])
            .await;
        assert_eq!(out.code, 4, "{vendor}: {out:?}");
        out.assert_one_clean_error_line();
        assert!(
            !out.stderr.contains(BAD_SECRET),
            "a secret was printed: {out:?}"
        );
        assert_eq!(bad_creds.emu.stats(&vendor).unwrap().jobs_created, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_handle_is_resumed_by_a_second_process_after_the_first_is_killed() {
    let slow = Timing {
        step: Duration::from_millis(400),
        queued_steps: 1,
        running_steps: 6,
    };
    let h = Harness::start(EmulatorConfig::default().with_timing(slow)).await;
    for vendor in compiled() {
        let (kind, req) = first_sample(&vendor);
        let handle_file = h.path(&format!("{vendor}-resume.json"));
        let mut first = common::KillOnDrop(h.spawn(&[
            "run",
            &vendor,
            kind,
            "--input",
            &req,
            "--handle-file",
            &handle_file,
            "--output",
            "json",
        ]));
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while std::fs::metadata(&handle_file)
            .map(|m| m.len())
            .unwrap_or(0)
            == 0
        {
            assert!(
                std::time::Instant::now() < deadline,
                "handle file never written"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        first.0.kill().unwrap();
        let status = first.0.wait().unwrap();
        assert!(
            !status.success(),
            "the first process should have been killed mid-wait"
        );

        let out = h.cli(&["wait", &handle_file, "--output", "json"]).await;
        assert_eq!(out.code, 0, "{vendor}: {out:?}");
        assert_eq!(out.last_json()["status"], "succeeded");
        let result = h.cli(&["result", &handle_file, "--output", "json"]).await;
        assert_eq!(result.code, 0, "{result:?}");
        assert_eq!(h.emu.stats(&vendor).unwrap().jobs_created, 1);
        // the handle can also come from stdin
        let piped = std::process::Command::new(common::BIN)
            .arg("--config")
            .arg(&h.config)
            .args(["status", "-", "--output", "json"])
            .stdin(std::fs::File::open(&handle_file).unwrap())
            .output()
            .unwrap();
        assert!(piped.status.success(), "{piped:?}");
        let snap: Value = serde_json::from_slice(&piped.stdout).unwrap();
        assert_eq!(snap["status"], "succeeded");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_process_prints_its_urls_and_serves_cli_calls() {
    let vendors = compiled();
    let Some(vendor) = vendors.first().cloned() else {
        return;
    };
    let mut emu = common::KillOnDrop(
        std::process::Command::new(common::BIN)
            .args(["emulator", "--port", "0", "--step-ms", "50"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = emu.0.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        line
    })
    .await
    .unwrap();
    let info: Value = serde_json::from_str(&line).unwrap();
    let url = info["urls"]["vendors"][&vendor]
        .as_str()
        .unwrap()
        .to_owned();
    let creds: mediatask_emulator::EmulatorCredentials =
        serde_json::from_value(info["credentials"].clone()).unwrap();
    let entry = common::entry(&vendor, "http://unused.invalid", &creds);
    // credentials through the vendor's environment variables, host through --endpoint
    let mut cmd = std::process::Command::new(common::BIN);
    cmd.args(["--endpoint", &url, "--min-poll-ms", "40"]);
    // the default journal, in a data directory of this test's own (never the user's)
    let data = std::env::temp_dir().join(format!("mediatask-emulator-test-{}", std::process::id()));
    cmd.env("XDG_DATA_HOME", &data)
        .env_remove("MEDIATASK_STORE");
    for (k, v) in entry.as_object().unwrap() {
        if k == "base_url" {
            continue;
        }
        let var = match (vendor.as_str(), k.as_str()) {
            ("xjc", "access_key") => "XJC_ACCESS_KEY",
            ("xjc", "secret_key") => "XJC_SECRET_KEY",
            ("reccloud", _) => "RECCLOUD_API_KEY",
            ("vozo", _) => "VOZO_API_KEY",
            ("softsugar", "app_id") => "SOFTSUGAR_APP_ID",
            ("softsugar", _) => "SOFTSUGAR_APP_KEY",
            ("tencent-vod", "secret_id") => "TENCENTCLOUD_SECRET_ID",
            ("tencent-vod", "sub_app_id") => "TENCENTCLOUD_VOD_SUBAPPID",
            ("tencent-vod", "secret_key") => "TENCENTCLOUD_SECRET_KEY",
            (v, k) => panic!("no environment variable for {v} `{k}`"),
        };
        let value = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        cmd.env(var, value);
    }
    let (kind, req) = first_sample(&vendor);
    cmd.args(["run", &vendor, kind, "--input", &req, "--output", "json"]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    drop(emu);
    let _ = std::fs::remove_dir_all(&data);
    assert!(out.status.success(), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_task_times_out_with_its_own_exit_code() {
    let h = Harness::start(cfg()).await;
    for vendor in compiled() {
        let (kind, req) = first_sample(&vendor);
        h.emu
            .inject(FaultRule::parse(&format!("{vendor}:stuck:submit")).unwrap())
            .unwrap();
        let submitted = h.cli(&["submit", &vendor, kind, "--input", &req]).await;
        assert_eq!(submitted.code, 0, "{submitted:?}");
        let out = h
            .cli(&[
                "wait",
                submitted.stdout.trim(),
                "--max-wait-secs",
                "1",
                "--output",
                "json",
            ])
            .await;
        assert_eq!(out.code, 7, "{vendor}: {out:?}");
        out.assert_one_clean_error_line();
        assert!(out.stderr.contains("keeps running"), "{out:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_works_where_the_vendor_has_it_and_is_refused_clearly_elsewhere() {
    let slow_queue = Timing {
        step: Duration::from_secs(30),
        queued_steps: 1,
        running_steps: 2,
    };
    let mut config = cfg();
    for v in mediatask_emulator::VENDORS {
        config = config.with_vendor_timing(v, slow_queue);
    }
    let h = Harness::start(config).await;
    for vendor in compiled() {
        let (kind, req) = first_sample(&vendor);
        let submitted = h.cli(&["submit", &vendor, kind, "--input", &req]).await;
        assert_eq!(submitted.code, 0, "{submitted:?}");
        let handle = submitted.stdout.trim().to_owned();
        let out = h.cli(&["cancel", &handle, "--output", "json"]).await;
        let supports = matches!(vendor.as_str(), "tencent-vod" | "softsugar");
        if supports {
            assert_eq!(out.code, 0, "{vendor}: {out:?}");
            let status = h.cli(&["status", &handle, "--output", "json"]).await;
            assert_eq!(
                status.last_json()["status"],
                "cancelled",
                "{vendor}: {status:?}"
            );
            let waited = h.cli(&["wait", &handle]).await;
            assert_eq!(
                waited.code, 3,
                "a cancelled task ends with the task-failed code: {waited:?}"
            );
        } else {
            assert_eq!(
                out.code, 2,
                "{vendor}: unsupported cancel is a usage error: {out:?}"
            );
            out.assert_one_clean_error_line();
        }
        assert_eq!(h.emu.stats(&vendor).unwrap().jobs_created, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_runs_one_job_per_vendor_and_says_it_uses_the_emulator() {
    let out_dir = std::env::temp_dir().join(format!("mediatask-demo-test-{}", std::process::id()));
    let out = tokio::task::spawn_blocking({
        let out_dir = out_dir.clone();
        move || {
            std::process::Command::new(common::BIN)
                .args([
                    "demo",
                    "--step-ms",
                    "60",
                    "--fault",
                    "reccloud:429=1:poll:2",
                    "--out",
                ])
                .arg(&out_dir)
                .env_remove("MEDIATASK_CONFIG")
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout.contains("using the built-in EMULATOR"), "{stdout}");
    for vendor in compiled() {
        let row = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{vendor} ")) && l.contains("succeeded"));
        assert!(row.is_some(), "no succeeded row for {vendor}: {stdout}");
        let dir = out_dir.join(&vendor);
        let entries = std::fs::read_dir(&dir).unwrap().count();
        assert!(
            entries >= 1,
            "{vendor}: nothing written to {}",
            dir.display()
        );
    }
    let _ = std::fs::remove_dir_all(&out_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_job_failure_codes_reach_the_user() {
    let h = Harness::start(cfg()).await;
    let cases: &[(&str, &[&str])] = &[
        (
            "reccloud",
            &["-11", "-8", "-7", "-5", "-4", "-3", "-2", "-1"],
        ),
        ("vozo", &["10001", "10012", "10045"]),
        (
            "tencent-vod",
            &[
                "InvalidParameter.VoilationContent",
                "RequestLimitExceeded",
                "FailedOperation",
            ],
        ),
    ];
    let vendors = compiled();
    let mut runs = Vec::new();
    for (vendor, codes) in cases {
        if !vendors.iter().any(|v| v == vendor) {
            continue;
        }
        let (kind, req) = first_sample(vendor);
        for code in *codes {
            runs.push((vendor, kind, req.clone(), *code));
        }
    }
    // one at a time per vendor: each fault applies to the next submit
    for (vendor, kind, req, code) in runs {
        h.emu
            .inject(FaultRule::parse(&format!("{vendor}:fail={code}:submit")).unwrap())
            .unwrap();
        let out = h.cli(&["run", vendor, kind, "--input", &req]).await;
        assert_eq!(out.code, 3, "{vendor} {code}: {out:?}");
        let last = out.stderr.lines().last().unwrap_or("");
        assert!(last.starts_with("error: "), "{out:?}");
        assert!(
            last.contains(code),
            "{vendor}: vendor code {code} missing: {last}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_submit_answer_is_outcome_unknown_too() {
    let h = Harness::start(cfg()).await;
    let vendors = compiled();
    let expected = [
        cfg!(feature = "tencent-vod"),
        cfg!(feature = "softsugar"),
        cfg!(feature = "xjc"),
        cfg!(feature = "reccloud"),
        cfg!(feature = "vozo"),
    ];
    let expected = if cfg!(feature = "full") {
        5
    } else {
        expected.iter().filter(|b| **b).count()
    };
    assert_eq!(
        vendors.len(),
        expected,
        "every compiled-in vendor is listed"
    );
    for vendor in vendors {
        let (kind, req) = first_sample(&vendor);
        for how in ["html", "truncated"] {
            let before = h.emu.stats(&vendor).unwrap().jobs_created;
            h.emu
                .inject(FaultRule::parse(&format!("{vendor}:{how}:submit")).unwrap())
                .unwrap();
            let out = h.cli(&["submit", &vendor, kind, "--input", &req]).await;
            let created = h.emu.stats(&vendor).unwrap().jobs_created - before;
            assert_eq!(
                created, 1,
                "{vendor}/{how}: the emulator executed the submit"
            );
            assert_eq!(
                out.code, 6,
                "{vendor}/{how}: a job exists, so outcome unknown: {out:?}"
            );
            out.assert_one_clean_error_line();
        }
    }
}

/// True when `provider` is compiled into the binary under test.
fn has(provider: &str) -> bool {
    compiled().iter().any(|v| v == provider)
}

/// The snapshot lines (`vendor_status` present) a `--output json` wait or run printed.
fn snapshot_lines(out: &common::Out) -> usize {
    out.stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("vendor_status").is_some())
        .count()
}

/// Submit a sample of `provider`/`kind` and wait for it; returns the handle file.
async fn finished_task(h: &Harness, provider: &str, kind: &str) -> String {
    let (_, _, req) = samples()
        .into_iter()
        .find(|(p, k, _)| *p == provider && *k == kind)
        .unwrap();
    let handle_file = h.path(&format!("{provider}-{kind}-done.json"));
    let submitted = h
        .cli(&["submit", provider, kind, "--input", &req.to_string()])
        .await;
    assert_eq!(submitted.code, 0, "{submitted:?}");
    std::fs::write(&handle_file, &submitted.stdout).unwrap();
    let waited = h.cli(&["wait", &handle_file, "--output", "json"]).await;
    assert_eq!(waited.code, 0, "{waited:?}");
    handle_file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_output_never_shows_a_signed_url_query() {
    if !has("tencent-vod") {
        return;
    }
    let h = Harness::start(cfg()).await;
    // AudioClone's DemoAudio and VideoGeneration's FileInfos[].FileUrl are signed URLs nested in
    // the typed output
    for kind in ["audio_clone", "video_generation"] {
        let handle_file = finished_task(&h, "tencent-vod", kind).await;
        let dir = h.path(&format!("dl-signed-{kind}"));
        let text = h.cli(&["result", &handle_file, "--download", &dir]).await;
        assert_eq!(text.code, 0, "{kind}: {text:?}");
        for secret in ["Signature=", "Expires="] {
            assert!(
                !text.stdout.contains(secret) && !text.stderr.contains(secret),
                "{kind}: a signed query in text output: {text:?}"
            );
        }
        assert!(text.stdout.contains("?…"), "{kind}: {text:?}");
        assert!(text.stdout.contains("downloaded "), "{kind}: {text:?}");
        // the same in the wait/status text output
        let status = h.cli(&["status", &handle_file]).await;
        assert_eq!(status.code, 0, "{status:?}");
        assert!(!status.stdout.contains("Signature="), "{status:?}");
        // JSON is the data asked for: full URLs
        let json = h.cli(&["result", &handle_file, "--output", "json"]).await;
        assert_eq!(json.code, 0, "{json:?}");
        let v = json.last_json();
        assert!(v["output"].to_string().contains("Signature="), "{json:?}");
        assert!(
            v["artifacts"][0]["url"]
                .as_str()
                .unwrap()
                .contains("Signature=")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn result_on_an_unfinished_task_has_its_own_exit_code() {
    let h = Harness::start(cfg()).await;
    for vendor in compiled() {
        let (kind, req) = first_sample(&vendor);
        h.emu
            .inject(FaultRule::parse(&format!("{vendor}:stuck:submit")).unwrap())
            .unwrap();
        let submitted = h.cli(&["submit", &vendor, kind, "--input", &req]).await;
        assert_eq!(submitted.code, 0, "{submitted:?}");
        let out = h.cli(&["result", submitted.stdout.trim()]).await;
        assert_eq!(out.code, 9, "{vendor}: not finished yet: {out:?}");
        out.assert_one_clean_error_line();
        assert!(out.stderr.contains("mediatask wait"), "{out:?}");
        assert!(!out.stderr.contains("fix the"), "{out:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_or_cancelled_task_gets_advice_that_fits() {
    let slow_queue = Timing {
        step: Duration::from_secs(30),
        queued_steps: 1,
        running_steps: 2,
    };
    let vendors = compiled();
    // vendor-side failures: Tencent InternalError (ErrCodeExt), SoftSugar status 9
    let h = Harness::start(cfg()).await;
    for (vendor, code) in [("tencent-vod", "InternalError"), ("softsugar", "9")] {
        if !vendors.iter().any(|v| v == vendor) {
            continue;
        }
        let (kind, req) = first_sample(vendor);
        h.emu
            .inject(FaultRule::parse(&format!("{vendor}:fail={code}:submit")).unwrap())
            .unwrap();
        let out = h.cli(&["run", vendor, kind, "--input", &req]).await;
        assert_eq!(out.code, 3, "{vendor}: {out:?}");
        let last = out.stderr.lines().last().unwrap_or("");
        assert!(last.starts_with("error: "), "{out:?}");
        assert!(!last.contains("fix the input"), "{vendor}: {last}");
        assert!(
            last.contains(&format!("failed on {vendor}'s side")) && last.contains("contact"),
            "{vendor}: {last}"
        );
        // `result` of the failed task says the same, with the task-failed code
        let handle = out.stdout.lines().next().unwrap_or("").to_owned();
        let result = h.cli(&["result", &handle]).await;
        assert_eq!(result.code, 3, "{vendor}: {result:?}");
        result.assert_one_clean_error_line();
        assert!(!result.stderr.contains("fix the input"), "{result:?}");
    }
    // cancelled (Tencent ABORTED)
    let mut config = cfg();
    for v in mediatask_emulator::VENDORS {
        config = config.with_vendor_timing(v, slow_queue);
    }
    let h = Harness::start(config).await;
    for vendor in ["tencent-vod", "softsugar"] {
        if !vendors.iter().any(|v| v == vendor) {
            continue;
        }
        let (kind, req) = first_sample(vendor);
        let submitted = h.cli(&["submit", vendor, kind, "--input", &req]).await;
        let handle = submitted.stdout.trim().to_owned();
        let cancelled = h.cli(&["cancel", &handle]).await;
        assert_eq!(cancelled.code, 0, "{cancelled:?}");
        for args in [["wait", &handle], ["result", &handle]] {
            let out = h.cli(&args).await;
            assert_eq!(out.code, 3, "{vendor} {}: {out:?}", args[0]);
            let last = out.stderr.lines().last().unwrap_or("");
            assert!(!last.contains("fix the input"), "{vendor}: {last}");
            assert!(last.contains("nothing more to do"), "{vendor}: {last}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_cancel_exits_non_zero_with_its_reason() {
    if !has("tencent-vod") {
        return;
    }
    // processing at once and for a long time: Tencent aborts WAITING tasks only
    let running = Timing {
        step: Duration::from_secs(30),
        queued_steps: 0,
        running_steps: 4,
    };
    let h = Harness::start(cfg().with_vendor_timing("tencent-vod", running)).await;
    let (kind, req) = first_sample("tencent-vod");
    let submitted = h
        .cli(&["submit", "tencent-vod", kind, "--input", &req])
        .await;
    assert_eq!(submitted.code, 0, "{submitted:?}");
    let handle = submitted.stdout.trim().to_owned();
    let out = h.cli(&["cancel", &handle]).await;
    assert_eq!(out.code, 10, "a refused cancel is not a success: {out:?}");
    out.assert_one_clean_error_line();
    assert!(
        out.stderr.contains("refused") && out.stderr.contains("FailedOperation"),
        "{out:?}"
    );
    assert!(out.stderr.contains("keeps running"), "{out:?}");
    let json = h.cli(&["cancel", &handle, "--output", "json"]).await;
    assert_eq!(json.code, 10, "{json:?}");
    assert_eq!(json.last_json()["outcome"], "refused", "{json:?}");
    json.assert_one_clean_error_line();
    assert_eq!(h.emu.stats("tencent-vod").unwrap().jobs_created, 1);

    // a cancel that is accepted, and one of a finished task, are human lines and exit 0
    let h = Harness::start(cfg().with_vendor_timing(
        "tencent-vod",
        Timing {
            step: Duration::from_secs(30),
            queued_steps: 1,
            running_steps: 2,
        },
    ))
    .await;
    let submitted = h
        .cli(&["submit", "tencent-vod", kind, "--input", &req])
        .await;
    let handle = submitted.stdout.trim().to_owned();
    let out = h.cli(&["cancel", &handle]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("cancel requested"), "{out:?}");
    assert!(!out.stdout.contains('{'), "not a JSON dump: {out:?}");
    let again = h.cli(&["cancel", &handle]).await;
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again.stdout.contains("already finished (cancelled)"),
        "{again:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_artifacts_are_flagged() {
    if !has("tencent-vod") {
        return;
    }
    let h = Harness::start(cfg()).await;
    let handle_file = finished_task(&h, "tencent-vod", "video_generation").await;
    let fresh = h.cli(&["result", &handle_file, "--output", "json"]).await;
    assert_eq!(fresh.code, 0, "{fresh:?}");
    assert_eq!(fresh.last_json()["artifacts"][0]["expired"], json!(false));
    let text = h.cli(&["result", &handle_file]).await;
    assert!(!text.stderr.contains("warning"), "{text:?}");

    h.emu
        .inject(FaultRule::parse("tencent-vod:expire-urls:any:*").unwrap())
        .unwrap();
    let json = h.cli(&["result", &handle_file, "--output", "json"]).await;
    assert_eq!(json.code, 0, "{json:?}");
    assert_eq!(
        json.last_json()["artifacts"][0]["expired"],
        json!(true),
        "{json:?}"
    );
    let text = h.cli(&["result", &handle_file]).await;
    h.emu.clear_faults("tencent-vod");
    assert_eq!(text.code, 0, "{text:?}");
    let warning = text
        .stderr
        .lines()
        .find(|l| l.starts_with("warning: artifact"))
        .unwrap_or_else(|| panic!("no expiry warning: {text:?}"));
    assert!(
        warning.contains("expired at") && warning.contains("poll again"),
        "{warning}"
    );
    assert!(!warning.contains("Signature="), "{warning}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_and_result_reuse_the_terminal_poll() {
    let h = Harness::start(cfg()).await;
    for vendor in compiled() {
        let (kind, req) = file_sample(&vendor);
        let before = h.emu.stats(&vendor).unwrap().polls;
        let out = h
            .cli(&["run", &vendor, kind, "--input", &req, "--output", "json"])
            .await;
        assert_eq!(out.code, 0, "{vendor}: {out:?}");
        assert!(out.last_json()["output"].is_object(), "{out:?}");
        let polls = h.emu.stats(&vendor).unwrap().polls - before;
        assert_eq!(
            polls,
            snapshot_lines(&out) as u64,
            "{vendor}: one poll per snapshot shown, none after the terminal one: {out:?}"
        );
        // `result` of a finished task: one request
        let handle = out.stdout.lines().next().unwrap_or("").to_owned();
        let before = h.emu.stats(&vendor).unwrap().polls;
        let result = h.cli(&["result", &handle, "--output", "json"]).await;
        assert_eq!(result.code, 0, "{vendor}: {result:?}");
        assert_eq!(h.emu.stats(&vendor).unwrap().polls - before, 1, "{vendor}");
    }
}
