//! The generated tables: they contain exactly the seed's rows (counted and compared row by row
//! against a verbatim copy of the seed), they match spec/vendors/vozo.json (data-level freshness),
//! and every status code maps as documented.

use mediatask_core::spec::lookup_status;
use mediatask_core::{ErrorKind, TaskStatus};
use mediatask_vozo::generated::tables;

const SEED: &str = include_str!("fixtures/vozo_translate_dub_overview_seed.txt");
const SPEC: &str = include_str!("../../../spec/vendors/vozo.json");

/// Rows of the markdown table following the line that starts with `heading`.
fn seed_rows(heading: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut lines = SEED.lines().skip_while(|l| !l.starts_with(heading)).skip(1);
    // the source-language header shares its line with a note: skip to the first table line
    for line in lines.by_ref() {
        if line.contains("| Code |") {
            break;
        }
    }
    for line in lines {
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<String> = line
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().replace('\u{2011}', "-"))
            .collect();
        if cells[0].starts_with("---") {
            continue;
        }
        rows.push(cells);
    }
    rows
}

#[test]
fn source_languages_are_exactly_the_seed_rows() {
    let seed = seed_rows("Idiomas de Origen");
    assert_eq!(seed.len(), 112, "seed parse sanity (111 languages + auto)");
    assert_eq!(tables::SOURCE_LANGUAGES.len(), seed.len());
    for (row, seed_row) in tables::SOURCE_LANGUAGES.iter().zip(&seed) {
        assert_eq!(
            [row[0], row[1]],
            [seed_row[0].as_str(), seed_row[1].as_str()]
        );
    }
    assert_eq!(tables::SOURCE_LANGUAGES[0], ["auto", "Auto Detect"]);
}

#[test]
fn target_languages_are_exactly_the_seed_rows_with_variants() {
    let seed = seed_rows("Idiomas de Destino");
    assert_eq!(seed.len(), 49);
    assert_eq!(tables::TARGET_LANGUAGES.len(), seed.len());
    let mut variants = 0;
    for (row, seed_row) in tables::TARGET_LANGUAGES.iter().zip(&seed) {
        assert_eq!(
            [row[0], row[1]],
            [seed_row[0].as_str(), seed_row[1].as_str()]
        );
        let seed_variants: Vec<&str> = seed_row[2].split(',').map(str::trim).collect();
        assert_eq!(
            row[2].split_whitespace().collect::<Vec<_>>(),
            seed_variants,
            "{}",
            row[0]
        );
        assert!(
            seed_variants
                .iter()
                .all(|v| v.starts_with(&format!("{}-", row[0])))
        );
        variants += seed_variants.len();
    }
    assert_eq!(variants, 69);
}

#[test]
fn error_tables_are_exactly_the_seed_rows() {
    let api = seed_rows("Códigos de Error de API");
    let job = seed_rows("Códigos de Error de Trabajo");
    assert_eq!((api.len(), job.len()), (10, 21));
    for row in &api {
        let e = mediatask_core::spec::lookup_error(tables::API_ERROR_CODES, &row[0]).unwrap();
        assert_eq!(e.vendor_message, row[1]);
    }
    // + 1502 from the lip-sync overview
    assert_eq!(tables::API_ERROR_CODES.len(), api.len() + 1);
    assert_eq!(tables::TRANSLATE_JOB_ERROR_CODES.len(), job.len());
    for row in &job {
        let e =
            mediatask_core::spec::lookup_error(tables::TRANSLATE_JOB_ERROR_CODES, &row[0]).unwrap();
        assert_eq!(e.vendor_message, row[1].replace('\u{2011}', "-"));
        let n: u32 = row[0].parse().unwrap();
        assert!((10001..=10045).contains(&n));
    }
    assert_eq!(tables::LIPSYNC_JOB_ERROR_CODES.len(), 8);
}

#[test]
fn key_classifications() {
    let kind = |c| mediatask_vozo::error::lookup_code(c).unwrap();
    assert_eq!(kind("1304").kind, ErrorKind::ConcurrencyLimited);
    assert!(kind("1304").retryable);
    assert_eq!(kind("104").kind, ErrorKind::QuotaExhausted);
    assert!(!kind("104").retryable);
    assert_eq!(kind("1302").kind, ErrorKind::Unauthenticated);
    assert_eq!(kind("1305").kind, ErrorKind::PermissionDenied);
    assert_eq!(kind("1000").kind, ErrorKind::Unavailable);
}

