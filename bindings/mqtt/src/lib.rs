//! ferry-mqtt: the CloudEvents MQTT binding (spec digest 3.6) for MQTT 3.1.1
//! and 5, on rumqttc.
//!
//! # Source (`[sources.NAME] binding = "mqtt"`)
//! Subscribes to `topics` (wildcards allowed; `$share/<shared_group>/<topic>`
//! when `shared_group` is set) at `qos`, on a persistent session by default
//! (`clean_start = false`; MQTT 5 `session_expiry_secs`, default one day), with
//! the client id `ferry-<source name>-<hostname>` unless `client_id` is set.
//!
//! - **Modes**, detected per message ([`codec`]): MQTT 5 `Content Type`
//!   starting with `application/cloudevents` is structured (JSON only); else a
//!   `specversion` user property (or sdk-go's `ce-specversion`) is binary, with
//!   bare user-property names and `Content Type` as `datacontenttype`; else a
//!   payload that looks like a JSON event is structured (the only mode of
//!   3.1.1); else `wrap` makes an event of it, or it is invalid input (sent to
//!   the source's `dead_letter`, never blocking the session). Every message
//!   carries its topic as the protocol context `topic` (`{topic}` in `wrap`).
//! - **Ack mapping**: QoS 1/2 messages are acknowledged (PUBACK / PUBREC, manual
//!   acks) only once the event's routes settled (delivered, dead-lettered,
//!   invalid or filtered), in arrival order as MQTT requires. A `Retry` outcome
//!   keeps the message: ferry submits it again with a backoff capped at 30 s,
//!   and later PUBACKs wait for it. QoS 0 is at-most-once: a `Retry` is logged
//!   as lost.
//! - **Ordering**: messages are submitted in arrival order (per topic, the
//!   broker's order); the runtime keeps it per sink while nothing is retried and
//!   `max_in_flight = 1`.
//! - **Bounds**: at most `receive_maximum` messages are held (sent as Receive
//!   Maximum on MQTT 5; on 3.1.1 it is ferry's own bound). Past it, or while the
//!   runtime's queue is full, ferry stops reading the socket, which is the only
//!   flow control 3.1.1 has. Otherwise the socket is read eagerly, so the broker
//!   never queues for ferry. `max_packet_bytes` is advertised on MQTT 5; on
//!   3.1.1 a larger message is read and then treated as invalid input.
//! - **Reconnects** with backoff (200 ms doubling to 10 s). With a kept session
//!   the broker redelivers what was not acknowledged; a redelivered message
//!   ferry still holds is matched by packet id and not routed twice.
//!   Readiness is true while connected and subscribed.
//! - **Shutdown**: stop taking messages, wait for held outcomes, acknowledge the
//!   settled ones in order, DISCONNECT (the session stays for the next start).
//!
//! # Sink (`[sinks.NAME] binding = "mqtt"`)
//! Publishes to `topic` at `qos` (default 1) with `retain`, on a clean session
//! with the client id `ferry-sink-<sink name>-<hostname>` unless `client_id` is set.
//!
//! - **Modes**: MQTT 5 `binary` (default): user properties with bare attribute
//!   names and canonical string values, `Content Type` = `datacontenttype`
//!   (`application/json` for JSON data without one), payload = the data bytes.
//!   MQTT 5 `structured`: `Content Type: application/cloudevents+json;
//!   charset=UTF-8` and the JSON event. MQTT 3.1.1: the JSON event only
//!   (`mode = "binary"` is a config error).
//! - **Ack mapping**: `send` returns once the broker's PUBACK (QoS 1) or PUBCOMP
//!   (QoS 2) for that very packet arrived, matched by packet id,
//!   or once written at QoS 0. A lost connection fails the waiting sends as
//!   transient; an MQTT 5 refusal is permanent for `PayloadFormatInvalid`,
//!   `TopicNameInvalid` and `NotAuthorized`, transient otherwise (e.g.
//!   `QuotaExceeded`). A packet larger than the broker's Maximum Packet Size is
//!   refused before sending (permanent). Readiness is false while disconnected;
//!   sends then fail fast as transient.
//! - **Ordering**: publishes go out in `send` order; with `max_in_flight > 1`
//!   concurrent sends may interleave.
//!
//! # Weak spots
//! No TLS yet (`mqtts://` is refused; roadmap). A persistent session keeps
//! subscriptions a config no longer lists (change `client_id`, or start once
//! with `clean_start = true`). QoS 2 relies on rumqttc, which forgets incoming
//! QoS 2 state on reconnect: a PUBREL resent by the broker after a reconnect is
//! then refused and the connection is retried; prefer QoS 1. MQTT 3.1.1 has no
//! DUP-free way to tell a redelivery, so it relies on the DUP flag as MQTT 5
//! does. rumqttc reads a whole message before ferry sees it, so on 3.1.1 an
//! oversized message costs its size in memory. A sink send waits for its
//! PUBACK without a deadline of its own (keep-alive detects a dead broker).

mod acks;
mod broker;
mod client;
pub mod codec;
pub mod config;
mod confirm;
mod connection;
pub mod error;
mod hold;
mod inbound;
mod input;
mod names;
mod outbound;
mod sink;
mod source;

pub use config::{MqttSinkConfig, MqttSourceConfig, MqttVersion};
pub use error::{BuildError, DecodeError};
pub use sink::MqttSink;
pub use source::MqttSource;
