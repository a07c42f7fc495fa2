//! The supervisor: runs until shutdown is asked for (or a source fails), then
//! stops in order, every step bounded in time:
//!
//! 1. cancel the sources' token: they stop intake, wait for the outcomes of what
//!    they have in flight, acknowledge, and return;
//! 2. in-flight copies keep being delivered until `shutdown_grace_ms` elapses;
//!    past it the remaining deliveries are aborted and settle as `Retry`, so the
//!    sources leave those messages for redelivery;
//! 3. the router and the sink workers drain and stop;
//! 4. every sink is closed, the per-source totals are logged, the admin server stops.

use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;
use tokio::task::{JoinError, JoinHandle, JoinSet};
use tokio::time::{timeout, timeout_at, Instant};
use tokio_util::sync::CancellationToken;
use tracing::{debug, error, info, warn};

use super::copy::SinkHandle;
use crate::metrics::Metrics;

/// After aborting deliveries, how long sources get to acknowledge (as Retry) and
/// return before they are aborted too.
const ABORT_ACK_WINDOW: Duration = Duration::from_secs(2);
/// How long closing all sinks may take: a peer that is gone must not keep the
/// process alive.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// How a source task ended: its name and its error (or panic) text.
pub type SourceExit = (Arc<str>, Result<(), String>);

/// The tokens that drive the stages of a shutdown.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    /// Sources stop intake; `/readyz` turns false. `Running::shutdown` cancels it.
    pub stop: CancellationToken,
    /// The router stops taking submissions and drains its queue.
    pub close_intake: CancellationToken,
    /// The router and every delivery stop at once (grace elapsed).
    pub abort: CancellationToken,
    /// The admin server stops.
    pub admin: CancellationToken,
}

/// Everything the supervisor owns.
pub struct Tasks {
    pub sources: JoinSet<SourceExit>,
    /// The router and the sink workers.
    pub pipeline: JoinSet<()>,
    pub sinks: Vec<Arc<SinkHandle>>,
    pub admin: JoinHandle<()>,
    pub tokens: Tokens,
    pub grace: Duration,
    pub metrics: Arc<Metrics>,
}

/// Runs the whole lifecycle; the result is the first source failure, if any.
pub async fn supervise(mut tasks: Tasks) -> anyhow::Result<()> {
    let mut failure = None;
    run_until_stop(&mut tasks, &mut failure).await;
    tasks.tokens.stop.cancel();
    info!(grace = ?tasks.grace, "shutting down: intake stopped, in-flight events settling");
    let deadline = Instant::now() + tasks.grace;
    stop_sources(&mut tasks, deadline, &mut failure).await;
    stop_pipeline(&mut tasks, deadline).await;
    close_sinks(&tasks.sinks).await;
    log_totals(&tasks.metrics);
    tasks.tokens.admin.cancel();
    if let Err(err) = tasks.admin.await {
        debug!(%err, "admin server task ended abnormally");
    }
    failure.map_or(Ok(()), Err)
}

/// Waits for a shutdown request or a failing source.
async fn run_until_stop(tasks: &mut Tasks, failure: &mut Option<anyhow::Error>) {
    loop {
        tokio::select! {
            _ = tasks.tokens.stop.cancelled() => return,
            Some(joined) = tasks.sources.join_next() => {
                if source_exited(joined, failure) {
                    return;
                }
            }
        }
    }
}

/// Lets sources finish within the grace; past it, aborts deliveries (so every
/// pending outcome resolves to Retry) and gives sources a short window to
/// acknowledge that before aborting them.
async fn stop_sources(tasks: &mut Tasks, deadline: Instant, failure: &mut Option<anyhow::Error>) {
    let drained = timeout_at(deadline, join_sources(&mut tasks.sources, failure)).await;
    if drained.is_err() {
        warn!("shutdown grace elapsed; aborting in-flight deliveries (they will be redelivered)");
        tasks.tokens.abort.cancel();
        let acked = timeout(ABORT_ACK_WINDOW, join_sources(&mut tasks.sources, failure)).await;
        if acked.is_err() {
            warn!("sources did not stop in time; aborting them");
            tasks.sources.abort_all();
            join_sources(&mut tasks.sources, failure).await;
        }
    }
    tasks.tokens.close_intake.cancel();
}

/// Lets the router and workers drain within the grace, else aborts them. Either
/// way they have stopped touching the sinks when this returns.
async fn stop_pipeline(tasks: &mut Tasks, deadline: Instant) {
    if timeout_at(deadline, join_pipeline(&mut tasks.pipeline))
        .await
        .is_err()
    {
        warn!("shutdown grace elapsed; aborting the remaining deliveries");
        tasks.tokens.abort.cancel();
        join_pipeline(&mut tasks.pipeline).await;
    }
}

async fn join_sources(sources: &mut JoinSet<SourceExit>, failure: &mut Option<anyhow::Error>) {
    while let Some(joined) = sources.join_next().await {
        source_exited(joined, failure);
    }
}

async fn join_pipeline(pipeline: &mut JoinSet<()>) {
    while let Some(joined) = pipeline.join_next().await {
        if let Err(err) = joined {
            if err.is_panic() {
                error!(%err, "a runtime task panicked");
            }
        }
    }
}

/// Logs how a source ended; returns true (and records the failure) if it failed.
fn source_exited(
    joined: Result<SourceExit, JoinError>,
    failure: &mut Option<anyhow::Error>,
) -> bool {
    match joined {
        Ok((name, Ok(()))) => {
            info!(source = %name, "source stopped");
            false
        }
        Ok((name, Err(err))) => {
            error!(source = %name, %err, "source failed");
            failure.get_or_insert_with(|| anyhow::anyhow!("source `{name}` failed: {err}"));
            true
        }
        // Only an abort at shutdown cancels a source task (panics are caught).
        Err(err) => {
            debug!(%err, "source task aborted");
            false
        }
    }
}

async fn close_sinks(sinks: &[Arc<SinkHandle>]) {
    let closes = join_all(sinks.iter().map(|s| s.sink.close()));
    if timeout(CLOSE_TIMEOUT, closes).await.is_err() {
        warn!("closing the sinks timed out");
    }
}

/// One line with every source's balance.
fn log_totals(metrics: &Metrics) {
    let totals: Vec<String> = metrics
        .source_totals()
        .iter()
        .map(|t| {
            format!(
                "{}: received={} delivered={} dead_lettered={} invalid={} filtered={} retry={} in_flight={}",
                t.source, t.received, t.delivered, t.dead_lettered, t.invalid, t.filtered, t.retry, t.in_flight
            )
        })
        .collect();
    info!(totals = %totals.join("; "), "ferry stopped");
}
