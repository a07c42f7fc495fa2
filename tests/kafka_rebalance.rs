//! End to end: two ferry processes share a consumer group on a two-partition
//! topic. When the second joins and when the first leaves (SIGTERM), the group
//! rebalances; every record is delivered, and a record committed by one member
//! is never delivered again by the other. Real `ferry` processes and tansu on
//! 127.0.0.1:9092; a rebalance on tansu can take tens of seconds.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::ferry::Ferry;
use common::kafka::{self, create_topic, produce_to, producer, unique, wait_committed};
use common::{json, read_lines, wait_for};
use rdkafka::producer::FutureProducer;

const DEADLINE: Duration = Duration::from_secs(120);
const PER_PARTITION: usize = 5;

fn config(topic: &str, group: &str) -> String {
    format!(
        r#"
[runtime]
shutdown_grace_ms = 5000

[sources.orders]
binding = "kafka"
brokers = "{brokers}"
topics = ["{topic}"]
group_id = "{group}"

[sinks.archive]
binding = "file"
path = "{{dir}}/archive.jsonl"

[[routes]]
from = ["orders"]
to = ["archive"]
"#,
        brokers = kafka::brokers(),
    )
}

/// Produces `PER_PARTITION` events with ids `<tag>-<partition>-<n>` to each
/// partition; returns their ids and the last offset of each partition.
async fn produce_round(
    producer: &FutureProducer,
    topic: &str,
    tag: &str,
) -> (Vec<String>, [i64; 2]) {
    let mut ids = Vec::new();
    let mut last = [0; 2];
    for (partition, last) in last.iter_mut().enumerate() {
        for n in 0..PER_PARTITION {
            let id = format!("{tag}-{partition}-{n}");
            let headers = [
                ("ce_specversion", Some(&b"1.0"[..])),
                ("ce_id", Some(id.as_bytes())),
                ("ce_source", Some(&b"/p"[..])),
                ("ce_type", Some(&b"com.example.t"[..])),
            ];
            let partition = partition as i32;
            *last = produce_to(producer, topic, partition, None, Some(b"x"), &headers).await;
            ids.push(id);
        }
    }
    (ids, last)
}

fn archived(ferry: &Ferry) -> Vec<String> {
    read_lines(&ferry.path("archive.jsonl"))
        .iter()
        .map(|l| json(l)["id"].as_str().expect("id").to_owned())
        .collect()
}

async fn wait_all(what: &str, ferries: &[&Ferry], ids: &[String]) {
    wait_for(what, DEADLINE, || {
        let seen: HashSet<String> = ferries.iter().flat_map(|f| archived(f)).collect();
        let done = ids.iter().all(|id| seen.contains(id));
        async move { done.then_some(()) }
    })
    .await;
}

async fn wait_committed_round(group: &str, topic: &str, last: [i64; 2]) {
    for (partition, offset) in last.iter().enumerate() {
        wait_committed(group, topic, partition as i32, offset + 1, DEADLINE).await;
    }
}

#[tokio::test]
async fn rebalances_lose_nothing_and_redeliver_nothing_committed() {
    kafka::require_broker();
    let (topic, group) = (unique("rebalance"), unique("group-rebalance"));
    create_topic(&topic, 2).await;
    let producer = producer();

    let (first, last) = produce_round(&producer, &topic, "a").await;
    let mut a = Ferry::start(&config(&topic, &group));
    a.ready().await;
    wait_all("round a at ferry A", &[&a], &first).await;
    wait_committed_round(&group, &topic, last).await;

    // B joins: the group rebalances and the partitions are shared.
    let mut b = Ferry::start(&config(&topic, &group));
    b.ready().await;
    wait_for("ferry B to get partitions", DEADLINE, || {
        let assigned = b.stderr_text().contains("kafka partitions assigned");
        async move { assigned.then_some(()) }
    })
    .await;
    let (second, last) = produce_round(&producer, &topic, "b").await;
    wait_all("round b at ferry A and B", &[&a, &b], &second).await;
    let shared = [&a, &b].map(|f| archived(f).iter().any(|id| id.starts_with("b-")));
    assert_eq!(shared, [true, true], "both members take part of round b");
    wait_committed_round(&group, &topic, last).await;

    // A leaves: its partitions move to B, starting after A's commits.
    a.terminate();
    let status = a.exited(Duration::from_secs(30)).await;
    assert!(status.success(), "{status}: {}", a.stderr_text());
    let (third, last) = produce_round(&producer, &topic, "c").await;
    wait_all("round c at ferry B", &[&b], &third).await;
    wait_committed_round(&group, &topic, last).await;

    let (at_a, at_b) = (archived(&a), archived(&b));
    let twice: Vec<&String> = at_b.iter().filter(|id| at_a.contains(id)).collect();
    assert!(twice.is_empty(), "delivered by both members: {twice:?}");
    assert!(
        at_b.iter().all(|id| !id.starts_with("a-")),
        "B read records A had committed before B joined: {at_b:?}"
    );
    for (partition, offset) in last.iter().enumerate() {
        let committed = kafka::committed(&group, &topic, partition as i32).await;
        assert_eq!(committed, Some(offset + 1), "partition {partition}");
    }
}
