//! ferry: a CloudEvents gateway. Sources receive events over a protocol, the
//! routing table sends each to the sinks of every route that takes it, and sinks
//! deliver them, mapping every CloudEvent exactly to and from the protocol's frames.
//!
//! - [`config`]: loading (TOML, YAML, JSON; `${VAR}` substitution) and validation
//!   that reports every problem at once with its table and key.
//! - [`registry`]: the one place that knows every binding (`binding = "..."`).
//! - [`route`]: the routing table and the Subscriptions API filter dialects; pure.
//! - [`runtime`]: bounded queues, per-sink workers with retries and dead letters,
//!   settlement of each source message to its worst outcome, graceful shutdown.
//! - [`admin`] and [`metrics`]: `/healthz`, `/readyz`, `/metrics`.
//!
//! The bindings themselves live in their own crates under `bindings/`; the event
//! model and the Source/Sink contracts are in `ferry-core`.

pub mod admin;
pub mod config;
pub mod metrics;
pub mod registry;
pub mod route;
pub mod runtime;

pub use runtime::{start, Running};
