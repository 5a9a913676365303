//! Every request example in `docs/providers/reccloud.md` deserialises into its typed request
//! and passes local validation (so the documented `--input` JSON really works).

use mediatask_reccloud::{
    SpeechToTextRequest, SubtitleBurnInRequest, TextToSpeechRequest, TextToVideoRequest,
    VideoTranslationPreviewRequest, VideoTranslationSynthesisRequest,
};

fn example(doc: &str, heading: &str) -> String {
    let start = doc
        .find(heading)
        .unwrap_or_else(|| panic!("heading {heading} missing"));
    let rest = &doc[start..];
    let open = rest.find("```json\n").expect("json block") + "```json\n".len();
    let close = rest[open..].find("```").expect("closing fence");
    rest[open..open + close].to_owned()
}

#[test]
fn documented_requests_are_valid() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/providers/reccloud.md"
    ))
    .expect("docs/providers/reccloud.md");
    let r: SpeechToTextRequest =
        serde_json::from_str(&example(&doc, "### `speech_to_text`")).unwrap();
    r.to_body().unwrap();
    let r: SubtitleBurnInRequest =
        serde_json::from_str(&example(&doc, "### `subtitle_burn_in`")).unwrap();
    r.to_body().unwrap();
    let r: VideoTranslationPreviewRequest =
        serde_json::from_str(&example(&doc, "### `video_translation_preview`")).unwrap();
    r.to_body().unwrap();
    let r: VideoTranslationSynthesisRequest =
        serde_json::from_str(&example(&doc, "### `video_translation_synthesis`")).unwrap();
    r.to_body().unwrap();
    let text = example(&doc, "### `text_to_speech` / `text_to_video`");
    serde_json::from_str::<TextToSpeechRequest>(&text)
        .unwrap()
        .to_body()
        .unwrap();
    serde_json::from_str::<TextToVideoRequest>(&text)
        .unwrap()
        .to_body()
        .unwrap();
}
