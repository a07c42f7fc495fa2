//! The delivery runtime: sources → router → per-sink workers → sinks, joined by
//! bounded queues (`runtime.channel_capacity`), with settlement flowing back.
//!
//! - Sources submit through an [`Intake`](ferry_core::Intake) into one bounded
//!   channel. The router evaluates the routing table and pushes one copy per
//!   (route, sink) into that sink's bounded queue; the copies share one event.
//! - Each sink's worker runs at most `max_in_flight` deliveries. A delivery
//!   retries transient failures with backoff, then dead-letters through the
//!   route's `dead_letter` sink (under that sink's own bounds), else gives up.
//! - A source message settles when all its copies have; the source gets the worst
//!   outcome. A copy dropped unsettled counts as `Retry` (see `settle`).
//! - Shutdown is staged and bounded by `shutdown_grace_ms` (see `shutdown`).
//!
//! [`start`] builds everything from a [`Config`]; [`start_with_parts`] takes
//! sources and sinks built elsewhere (tests use in-memory fakes).

mod assemble;
mod copy;
mod dead_letter;
mod deliver;
mod invalid;
mod retry;
mod router;
mod settle;
mod shutdown;
mod sink_worker;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use ferry_core::{ReadyFlag, Sink, Source};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, RetryConfig, RouteConfig, RuntimeConfig};
use crate::metrics::Metrics;
use crate::registry;

pub use dead_letter::{DEADLETTERREASON, DEADLETTERROUTE, DEADLETTERSINK};
pub use invalid::{DEADLETTERSOURCE, INVALID_TYPE};
pub use retry::RetryPolicy;

/// A built source and what the runtime needs to know about it.
pub struct SourcePart {
    pub name: String,
    /// Sink for input that is not a valid event.
    pub dead_letter: Option<String>,
    /// The flag the source keeps up to date; `/readyz` reads it.
    pub ready: ReadyFlag,
    pub source: Box<dyn Source>,
}

/// A built sink and its delivery bounds.
pub struct SinkPart {
    pub name: String,
    pub retry: RetryConfig,
    pub max_in_flight: usize,
    pub sink: Arc<dyn Sink>,
}

/// Everything [`start_with_parts`] needs.
pub struct Parts {
    /// Where `/healthz`, `/readyz` and `/metrics` listen (port 0: any free port).
    pub admin_listen: SocketAddr,
    pub runtime: RuntimeConfig,
    pub routes: Vec<RouteConfig>,
    pub sources: Vec<SourcePart>,
    pub sinks: Vec<SinkPart>,
}

impl Parts {
    /// Builds every source and sink a config names through the registry.
    pub fn from_config(config: Config) -> anyhow::Result<Self> {
        let mut sinks = Vec::with_capacity(config.sinks.len());
        for (name, sink) in &config.sinks {
            let built = registry::build_sink(name, &sink.settings)
                .with_context(|| format!("building sink `{name}`"))?;
            sinks.push(SinkPart {
                name: name.clone(),
                retry: sink.retry,
                max_in_flight: sink.max_in_flight,
                sink: built,
            });
        }
        let mut sources = Vec::with_capacity(config.sources.len());
        for (name, source) in &config.sources {
            // Down until the source says its connection is up.
            let ready = ReadyFlag::new(false);
            let built = registry::build_source(name, &source.settings)
                .with_context(|| format!("building source `{name}`"))?;
            sources.push(SourcePart {
                name: name.clone(),
                dead_letter: source.dead_letter.clone(),
                ready,
                source: built,
            });
        }
        Ok(Self {
            admin_listen: config.admin.listen,
            runtime: config.runtime,
            routes: config.routes,
            sources,
            sinks,
        })
    }
}

/// Starts the gateway a config describes.
pub async fn start(config: Config) -> anyhow::Result<Running> {
    start_with_parts(Parts::from_config(config)?).await
}

/// Starts the runtime around sources and sinks built by the caller.
pub async fn start_with_parts(parts: Parts) -> anyhow::Result<Running> {
    assemble::assemble(parts).await
}

/// A running gateway.
pub struct Running {
    admin_addr: SocketAddr,
    stop: CancellationToken,
    metrics: Arc<Metrics>,
    supervisor: JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// The address the admin server is bound to.
    pub fn admin_addr(&self) -> SocketAddr {
        self.admin_addr
    }

    /// Begins a graceful shutdown; calling it again does nothing more.
    pub fn shutdown(&self) {
        self.stop.cancel();
    }

    /// A handle that outlives [`Running::wait`]: cancelling it is [`Running::shutdown`],
    /// so a caller can wait and still react to a signal.
    pub fn stop_handle(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Resolves once everything has stopped, with the first source failure if any.
    pub async fn wait(self) -> anyhow::Result<()> {
        self.supervisor
            .await
            .context("the runtime supervisor panicked")?
    }

    /// The Prometheus/OpenMetrics text `/metrics` serves.
    pub fn metrics_text(&self) -> String {
        self.metrics.encode()
    }

    /// The metrics themselves (per-source totals for embedding and tests).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }
}
