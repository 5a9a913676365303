//! Credit estimator table tests: every service at the minimum charge and above it, values
//! taken from the seed's pricing table (kept in `spec/vendors/reccloud.json`).

use mediatask_core::ErrorKind;
use mediatask_reccloud::credits::{CreditService, PriceUnit, estimate_service, price};
use mediatask_reccloud::{
    SpeechToTextRequest, SubtitleBurnInRequest, TextToSpeechRequest, TextToVideoRequest,
    VideoTranslationPreviewRequest, VideoTranslationSynthesisRequest, estimate_credits,
};
use std::time::Duration;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// (service, media seconds, expected credits)
const MEDIA_CASES: &[(CreditService, u64, u64)] = &[
    // minimum charge: anything up to a minute bills 1 minute
    (CreditService::SpeechToText, 1, 1),
    (CreditService::SpeechToText, 60, 1),
    (CreditService::SpeechToText, 61, 2),
    (CreditService::SpeechToText, 600, 10),
    (CreditService::VideoTranslation, 10, 2),
    (CreditService::VideoTranslation, 150, 6),
    (CreditService::VideoTranslationSynthesis, 30, 6),
    (CreditService::VideoTranslationSynthesis, 121, 18),
    (CreditService::SubtitleDetect, 0, 1),
    (CreditService::SubtitleDetect, 3600, 60),
    (CreditService::SubtitleTranslation, 59, 2),
    (CreditService::SubtitleTranslation, 300, 10),
    // 1 credit per 2 minutes, blocks rounded up
    (CreditService::SubtitleSynthesis, 45, 1),
    (CreditService::SubtitleSynthesis, 120, 1),
    (CreditService::SubtitleSynthesis, 121, 2),
    (CreditService::SubtitleSynthesis, 600, 5),
];

#[test]
fn per_minute_services_at_and_above_the_minimum() {
    for &(service, s, credits) in MEDIA_CASES {
        let est = estimate_service(service, secs(s)).unwrap();
        assert_eq!(
            est.credits, credits,
            "{service:?} for {s} s: {}",
            est.explanation
        );
        assert!(est.billed_units >= 1);
        assert!(est.explanation.contains("credits"), "{}", est.explanation);
        assert!(est.explanation.contains("may change"));
    }
    // sub-second remainders round up too
    let est = estimate_service(CreditService::SpeechToText, Duration::from_millis(60_001)).unwrap();
    assert_eq!((est.credits, est.billed_units), (2, 2));
}

#[test]
fn text_to_speech_per_200_words_with_minimum() {
    let cases = [
        ("", 1, 200),
        ("hello", 1, 200),
        (&*"w ".repeat(200), 1, 200),
        (&*"w ".repeat(201), 2, 201),
        (&*"w ".repeat(1000), 5, 1000),
    ];
    for (text, credits, billed) in cases {
        let est = estimate_service(CreditService::TextToSpeech, text).unwrap();
        assert_eq!(
            (est.credits, est.billed_units),
            (credits, billed),
            "{}",
            est.explanation
        );
    }
    // CJK characters count one each
    let est = estimate_service(CreditService::TextToSpeech, "你".repeat(401).as_str()).unwrap();
    assert_eq!(est.credits, 3);
}

#[test]
fn text_to_video_is_per_job() {
    for usage in ["a cat", &*"w ".repeat(800)] {
        let est = estimate_service(CreditService::TextToVideo, usage).unwrap();
        assert_eq!(
            (est.credits, est.billed_units),
            (10, 1),
            "{}",
            est.explanation
        );
    }
    assert_eq!(
        estimate_service(CreditService::TextToVideo, secs(3000))
            .unwrap()
            .credits,
        10
    );
}

#[test]
fn each_request_type_is_billed_under_its_service() {
    let stt = SpeechToTextRequest::new("https://h/a.mp3");
    assert_eq!(estimate_credits(&stt, secs(90)).unwrap().credits, 2);
    let burn = SubtitleBurnInRequest::new("https://h/v.mp4", "https://h/s.srt");
    assert_eq!(estimate_credits(&burn, secs(90)).unwrap().credits, 1);
    let preview = VideoTranslationPreviewRequest::new("https://h/v.mp4", "en");
    assert_eq!(estimate_credits(&preview, secs(90)).unwrap().credits, 4);
    let synth = VideoTranslationSynthesisRequest::new("https://h/v.mp4");
    assert_eq!(estimate_credits(&synth, secs(90)).unwrap().credits, 12);
    let tts = TextToSpeechRequest::new("x");
    assert_eq!(
        estimate_credits(&tts, "w ".repeat(450).as_str())
            .unwrap()
            .credits,
        3
    );
    let ttv = TextToVideoRequest::new("x");
    assert_eq!(estimate_credits(&ttv, "a cat").unwrap().credits, 10);
}

#[test]
fn wrong_usage_kind_is_an_error() {
    let e = estimate_service(CreditService::SpeechToText, "some text").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    let e = estimate_service(CreditService::TextToSpeech, secs(60)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
}

#[test]
fn the_table_matches_the_seed() {
    let expect = [
        (CreditService::SpeechToText, PriceUnit::Minute, 1, 1),
        (CreditService::VideoTranslation, PriceUnit::Minute, 2, 1),
        (
            CreditService::VideoTranslationSynthesis,
            PriceUnit::Minute,
            6,
            1,
        ),
        (CreditService::SubtitleDetect, PriceUnit::Minute, 1, 1),
        (CreditService::SubtitleTranslation, PriceUnit::Minute, 2, 1),
        (CreditService::SubtitleSynthesis, PriceUnit::Minute, 1, 2),
        (CreditService::TextToSpeech, PriceUnit::Words, 1, 200),
        (CreditService::TextToVideo, PriceUnit::Job, 10, 1),
    ];
    for (service, unit, credits, per) in expect {
        let p = price(service).unwrap();
        assert_eq!(
            (p.unit, p.credits, p.per_units),
            (unit, credits, per),
            "{service:?}"
        );
    }
    assert_eq!(CreditService::ALL.len(), expect.len());
    assert_eq!(
        price(CreditService::TextToSpeech).unwrap().minimum_units,
        200
    );
    assert_eq!(price(CreditService::SpeechToText).unwrap().minimum_units, 1);
}
