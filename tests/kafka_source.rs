//! End to end: records produced with an rdkafka test producer reach ferry's
//! Kafka source and leave through a file sink (checked with serde_json), bad
//! records go to the source's dead letter without stopping the partition, and
//! offsets are committed only once records settled. A real `ferry` process and
//! tansu on 127.0.0.1:9092. A new consumer group on tansu may wait for its
//! group join before the first record, so the deadlines here allow for it.

mod common;

use std::time::Duration;

use common::ferry::Ferry;
use common::kafka::{self, committed, create_topic, produce, producer, unique, wait_committed};
use common::peer::{Answer, Peer};
use common::{json, read_lines, wait_for};

/// Group join plus delivery.
const DEADLINE: Duration = Duration::from_secs(90);

/// A Kafka source on `topic` for `group`, with `extra` appended to its table,
/// routed to a file sink `archive`; the source's dead letter is a file `dlq`.
fn config(topic: &str, group: &str, extra: &str) -> String {
    format!(
        r#"
[runtime]
shutdown_grace_ms = 5000

[sources.orders]
binding = "kafka"
brokers = "{brokers}"
topics = ["{topic}"]
group_id = "{group}"
dead_letter = "dlq"
{extra}

[sinks.archive]
binding = "file"
path = "{{dir}}/archive.jsonl"

[sinks.dlq]
binding = "file"
path = "{{dir}}/dlq.jsonl"

[[routes]]
from = ["orders"]
to = ["archive"]
"#,
        brokers = kafka::brokers(),
    )
}

async fn lines(ferry: &Ferry, file: &str, n: usize) -> Vec<serde_json::Value> {
    let path = ferry.path(file);
    let found = wait_for(&format!("{n} lines in {file}"), DEADLINE, || {
        let lines = read_lines(&path);
        async move { (lines.len() >= n).then_some(lines) }
    })
    .await;
    found.iter().map(|l| json(l)).collect()
}

fn by_id<'a>(events: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    events
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no event with id {id} in {events:#?}"))
}

