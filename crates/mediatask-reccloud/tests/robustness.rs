//! Property tests: every parser and classifier handles arbitrary input with an error, never a
//! panic; the `\u0026` fix-up leaves no escape behind and is idempotent.

use mediatask_reccloud::api::{Envelope, TaskQuery};
use mediatask_reccloud::credits::count_words;
use mediatask_reccloud::hygiene::{clean_source_url, fix_ampersand_escapes, url_extension};
use mediatask_reccloud::tasks::snapshot_from_query;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn error_classification_never_panics(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = mediatask_reccloud::error::check(status, &body);
        let e = mediatask_reccloud::error::parse_error(status, &body);
        prop_assert!(!e.to_string().contains('\n'));
    }

    #[test]
    fn query_decoding_never_panics(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(Envelope { data: Some(q), .. }) = serde_json::from_slice::<Envelope<TaskQuery>>(&body) {
            let _ = snapshot_from_query(&q);
        }
    }

    #[test]
    fn mutated_query_json_never_panics(state in any::<i64>(), progress in any::<i64>(), detail in ".{0,20}", result in prop_oneof![
        Just(serde_json::json!(null)), Just(serde_json::json!("text")), Just(serde_json::json!([{"start": 1}])),
        Just(serde_json::json!([{"start": 0, "end": 1, "text": "a", "speaker": 3}])), Just(serde_json::json!({"video": 5})),
    ]) {
        let q: TaskQuery = serde_json::from_value(serde_json::json!({
            "state": state, "progress": progress, "state_detail": detail, "result": result
        })).unwrap();
        let snap = snapshot_from_query(&q);
        prop_assert!(snap.progress.is_none_or(|p| p <= 100));
        prop_assert_eq!(snap.status == mediatask_core::TaskStatus::Failed, state < 0);
        let _ = mediatask_reccloud::api::recognition::parse_recognition("t", &q);
        let _ = mediatask_reccloud::api::media::parse_preview("t", &q);
    }

    #[test]
    fn ampersand_fixup_is_complete_and_idempotent(s in "[a-zA-Z0-9=&?/\\\\u]{0,40}(\\\\u0026[a-z0-9=]{0,8}){0,4}") {
        let (fixed, _) = fix_ampersand_escapes(&s);
        prop_assert!(!fixed.to_ascii_lowercase().contains("\\u0026"));
        let (again, n) = fix_ampersand_escapes(&fixed);
        prop_assert_eq!(n, 0);
        prop_assert_eq!(again, fixed);
    }

    #[test]
    fn url_helpers_never_panic(s in ".{0,80}") {
        let _ = url_extension(&s);
        let _ = clean_source_url("url", &s);
        let _ = fix_ampersand_escapes(&s);
        prop_assert!(count_words(&s) <= s.chars().count() as u64);
    }
}
