//! ferry-http: the CloudEvents HTTP binding (spec digest 3.2) and webhook rules
//! (spec digest 4), on hyper.
//!
//! # Source (`[sources.NAME] binding = "http"`)
//! A server on `listen` (HTTP/1.1, and HTTP/2 with prior knowledge, i.e. h2c)
//! serving `path` only (404 elsewhere). POST carries events; OPTIONS is the
//! webhook handshake; any other method gets 405 with `Allow: POST, OPTIONS`.
//!
//! - **Modes**, detected per request: `Content-Type` starting with
//!   `application/cloudevents-batch` (case-insensitive, tested first) is a batch,
//!   `application/cloudevents` structured; only the JSON format is read (another
//!   format gets 415). Otherwise binary: `ce-*` headers (percent-decoded),
//!   `Content-Type` as `datacontenttype`, the body as data (empty: no data). A
//!   `ce-datacontenttype` header or a repeated `ce-*` header is a 400; a request
//!   with neither a CloudEvents content type nor `ce-specversion` is "not a
//!   CloudEvent" (400).
//! - **Ack mapping**: the answer waits for the outcome. Delivered, dead-lettered
//!   and filtered: 204. Retry, or no outcome within `request_timeout_ms`: 503 with
//!   `Retry-After: 5`. Invalid input is submitted as such (dead letter or log)
//!   and answered 400, or 415 for an unreadable format, with `{"error": reason}`;
//!   if even that does not settle (a failing dead-letter sink) it is a 503, so the
//!   sender keeps it. A batch is answered by its worst outcome; `[]` gets 204.
//! - **Auth**: with `auth_token`, POST needs `Authorization: Bearer <token>` or
//!   `?access_token=<token>` (compared in constant time), else 401. The OPTIONS
//!   handshake needs no token: it is consent, not authentication (spec 4.3).
//! - **Limits**: a `Content-Length` over `max_body_bytes` is a 413 before any
//!   byte is read; a streamed body that grows past it, 413 too. The request
//!   deadline covers the upload, so a trickling sender gets 408.
//! - **Ordering**: none across requests; a sender that needs order sends one at
//!   a time and waits for the 204. Events of one batch are submitted in order.
//! - **Shutdown**: stops accepting, lets requests in progress be answered, returns.
//!
//! # Sink (`[sinks.NAME] binding = "http"`)
//! POST to `url` over a pooled HTTP/1.1 client, redirects never followed.
//!
//! - **Modes**: `binary` (default) writes `ce-<name>` headers (percent-encoded),
//!   `Content-Type` from `datacontenttype` (`application/json` for JSON data
//!   without one; none otherwise) and the data as body. An event without data is
//!   sent structured even in binary mode, since a webhook delivery must carry a
//!   body (spec 4.1). `structured` writes `application/cloudevents+json`.
//! - **Ack mapping**: 2xx is delivered; a 2xx carrying a CloudEvent (binary or
//!   structured) is returned as the reply event (an invalid one is logged and
//!   ignored). 429 and 5xx are transient, with `Retry-After` (seconds or date,
//!   capped at 300 s) as the retry hint; timeouts (`timeout_ms`, whole exchange)
//!   and connection errors are transient; 3xx and other 4xx are permanent.
//! - **Knobs**: `mode`, `timeout_ms`, `headers` (extra request headers;
//!   `Content-Type`, `Content-Length` and `ce-*` are refused).
//! - **Ordering**: none beyond what the runtime's `max_in_flight` gives; the
//!   client pools connections and sends concurrently.
//!
//! # Weak spots
//! No TLS on either side yet (roadmap). The handshake never uses the callback
//! grant and ferry does not enforce the rate it grants. The sink reads at most
//! 1 MiB of a response. Reply batches of more than one event are ignored. Binary
//! data without `datacontenttype` goes without `Content-Type` (spec 3.2), which
//! a strict webhook receiver (spec 4.1 wants one) may refuse: use `structured`.

mod answer;
mod auth;
pub mod codec;
pub mod config;
pub mod error;
mod handler;
mod handshake;
mod header;
mod retry_after;
mod sink;
mod source;

pub use config::{HttpSinkConfig, HttpSourceConfig};
pub use error::{DecodeError, EncodeError, HttpSinkError};
pub use sink::HttpSink;
pub use source::HttpSource;

#[cfg(test)]
mod tests;