#[tokio::test]
async fn binary_structured_and_wrapped_records_arrive() {
    kafka::require_broker();
    let (topic, group) = (unique("src-modes"), unique("group-modes"));
    create_topic(&topic, 1).await;
    let producer = producer();
    let binary = [
        ("ce_specversion", Some(&b"1.0"[..])),
        ("ce_id", Some(b"b-1")),
        ("ce_source", Some(b"/producer")),
        ("ce_type", Some(b"stale")),
        ("CE_TYPE", Some(b"com.example.order")),
        ("ce_subject", None),
        ("Content-Type", Some(b"application/json")),
    ];
    produce(
        &producer,
        &topic,
        Some("k1"),
        Some(br#"{"amount": 10}"#),
        &binary,
    )
    .await;
    let structured = br#"{"specversion":"1.0","id":"s-1","source":"/producer","type":"com.example.note","data":"hello"}"#;
    let ce_json = [("content-type", Some(&b"application/cloudevents+json"[..]))];
    produce(&producer, &topic, None, Some(structured), &ce_json).await;
    let raw_offset = produce(&producer, &topic, None, Some(b"21.5"), &[]).await;
    produce(&producer, &topic, Some("gone"), None, &[]).await; // tombstone
    let fallback = [
        ("ce_specversion", Some(&b"1.0"[..])),
        ("ce_id", Some(b"b-2")),
        ("ce_source", Some(b"/producer")),
        ("ce_type", Some(b"com.example.text")),
        ("ce_datacontenttype", Some(b"text/plain")),
    ];
    let last = produce(&producer, &topic, None, Some(b"plain"), &fallback).await;

    let wrap = r#"
[sources.orders.wrap]
type = "com.example.raw"
source = "kafka://{topic}"
subject = "{partition}/{offset}"
datacontenttype = "application/json"
"#;
    let mut ferry = Ferry::start(&config(&topic, &group, wrap));
    ferry.ready().await;
    let events = lines(&ferry, "archive.jsonl", 4).await;

    let b1 = by_id(&events, "b-1");
    assert_eq!(b1["specversion"], "1.0");
    assert_eq!(b1["source"], "/producer");
    assert_eq!(b1["type"], "com.example.order", "the last duplicate wins");
    assert!(b1.get("subject").is_none(), "a null header is absent");
    assert_eq!(b1["datacontenttype"], "application/json");
    assert_eq!(b1["data"], serde_json::json!({ "amount": 10 }));
    assert!(
        b1.get("partitionkey").is_none(),
        "the record key is not an attribute"
    );

    let s1 = by_id(&events, "s-1");
    assert_eq!(s1["type"], "com.example.note");
    assert_eq!(s1["data"], "hello");

    let raw = by_id(&events, &format!("{topic}-0-{raw_offset}"));
    assert_eq!(raw["type"], "com.example.raw");
    assert_eq!(raw["source"], format!("kafka://{topic}"));
    assert_eq!(raw["subject"], format!("0/{raw_offset}"));
    assert_eq!(raw["datacontenttype"], "application/json");
    assert_eq!(raw["data"], 21.5);
    assert!(raw["time"].is_string());

    let b2 = by_id(&events, "b-2");
    assert_eq!(b2["datacontenttype"], "text/plain");
    assert_eq!(b2["data"], "plain");

    // The tombstone was filtered and committed with the rest.
    wait_committed(&group, &topic, 0, last + 1, DEADLINE).await;
    assert!(read_lines(&ferry.path("dlq.jsonl")).is_empty());
}

#[tokio::test]
async fn bad_records_go_to_the_dead_letter_and_the_partition_flows_on() {
    kafka::require_broker();
    let (topic, group) = (unique("src-bad"), unique("group-bad"));
    create_topic(&topic, 1).await;
    let producer = producer();
    let good = |id: &'static [u8]| {
        [
            ("ce_specversion", Some(&b"1.0"[..])),
            ("ce_id", Some(id)),
            ("ce_source", Some(&b"/p"[..])),
            ("ce_type", Some(&b"com.example.t"[..])),
        ]
    };
    produce(&producer, &topic, None, Some(b"first"), &good(b"g-1")).await;
    // Binary without ce_id, a raw value with no `wrap`, a broken structured event.
    let no_id = [
        ("ce_specversion", Some(&b"1.0"[..])),
        ("ce_source", Some(b"/p")),
    ];
    produce(&producer, &topic, None, Some(br#"{"x":1}"#), &no_id).await;
    produce(&producer, &topic, None, Some(b"not an event"), &[]).await;
    produce(
        &producer,
        &topic,
        None,
        Some(br#"{"specversion": "1.0", "id": "#),
        &[],
    )
    .await;
    let last = produce(&producer, &topic, None, Some(b"second"), &good(b"g-2")).await;

    let mut ferry = Ferry::start(&config(&topic, &group, ""));
    ferry.ready().await;
    let events = lines(&ferry, "archive.jsonl", 2).await;
    assert_eq!(by_id(&events, "g-1")["data_base64"], "Zmlyc3Q=");
    assert_eq!(by_id(&events, "g-2")["data_base64"], "c2Vjb25k");

    let dead = lines(&ferry, "dlq.jsonl", 3).await;
    let payloads: Vec<&str> = dead
        .iter()
        .map(|e| e["data_base64"].as_str().unwrap())
        .collect();
    assert_eq!(
        payloads,
        [
            "eyJ4IjoxfQ==",
            "bm90IGFuIGV2ZW50",
            "eyJzcGVjdmVyc2lvbiI6ICIxLjAiLCAiaWQiOiA="
        ]
    );
    for event in &dead {
        assert_eq!(event["type"], "dev.ferry.invalid");
        assert_eq!(event["deadlettersource"], "orders");
        assert!(
            event["deadletterreason"]
                .as_str()
                .is_some_and(|r| !r.is_empty()),
            "{event}"
        );
    }
    assert!(
        dead[0]["deadletterreason"]
            .as_str()
            .unwrap()
            .contains("`id`"),
        "{}",
        dead[0]
    );
    assert!(
        dead[1]["deadletterreason"]
            .as_str()
            .unwrap()
            .contains("not a CloudEvent"),
        "{}",
        dead[1]
    );
    wait_committed(&group, &topic, 0, last + 1, DEADLINE).await;
}

#[tokio::test]
async fn offsets_are_committed_only_after_delivery() {
    kafka::require_broker();
    let (topic, group) = (unique("src-commit"), unique("group-commit"));
    create_topic(&topic, 1).await;
    // Six failures: two tries per routing (attempts = 2), so the record comes
    // back as Retry three times and is read again after each partition backoff.
    const FAILURES: usize = 6;
    let peer = Peer::start(vec![Answer::status(500); FAILURES], Answer::status(200)).await;
    let headers = [
        ("ce_specversion", Some(&b"1.0"[..])),
        ("ce_id", Some(b"c-1")),
        ("ce_source", Some(b"/p")),
        ("ce_type", Some(b"com.example.t")),
    ];
    let offset = produce(&producer(), &topic, None, Some(b"payload"), &headers).await;
    let text = format!(
        r#"
[sources.orders]
binding = "kafka"
brokers = "{brokers}"
topics = ["{topic}"]
group_id = "{group}"

[sinks.hook]
binding = "http"
url = "{url}"
retry = {{ attempts = 2, initial_backoff_ms = 10, max_backoff_ms = 20 }}

[[routes]]
from = ["orders"]
to = ["hook"]
"#,
        brokers = kafka::brokers(),
        url = peer.url(),
    );
    let mut ferry = Ferry::start(&text);
    ferry.ready().await;

    // A third request means the record was routed again after a Retry: the
    // partition was paused and read again from that record.
    wait_for("the record to be read again", DEADLINE, || {
        let n = peer.received().len();
        async move { (n >= 3).then_some(()) }
    })
    .await;
    let before = committed(&group, &topic, 0).await;
    if peer.received().len() <= FAILURES {
        // Every answer so far was a 500: nothing may be committed yet.
        assert_eq!(before, None, "committed before delivery");
    }
    wait_committed(&group, &topic, 0, offset + 1, DEADLINE).await;
    let received = peer.received();
    assert_eq!(received.len(), FAILURES + 1, "one success, no more");
    assert!(received.iter().all(|r| r.header("ce-id") == Some("c-1")));
    let metrics = ferry.metrics().await;
    assert!(metrics.contains("outcome=\"delivered\"} 1"), "{metrics}");
    // The partition was paused and resumed; shutdown still ends, and cleanly.
    ferry.terminate();
    let status = ferry.exited(Duration::from_secs(30)).await;
    assert!(status.success(), "{status}: {}", ferry.stderr_text());
}

#[tokio::test]
async fn a_saturated_source_pauses_and_loses_nothing() {
    kafka::require_broker();
    let (topic, group) = (unique("src-many"), unique("group-many"));
    create_topic(&topic, 1).await;
    // More records than the source keeps unsettled (1024), behind a tiny
    // runtime queue: the source pauses its partition and resumes it later.
    const RECORDS: usize = 1500;
    let producer = producer();
    let sends = (0..RECORDS).map(|i| {
        let id = format!("m-{i}");
        let producer = &producer;
        let topic = &topic;
        async move {
            let headers = [
                ("ce_specversion", Some(&b"1.0"[..])),
                ("ce_id", Some(id.as_bytes())),
                ("ce_source", Some(&b"/p"[..])),
                ("ce_type", Some(&b"com.example.t"[..])),
            ];
            produce(producer, topic, None, Some(b"x"), &headers).await
        }
    });
    let last = futures::future::join_all(sends)
        .await
        .into_iter()
        .max()
        .unwrap();
    let text = config(&topic, &group, "").replace(
        "shutdown_grace_ms = 5000",
        "shutdown_grace_ms = 5000\nchannel_capacity = 4",
    );
    let mut ferry = Ferry::start(&text);
    ferry.ready().await;
    let events = lines(&ferry, "archive.jsonl", RECORDS).await;
    let mut ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), RECORDS, "every record once");
    wait_committed(&group, &topic, 0, last + 1, DEADLINE).await;
}
