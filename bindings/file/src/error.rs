//! Errors from opening a file sink. Errors while sending are
//! [`ferry_core::SinkError`]s, built where the I/O happens.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// Why [`crate::FileSink::open`] failed. Every variant names the path, since the
/// message ends up in a startup error far from the config line that caused it.
#[derive(Debug, Error)]
pub enum FileSinkError {
    /// The file would be created, but its directory does not exist. ferry does not
    /// create directories: a typo in `path` should fail loudly, not scatter files.
    #[error("file sink path {path}: directory {parent} does not exist")]
    MissingParent { path: PathBuf, parent: PathBuf },

    #[error("file sink path {path}: cannot open: {source}")]
    Open { path: PathBuf, source: io::Error },

    /// Reading or truncating a torn last line failed.
    #[error("file sink path {path}: cannot repair the torn last line: {source}")]
    Repair { path: PathBuf, source: io::Error },

    /// The writer thread could not be started (out of threads or memory).
    #[error("file sink path {path}: cannot start the writer thread: {source}")]
    Spawn { path: PathBuf, source: io::Error },
}
