//! Runtime tests with in-memory sources and sinks: no network besides the admin
//! server on a loopback port, and paused time wherever backoff or slowness plays.

mod bounds;
mod delivery;
mod fakes;
mod shutdown;

use std::sync::Arc;

use ferry_core::event::AttrInput;
use ferry_core::{Envelope, Event, EventBuilder, Outcome, ProtocolContext, Submission};

use super::{start_with_parts, Parts, Running, SinkPart, SourcePart};
use crate::config::{RetryConfig, RouteConfig, RuntimeConfig};
use fakes::{FakeSink, ScriptedSource};

fn event(id: &str) -> Event {
    let mut b = EventBuilder::new();
    let attrs = [
        ("specversion", "1.0"),
        ("id", id),
        ("source", "/test"),
        ("type", "t"),
    ];
    for (name, value) in attrs {
        b.attribute(name, AttrInput::String(value.into())).unwrap();
    }
    b.build().unwrap()
}

fn submit(source: &str, id: &str) -> Submission {
    Submission::Event(Envelope::new(
        event(id),
        source.into(),
        ProtocolContext::new(),
    ))
}

fn invalid(payload: &'static [u8], reason: &str) -> Submission {
    Submission::Invalid {
        payload: bytes::Bytes::from_static(payload),
        reason: reason.to_owned(),
        context: ProtocolContext::new(),
    }
}

fn route(name: &str, from: &str, to: &[&str], dead_letter: Option<&str>) -> RouteConfig {
    RouteConfig {
        name: Some(name.to_owned()),
        from: vec![from.to_owned()],
        to: to.iter().map(|s| (*s).to_owned()).collect(),
        filter: None,
        dead_letter: dead_letter.map(str::to_owned),
    }
}

/// Builds parts; `sinks` take the default retry policy and `max_in_flight` 64.
struct Setup {
    parts: Parts,
}

impl Setup {
    fn new(routes: Vec<RouteConfig>) -> Self {
        let runtime = RuntimeConfig {
            channel_capacity: 16,
            ..RuntimeConfig::default()
        };
        Self {
            parts: Parts {
                admin_listen: "127.0.0.1:0".parse().unwrap(),
                runtime,
                routes,
                sources: Vec::new(),
                sinks: Vec::new(),
            },
        }
    }

    fn grace_ms(mut self, ms: u64) -> Self {
        self.parts.runtime.shutdown_grace_ms = ms;
        self
    }

    fn sink(self, name: &str, sink: Arc<FakeSink>) -> Self {
        self.sink_with(name, sink, RetryConfig::default(), 64)
    }

    fn sink_with(
        mut self,
        name: &str,
        sink: Arc<FakeSink>,
        retry: RetryConfig,
        max: usize,
    ) -> Self {
        self.parts.sinks.push(SinkPart {
            name: name.to_owned(),
            retry,
            max_in_flight: max,
            sink,
        });
        self
    }

    /// Adds a scripted source; returns the receiver of its outcomes.
    fn source(
        &mut self,
        name: &str,
        dead_letter: Option<&str>,
        script: Vec<Submission>,
    ) -> tokio::sync::oneshot::Receiver<Vec<Outcome>> {
        let (source, outcomes) = ScriptedSource::new(script);
        self.parts.sources.push(SourcePart {
            name: name.to_owned(),
            dead_letter: dead_letter.map(str::to_owned),
            ready: ferry_core::ReadyFlag::new(true),
            source,
        });
        outcomes
    }

    async fn start(self) -> Running {
        start_with_parts(self.parts).await.unwrap()
    }
}

fn retry(attempts: u32) -> RetryConfig {
    RetryConfig {
        attempts,
        ..RetryConfig::default()
    }
}

/// Shuts down and checks that every sink was closed and nothing is in flight.
async fn stop(running: Running, sinks: &[&FakeSink]) -> crate::metrics::SourceTotals {
    running.shutdown();
    let metrics = running.metrics.clone();
    running.wait().await.unwrap();
    for sink in sinks {
        assert!(sink.closed.load(std::sync::atomic::Ordering::SeqCst));
    }
    let totals = metrics.source_totals();
    for t in &totals {
        let settled = t.delivered + t.dead_lettered + t.invalid + t.filtered + t.retry;
        assert_eq!(t.received, settled, "{t:?}");
        assert_eq!(t.in_flight, 0, "{t:?}");
    }
    totals.into_iter().next().unwrap()
}
