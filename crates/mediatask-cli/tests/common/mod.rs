//! Shared harness: an in-process emulator, a registry config file pointing at it, and a runner
//! for the real `mediatask` binary.

#![allow(dead_code, unreachable_pub)]

pub mod journal;

use mediatask_emulator::{Emulator, EmulatorConfig, EmulatorCredentials, Timing};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::Duration;

/// Path of the binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_mediatask");

/// Test speed: about 0.4 s per task.
pub fn timing() -> Timing {
    Timing {
        step: Duration::from_millis(60),
        queued_steps: 1,
        running_steps: 5,
    }
}

/// The vendor configuration pointing at the emulator, in the vendor crate's own field names.
pub fn entry(provider: &str, base_url: &str, c: &EmulatorCredentials) -> Value {
    let mut v = match provider {
        // Tencent requires a SubAppId (#11 item 10); the emulator accepts any
        "tencent-vod" => json!({
            "secret_id": c.tencent_secret_id,
            "secret_key": c.tencent_secret_key,
            "sub_app_id": 251_000_000u64
        }),
        "softsugar" => json!({"app_id": c.softsugar_app_id, "app_key": c.softsugar_app_key}),
        "xjc" => json!({"access_key": c.xjc_access_key, "secret_key": c.xjc_secret_key}),
        "reccloud" => json!({"api_key": c.reccloud_api_key}),
        "vozo" => json!({"api_key": c.vozo_api_key}),
        _ => json!({}),
    };
    v["base_url"] = json!(base_url);
    v
}

/// What one CLI run produced.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// The last non-empty stdout line as JSON.
    pub fn last_json(&self) -> Value {
        let line = self
            .stdout
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }
    /// The first stdout line as JSON.
    pub fn first_json(&self) -> Value {
        let line = self.stdout.lines().next().unwrap_or("");
        serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }
    /// Stderr is one clean error line (no panic, no Debug dump).
    pub fn assert_one_clean_error_line(&self) {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(lines.len(), 1, "expected one error line: {self:?}");
        assert!(lines[0].starts_with("error: "), "{self:?}");
        for bad in ["panicked", "RUST_BACKTRACE", "Error {", "Some(", "retry: "] {
            assert!(!self.stderr.contains(bad), "`{bad}` in stderr: {self:?}");
        }
        let debug_kind = self
            .stderr
            .split("kind: ")
            .skip(1)
            .any(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()));
        assert!(!debug_kind, "a Debug dump in stderr: {self:?}");
    }
}

/// An emulator plus a config file for the CLI.
pub struct Harness {
    pub emu: Emulator,
    pub dir: PathBuf,
    pub config: PathBuf,
}

impl Harness {
    pub async fn start(cfg: EmulatorConfig) -> Harness {
        Self::start_with(cfg, json!({})).await
    }

    /// `extra` is merged into each vendor's entry (`{"xjc": {"request_timeout_secs": 1}}`),
    /// after the defaults of [`base_extra`].
    pub async fn start_with(cfg: EmulatorConfig, extra: Value) -> Harness {
        let mut merged = base_extra();
        if let (Some(m), Some(e)) = (merged.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                m.insert(k.clone(), v.clone());
            }
        }
        let extra = merged;
        let emu = Emulator::start(cfg).await.expect("emulator starts");
        let dir = std::env::temp_dir().join(format!(
            "mediatask-cli-test-{}-{}",
            std::process::id(),
            uuid_like()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut config = serde_json::Map::new();
        for (name, url) in &emu.urls().vendors {
            let mut e = entry(name, url, &emu.config().credentials);
            if let Some(Value::Object(more)) = extra.get(name) {
                for (k, v) in more {
                    e[k] = v.clone();
                }
            }
            config.insert(name.clone(), e);
        }
        let path = dir.join("config.json");
        std::fs::write(&path, Value::Object(config).to_string()).unwrap();
        Harness {
            emu,
            dir,
            config: path,
        }
    }

    fn command(&self, args: &[&str]) -> std::process::Command {
        let mut c = std::process::Command::new(BIN);
        c.arg("--config")
            .arg(&self.config)
            .args([
                "--min-poll-ms",
                "40",
                "--max-poll-ms",
                "200",
                "--max-wait-secs",
                "60",
            ])
            .args(args)
            .env_remove("MEDIATASK_ENDPOINT")
            .env_remove("MEDIATASK_CONFIG")
            // Every run journals into this test's own directory, never the user's data dir.
            .env(
                "MEDIATASK_STORE",
                format!("sqlite:{}", self.path("journal.db")),
            )
            .stdin(std::process::Stdio::null());
        c
    }

    /// The command line for the binary with this harness's flags (to add env or spawn).
    pub fn command_for_test(&self, args: &[&str]) -> std::process::Command {
        let mut c = self.command(args);
        c.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        c
    }

    /// Run the CLI to completion (off the async runtime's threads).
    pub async fn cli(&self, args: &[&str]) -> Out {
        let mut c = self.command(args);
        tokio::task::spawn_blocking(move || {
            let o = c.output().expect("binary runs");
            Out {
                code: o.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            }
        })
        .await
        .unwrap()
    }

    /// Start the CLI without waiting.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        self.command(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("binary starts")
    }

