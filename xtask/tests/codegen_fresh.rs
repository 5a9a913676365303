//! Keeps plain `cargo test` honest: fails when any `src/generated/` file is stale.

#[test]
fn generated_code_is_fresh() {
    let root = xtask::workspace_root();
    let stale = xtask::codegen::stale_files(&root).expect("specs render");
    assert!(
        stale.is_empty(),
        "stale generated files (run `cargo xtask codegen`): {stale:?}"
    );
}
