//! Project automation for mediatask, as a library so tests can call it:
//! [`codegen`] turns `spec/vendors/*.json` into each vendor crate's `src/generated/`, and
//! [`ci`] runs every check CI runs (see `cargo xtask --help`).

pub mod ci;
pub mod codegen;

use std::path::PathBuf;

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}
