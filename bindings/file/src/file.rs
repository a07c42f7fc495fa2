//! The `file` sink: appends one JSON event per line, syncing in groups.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use ferry_core::{Envelope, Event, Sink, SinkError};

use crate::config::FileSinkConfig;
use crate::error::FileSinkError;
use crate::line::encode_line;
use crate::repair::repair_torn_tail;
use crate::writer::{self, Commit, LineWriter, WriterTask};

/// Appends events to a file; `send` returns once the event's line is on disk
/// (`sync_data`). See the crate docs for format, ordering and weak spots.
pub struct FileSink {
    writer: LineWriter,
    syncs: Arc<AtomicU64>,
}

/// A sink whose writer thread has not started: see [`FileSink::open_unstarted`].
pub(crate) struct Unstarted {
    task: WriterTask,
    target: FileTarget,
}

impl FileSink {
    /// Opens (or creates) `cfg.path` for appending, repairs a torn last line left
    /// by a crash, and starts the writer thread.
    pub fn open(cfg: FileSinkConfig) -> Result<FileSink, FileSinkError> {
        let (sink, unstarted) = Self::open_unstarted(cfg)?;
        unstarted.start()?;
        Ok(sink)
    }

    /// Everything [`FileSink::open`] does but start the writer, so tests can queue
    /// sends first and know they form one batch.
    pub(crate) fn open_unstarted(
        cfg: FileSinkConfig,
    ) -> Result<(FileSink, Unstarted), FileSinkError> {
        let path = cfg.path;
        let mut file = open_append(&path)?;
        let repaired = repair_torn_tail(&mut file).map_err(|source| FileSinkError::Repair {
            path: path.clone(),
            source,
        })?;
        if repaired.dropped > 0 {
            tracing::warn!(
                path = %path.display(),
                dropped_bytes = repaired.dropped,
                "file sink: dropped a torn last line (never confirmed, left by a crash or a failed write)"
            );
        }
        let syncs = Arc::new(AtomicU64::new(0));
        let (writer, task) = writer::channel(path.display().to_string());
        let target = FileTarget {
            file,
            path,
            len: repaired.len,
            torn: false,
            syncs: Arc::clone(&syncs),
        };
        Ok((FileSink { writer, syncs }, Unstarted { task, target }))
    }

    /// How many times the file was synced: one per batch of lines, however many
    /// sends it confirmed. For metrics and tests.
    pub fn sync_count(&self) -> u64 {
        self.syncs.load(Ordering::Relaxed)
    }

    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.writer.queued()
    }
}

impl Unstarted {
    pub(crate) fn start(self) -> Result<(), FileSinkError> {
        let path = self.target.path.clone();
        self.task
            .spawn(self.target)
            .map_err(|source| FileSinkError::Spawn { path, source })
    }
}

#[async_trait]
impl Sink for FileSink {
    async fn send(&self, envelope: &Envelope) -> Result<Option<Event>, SinkError> {
        self.writer.write(encode_line(&envelope.event)).await?;
        Ok(None)
    }

    /// Writes and syncs what is queued, then stops the writer thread.
    async fn close(&self) {
        self.writer.close().await;
    }
}

/// Opens `path` for appending, creating it if missing. A created file's directory
/// entry is synced too: without that, a crash could lose the whole new file,
/// lines already confirmed included.
fn open_append(path: &Path) -> Result<File, FileSinkError> {
    let open_err = |source| FileSinkError::Open {
        path: path.to_owned(),
        source,
    };
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(FileSinkError::MissingParent {
            path: path.to_owned(),
            parent: parent.to_owned(),
        });
    }
    // Read access is for finding a torn last line; writes always append.
    let mut options = OpenOptions::new();
    options.read(true).append(true);
    match options.clone().create_new(true).open(path) {
        Ok(file) => {
            sync_dir(parent).map_err(open_err)?;
            Ok(file)
        }
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
            options.open(path).map_err(open_err)
        }
        Err(err) => Err(open_err(err)),
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Other systems cannot open a directory as a file; their file systems make the
/// entry durable with the file's own sync, or offer no way to ask.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// The file as the writer thread sees it.
struct FileTarget {
    file: File,
    path: PathBuf,
    /// Length up to the end of the last confirmed batch.
    len: u64,
    /// A failed batch may still be partly in the file beyond `len` (cutting it
    /// back failed too); cut it before writing anything else.
    torn: bool,
    syncs: Arc<AtomicU64>,
}

impl Commit for FileTarget {
    fn commit(&mut self, batch: &[u8]) -> io::Result<()> {
        if self.torn {
            self.file.set_len(self.len)?;
            self.torn = false;
        }
        let written = self.file.write_all(batch).and_then(|()| {
            self.syncs.fetch_add(1, Ordering::Relaxed);
            self.file.sync_data()
        });
        match written {
            Ok(()) => {
                self.len += batch.len() as u64;
                Ok(())
            }
            Err(err) => {
                // None of the batch is confirmed, so take all of it back: a part
                // left in place would end in a torn line, and a retry writes the
                // lines again anyway. After a failed sync the written pages are of
                // unknown state, which is one more reason to cut them.
                self.torn = self.file.set_len(self.len).is_err();
                Err(err)
            }
        }
    }
}
