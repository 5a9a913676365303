//! One module per group of subcommands.

pub(crate) mod demo;
pub(crate) mod emulator;
pub(crate) mod tasks;
