//! The group-commit writer both sinks share: one thread owns the output, and every
//! `send` hands it a finished line through a bounded channel and waits for the
//! verdict on the batch that line was written in.
//!
//! Why a thread of its own: the output calls (`write`, `fsync`) block, and holding
//! them on one thread is what keeps lines whole and in order without a lock that a
//! cancelled `send` could leave half-written. Why batches: whatever queued up while
//! the last batch was being made durable is written in one go and made durable
//! once, so N concurrent sends cost one `fsync`, not N.

use std::io;
use std::thread;

use ferry_core::SinkError;
use tokio::sync::{mpsc, oneshot};

/// Lines that may wait for the writer. Senders beyond this wait for room, which is
/// the backpressure; the runtime's `max_in_flight` (64 by default) rarely gets here.
const CHANNEL_CAPACITY: usize = 1024;

/// A batch stops growing at this size, so one slow giant batch does not hold up
/// the sends queued behind it (and the buffer stays small, see `RETAIN_BYTES`).
const MAX_BATCH_BYTES: usize = 1 << 20;

/// The batch buffer is kept between batches up to this capacity; a larger one
/// (from one huge event) is given back rather than held for the process lifetime.
const RETAIN_BYTES: usize = 2 * MAX_BATCH_BYTES;

/// Where a batch of whole lines goes.
pub(crate) trait Commit: Send + 'static {
    /// Writes `batch` (one or more whole lines) and returns once it is durable (a
    /// file) or handed over (stdout). On error, the implementation should take
    /// back whatever part of the batch it can, because none of it is confirmed.
    fn commit(&mut self, batch: &[u8]) -> io::Result<()>;
}

/// A verdict on one line: `Ok` once the batch holding it was committed.
type Verdict = Result<(), SinkError>;

enum Msg {
    Line {
        line: Vec<u8>,
        done: oneshot::Sender<Verdict>,
    },
    /// Commit everything queued before this, then stop.
    Close(oneshot::Sender<()>),
}

/// The sending half, held by a sink.
pub(crate) struct LineWriter {
    tx: mpsc::Sender<Msg>,
    /// Names the output in error messages ("writing events.jsonl: ...").
    label: String,
}

/// The writer before its thread runs; see [`channel`].
pub(crate) struct WriterTask {
    rx: mpsc::Receiver<Msg>,
    label: String,
}

/// Creates a writer whose thread is not running yet: lines sent now wait in the
/// channel until [`WriterTask::spawn`] (tests use the gap to queue a batch).
pub(crate) fn channel(label: String) -> (LineWriter, WriterTask) {
    let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
    let writer = LineWriter {
        tx,
        label: label.clone(),
    };
    (writer, WriterTask { rx, label })
}

impl LineWriter {
    /// Queues one line (ending in `\n`) and waits until its batch was committed.
    ///
    /// If this future is dropped after the line was queued, the line is still
    /// written, whole, but unconfirmed: a retry may then write it twice, which
    /// at-least-once allows. It is never torn.
    pub(crate) async fn write(&self, line: Vec<u8>) -> Verdict {
        let (done, verdict) = oneshot::channel();
        if self.tx.send(Msg::Line { line, done }).await.is_err() {
            return Err(self.closed());
        }
        // The writer drops `done` unanswered only when it stops with lines still
        // queued behind a close: those were never written.
        verdict.await.unwrap_or_else(|_| Err(self.closed()))
    }

    /// Commits everything queued so far and stops the writer. Later writes fail;
    /// a second close returns at once.
    pub(crate) async fn close(&self) {
        let (done, stopped) = oneshot::channel();
        if self.tx.send(Msg::Close(done)).await.is_ok() {
            // An error here means the writer is gone already, which is the goal.
            let _ = stopped.await;
        }
    }

    /// Lines queued and not yet taken by the writer.
    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }

    fn closed(&self) -> SinkError {
        SinkError::transient(format!("{}: sink is closed", self.label))
    }
}

impl WriterTask {
    /// Starts the writer thread. It ends after a close, or once every
    /// [`LineWriter`] is dropped and the queue is drained.
    pub(crate) fn spawn(self, target: impl Commit) -> io::Result<()> {
        thread::Builder::new()
            .name("ferry-line-writer".into())
            .spawn(move || self.run(target))
            .map(drop)
    }

    /// The writer loop: take a batch, commit it once, answer every line in it.
    fn run(mut self, mut target: impl Commit) {
        let mut batch = Vec::new();
        let mut waiting = Vec::new();
        while let Some(first) = self.rx.blocking_recv() {
            let close = self.gather(first, &mut batch, &mut waiting);
            if !waiting.is_empty() {
                let verdict = target
                    .commit(&batch)
                    .map_err(|err| SinkError::transient(format!("writing {}: {err}", self.label)));
                for done in waiting.drain(..) {
                    // A sender that gave up waiting is not an error of ours.
                    let _ = done.send(verdict.clone());
                }
            }
            batch.clear();
            if batch.capacity() > RETAIN_BYTES {
                batch = Vec::new();
            }
            if let Some(stopped) = close {
                let _ = stopped.send(());
                return;
            }
        }
    }

