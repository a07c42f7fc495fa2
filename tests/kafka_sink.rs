//! End to end: events POSTed to ferry's HTTP source leave through Kafka sinks in
//! binary and structured mode, with the literal headers, value bytes and key of
//! spec digest 3.7. A real `ferry` process and tansu on 127.0.0.1:9092; records
//! are read back with an rdkafka consumer (assign, no group) and serde_json.

mod common;

use std::time::Duration;

use common::ferry::Ferry;
use common::free_port;
use common::kafka::{self, consume, create_topic, unique};

const READ_DEADLINE: Duration = Duration::from_secs(30);

fn config(port: u16, binary_topic: &str, structured_topic: &str) -> String {
    format!(
        r#"
[sources.web]
binding = "http"
listen = "127.0.0.1:{port}"

[sinks.bin]
binding = "kafka"
brokers = "{brokers}"
topic = "{binary_topic}"
key = "partitionkey"

[sinks.structured]
binding = "kafka"
brokers = "{brokers}"
topic = "{structured_topic}"
mode = "structured"
key = "partitionkey"

[[routes]]
from = ["web"]
to = ["bin", "structured"]
"#,
        brokers = kafka::brokers(),
    )
}

async fn post(url: &str, headers: &[(&str, &str)], body: &'static str) -> u16 {
    let mut request = reqwest::Client::new().post(url).body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
        .send()
        .await
        .expect("POST to ferry")
        .status()
        .as_u16()
}

#[tokio::test]
async fn http_events_reach_kafka_in_binary_and_structured_mode() {
    kafka::require_broker();
    let binary_topic = unique("sink-bin");
    let structured_topic = unique("sink-structured");
    create_topic(&binary_topic, 1).await;
    create_topic(&structured_topic, 1).await;
    let port = free_port();
    let mut ferry = Ferry::start(&config(port, &binary_topic, &structured_topic));
    ferry.ready().await;
    let url = format!("http://127.0.0.1:{port}/");

    let status = post(
        &url,
        &[
            ("ce-specversion", "1.0"),
            ("ce-id", "evt-1"),
            ("ce-source", "/sensors/7"),
            ("ce-type", "com.example.reading"),
            ("ce-partitionkey", "device-7"),
            ("ce-subject", "Gr%C3%BC%C3%9Fe"),
            ("content-type", "application/json"),
        ],
        r#"{"t": 21.5}"#,
    )
    .await;
    assert_eq!(status, 204, "{}", ferry.stderr_text());
    // No data and no partitionkey: a tombstone without a key in binary mode.
    let status = post(
        &url,
        &[("content-type", "application/cloudevents+json")],
        r#"{"specversion":"1.0","id":"evt-2","source":"/s","type":"com.example.empty"}"#,
    )
    .await;
    assert_eq!(status, 204, "{}", ferry.stderr_text());

    let binary = consume(&binary_topic, 2, READ_DEADLINE).await;
    let first = &binary[0];
    let mut names: Vec<&str> = first.headers.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "ce_id",
            "ce_partitionkey",
            "ce_source",
            "ce_specversion",
            "ce_subject",
            "ce_type",
            "content-type"
        ]
    );
    assert_eq!(first.header("ce_specversion"), Some("1.0"));
    assert_eq!(first.header("ce_id"), Some("evt-1"));
    assert_eq!(first.header("ce_source"), Some("/sensors/7"));
    assert_eq!(first.header("ce_type"), Some("com.example.reading"));
    assert_eq!(first.header("ce_partitionkey"), Some("device-7"));
    // UTF-8 as is: Kafka headers have no percent-encoding.
    assert_eq!(first.header("ce_subject"), Some("Grüße"));
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert_eq!(first.value.as_deref(), Some(&br#"{"t": 21.5}"#[..]));
    assert_eq!(first.key_text(), Some("device-7"));
    let second = &binary[1];
    assert_eq!(second.header("ce_id"), Some("evt-2"));
    assert_eq!(second.value, None, "an event without data is a tombstone");
    assert_eq!(second.key, None);
    assert_eq!(second.header("content-type"), None);

    let structured = consume(&structured_topic, 2, READ_DEADLINE).await;
    let first = &structured[0];
    assert_eq!(
        first.headers,
        [(
            "content-type".to_owned(),
            Some(b"application/cloudevents+json; charset=UTF-8".to_vec())
        )]
    );
    assert_eq!(first.key_text(), Some("device-7"));
    let body: serde_json::Value =
        serde_json::from_slice(first.value.as_deref().expect("a value")).expect("JSON value");
    assert_eq!(body["specversion"], "1.0");
    assert_eq!(body["id"], "evt-1");
    assert_eq!(body["source"], "/sensors/7");
    assert_eq!(body["type"], "com.example.reading");
    assert_eq!(body["subject"], "Grüße");
    assert_eq!(body["partitionkey"], "device-7");
    assert_eq!(body["datacontenttype"], "application/json");
    assert_eq!(body["data"], serde_json::json!({ "t": 21.5 }));
    let second: serde_json::Value =
        serde_json::from_slice(structured[1].value.as_deref().expect("not a tombstone"))
            .expect("JSON value");
    assert_eq!(second["id"], "evt-2");
    assert!(second.get("data").is_none());
}