#[test]
fn status_tables_cover_every_documented_value() {
    for (code, s) in [
        ("queuing", TaskStatus::Queued),
        ("preprocessing", TaskStatus::Running),
        ("transcribing", TaskStatus::Running),
        ("translating", TaskStatus::Running),
        ("dubbing", TaskStatus::Running),
        ("rendering", TaskStatus::Running),
        ("done", TaskStatus::Succeeded),
        ("failed", TaskStatus::Failed),
    ] {
        assert_eq!(
            lookup_status(tables::TRANSLATE_STATUS, code)
                .unwrap()
                .status,
            s
        );
    }
    assert_eq!(tables::TRANSLATE_STATUS.len(), 8);
    for (code, s) in [
        ("pending", TaskStatus::Queued),
        ("processing", TaskStatus::Running),
        ("done", TaskStatus::Succeeded),
        ("failed", TaskStatus::Failed),
    ] {
        assert_eq!(
            lookup_status(tables::LIPSYNC_STATUS, code).unwrap().status,
            s
        );
    }
}

/// Data-level freshness: every row and constant of the spec is in the generated tables with the
/// same values (the byte-level check is `cargo xtask codegen --check`).
#[test]
fn generated_tables_match_the_spec() {
    let spec: serde_json::Value = serde_json::from_str(SPEC).unwrap();
    let status_tables = [
        ("TRANSLATE_STATUS", tables::TRANSLATE_STATUS),
        ("LIPSYNC_STATUS", tables::LIPSYNC_STATUS),
    ];
    for (name, table) in status_tables {
        let rows = spec["status_tables"][name]["rows"].as_array().unwrap();
        assert_eq!(rows.len(), table.len(), "{name}");
        for r in rows {
            let e = lookup_status(table, r["code"].as_str().unwrap()).unwrap();
            assert_eq!(e.status.as_str(), r["status"].as_str().unwrap());
            assert_eq!(e.meaning, r["meaning"].as_str().unwrap());
        }
    }
    let error_tables = [
        ("API_ERROR_CODES", tables::API_ERROR_CODES),
        (
            "TRANSLATE_JOB_ERROR_CODES",
            tables::TRANSLATE_JOB_ERROR_CODES,
        ),
        ("LIPSYNC_JOB_ERROR_CODES", tables::LIPSYNC_JOB_ERROR_CODES),
    ];
    for (name, table) in error_tables {
        let rows = spec["error_tables"][name]["rows"].as_array().unwrap();
        assert_eq!(rows.len(), table.len(), "{name}");
        for r in rows {
            let e = mediatask_core::spec::lookup_error(table, r["code"].as_str().unwrap()).unwrap();
            assert_eq!(e.kind.as_str(), r["kind"].as_str().unwrap());
            assert_eq!(e.retryable, r["retryable"].as_bool().unwrap());
            assert_eq!(e.message, r["message"].as_str().unwrap());
            assert_eq!(e.vendor_message, r["vendor_message"].as_str().unwrap());
        }
        assert!(
            table.windows(2).all(|w| w[0].code < w[1].code),
            "{name} sorted for binary search"
        );
    }
    let src: Vec<Vec<String>> =
        serde_json::from_value(spec["tables"]["SOURCE_LANGUAGES"]["rows"].clone()).unwrap();
    assert_eq!(
        src,
        tables::SOURCE_LANGUAGES
            .iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    );
    let tgt: Vec<Vec<String>> =
        serde_json::from_value(spec["tables"]["TARGET_LANGUAGES"]["rows"].clone()).unwrap();
    assert_eq!(
        tgt,
        tables::TARGET_LANGUAGES
            .iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    );
    let c = &spec["constants"];
    assert_eq!(c["DEFAULT_BASE_URL"]["value"], tables::DEFAULT_BASE_URL);
    assert_eq!(
        c["LIP_SYNC_MAX_CONCURRENT_JOBS"]["value"],
        tables::LIP_SYNC_MAX_CONCURRENT_JOBS
    );
    assert_eq!(
        c["DEFAULT_TRANSLATE_MAX_CONCURRENT_JOBS"]["value"],
        tables::DEFAULT_TRANSLATE_MAX_CONCURRENT_JOBS
    );
    assert_eq!(
        c["DEFAULT_SPEAKER_NUMBER_MAX"]["value"],
        tables::DEFAULT_SPEAKER_NUMBER_MAX
    );
    assert_eq!(
        c["CALLBACK_CHALLENGE_DOCUMENTED"]["value"],
        tables::CALLBACK_CHALLENGE_DOCUMENTED
    );
}
