//! Wiring: from built sources and sinks to running tasks joined by bounded queues.

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, ensure};
use ferry_core::{Intake, Source, Submitted};
use futures::FutureExt as _;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::copy::SinkHandle;
use super::router::{Router, SinkEntry, SourceEntry};
use super::shutdown::{self, SourceExit, Tasks, Tokens};
use super::{sink_worker, Parts, Running, SinkPart, SourcePart};
use crate::admin::{self, AdminState, Readiness};
use crate::config::RouteConfig;
use crate::metrics::Metrics;
use crate::route::RoutingTable;

/// Checks the parts, binds the admin server, and spawns every task.
pub async fn assemble(parts: Parts) -> anyhow::Result<Running> {
    check(&parts)?;
    // Bound first: if the address is taken, nothing has started yet.
    let listener = admin::bind(parts.admin_listen).await?;
    let admin_addr = listener.local_addr()?;
    let metrics = Arc::new(Metrics::new());
    let tokens = Tokens::default();
    let capacity = parts.runtime.channel_capacity;

    let mut pipeline = JoinSet::new();
    let sinks = spawn_sinks(parts.sinks, capacity, &metrics, &tokens, &mut pipeline);
    let handles: Vec<Arc<SinkHandle>> = sinks.values().map(|e| e.handle.clone()).collect();
    let router = build_router(&parts.routes, &parts.sources, sinks, &metrics);
    let (intake, rx) = mpsc::channel::<Submitted>(capacity);
    let (close, abort) = (tokens.close_intake.clone(), tokens.abort.clone());
    pipeline.spawn(router.run(rx, close, abort));

    let readiness = Readiness {
        sources: (parts.sources.iter())
            .map(|s| (Arc::from(s.name.as_str()), s.ready.clone()))
            .collect(),
        sinks: handles
            .iter()
            .map(|h| (h.name.clone(), h.sink.clone()))
            .collect(),
        stopping: tokens.stop.clone(),
    };
    let state = Arc::new(AdminState {
        metrics: metrics.clone(),
        readiness,
    });
    let admin = admin::serve(listener, state, tokens.admin.clone());
    let sources = spawn_sources(parts.sources, intake, &tokens.stop);

    let tasks = Tasks {
        sources,
        pipeline,
        sinks: handles,
        admin,
        tokens: tokens.clone(),
        grace: Duration::from_millis(parts.runtime.shutdown_grace_ms),
        metrics: metrics.clone(),
    };
    Ok(Running {
        admin_addr,
        stop: tokens.stop,
        metrics,
        supervisor: tokio::spawn(shutdown::supervise(tasks)),
    })
}

/// One bounded queue and one worker per sink.
fn spawn_sinks(
    parts: Vec<SinkPart>,
    capacity: usize,
    metrics: &Metrics,
    tokens: &Tokens,
    pipeline: &mut JoinSet<()>,
) -> HashMap<Arc<str>, SinkEntry> {
    let mut sinks = HashMap::new();
    for part in parts {
        let handle = Arc::new(SinkHandle {
            metrics: metrics.sink(&part.name),
            name: part.name.into(),
            sink: part.sink,
            retry: part.retry.into(),
            slots: Arc::new(Semaphore::new(part.max_in_flight)),
        });
        let (queue, rx) = mpsc::channel(capacity);
        pipeline.spawn(sink_worker::run(handle.clone(), rx, tokens.abort.clone()));
        sinks.insert(handle.name.clone(), SinkEntry { handle, queue });
    }
    sinks
}

/// The routing table with every name resolved to its counters and queues.
fn build_router(
    routes: &[RouteConfig],
    sources: &[SourcePart],
    sinks: HashMap<Arc<str>, SinkEntry>,
    metrics: &Metrics,
) -> Router {
    let table = RoutingTable::new(routes);
    let routes = (table.routes().iter())
        .map(|r| (r.name.clone(), metrics.route(&r.name)))
        .collect();
    let sources = (sources.iter())
        .map(|part| {
            let entry = SourceEntry {
                metrics: metrics.source(&part.name),
                dead_letter: part.dead_letter.as_deref().map(Arc::from),
            };
            (Arc::from(part.name.as_str()), entry)
        })
        .collect();
    Router {
        table,
        sources,
        sinks,
        routes,
    }
}

/// Spawns every source with its own intake on the shared channel.
fn spawn_sources(
    parts: Vec<SourcePart>,
    intake: mpsc::Sender<Submitted>,
    stop: &CancellationToken,
) -> JoinSet<SourceExit> {
    let mut sources = JoinSet::new();
    for part in parts {
        let name: Arc<str> = part.name.into();
        let source_intake = Intake::new(name.clone(), intake.clone(), part.ready);
        sources.spawn(run_source(name, part.source, source_intake, stop.clone()));
    }
    // `intake` is dropped here: only the sources hold the channel now, so the
    // router sees it close once the last of them returns.
    sources
}

/// Runs a source, turning a panic into an error so the supervisor names it.
async fn run_source(
    name: Arc<str>,
    source: Box<dyn Source>,
    intake: Intake,
    stop: CancellationToken,
) -> SourceExit {
    let run = AssertUnwindSafe(source.run(intake, stop)).catch_unwind();
    let result = match run.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err("panicked".to_owned()),
    };
    (name, result)
}

/// Every name refers to something that exists, and every bound is usable.
/// The config loader checks this for files; parts built by hand get it here.
fn check(parts: &Parts) -> anyhow::Result<()> {
    ensure!(
        parts.runtime.channel_capacity > 0,
        "runtime.channel_capacity must be at least 1"
    );
    let sinks = unique(parts.sinks.iter().map(|s| s.name.as_str()), "sink")?;
    let sources = unique(parts.sources.iter().map(|s| s.name.as_str()), "source")?;
    for sink in &parts.sinks {
        ensure!(
            sink.max_in_flight > 0,
            "sink `{}`: max_in_flight must be at least 1",
            sink.name
        );
    }
    for source in &parts.sources {
        if let Some(dl) = &source.dead_letter {
            ensure!(
                sinks.contains(dl.as_str()),
                "source `{}`: unknown dead_letter sink `{dl}`",
                source.name
            );
        }
    }
    for (i, route) in parts.routes.iter().enumerate() {
        let name = route.display_name(i);
        for from in &route.from {
            ensure!(
                sources.contains(from.as_str()),
                "route `{name}`: unknown source `{from}`"
            );
        }
        for to in route.to.iter().chain(&route.dead_letter) {
            ensure!(
                sinks.contains(to.as_str()),
                "route `{name}`: unknown sink `{to}`"
            );
        }
    }
    Ok(())
}

fn unique<'a>(
    names: impl Iterator<Item = &'a str>,
    what: &str,
) -> anyhow::Result<HashSet<&'a str>> {
    let mut seen = HashSet::new();
    for name in names {
        if !seen.insert(name) {
            bail!("two {what}s are named `{name}`");
        }
    }
    Ok(seen)
}
