//! Prometheus metrics: every name ferry exports is a constant here, in one place.
//!
//! Label values only ever come from configured names (source, sink and route
//! names) and fixed words (outcomes, copy results), so cardinality is bounded by
//! the config file. Handles for every configured name are created once at start,
//! so the hot path only touches atomics.
//!
//! Per source the counters form an exact balance that operators can check:
//! `received = delivered + dead_lettered + invalid + filtered + retry + in_flight`.

use std::collections::BTreeMap;
use std::sync::Mutex;

use ferry_core::Outcome;
use prometheus_client::encoding::{text, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::{Family, MetricConstructor};
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// `ferry_source_received_total{source}`: messages a source handed to the runtime.
pub const SOURCE_RECEIVED: &str = "ferry_source_received";
/// `ferry_source_outcomes_total{source,outcome}`: final outcomes handed back.
pub const SOURCE_OUTCOMES: &str = "ferry_source_outcomes";
/// `ferry_source_in_flight{source}`: received and not yet settled.
pub const SOURCE_IN_FLIGHT: &str = "ferry_source_in_flight";
/// `ferry_sink_copies_total{sink,result}`: copies delivered, retry attempts, copies failed.
pub const SINK_COPIES: &str = "ferry_sink_copies";
/// `ferry_sink_delivery_seconds{sink}`: from copy creation to the sink's confirmation.
pub const SINK_DELIVERY_SECONDS: &str = "ferry_sink_delivery_seconds";
/// `ferry_route_events_total{route}`: events a route took.
pub const ROUTE_EVENTS: &str = "ferry_route_events";

/// `result` label values of [`SINK_COPIES`].
pub mod copy_result {
    pub const DELIVERED: &str = "delivered";
    pub const RETRIED: &str = "retried";
    pub const FAILED: &str = "failed";
}

/// Every outcome, in the order totals are reported.
const OUTCOMES: [Outcome; 5] = [
    Outcome::Delivered,
    Outcome::DeadLettered,
    Outcome::Invalid,
    Outcome::Filtered,
    Outcome::Retry,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabels {
    source: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    source: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SinkLabels {
    sink: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CopyLabels {
    sink: String,
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

/// Builds the latency histograms: 0.5 ms to about 16 s, doubling.
#[derive(Clone, Copy)]
struct LatencyBuckets;

impl MetricConstructor<Histogram> for LatencyBuckets {
    fn new_metric(&self) -> Histogram {
        Histogram::new(exponential_buckets(0.0005, 2.0, 16))
    }
}

/// The counters of one source, shared by every message it submits.
#[derive(Clone, Debug)]
pub struct SourceMetrics {
    pub received: Counter,
    pub in_flight: Gauge,
    outcomes: [Counter; 5],
}

impl SourceMetrics {
    /// Counts a final outcome and takes the message out of `in_flight`.
    pub fn settled(&self, outcome: Outcome) {
        self.outcomes[outcome_index(outcome)].inc();
        self.in_flight.dec();
    }

    /// A message entered the runtime.
    pub fn submitted(&self) {
        self.received.inc();
        self.in_flight.inc();
    }
}

/// The counters of one sink.
#[derive(Clone, Debug)]
pub struct SinkMetrics {
    pub delivered: Counter,
    pub retried: Counter,
    pub failed: Counter,
    pub latency: Histogram,
}

/// A snapshot of one source's balance, for logs and tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceTotals {
    pub source: String,
    pub received: u64,
    pub delivered: u64,
    pub dead_lettered: u64,
    pub invalid: u64,
    pub filtered: u64,
    pub retry: u64,
    pub in_flight: i64,
}

/// The registry and its metric families.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    received: Family<SourceLabels, Counter>,
    outcomes: Family<OutcomeLabels, Counter>,
    in_flight: Family<SourceLabels, Gauge>,
    copies: Family<CopyLabels, Counter>,
    latency: Family<SinkLabels, Histogram, LatencyBuckets>,
    routes: Family<RouteLabels, Counter>,
    /// Handles by source name, for [`Metrics::source_totals`].
    sources: Mutex<BTreeMap<String, SourceMetrics>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let received = Family::default();
        let outcomes = Family::default();
        let in_flight = Family::default();
        let copies = Family::default();
        let latency = Family::new_with_constructor(LatencyBuckets);
        let routes = Family::default();
        let help = "Messages a source handed to the runtime";
        registry.register(SOURCE_RECEIVED, help, received.clone());
        let help = "Final outcomes handed back to sources (retry: left for redelivery)";
        registry.register(SOURCE_OUTCOMES, help, outcomes.clone());
        let help = "Source messages received and not yet settled";
        registry.register(SOURCE_IN_FLIGHT, help, in_flight.clone());
        let help = "Copies per sink: delivered, retried (each retry attempt), failed";
        registry.register(SINK_COPIES, help, copies.clone());
        let help = "Seconds from copy creation to the sink's confirmation";
        registry.register(SINK_DELIVERY_SECONDS, help, latency.clone());
        registry.register(ROUTE_EVENTS, "Events a route took", routes.clone());
        Self {
            registry,
            received,
            outcomes,
            in_flight,
            copies,
            latency,
            routes,
            sources: Mutex::new(BTreeMap::new()),
        }
    }

    /// The handles of source `name`; every series is created (at zero) right away.
    pub fn source(&self, name: &str) -> SourceMetrics {
        let labels = SourceLabels {
            source: name.to_owned(),
        };
        let outcomes = OUTCOMES.map(|o| {
            let labels = OutcomeLabels {
                source: name.to_owned(),
                outcome: o.as_str(),
            };
            self.outcomes.get_or_create(&labels).clone()
        });
        let metrics = SourceMetrics {
            received: self.received.get_or_create(&labels).clone(),
            in_flight: self.in_flight.get_or_create(&labels).clone(),
            outcomes,
        };
        lock(&self.sources).insert(name.to_owned(), metrics.clone());
        metrics
    }

    /// The handles of sink `name`.
    pub fn sink(&self, name: &str) -> SinkMetrics {
        let copies = |result| {
            let labels = CopyLabels {
                sink: name.to_owned(),
                result,
            };
            self.copies.get_or_create(&labels).clone()
        };
        let labels = SinkLabels {
            sink: name.to_owned(),
        };
        SinkMetrics {
            delivered: copies(copy_result::DELIVERED),
            retried: copies(copy_result::RETRIED),
            failed: copies(copy_result::FAILED),
            latency: self.latency.get_or_create(&labels).clone(),
        }
    }

    /// The events-taken counter of route `name`.
    pub fn route(&self, name: &str) -> Counter {
        let labels = RouteLabels {
            route: name.to_owned(),
        };
        self.routes.get_or_create(&labels).clone()
    }

    /// Every source's balance, by name.
    pub fn source_totals(&self) -> Vec<SourceTotals> {
        lock(&self.sources)
            .iter()
            .map(|(name, m)| {
                let [delivered, dead_lettered, invalid, filtered, retry] =
                    m.outcomes.clone().map(|c| c.get());
                SourceTotals {
                    source: name.clone(),
                    received: m.received.get(),
                    delivered,
                    dead_lettered,
                    invalid,
                    filtered,
                    retry,
                    in_flight: m.in_flight.get(),
                }
            })
            .collect()
    }

    /// The OpenMetrics text exposition (what `GET /metrics` serves).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail; an encoder error would only mean a
        // metric refused to encode, and a partial scrape is better than none.
        if let Err(err) = text::encode(&mut out, &self.registry) {
            tracing::warn!(%err, "encoding metrics failed");
        }
        out
    }
}

/// The content type of [`Metrics::encode`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

fn outcome_index(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Delivered => 0,
        Outcome::DeadLettered => 1,
        Outcome::Invalid => 2,
        Outcome::Filtered => 3,
        Outcome::Retry => 4,
    }
}

