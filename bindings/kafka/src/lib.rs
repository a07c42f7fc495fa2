//! ferry-kafka: the CloudEvents Kafka binding (spec digest 3.7) on rdkafka, with
//! the librdkafka the `rdkafka` crate bundles.
//!
//! # Source (`[sources.NAME] binding = "kafka"`)
//! A member of consumer group `group_id` subscribed to `topics`; a group without
//! committed offsets starts at `start` (`earliest` by default).
//!
//! - **Modes**, detected per record: a `content-type` header starting with
//!   `application/cloudevents` is structured (JSON only; another format is
//!   invalid input); otherwise any `ce_` header makes it binary (`ce_` headers as
//!   attributes, `content-type`, or `ce_datacontenttype` without it, as
//!   `datacontenttype`, the value as data). Header keys match case-insensitively,
//!   the last duplicate wins, a null-valued header is absent, and values must be
//!   UTF-8. A record with no CloudEvents headers is a structured event if its
//!   value is a JSON object with `specversion`; a null value (tombstone) is
//!   filtered (committed, nothing routed); any other value is wrapped with
//!   `wrap` (id `<topic>-<partition>-<offset>`) or, without it, invalid input.
//!   Invalid input goes to the source's `dead_letter` and never blocks the
//!   partition. The protocol context offers `{topic}`, `{partition}`, `{offset}`.
//! - **Ack mapping**: an offset is committed once the record and every record
//!   before it in its partition settled (delivered, dead-lettered, invalid or
//!   filtered): in order per partition, the highest contiguous settled offset + 1,
//!   committed every second, before partitions are revoked, and at shutdown.
//!   `Retry` pauses the partition and, after a backoff (1 s doubling to 30 s),
//!   seeks back to that record; later records of the partition already routed
//!   may then be delivered twice (at least once).
//! - **Flow control**: with 1024 records read and unsettled, every partition is
//!   paused (resumed at half); the consumer keeps polling, so rebalances are
//!   served and the group never drops ferry. librdkafka's prefetch is bounded
//!   (`queued.max.messages.kbytes = 4096`, `queued.min.messages = 1000`).
//! - **Rebalances**: before partitions are revoked their settled offsets are
//!   committed synchronously; outcomes still pending for them are then ignored
//!   (the next owner reads those records again), so nothing is lost and no
//!   offset is committed twice by two owners.
//! - **Ordering**: records are submitted in fetch order, one at a time.
//! - **Readiness**: true while librdkafka reports a broker connection up
//!   (statistics every second), false when all brokers are down.
//! - **Shutdown**: stop reading, wait for the outcomes in flight (bounded by the
//!   runtime's grace), commit what settled, leave the group.
//!
//! # Sink (`[sinks.NAME] binding = "kafka"`)
//! A producer for `topic`, idempotent with `acks=all` unless `options` say
//! otherwise; `send` returns once the delivery report confirmed the record.
//!
//! - **Modes**: `binary` (default) writes `ce_<name>` headers with canonical
//!   string values, `content-type` from `datacontenttype` (`application/json`
//!   for JSON data without one) and the data as the value; an event without
//!   data is a null value (a tombstone). `structured` writes
//!   `content-type: application/cloudevents+json; charset=UTF-8` and the JSON
//!   format. `key = "<attribute>"` copies that attribute's value into the
//!   record key; the event is unchanged and events without it have no key.
//! - **Errors**: too large, invalid record or topic, authorization: permanent
//!   (dead letter). Unknown topic, broker down, timeouts (`message.timeout.ms`
//!   30000 per attempt), a full queue: transient, within the sink's `retry`
//!   budget. A producer hit by a fatal error is rebuilt.
//! - **Knobs**: `mode`, `key`, `options` (librdkafka properties as is; the
//!   broker list, delivery reports and transactions are ferry's).
//! - **Readiness**: as for the source.
//!
//! # Weak spots
//! No TLS or SASL yet (roadmap; `options` could carry librdkafka's, untested).
//! ferry creates no topics. A partition waiting after `Retry` holds back its
//! later records (by design: order per partition). librdkafka is a C library:
//! its memory is bounded by the settings above, not by Rust. After a partition
//! was paused and resumed, librdkafka 2.x can hang in its teardown once the
//! consumer has left the group (librdkafka issues #4362, #4674): ferry waits
//! 5 s for the close, then goes on without it. Readiness needs librdkafka's
//! statistics, so `statistics.interval.ms = 0` is refused.
//!
//! Broker notes (tansu 0.6.0, used by the tests): with memory storage a fetch
//! that starts inside a record batch returns nothing, so a consumer resuming,
//! seeking or restarting mid-batch waits forever; its SQLite storage is fine.

pub mod codec;
pub mod config;
mod context;
pub mod error;
pub mod header;
mod offsets;
mod partitions;
mod pump;
mod record;
mod sink;
mod source;

pub use config::{KafkaSinkConfig, KafkaSourceConfig, StartFrom};
pub use error::{BuildError, DecodeError};
pub use sink::KafkaSink;
pub use source::KafkaSource;
