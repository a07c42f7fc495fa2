//! In-memory sources and sinks with scripted behaviour.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use ferry_core::{
    Envelope, Event, Intake, Outcome, Sink, SinkError, Source, SourceError, Submission,
};
use futures::future::join_all;
use tokio::sync::{oneshot, Notify};
use tokio_util::sync::CancellationToken;

/// Submits its script in order, reports every outcome at once, then runs until
/// shutdown like a real source.
pub struct ScriptedSource {
    submissions: Vec<Submission>,
    report: oneshot::Sender<Vec<Outcome>>,
}

impl ScriptedSource {
    pub fn new(submissions: Vec<Submission>) -> (Box<Self>, oneshot::Receiver<Vec<Outcome>>) {
        let (report, rx) = oneshot::channel();
        let source = Self {
            submissions,
            report,
        };
        (Box::new(source), rx)
    }
}

#[async_trait]
impl Source for ScriptedSource {
    async fn run(
        self: Box<Self>,
        intake: Intake,
        shutdown: CancellationToken,
    ) -> Result<(), SourceError> {
        let mut pending = Vec::new();
        for submission in self.submissions {
            pending.push(intake.push(submission).await);
        }
        let _ = self.report.send(join_all(pending).await);
        shutdown.cancelled().await;
        Ok(())
    }
}

/// A source that fails at once.
pub struct FailingSource;

#[async_trait]
impl Source for FailingSource {
    async fn run(self: Box<Self>, _: Intake, _: CancellationToken) -> Result<(), SourceError> {
        Err(SourceError("listener lost".to_owned()))
    }
}

/// A source that, once asked to stop, waits for `gate` before returning: the
/// runtime stays in its shutdown phase for as long as a test needs.
pub struct GatedSource {
    pub gate: Arc<Notify>,
}

#[async_trait]
impl Source for GatedSource {
    async fn run(
        self: Box<Self>,
        _: Intake,
        shutdown: CancellationToken,
    ) -> Result<(), SourceError> {
        shutdown.cancelled().await;
        self.gate.notified().await;
        Ok(())
    }
}

/// What one `send` does.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    Ok,
    Transient,
    Permanent,
    /// Confirms after this long.
    Slow(Duration),
    /// Never confirms.
    Hang,
    Panic,
}

/// A sink that follows a script and records what it got.
pub struct FakeSink {
    script: Mutex<VecDeque<Step>>,
    /// What every send after the script does.
    then: Step,
    /// Every event offered, in order, failed tries included.
    pub offered: Mutex<Vec<Arc<Event>>>,
    /// Events it confirmed.
    pub confirmed: Mutex<Vec<Arc<Event>>>,
    concurrent: AtomicUsize,
    pub max_concurrent: AtomicUsize,
    pub closed: AtomicBool,
    /// Signalled as each send begins.
    pub started: Notify,
}

impl FakeSink {
    pub fn new(script: Vec<Step>, then: Step) -> Arc<Self> {
        Arc::new(Self {
            script: Mutex::new(script.into()),
            then,
            offered: Mutex::default(),
            confirmed: Mutex::default(),
            concurrent: AtomicUsize::new(0),
            max_concurrent: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            started: Notify::new(),
        })
    }

    pub fn always(step: Step) -> Arc<Self> {
        Self::new(Vec::new(), step)
    }

    pub fn sends(&self) -> usize {
        self.offered.lock().unwrap().len()
    }

    pub fn confirmed(&self) -> Vec<Arc<Event>> {
        self.confirmed.lock().unwrap().clone()
    }
}

/// Counts a send as running until dropped, even if the send is aborted.
struct Running<'a>(&'a AtomicUsize);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[async_trait]
impl Sink for FakeSink {
    async fn send(&self, envelope: &Envelope) -> Result<Option<Event>, SinkError> {
        let now = self.concurrent.fetch_add(1, Ordering::SeqCst) + 1;
        let _running = Running(&self.concurrent);
        self.max_concurrent.fetch_max(now, Ordering::SeqCst);
        self.offered.lock().unwrap().push(envelope.event.clone());
        self.started.notify_one();
        let step = self.script.lock().unwrap().pop_front().unwrap_or(self.then);
        match step {
            Step::Ok => {}
            Step::Transient => return Err(SinkError::transient("503 busy")),
            Step::Permanent => return Err(SinkError::permanent("400 nope")),
            Step::Slow(d) => tokio::time::sleep(d).await,
            Step::Hang => std::future::pending::<()>().await,
            Step::Panic => panic!("scripted panic"),
        }
        self.confirmed.lock().unwrap().push(envelope.event.clone());
        Ok(None)
    }

    async fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }
}
