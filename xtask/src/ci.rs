//! `cargo xtask ci` and its parts: the exact checks CI runs, in order, stopping at the first
//! failure; plus `tidy` (project consistency) and `core-deps` (mediatask-core stays I/O-free).

use std::path::Path;
use std::process::Command;

/// The test command README.md documents and `.ci/run` executes.
/// `.ci/with-services` starts throwaway PostgreSQL and Redis servers on loopback around it.
pub const TEST_COMMAND: &[&str] = &[
    "bash",
    ".ci/with-services",
    "cargo",
    "test",
    "--workspace",
    "--all-features",
    "--locked",
];

/// The umbrella crate's vendor features; each must build and pass its tests alone.
pub const VENDOR_FEATURES: &[&str] = &["tencent-vod", "softsugar", "xjc", "reccloud", "vozo"];

/// Crates that must never appear in mediatask-core's normal dependency tree.
const FORBIDDEN_IN_CORE: &[&str] = &[
    "reqwest",
    "hyper",
    "h2",
    "rustls",
    "native-tls",
    "openssl",
    "httpmock",
    "axum",
];

fn run(
    root: &Path,
    what: &str,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<(), String> {
    println!("xtask ci: {what}: {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root)
        .status()
        .map_err(|e| format!("{what}: cannot run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// Every check, in CI order.
pub fn run_all(root: &Path) -> Result<(), String> {
    run(
        root,
        "format",
        "cargo",
        &["fmt", "--all", "--", "--check"],
        &[],
    )?;
    crate::codegen::run(root, true)?;
    tidy(root)?;
    core_deps(root)?;
    run(
        root,
        "clippy",
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    run(root, "tests", TEST_COMMAND[0], &TEST_COMMAND[1..], &[])?;
    run(
        root,
        "rustdoc",
        "cargo",
        &[
            "doc",
            "--workspace",
            "--all-features",
            "--no-deps",
            "--locked",
        ],
        &[("RUSTDOCFLAGS", "-Dwarnings")],
    )?;
    println!("xtask ci: all checks passed");
    Ok(())
}

/// Fail if mediatask-core depends (normally, not dev) on an HTTP/TLS stack.
pub fn core_deps(root: &Path) -> Result<(), String> {
    let out = Command::new("cargo")
        .args([
            "tree",
            "-p",
            "mediatask-core",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("core-deps: cannot run cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "core-deps: cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let tree = String::from_utf8_lossy(&out.stdout);
    let bad = forbidden_crates(&tree);
    if bad.is_empty() {
        println!("xtask core-deps: mediatask-core has no HTTP/TLS dependency");
        Ok(())
    } else {
        Err(format!(
            "mediatask-core must not depend on {}",
            bad.join(", ")
        ))
    }
}

/// Names from `cargo tree --prefix none --format {p}` output that are forbidden in core.
pub fn forbidden_crates(tree: &str) -> Vec<String> {
    let mut bad: Vec<String> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| FORBIDDEN_IN_CORE.contains(name))
        .map(str::to_owned)
        .collect();
    bad.sort();
    bad.dedup();
    bad
}

/// Consistency: every vendor spec has its crate, umbrella feature, README row, provider docs,
/// wire tests and generated code; every crate module has `//!` docs.
pub fn tidy(root: &Path) -> Result<(), String> {
    let mut problems = Vec::new();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    let ci_run = std::fs::read_to_string(root.join(".ci/run")).unwrap_or_default();
    let test_command = TEST_COMMAND.join(" ");
    for (file, text) in [("README.md", &readme), (".ci/run", &ci_run)] {
        if !text.lines().any(|l| l.trim() == test_command) {
            problems.push(format!(
                "{file} does not run the test command `{test_command}`"
            ));
        }
    }
    let umbrella =
        std::fs::read_to_string(root.join("crates/mediatask/Cargo.toml")).unwrap_or_default();
    let specs = std::fs::read_dir(root.join("spec/vendors")).map_err(|e| format!("tidy: {e}"))?;
    for entry in specs.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let spec: serde_json::Value = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .ok_or(format!("tidy: {name}.json is not valid JSON"))?;
        let krate = spec
            .get("crate")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let crate_dir = root.join("crates").join(krate);
        if !crate_dir.join("Cargo.toml").exists() {
            problems.push(format!("{name}: crate `{krate}` does not exist"));
            continue;
        }
        if !umbrella.contains(&format!("\n{name} = [")) {
            problems.push(format!(
                "{name}: no `{name}` feature in crates/mediatask/Cargo.toml"
            ));
        }
        if !readme.contains(&format!("`{name}`")) {
            problems.push(format!("{name}: README.md has no row mentioning `{name}`"));
        }
        if !root
            .join("docs/providers")
            .join(format!("{name}.md"))
            .exists()
        {
            problems.push(format!("{name}: docs/providers/{name}.md is missing"));
        }
        let has_tests = std::fs::read_dir(crate_dir.join("tests"))
            .map(|d| {
                d.flatten()
                    .any(|e| e.path().extension().is_some_and(|x| x == "rs"))
            })
            .unwrap_or(false);
        if !has_tests {
            problems.push(format!("{name}: crates/{krate}/tests/ has no wire tests"));
        }
        if !crate_dir.join("src/generated/tables.rs").exists() {
            problems.push(format!(
                "{name}: generated tables missing (cargo xtask codegen)"
            ));
        }
    }
    for dir in ["crates", "xtask"] {
        check_module_docs(&root.join(dir), &mut problems);
    }
    if problems.is_empty() {
        println!("xtask tidy: ok");
        Ok(())
    } else {
        Err(format!(
            "tidy found {} problem(s):\n  {}",
            problems.len(),
            problems.join("\n  ")
        ))
    }
}

fn check_module_docs(dir: &Path, problems: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if p.is_dir() {
            if name != "target" && name != "tests" && name != "benches" && name != "examples" {
                check_module_docs(&p, problems);
            }
        } else if name.ends_with(".rs") && p.components().any(|c| c.as_os_str() == "src") {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            let first = text
                .lines()
                .find(|l| !l.trim().is_empty() && !l.starts_with("// @generated"))
                .unwrap_or("");
            if !first.starts_with("//!") {
                problems.push(format!("{}: module has no `//!` doc", p.display()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_forbidden_crates_in_tree_output() {
        let tree = "mediatask-core v0.1.0 (/x)\nserde v1.0.0\nreqwest v0.12.1\nhyper v1.0.0\n";
        assert_eq!(
            forbidden_crates(tree),
            vec!["hyper".to_owned(), "reqwest".to_owned()]
        );
        assert!(forbidden_crates("serde v1\ntokio v1\n").is_empty());
    }
}
