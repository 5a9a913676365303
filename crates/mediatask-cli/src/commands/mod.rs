//! One module per group of subcommands.

pub(crate) mod account;
pub(crate) mod capability;
pub(crate) mod catalog;
pub(crate) mod demo;
pub(crate) mod emulator;
pub(crate) mod jobs;
pub(crate) mod listing;
pub(crate) mod task_admin;
pub(crate) mod tasks;
