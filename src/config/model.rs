//! The configuration as the rest of ferry sees it, after loading and validation.
//! Table and key names here are the user interface documented in the README.
//!
//! Every struct refuses unknown keys; [`super::validate`] parses each table on its
//! own (sources and sinks split into the common keys here and the binding's keys,
//! parsed by [`crate::registry`]) and checks references between them.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use serde::Deserialize;

use crate::registry::{SinkSettings, SourceSettings};
use crate::route::filter::Filter;

/// The whole file.
#[derive(Debug, Clone)]
pub struct Config {
    /// `[admin]`; defaults when absent.
    pub admin: AdminConfig,
    /// `[runtime]`; defaults when absent.
    pub runtime: RuntimeConfig,
    /// Keyed by source name.
    pub sources: BTreeMap<String, SourceConfig>,
    /// Keyed by sink name.
    pub sinks: BTreeMap<String, SinkConfig>,
    /// In file order.
    pub routes: Vec<RouteConfig>,
}

/// `[admin]`: the health and metrics server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminConfig {
    /// Address of `/healthz`, `/readyz` and `/metrics`.
    #[serde(default = "AdminConfig::default_listen")]
    pub listen: SocketAddr,
}

impl AdminConfig {
    fn default_listen() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 9600))
    }
}

impl Default for AdminConfig {
    fn default() -> Self {
        Self {
            listen: Self::default_listen(),
        }
    }
}

/// `[runtime]`: bounds that apply to the whole gateway.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuntimeConfig {
    /// On SIGTERM/SIGINT, how long in-flight events get to settle.
    pub shutdown_grace_ms: u64,
    /// Reply events stop re-entering the table after this many hops.
    pub max_hops: u32,
    /// Capacity of every bounded queue between sources, routes and sinks.
    pub channel_capacity: usize,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            shutdown_grace_ms: 20_000,
            max_hops: 16,
            channel_capacity: 1024,
        }
    }
}

/// `[sources.NAME]`.
#[derive(Debug, Clone)]
pub struct SourceConfig {
    /// `binding = "..."`.
    pub binding: String,
    /// Sink that receives input which is not a valid event.
    pub dead_letter: Option<String>,
    /// The binding's own keys.
    pub settings: SourceSettings,
}

/// `[sinks.NAME]`.
#[derive(Debug, Clone)]
pub struct SinkConfig {
    /// `binding = "..."`.
    pub binding: String,
    /// How transient failures are retried.
    pub retry: RetryConfig,
    /// Copies this sink may have unconfirmed at once.
    pub max_in_flight: usize,
    /// The binding's own keys.
    pub settings: SinkSettings,
}

/// The keys every source has besides its binding's own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceCommon {
    /// Which binding receives: `http`, `mqtt`, `kafka`, `amqp`, `nats`.
    pub binding: String,
    /// Sink that receives input which is not a valid event.
    #[serde(default)]
    pub dead_letter: Option<String>,
}

/// The keys every sink has besides its binding's own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinkCommon {
    /// Which binding delivers: `http`, `mqtt`, `kafka`, `amqp`, `nats`, `stdout`,
    /// `file`.
    pub binding: String,
    /// `retry = { attempts, initial_backoff_ms, max_backoff_ms }`.
    #[serde(default)]
    pub retry: RetryConfig,
    /// Copies unconfirmed at once (default 64; order per key holds only with 1).
    #[serde(default = "SinkCommon::default_max_in_flight")]
    pub max_in_flight: usize,
}

impl SinkCommon {
    /// Keys of this struct, split off a sink table before the binding parses the rest.
    pub const KEYS: &'static [&'static str] = &["binding", "retry", "max_in_flight"];

    fn default_max_in_flight() -> usize {
        64
    }
}

impl SourceCommon {
    /// Keys of this struct, split off a source table before the binding parses the rest.
    pub const KEYS: &'static [&'static str] = &["binding", "dead_letter"];
}

/// `retry = { ... }` on a sink. Attempts count the first try.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct RetryConfig {
    /// Tries in total, the first included (at least 1; default 5).
    pub attempts: u32,
    /// Wait before the second try, doubling after each (greater than 0; default 100).
    pub initial_backoff_ms: u64,
    /// The longest wait between tries (at least the initial one; default 10000).
    pub max_backoff_ms: u64,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            attempts: 5,
            initial_backoff_ms: 100,
            max_backoff_ms: 10_000,
        }
    }
}

/// `[[routes]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteConfig {
    /// Defaults to `route-<index>` (1-based) in metrics and errors.
    #[serde(default)]
    pub name: Option<String>,
    /// Source names this route takes events from.
    pub from: Vec<String>,
    /// Sink names; each gets one copy.
    pub to: Vec<String>,
    /// Absent: the route takes every event.
    #[serde(default)]
    pub filter: Option<Filter>,
    /// Sink for copies that fail permanently or exhaust their retries.
    #[serde(default)]
    pub dead_letter: Option<String>,
}

impl RouteConfig {
    /// The route's name, or `route-<index>` for the `index`-th route (0-based input).
    pub fn display_name(&self, index: usize) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("route-{}", index + 1))
    }
}
