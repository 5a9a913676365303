//! `mediatask do <capability>` as a child process against the emulator: the same common
//! request file on each vendor (chosen by `--vendor` or by the config file), the same output
//! shape, strict refusals that send nothing, lenient warnings; and the matrix command.

mod common;

use common::journal::jobs;
use common::{Harness, Out, timing};
use mediatask_emulator::EmulatorConfig;
use mediatask_store::JobState;
use serde_json::{Value, json};

fn request_path(capability: &str) -> String {
    format!(
        "{}/../mediatask/tests/capability-requests/{capability}.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

async fn harness() -> Harness {
    Harness::start(EmulatorConfig::default().with_timing(timing())).await
}

/// Add a `capabilities` section to the harness's config file.
fn choose(h: &Harness, defaults: Value) {
    let mut config: Value =
        serde_json::from_str(&std::fs::read_to_string(&h.config).unwrap()).unwrap();
    config["capabilities"] = defaults;
    std::fs::write(&h.config, config.to_string()).unwrap();
}

/// Keys only, recursively (arrays by their first element), without the vendor's output.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| k.as_str() != "vendor")
                .map(|(k, v)| (k.clone(), shape(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.first().map(shape).into_iter().collect()),
        _ => json!("value"),
    }
}

fn ok(out: &Out) -> Value {
    assert_eq!(out.code, 0, "{out:?}");
    out.last_json()
}

fn total_requests(h: &Harness) -> u64 {
    ["tencent-vod", "softsugar", "xjc", "reccloud", "vozo"]
        .iter()
        .map(|v| h.emu.stats(v).unwrap().requests)
        .sum()
}

#[tokio::test]
async fn do_talking_avatar_same_file_on_both_vendors_same_shape() {
    let h = harness().await;
    let file = request_path("talking_avatar");
    let xjc = ok(&h
        .cli(&[
            "--output",
            "json",
            "do",
            "talking_avatar",
            "--vendor",
            "xjc",
            "--input",
            &file,
        ])
        .await);
    // the other vendor by configuration only
    choose(&h, json!({"talking_avatar": "softsugar"}));
    let soft = ok(&h
        .cli(&["--output", "json", "do", "talking_avatar", "--input", &file])
        .await);
    assert_eq!(xjc["provider"], "xjc");
    assert_eq!(soft["provider"], "softsugar");
    assert_eq!(shape(&xjc), shape(&soft), "{xjc:#}\n{soft:#}");
    for out in [&xjc, &soft] {
        assert_eq!(out["capability"], "talking_avatar");
        assert_eq!(out["artifacts"][0]["kind"], "video", "{out:#}");
        assert_eq!(out["artifacts"][0]["mime"], "video/mp4", "{out:#}");
        assert!(out["vendor"].is_object(), "{out:#}");
    }
    assert_eq!(h.emu.stats("xjc").unwrap().jobs_created, 1);
    assert_eq!(h.emu.stats("softsugar").unwrap().jobs_created, 1);
}

#[tokio::test]
async fn do_voice_clone_lenient_on_both_vendors_warns_on_stderr() {
    let h = harness().await;
    let file = request_path("voice_clone");
    let args = |v: &'static str| {
        vec![
            "--output",
            "json",
            "do",
            "voice_clone",
            "--vendor",
            v,
            "--lenient",
            "--input",
        ]
    };
    let mut a = args("tencent-vod");
    a.push(&file);
    let tencent = h.cli(&a).await;
    let mut b = args("xjc");
    b.push(&file);
    let xjc = h.cli(&b).await;
    let (t, x) = (ok(&tencent), ok(&xjc));
    assert_eq!(t["voice_id"], "narrator01", "{t:#}");
    assert!(
        x["voice_id"].as_str().is_some_and(|v| !v.is_empty()),
        "{x:#}"
    );
    assert!(!tencent.stderr.contains("warning:"), "{tencent:?}");
    for field in ["`voice_name`", "`preview_text`"] {
        assert!(
            xjc.stderr
                .lines()
                .any(|l| l.starts_with("warning: xjc: ") && l.contains(field)),
            "{xjc:?}"
        );
    }
    assert_eq!(x["warnings"].as_array().unwrap().len(), 2, "{x:#}");
}

#[tokio::test]
async fn do_translate_dub_same_file_on_vozo_and_reccloud_two_steps_same_shape() {
    let h = harness().await;
    let file = request_path("translate_dub");
    let vozo = ok(&h
        .cli(&[
            "--output",
            "json",
            "do",
            "translate_dub",
            "--vendor",
            "vozo",
            "--input",
            &file,
        ])
        .await);
    let rec_out = h
        .cli(&[
            "--output",
            "json",
            "do",
            "translate_dub",
            "--vendor",
            "reccloud",
            "--lenient",
            "--input",
            &file,
        ])
        .await;
    let rec = ok(&rec_out);
    let unwarned = |v: &Value| {
        let mut v = v.clone();
        v["warnings"] = json!([]);
        shape(&v)
    };
    assert_eq!(unwarned(&vozo), unwarned(&rec), "{vozo:#}\n{rec:#}");
    assert_eq!(rec["kind"], "video_translation_synthesis");
    assert_eq!(rec["warnings"].as_array().unwrap().len(), 2, "{rec:#}");
    assert_eq!(h.emu.stats("reccloud").unwrap().jobs_created, 2);
    assert!(
        rec["vendor"]["video_translation_preview"].is_object(),
        "{rec:#}"
    );
    // One journaled job with its two steps, the job's id being the output's task id.
    let rows = jobs(&format!("sqlite:{}", h.path("journal.db"))).await;
    let reccloud: Vec<_> = rows.iter().filter(|j| j.provider == "reccloud").collect();
    let parent = reccloud
        .iter()
        .find(|j| j.step.is_none())
        .expect("the logical job");
    assert_eq!(parent.kind, "capability:translate_dub");
    assert_eq!(parent.state, JobState::Succeeded, "{parent:?}");
    assert_eq!(rec["task_id"], parent.id.as_str(), "{rec:#}");
    let mut steps: Vec<_> = reccloud.iter().filter(|j| j.step.is_some()).collect();
    steps.sort_by_key(|j| j.step.as_ref().map(|s| s.index));
    let kinds: Vec<&str> = steps.iter().map(|j| j.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["video_translation_preview", "video_translation_synthesis"]
    );
    for (i, step) in steps.iter().enumerate() {
        let of = step.step.as_ref().unwrap();
        assert_eq!((&of.parent, of.index as usize), (&parent.id, i));
        assert_eq!(step.state, JobState::Succeeded, "{step:?}");
        assert_eq!(step.attempts, 1, "{step:?}");
        assert!(step.result.is_some(), "{step:?}");
    }
    assert!(
        rec_out
            .stderr
            .contains(&format!("journaled as job {}", parent.id)),
        "{rec_out:?}"
    );
}

#[tokio::test]
async fn do_single_vendor_capabilities_pick_their_vendor_without_configuration() {
    let h = harness().await;
    for (capability, vendor) in [("text_to_speech", "xjc"), ("speech_to_text", "reccloud")] {
        let out = ok(&h
            .cli(&[
                "--output",
                "json",
                "do",
                capability,
                "--input",
                &request_path(capability),
            ])
            .await);
        assert_eq!(out["provider"], vendor, "{out:#}");
        assert_eq!(out["warnings"], json!([]));
    }
    let before = h.emu.stats("reccloud").unwrap().jobs_created;
    assert_eq!(before, 1);
}

#[tokio::test]
async fn do_lip_sync_face_swap_and_generation_run_their_files_to_common_outputs() {
    let h = harness().await;
    let cases = [
        ("lip_sync", "vozo", "lip_sync", "video", "video/mp4"),
        ("face_swap", "softsugar", "face_swap", "video", "video/mp4"),
        (
            "video_generation",
            "tencent-vod",
            "video_generation",
            "video",
            "video/mp4",
        ),
        (
            "image_generation",
            "tencent-vod",
            "image_generation",
            "image",
            "image/png",
        ),
    ];
    let mut shapes = Vec::new();
    for (capability, vendor, kind, artifact, mime) in cases {
        // one vendor offers each: no --vendor and no configuration needed
        let out = ok(&h
            .cli(&[
                "--output",
                "json",
                "do",
                capability,
                "--input",
                &request_path(capability),
            ])
            .await);
        assert_eq!(out["capability"], capability, "{out:#}");
        assert_eq!(out["provider"], vendor, "{out:#}");
        assert_eq!(out["kind"], kind, "{out:#}");
        assert_eq!(out["warnings"], json!([]), "{out:#}");
        assert!(out["vendor"].is_object(), "{out:#}");
        let first = out["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["kind"] == artifact)
            .unwrap_or_else(|| panic!("no {artifact} artifact: {out:#}"));
        assert_eq!(first["mime"], mime, "{out:#}");
        assert!(first.get("expires_at").is_some(), "{out:#}");
        // the same common shape everywhere (artifacts aside: face swap adds a thumbnail)
        let mut common = out.clone();
        common["artifacts"] = json!([first]);
        shapes.push(shape(&common));
    }
    assert!(shapes.windows(2).all(|w| w[0] == w[1]), "{shapes:#?}");
    assert_eq!(h.emu.stats("vozo").unwrap().jobs_created, 1);
    assert_eq!(h.emu.stats("softsugar").unwrap().jobs_created, 1);
    assert_eq!(h.emu.stats("tencent-vod").unwrap().jobs_created, 2);
}

#[tokio::test]
async fn do_refuses_a_duration_the_model_does_not_offer_and_sends_nothing() {
    let h = harness().await;
    let out = h
        .cli(&[
            "do",
            "video_generation",
            "--input",
            r#"{"prompt":"a fox","duration_secs":7,"vendor_options":{"tencent-vod":{"model_name":"Kling"}}}"#,
        ])
        .await;
    assert_eq!(out.code, 2, "{out:?}");
    out.assert_one_clean_error_line();
    assert!(
        out.stderr.contains("duration_secs") && out.stderr.contains("tencent-vod"),
        "{out:?}"
    );
    let out = h
        .cli(&[
            "do",
            "lip_sync",
            "--input",
            r#"{"video_url":"https://cdn.example.com/f.mp4","audio_url":"https://cdn.example.com/a.wav","vendor_options":{"vozo":{"export_type":"video"}}}"#,
        ])
        .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("vendor_options.vozo.export_type"),
        "{out:?}"
    );
    assert_eq!(total_requests(&h), 0, "a refused request reached a vendor");
}

#[tokio::test]
async fn do_strict_refusal_sends_nothing_and_is_one_clean_error_line() {
    let h = harness().await;
    let file = request_path("voice_clone");
    let out = h
        .cli(&["do", "voice_clone", "--vendor", "xjc", "--input", &file])
        .await;
    assert_eq!(out.code, 2, "{out:?}");
    out.assert_one_clean_error_line();
    assert!(
        out.stderr.contains("voice_name") && out.stderr.contains("xjc"),
        "{out:?}"
    );
    // a language outside Vozo's target table
    let out = h
        .cli(&[
            "do",
            "translate_dub",
            "--vendor",
            "vozo",
            "--input",
            r#"{"media_url":"https://cdn.example.com/v.mp4","source_language":"auto","target_language":"xx"}"#,
        ])
        .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("target_language"), "{out:?}");
    // several vendors offer it and none is chosen
    let out = h
        .cli(&[
            "do",
            "talking_avatar",
            "--input",
            &request_path("talking_avatar"),
        ])
        .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--vendor"), "{out:?}");
    assert_eq!(total_requests(&h), 0, "a refused request reached a vendor");
}

#[tokio::test]
async fn providers_capabilities_prints_the_matrix_from_the_code() {
    let h = harness().await;
    let rows = ok(&h
        .cli(&["--output", "json", "providers", "--capabilities"])
        .await);
    let expected = serde_json::to_value(mediatask::capabilities::matrix()).unwrap();
    assert_eq!(rows, expected);
    let md = h.cli(&["providers", "--capabilities", "--markdown"]).await;
    assert_eq!(md.code, 0, "{md:?}");
    assert_eq!(md.stdout, mediatask::capabilities::matrix_markdown());
}
