//! Kafka helpers for the end-to-end tests: the broker (tansu) on 127.0.0.1:9092,
//! topics created with the admin API (tansu does not create them on first use),
//! a test producer, and a test consumer that uses `assign()` so it skips the
//! consumer-group join (about 20 s on tansu).

use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer, StreamConsumer};
use rdkafka::message::{Header, Headers, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};

use super::wait_for;

/// Where scripts/brokers.sh runs tansu.
pub const BROKERS: &str = "127.0.0.1:9092";

/// The broker address: `FERRY_TEST_KAFKA` if set (e.g. another tansu while
/// trying things out), else [`BROKERS`].
pub fn brokers() -> String {
    std::env::var("FERRY_TEST_KAFKA").unwrap_or_else(|_| BROKERS.into())
}

/// Fails the test at once, with the reason, when no broker listens.
pub fn require_broker() {
    let brokers = brokers();
    let reachable = brokers.parse().is_ok_and(|addr| {
        std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok()
    });
    if !reachable {
        panic!(
            "no Kafka broker on {brokers}: start one with scripts/brokers.sh \
             (tansu) before running the Kafka tests"
        );
    }
}

pub use super::unique;

/// Creates a topic with `partitions` partitions.
pub async fn create_topic(name: &str, partitions: i32) {
    require_broker();
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .create()
        .expect("admin client");
    let topic = NewTopic::new(name, partitions, TopicReplication::Fixed(1));
    let results = admin
        .create_topics([&topic], &AdminOptions::new())
        .await
        .expect("CreateTopics");
    for result in results {
        result.unwrap_or_else(|(topic, code)| panic!("create topic {topic}: {code}"));
    }
}

/// A producer that writes every record as a batch of its own: tansu 0.6.0 with
/// memory storage returns nothing for a fetch that starts inside a record batch
/// (its SQLite storage does), and a consumer resuming or seeking mid-batch would
/// then wait forever.
pub fn producer() -> FutureProducer {
    ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .set("batch.num.messages", "1")
        .set("message.timeout.ms", "20000")
        .create()
        .expect("test producer")
}

/// Produces one record to partition 0 and returns its offset.
pub async fn produce(
    producer: &FutureProducer,
    topic: &str,
    key: Option<&str>,
    value: Option<&[u8]>,
    headers: &[(&str, Option<&[u8]>)],
) -> i64 {
    produce_to(producer, topic, 0, key, value, headers).await
}

/// Produces one record to `partition` and returns its offset.
pub async fn produce_to(
    producer: &FutureProducer,
    topic: &str,
    partition: i32,
    key: Option<&str>,
    value: Option<&[u8]>,
    headers: &[(&str, Option<&[u8]>)],
) -> i64 {
    let owned = headers.iter().fold(OwnedHeaders::new(), |h, (key, value)| {
        h.insert(Header { key, value: *value })
    });
    let mut record = FutureRecord::<str, [u8]>::to(topic)
        .partition(partition)
        .headers(owned);
    if let Some(key) = key {
        record = record.key(key);
    }
    if let Some(value) = value {
        record = record.payload(value);
    }
    let delivery = producer
        .send(record, Duration::from_secs(10))
        .await
        .unwrap_or_else(|(err, _)| panic!("produce to {topic}: {err}"));
    delivery.offset
}

/// One record as a test consumer read it.
#[derive(Debug, Clone)]
pub struct Consumed {
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

impl Consumed {
    /// The value of the last header of that name, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
            .map(|v| std::str::from_utf8(v).expect("UTF-8 header value"))
    }

    pub fn key_text(&self) -> Option<&str> {
        self.key
            .as_deref()
            .map(|k| std::str::from_utf8(k).expect("UTF-8 key"))
    }
}

/// Reads partition 0 of `topic` from the beginning until `n` records arrived.
pub async fn consume(topic: &str, n: usize, deadline: Duration) -> Vec<Consumed> {
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .set("group.id", unique("test-reader"))
        .set("enable.auto.commit", "false")
        .create()
        .expect("test consumer");
    let mut partitions = TopicPartitionList::new();
    partitions
        .add_partition_offset(topic, 0, Offset::Beginning)
        .expect("partition list");
    consumer.assign(&partitions).expect("assign");
    let mut got = Vec::new();
    let read = async {
        while got.len() < n {
            let message = consumer.recv().await.expect("consume");
            got.push(Consumed {
                key: message.key().map(<[u8]>::to_vec),
                value: message.payload().map(<[u8]>::to_vec),
                headers: message
                    .headers()
                    .map(|h| {
                        h.iter()
                            .map(|h| (h.key.to_owned(), h.value.map(<[u8]>::to_vec)))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
    };
    if tokio::time::timeout(deadline, read).await.is_err() {
        panic!(
            "timed out after {deadline:?} waiting for {n} records on {topic}: got {}, the last {:#?}",
            got.len(),
            got.last()
        );
    }
    got
}

/// How long an offset lookup may keep timing out before the test fails.
const DEADLINE: Duration = Duration::from_secs(60);

/// The offset `group` committed for `partition` of `topic`, if any. A busy
/// broker may time the lookup out: it is asked again until `DEADLINE`.
pub async fn committed(group: &str, topic: &str, partition: i32) -> Option<i64> {
    wait_for(
        &format!("the committed offset of {group} on {topic} [{partition}]"),
        DEADLINE,
        || async move { try_committed(group, topic, partition).await.ok() },
    )
    .await
}

/// One OffsetFetch: the committed offset (`None`: nothing committed), or the
/// client's error.
async fn try_committed(group: &str, topic: &str, partition: i32) -> Result<Option<i64>, String> {
    let group = group.to_owned();
    let topic = topic.to_owned();
    let probe = tokio::task::spawn_blocking(move || {
        let probe: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", brokers())
            .set("group.id", &group)
            .create()
            .map_err(|e| e.to_string())?;
        let mut partitions = TopicPartitionList::new();
        partitions.add_partition(&topic, partition);
        let committed = probe
            .committed_offsets(partitions, Duration::from_secs(10))
            .map_err(|e| format!("OffsetFetch: {e}"))?;
        Ok(match committed.elements().first().map(|e| e.offset()) {
            Some(Offset::Offset(offset)) => Some(offset),
            _ => None,
        })
    });
    probe.await.map_err(|e| e.to_string())?
}

/// Waits until `group` committed at least `offset` on `partition` of `topic`.
pub async fn wait_committed(
    group: &str,
    topic: &str,
    partition: i32,
    offset: i64,
    deadline: Duration,
) {
    wait_for(
        &format!("group {group} to commit offset {offset} on {topic} [{partition}]"),
        deadline,
        || async move {
            let committed = try_committed(group, topic, partition).await;
            committed.ok().flatten().filter(|o| *o >= offset)
        },
    )
    .await;
}
