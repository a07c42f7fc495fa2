//! The `stdout` sink: one JSON event per line on standard output.

use std::io::{self, Write};

use async_trait::async_trait;
use ferry_core::{Envelope, Event, Sink, SinkError};

use crate::config::StdoutSinkConfig;
use crate::line::encode_line;
use crate::writer::{self, Commit, LineWriter};

/// Writes events to standard output; `send` returns once the event's line was
/// written and flushed. See the crate docs for format, ordering and weak spots.
pub struct StdoutSink {
    /// `Err` holds why the writer thread could not start; every send reports it.
    writer: Result<LineWriter, String>,
}

impl StdoutSink {
    pub fn new(cfg: StdoutSinkConfig) -> StdoutSink {
        let StdoutSinkConfig {} = cfg;
        Self::with_target(StdoutTarget)
    }

    /// A sink writing to `target` instead of the process's stdout (for tests).
    pub(crate) fn with_target(target: impl Commit) -> StdoutSink {
        let (writer, task) = writer::channel("stdout".into());
        let writer = match task.spawn(target) {
            Ok(()) => Ok(writer),
            Err(err) => {
                // `new` cannot fail (the registry treats it as infallible), so the
                // sink stays and fails every send transiently with the reason.
                let reason = format!("stdout sink: cannot start the writer thread: {err}");
                tracing::error!("{reason}");
                Err(reason)
            }
        };
        StdoutSink { writer }
    }
}

#[async_trait]
impl Sink for StdoutSink {
    async fn send(&self, envelope: &Envelope) -> Result<Option<Event>, SinkError> {
        let writer = self.writer.as_ref().map_err(SinkError::transient)?;
        writer.write(encode_line(&envelope.event)).await?;
        Ok(None)
    }

    fn is_ready(&self) -> bool {
        self.writer.is_ok()
    }

    /// Writes and flushes what is queued, then stops the writer thread.
    async fn close(&self) {
        if let Ok(writer) = &self.writer {
            writer.close().await;
        }
    }
}

/// The process's standard output. Each batch is written under the stdout lock, so
/// even a stray `println!` elsewhere in the process cannot split a line.
struct StdoutTarget;

impl Commit for StdoutTarget {
    fn commit(&mut self, batch: &[u8]) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(batch)?;
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use ferry_core::json;

    use super::*;
    use crate::test_support::envelope;

    /// Stands in for stdout: collects what was written.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl Commit for Capture {
        fn commit(&mut self, batch: &[u8]) -> io::Result<()> {
            self.0.lock().unwrap().extend_from_slice(batch);
            Ok(())
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_sends_give_whole_lines() {
        let capture = Capture::default();
        let sink = Arc::new(StdoutSink::with_target(capture.clone()));
        let sends: Vec<_> = (0..64)
            .map(|i| {
                let sink = Arc::clone(&sink);
                tokio::spawn(async move { sink.send(&envelope(&format!("e{i}"))).await })
            })
            .collect();
        for send in sends {
            assert!(send.await.unwrap().unwrap().is_none());
        }
        sink.close().await;

        let written = capture.0.lock().unwrap().clone();
        let mut lines: Vec<Vec<u8>> = written
            .split_inclusive(|b| *b == b'\n')
            .map(<[u8]>::to_vec)
            .collect();
        let mut expected: Vec<Vec<u8>> = (0..64)
            .map(|i| {
                let mut line = json::encode(&envelope(&format!("e{i}")).event);
                line.push(b'\n');
                line
            })
            .collect();
        lines.sort();
        expected.sort();
        assert_eq!(lines, expected);
    }

    #[tokio::test]
    async fn sends_after_close_fail_transiently() {
        let sink = StdoutSink::with_target(Capture::default());
        sink.close().await;
        let err = sink.send(&envelope("e1")).await.unwrap_err();
        assert!(err.is_transient());
    }
}
