//! Every compiled-in vendor builds from a JSON configuration through the registry, lists its
//! job kinds with capabilities, and resolves each kind to a task. Run by CI once per feature.

use mediatask::{ErrorKind, Registry};
use serde_json::{Value, json};

/// A complete configuration for `provider` pointing at a loopback URL that nothing listens on
/// (these tests never send a request).
fn config_for(provider: &str) -> Value {
    let base_url = "http://127.0.0.1:9";
    match provider {
        "tencent-vod" => {
            json!({"base_url": base_url, "secret_id": "AKIDtest", "secret_key": "sk-test"})
        }
        "softsugar" => json!({"base_url": base_url, "app_id": "app-test", "app_key": "key-test"}),
        "xjc" => json!({"base_url": base_url, "access_key": "ak-test", "secret_key": "sk-test"}),
        "reccloud" => json!({"base_url": base_url, "api_key": "rk-test"}),
        "vozo" => json!({"base_url": base_url, "api_key": "vk-test"}),
        other => panic!("no test configuration for {other}"),
    }
}

#[test]
fn every_compiled_vendor_resolves_every_kind() {
    for &name in mediatask::PROVIDERS {
        let registry = Registry::from_json(&json!({ name: config_for(name) }))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let provider = registry.provider(name).unwrap();
        let kinds = provider.kinds();
        assert!(!kinds.is_empty(), "{name} lists no job kinds");
        for info in kinds {
            assert_eq!(info.provider, name, "TaskInfo.provider of {}", info.kind);
            let task = registry
                .task(name, info.kind)
                .unwrap_or_else(|e| panic!("{name}/{}: {e}", info.kind));
            assert_eq!(task.info().kind, info.kind);
            assert_eq!(task.info().capabilities, info.capabilities);
        }
        let err = registry.task(name, "no_such_kind").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{name}: {err}");
    }
}

#[test]
fn secrets_from_json_never_show_in_debug() {
    for &name in mediatask::PROVIDERS {
        let registry = Registry::from_json(&json!({ name: config_for(name) })).unwrap();
        let debug = format!("{registry:?}");
        for secret in ["sk-test", "key-test", "rk-test", "vk-test"] {
            assert!(
                !debug.contains(secret),
                "{name} leaks a secret in Debug: {debug}"
            );
        }
    }
}

#[tokio::test]
async fn json_that_does_not_match_the_request_type_is_invalid_request() {
    for &name in mediatask::PROVIDERS {
        let registry = Registry::from_json(&json!({ name: config_for(name) })).unwrap();
        for info in registry.provider(name).unwrap().kinds() {
            let task = registry.task(name, info.kind).unwrap();
            let err = task
                .submit_json(json!(["not", "an", "object"]))
                .await
                .unwrap_err();
            assert_eq!(
                err.kind(),
                ErrorKind::InvalidRequest,
                "{name}/{}: {err}",
                info.kind
            );
        }
    }
}

/// Every vendor crate names its client both `Client` and `<Vendor>Client` (one type).
#[test]
fn every_vendor_exports_client_under_both_names() {
    fn same<T: 'static, U: 'static>() -> bool {
        std::any::TypeId::of::<T>() == std::any::TypeId::of::<U>()
    }
    #[cfg(feature = "tencent-vod")]
    assert!(same::<
        mediatask::vendors::tencent_vod::Client,
        mediatask::vendors::tencent_vod::TencentVodClient,
    >());
    #[cfg(feature = "softsugar")]
    assert!(same::<
        mediatask::vendors::softsugar::Client,
        mediatask::vendors::softsugar::SoftSugarClient,
    >());
    #[cfg(feature = "xjc")]
    assert!(same::<
        mediatask::vendors::xjc::Client,
        mediatask::vendors::xjc::XjcClient,
    >());
    #[cfg(feature = "reccloud")]
    assert!(same::<
        mediatask::vendors::reccloud::Client,
        mediatask::vendors::reccloud::RecCloudClient,
    >());
    #[cfg(feature = "vozo")]
    assert!(same::<
        mediatask::vendors::vozo::Client,
        mediatask::vendors::vozo::VozoClient,
    >());
    // with no vendor feature the test is trivially true; CI runs it once per feature
    let _ = same::<(), ()>;
}
