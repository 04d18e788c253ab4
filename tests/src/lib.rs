//! Workspace-level tests for snap-rs: trybuild UI cases for the derives
//! (`tests/ui.rs`) and cross-crate integration tests (`tests/it/`).
//! The library itself is empty.
#![forbid(unsafe_code)]