    /// Moves `first` and whatever else is queued right now into `batch`, up to
    /// `MAX_BATCH_BYTES`. Returns the close request if one was reached: lines
    /// behind it stay queued and fail when the channel is dropped.
    fn gather(
        &mut self,
        first: Msg,
        batch: &mut Vec<u8>,
        waiting: &mut Vec<oneshot::Sender<Verdict>>,
    ) -> Option<oneshot::Sender<()>> {
        let mut next = Some(first);
        while let Some(msg) = next {
            match msg {
                Msg::Line { line, done } => {
                    batch.extend_from_slice(&line);
                    waiting.push(done);
                }
                Msg::Close(stopped) => return Some(stopped),
            }
            if batch.len() >= MAX_BATCH_BYTES {
                break;
            }
            next = self.rx.try_recv().ok();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tokio::task::JoinHandle;

    use super::*;

    /// Records every batch; fails while `fail` is set.
    #[derive(Clone, Default)]
    struct Recorder {
        batches: Arc<Mutex<Vec<Vec<u8>>>>,
        fail: bool,
    }

    impl Commit for Recorder {
        fn commit(&mut self, batch: &[u8]) -> io::Result<()> {
            if self.fail {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
            }
            self.batches.lock().unwrap().push(batch.to_vec());
            Ok(())
        }
    }

    /// Starts one write while the writer is not running and waits until its line
    /// is queued, so the queue order is known.
    async fn queue_one(writer: &Arc<LineWriter>, line: &str) -> JoinHandle<Verdict> {
        let before = writer.queued();
        let (sender, line) = (Arc::clone(writer), line.as_bytes().to_vec());
        let handle = tokio::spawn(async move { sender.write(line).await });
        while writer.queued() == before {
            tokio::task::yield_now().await;
        }
        handle
    }

    async fn queue(writer: &Arc<LineWriter>, lines: &[&str]) -> Vec<JoinHandle<Verdict>> {
        let mut handles = Vec::new();
        for line in lines {
            handles.push(queue_one(writer, line).await);
        }
        handles
    }

    async fn verdicts(handles: Vec<JoinHandle<Verdict>>) -> Vec<Verdict> {
        let mut out = Vec::new();
        for handle in handles {
            out.push(handle.await.unwrap());
        }
        out
    }

    #[tokio::test]
    async fn queued_lines_are_one_batch_in_queue_order() {
        let (writer, task) = channel("test".into());
        let writer = Arc::new(writer);
        let handles = queue(&writer, &["a\n", "b\n", "c\n"]).await;
        let recorder = Recorder::default();
        task.spawn(recorder.clone()).unwrap();

        assert!(verdicts(handles).await.iter().all(Result::is_ok));
        assert_eq!(
            *recorder.batches.lock().unwrap(),
            vec![b"a\nb\nc\n".to_vec()]
        );
    }

    #[tokio::test]
    async fn a_failed_commit_fails_every_line_of_the_batch_transiently() {
        let (writer, task) = channel("out.jsonl".into());
        let writer = Arc::new(writer);
        let handles = queue(&writer, &["a\n", "b\n"]).await;
        let recorder = Recorder {
            fail: true,
            ..Recorder::default()
        };
        task.spawn(recorder).unwrap();

        for verdict in verdicts(handles).await {
            let err = verdict.unwrap_err();
            assert!(err.is_transient());
            assert_eq!(err.to_string(), "writing out.jsonl: disk full");
        }
    }

    #[tokio::test]
    async fn close_commits_what_was_queued_then_refuses_more() {
        let (writer, task) = channel("test".into());
        let writer = Arc::new(writer);
        let handles = queue(&writer, &["a\n"]).await;
        let recorder = Recorder::default();
        task.spawn(recorder.clone()).unwrap();

        writer.close().await;
        assert!(verdicts(handles).await[0].is_ok());
        assert_eq!(*recorder.batches.lock().unwrap(), vec![b"a\n".to_vec()]);

        let err = writer.write(b"late\n".to_vec()).await.unwrap_err();
        assert_eq!(err.to_string(), "test: sink is closed");
        writer.close().await; // a second close returns at once
    }

    #[tokio::test]
    async fn lines_queued_behind_a_close_fail_unwritten() {
        let (writer, task) = channel("test".into());
        let writer = Arc::new(writer);
        let before = queue(&writer, &["a\n"]).await;
        let closer = {
            let writer = Arc::clone(&writer);
            tokio::spawn(async move { writer.close().await })
        };
        while writer.queued() < 2 {
            tokio::task::yield_now().await;
        }
        let after = queue_one(&writer, "b\n").await;
        let recorder = Recorder::default();
        task.spawn(recorder.clone()).unwrap();

        closer.await.unwrap();
        assert!(verdicts(before).await[0].is_ok());
        assert!(after.await.unwrap().is_err());
        assert_eq!(*recorder.batches.lock().unwrap(), vec![b"a\n".to_vec()]);
    }
}
