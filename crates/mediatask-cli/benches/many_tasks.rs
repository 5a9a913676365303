//! Placeholder; replaced by the 10,000-task benchmark.
fn main() {}
