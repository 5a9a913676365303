//! `cargo xtask` entry point: `codegen [--check]`, `ci`, `tidy`, `core-deps`.

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen [--check]   write (or verify) crates/*/src/generated from spec/vendors/*.json
  tidy                project consistency checks (specs, features, README, docs, tests)
  core-deps           fail if mediatask-core's normal dependency tree has an HTTP/TLS crate
  ci                  fmt --check, clippy -D warnings, tests, rustdoc -Dwarnings, codegen --check,
                      tidy and core-deps, in that order";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => {
            let check = args.iter().any(|a| a == "--check");
            xtask::codegen::run(&root, check)
        }
        Some("tidy") => xtask::ci::tidy(&root),
        Some("core-deps") => xtask::ci::core_deps(&root),
        Some("ci") => xtask::ci::run_all(&root),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
