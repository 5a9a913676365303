//! Robustness: arbitrary bytes and mutated JSON fed to every response and callback parser give
//! an error or a value, never a panic; LITE ratio validation matches the documented bounds.

use mediatask_xjc::callback::{
    parse_voice_synthesis_callback, parse_voice_train_callback, parse_works_callback,
};
use mediatask_xjc::{VoiceEdition, VoiceSynthesisRequest};
use proptest::prelude::*;

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        "[a-zA-Z0-9:/._ 字-]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("code".to_owned()),
                    Just("msg".to_owned()),
                    Just("data".to_owned()),
                    Just("status".to_owned()),
                    Just("jobId".to_owned()),
                    Just("speakerId".to_owned()),
                    Just("accessKey".to_owned()),
                    Just("duration".to_owned()),
                    Just("type".to_owned()),
                    "[a-z]{1,6}",
                ],
                inner,
                0..6,
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn envelope_check_never_panics(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = mediatask_xjc::error::check(status, &body);
    }

    #[test]
    fn envelope_check_on_json_never_panics(status in prop_oneof![Just(200u16), Just(500u16)], v in json_value()) {
        let body = serde_json::to_vec(&v).unwrap();
        if let Err(e) = mediatask_xjc::error::check(status, &body) {
            prop_assert!(!e.to_string().contains('\n'));
        }
    }

    #[test]
    fn callback_parsers_never_panic(v in json_value(), bytes in prop::collection::vec(any::<u8>(), 0..128)) {
        let body = serde_json::to_vec(&v).unwrap();
        for b in [&body[..], &bytes[..]] {
            if let Ok(cb) = parse_works_callback(b) { let _ = cb.snapshot(); }
            if let Ok(cb) = parse_voice_train_callback(b) { let _ = (cb.snapshot(), cb.edition()); }
            if let Ok(cb) = parse_voice_synthesis_callback(b) { let _ = (cb.snapshot(), cb.edition()); }
        }
    }

    #[test]
    fn lite_speed_ratio_bounds(v in -1.0f64..3.0) {
        let ok = VoiceSynthesisRequest::new("s", "c").with_speed_ratio(v).validate(VoiceEdition::Lite).is_ok();
        prop_assert_eq!(ok, (0.1..=1.9).contains(&v));
    }

    #[test]
    fn lite_pitch_and_volume_bounds(v in -1.0f64..12.0) {
        let p = VoiceSynthesisRequest::new("s", "c").with_pitch_ratio(v).validate(VoiceEdition::Lite).is_ok();
        let vol = VoiceSynthesisRequest::new("s", "c").with_volume_ratio(v).validate(VoiceEdition::Lite).is_ok();
        prop_assert_eq!(p, (0.1..=10.0).contains(&v));
        prop_assert_eq!(vol, (0.1..=10.0).contains(&v));
    }
}
