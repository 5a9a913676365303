//! ai-xjc digital-human works and voice provider for mediatask.
