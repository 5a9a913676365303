//! The `mediatask` CLI.
fn main() {}