    pub fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Configuration every test needs: RecCloud's unconfirmed text-to-speech / text-to-video
/// endpoints have no default path, so the tests point them at the emulator's generic task API.
pub fn base_extra() -> Value {
    json!({"reccloud": {"endpoints": {
        "text_to_speech": "/api/tasks/media/text-to-speech",
        "text_to_speech_query": "/api/tasks/media/text-to-speech/{task_id}",
        "text_to_video": "/api/tasks/media/text-to-video",
        "text_to_video_query": "/api/tasks/media/text-to-video/{task_id}"
    }}})
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{nanos}-{}", N.fetch_add(1, Ordering::Relaxed))
}

/// A sample request for every job kind of every vendor (what the end-to-end test runs).
pub fn samples() -> Vec<(&'static str, &'static str, Value)> {
    let media = "https://example.com/in/talk.mp4";
    let audio = "https://example.com/in/voice.wav";
    vec![
        (
            "tencent-vod",
            "audio_clone",
            json!({"AudioFileInfo": {"Type": "Url", "Url": audio}, "VoiceId": "e2e_voice_01", "Text": "Hello."}),
        ),
        (
            "tencent-vod",
            "video_generation",
            json!({"ModelName": "Kling", "ModelVersion": "2.1", "Prompt": "a cat surfing at sunset"}),
        ),
        (
            "tencent-vod",
            "image_generation",
            json!({"ModelName": "GG", "Prompt": "a watercolor fox"}),
        ),
        (
            "tencent-vod",
            "audio_generation",
            json!({"ModelName": "emu", "SceneType": "sfx", "Prompt": "rain on a tin roof"}),
        ),
        (
            "softsugar",
            "face_swap",
            json!({"facePhotoUrl": "https://example.com/in/face.png", "videoUrl": media, "materialName": "e2e"}),
        ),
        (
            "softsugar",
            "video_synthesis",
            json!({"videoName": "e2e", "param": {
                "version": "0.0.13", "video_format": "MP4", "resolution": [1080, 1920], "bit_rate": 8, "frame_rate": 25,
                "digital_role": {"id": 4051, "face_feature_id": "ffid", "name": "Nina"},
                "tts_config": {"qid": "EAdUVf:AEA_Z10Mqp9GYwDGPMTSiszE7NKMqrCg", "language": "zh-CN", "speed_ratio": 1, "volume": 100},
                "tts_query": {"content": "hello", "ssml": false}
            }}),
        ),
        (
            "softsugar",
            "file_warming",
            json!({"materialName": "e2e", "files": [{"fileId": "f-1", "fileUrl": "https://example.com/in/bg.png"}]}),
        ),
        (
            "softsugar",
            "transcode",
            json!({"materialName": "e2e", "files": [{"fileUrl": media}]}),
        ),
        (
            "softsugar",
            "content_preheat",
            json!({"materialName": "e2e", "param": {
                "type": "quick_response",
                "digital_role": {"face_feature_id": "ffid", "name": "Li"},
                "tts_config": {"qid": "EAdUVf:x", "pitch_offset": 0, "speed_ratio": 1, "volume": 400},
                "voice_content": [{"tts_query": {"content": "one moment please", "ssml": false}}]
            }}),
        ),
        // `id` is replaced by a task created in the test (TaskById adopts an existing task)
        ("softsugar", "task_by_id", json!({"id": 0})),
        (
            "xjc",
            "works",
            json!({"audioUrl": audio, "videoUrl": media, "title": "e2e"}),
        ),
        ("xjc", "voice_lite_train", json!({"audioUrl": audio})),
        (
            "xjc",
            "voice_lite_synthesis",
            json!({"speakerId": "spk_e2e", "content": "hello"}),
        ),
        ("xjc", "voice_pro_train", json!({"audioUrl": audio})),
        (
            "xjc",
            "voice_pro_synthesis",
            json!({"speakerId": "spk_e2e", "content": "hello"}),
        ),
        (
            "reccloud",
            "speech_to_text",
            json!({"url": media, "type": 4}),
        ),
        (
            "reccloud",
            "subtitle_burn_in",
            json!({"url": media, "primary_subtitle_file_url": "https://example.com/in/subs.srt"}),
        ),
        (
            "reccloud",
            "video_translation_preview",
            json!({"url": media, "language": "fr", "voice": "female-1"}),
        ),
        (
            "reccloud",
            "video_translation_synthesis",
            json!({"url": media, "language": "fr", "subtitles": [{"start": 0, "end": 1000, "text": "Bonjour"}]}),
        ),
        (
            "reccloud",
            "text_to_speech",
            json!({"text": "Hello from the emulator."}),
        ),
        (
            "reccloud",
            "text_to_video",
            json!({"text": "A cat surfing at sunset."}),
        ),
        (
            "vozo",
            "translate_dub",
            json!({"media_type": "video", "media_url": media, "source_language": "auto",
                "target_language": "fr", "export_type": "all"}),
        ),
        (
            "vozo",
            "lip_sync",
            json!({"reference_file_url": media, "reference_file_type": "video", "audio_url": audio,
                "model": "standard_v1"}),
        ),
        (
            "vozo",
            "reusable_lip_sync",
            json!({"model_id": "lsm-123", "audio_url": audio}),
        ),
    ]
}

/// The vendors compiled into the binary under test.
pub fn compiled() -> Vec<String> {
    let o = std::process::Command::new(BIN)
        .args(["providers", "--output", "json"])
        .output()
        .unwrap();
    let kinds: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut names: Vec<String> = kinds
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["provider"].as_str().unwrap().to_owned())
        .collect();
    names.dedup();
    names
}

/// A child process killed when dropped (so a failing test leaves no process behind).
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