/// Locks, ignoring poisoning: the data are counters and maps that stay
/// consistent even if a holder panicked.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_labels_appear_in_the_exposition() {
        let metrics = Metrics::new();
        let source = metrics.source("devices");
        source.submitted();
        source.settled(Outcome::DeadLettered);
        let sink = metrics.sink("dlq");
        sink.retried.inc();
        sink.latency.observe(0.01);
        metrics.route("iot").inc();
        let text = metrics.encode();
        for line in [
            "ferry_source_received_total{source=\"devices\"} 1",
            "ferry_source_outcomes_total{source=\"devices\",outcome=\"dead_lettered\"} 1",
            "ferry_source_outcomes_total{source=\"devices\",outcome=\"retry\"} 0",
            "ferry_source_in_flight{source=\"devices\"} 0",
            "ferry_sink_copies_total{sink=\"dlq\",result=\"retried\"} 1",
            "ferry_sink_delivery_seconds_count{sink=\"dlq\"} 1",
            "ferry_route_events_total{route=\"iot\"} 1",
        ] {
            assert!(text.contains(line), "missing `{line}` in:\n{text}");
        }
    }

    #[test]
    fn totals_balance() {
        let metrics = Metrics::new();
        let source = metrics.source("s");
        for _ in 0..3 {
            source.submitted();
        }
        source.settled(Outcome::Filtered);
        source.settled(Outcome::Retry);
        let totals = &metrics.source_totals()[0];
        assert_eq!(totals.received, 3);
        assert_eq!((totals.filtered, totals.retry, totals.in_flight), (1, 1, 1));
    }
}
