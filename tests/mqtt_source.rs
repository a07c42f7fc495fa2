//! End to end: MQTT messages published by a rumqttc test client reach a file
//! sink exactly, in every mode the spec gives MQTT 3.1.1 and 5; bad input goes
//! to the source's dead letter without stopping the stream; per-topic order
//! holds. Real `ferry` processes and the Mosquitto on 127.0.0.1:1883; JSON lines
//! are checked with serde_json.

mod common;

use common::ferry::Ferry;
use common::mqtt::{unique, Publish, TestClient, URL};
use common::{json, read_lines, wait_for};
use std::time::Duration;

/// An MQTT source `devices` (subscribed to `ROOT/#`) routed to the file sink
/// `archive` (one delivery at a time, so lines keep arrival order), with the
/// file `dlq` as its dead letter. `EXTRA` goes into the source table.
const CONFIG: &str = r#"
[runtime]
shutdown_grace_ms = 10000

[sources.devices]
binding = "mqtt"
url = "URL"
version = "VERSION"
topics = ["ROOT/#"]
client_id = "CLIENT"
session_expiry_secs = 30
dead_letter = "dlq"
EXTRA

[sinks.archive]
binding = "file"
path = "{dir}/archive.jsonl"
max_in_flight = 1

[sinks.dlq]
binding = "file"
path = "{dir}/dlq.jsonl"

[[routes]]
from = ["devices"]
to = ["archive"]
"#;

async fn start(version: &str, root: &str, extra: &str) -> Ferry {
    let config = CONFIG
        .replace("URL", URL)
        .replace("VERSION", version)
        .replace("ROOT", root)
        .replace("CLIENT", &unique("ferry-src"))
        .replace("EXTRA", extra);
    let mut ferry = Ferry::start(&config);
    ferry.ready().await;
    ferry
}

async fn lines(ferry: &Ferry, file: &str, n: usize) -> Vec<String> {
    let path = ferry.path(file);
    wait_for(
        &format!("{n} lines in {file}"),
        Duration::from_secs(20),
        || {
            let lines = read_lines(&path);
            async move { (lines.len() >= n).then_some(lines) }
        },
    )
    .await
}

fn props(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn structured(id: &str, data: &str) -> Vec<u8> {
    format!(r#"{{"specversion":"1.0","id":"{id}","source":"/test","type":"com.example.t","data":{data}}}"#)
        .into_bytes()
}

#[tokio::test]
async fn mqtt5_binary_structured_and_ce_prefixed_arrive_exactly() {
    let root = unique("ferry-test/v5");
    let ferry = start("5", &root, "").await;
    let publisher = TestClient::v5(&unique("pub")).await;
    let binary = Publish {
        payload: br#"{"temp": 21.5,  "unit":"C"}"#.to_vec(),
        content_type: Some("application/json".into()),
        user_properties: props(&[
            ("specversion", "1.0"),
            ("id", "b-1"),
            ("source", "/sensors/1"),
            ("type", "com.example.binary"),
            ("time", "2024-05-01T10:00:00.5+02:00"),
            ("partitionkey", "k1"),
        ]),
    };
    let structured = Publish {
        payload: br#"{"specversion":"1.0","id":"s-1","source":"/test","type":"com.example.structured","datacontenttype":"text/plain","data":"hello \"world\""}"#.to_vec(),
        content_type: Some("application/cloudevents+json; charset=utf-8".into()),
        user_properties: Vec::new(),
    };
    let prefixed = Publish {
        payload: b"plain text".to_vec(),
        content_type: Some("text/plain".into()),
        user_properties: props(&[
            ("ce-specversion", "1.0"),
            ("ce-id", "g-1"),
            ("ce-source", "/go"),
            ("ce-type", "com.example.go"),
        ]),
    };
    let opaque = Publish {
        payload: vec![0, 1, 2, 255],
        content_type: None,
        user_properties: props(&[
            ("specversion", "1.0"),
            ("id", "o-1"),
            ("source", "/bin"),
            ("type", "com.example.bytes"),
        ]),
    };
    let topic = format!("{root}/sensors/1");
    publisher
        .publish_all(&topic, vec![binary, structured, prefixed, opaque])
        .await;

    let lines = lines(&ferry, "archive.jsonl", 4).await;
    assert_eq!(lines.len(), 4, "{lines:#?}");
    // The binary payload is kept verbatim, spacing included, as `data`.
    assert!(
        lines[0].contains(r#""data":{"temp": 21.5,  "unit":"C"}"#),
        "{}",
        lines[0]
    );
    let b = json(&lines[0]);
    assert_eq!(b["specversion"], "1.0");
    assert_eq!(b["id"], "b-1");
    assert_eq!(b["source"], "/sensors/1");
    assert_eq!(b["type"], "com.example.binary");
    assert_eq!(b["datacontenttype"], "application/json");
    assert_eq!(b["time"], "2024-05-01T10:00:00.5+02:00");
    assert_eq!(b["partitionkey"], "k1");
    let s = json(&lines[1]);
    assert_eq!(
        (s["id"].as_str(), s["data"].as_str()),
        (Some("s-1"), Some("hello \"world\""))
    );
    assert_eq!(s["datacontenttype"], "text/plain");
    let g = json(&lines[2]);
    assert_eq!(
        (g["id"].as_str(), g["source"].as_str()),
        (Some("g-1"), Some("/go"))
    );
    assert_eq!(g["data"], "plain text");
    assert!(g.get("ce-id").is_none() && g.get("ceid").is_none(), "{g}");
    let o = json(&lines[3]);
    assert_eq!(o["data_base64"], "AAEC/w==");
    assert!(o.get("datacontenttype").is_none(), "{o}");
    assert!(read_lines(&ferry.path("dlq.jsonl")).is_empty());
}

#[tokio::test]
async fn mqtt311_structured_and_wrapped_raw_json_arrive_exactly() {
    let root = unique("ferry-test/v311");
    let wrap = r#"clean_start = true

[sources.devices.wrap]
type = "com.example.telemetry"
source = "mqtt://sensors/{topic}"
subject = "{topic}"
datacontenttype = "application/json"
partitionkey = "{topic}""#;
    let ferry = start("3.1.1", &root, wrap).await;
    let publisher = TestClient::v311(&unique("pub")).await;
    let topic = format!("{root}/d1/telemetry");
    let event = r#"{"specversion":"1.0","id":"e-1","source":"/test","type":"com.example.t","subject":"s","myext":7,"data":{"a": [1, 2]}}"#;
    publisher
        .publish_all(
            &topic,
            vec![Publish::payload(event), Publish::payload(r#"{"t": 21.5}"#)],
        )
        .await;

    let lines = lines(&ferry, "archive.jsonl", 2).await;
    assert_eq!(json(&lines[0]), json(event), "structured event kept as is");
    assert!(lines[0].contains(r#""data":{"a": [1, 2]}"#), "{}", lines[0]);
    let wrapped = json(&lines[1]);
    assert_eq!(wrapped["specversion"], "1.0");
    assert_eq!(wrapped["type"], "com.example.telemetry");
    assert_eq!(wrapped["source"], format!("mqtt://sensors/{topic}"));
    assert_eq!(wrapped["subject"], topic.as_str());
    assert_eq!(wrapped["partitionkey"], topic.as_str());
    assert_eq!(wrapped["datacontenttype"], "application/json");
    assert_eq!(wrapped["data"], serde_json::json!({ "t": 21.5 }));
    assert!(lines[1].contains(r#""data":{"t": 21.5}"#), "{}", lines[1]);
    assert!(
        wrapped["id"].as_str().is_some_and(|id| id.len() == 36),
        "{wrapped}"
    );
    assert!(wrapped["time"].is_string());
}

#[tokio::test]
async fn malformed_messages_go_to_the_dead_letter_and_the_stream_goes_on() {
    let root = unique("ferry-test/bad");
    let ferry = start("5", &root, "").await;
    let publisher = TestClient::v5(&unique("pub")).await;
    let missing_id = Publish {
        payload: b"x".to_vec(),
        content_type: None,
        user_properties: props(&[("specversion", "1.0"), ("source", "/s"), ("type", "t")]),
    };
    let messages = vec![
        Publish::payload(structured("good-1", "1")),
        Publish::payload(r#"{"specversion":"1.0","id":"broken","#),
        Publish::payload("hello"),
        missing_id,
        Publish::payload(structured("good-2", "2")),
    ];
    publisher.publish_all(&format!("{root}/t"), messages).await;

    let archived = lines(&ferry, "archive.jsonl", 2).await;
    let ids: Vec<_> = archived.iter().map(|l| json(l)["id"].clone()).collect();
    assert_eq!(ids, ["good-1", "good-2"]);
    let dead = lines(&ferry, "dlq.jsonl", 3).await;
    assert_eq!(dead.len(), 3);
    for line in &dead {
        let e = json(line);
        assert_eq!(e["type"], "dev.ferry.invalid");
        assert_eq!(e["deadlettersource"], "devices");
        assert!(e["data_base64"].is_string(), "{e}");
    }
    // Dead letters are written concurrently: look each up by its original bytes.
    let reason = |base64: &str| {
        dead.iter()
            .map(|l| json(l))
            .find(|e| e["data_base64"] == base64)
            .and_then(|e| e["deadletterreason"].as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("no dead letter with data {base64}: {dead:#?}"))
    };
    let broken = reason("eyJzcGVjdmVyc2lvbiI6IjEuMCIsImlkIjoiYnJva2VuIiw=");
    assert!(broken.starts_with("invalid JSON"), "{broken}");
    let raw = reason("aGVsbG8=");
    assert!(raw.starts_with("not a CloudEvent"), "{raw}");
    assert_eq!(reason("eA=="), "missing required attribute `id`");
}

#[tokio::test]
async fn per_topic_order_holds_for_hundreds_of_qos1_messages() {
    const PER_TOPIC: usize = 150;
    let root = unique("ferry-test/order");
    let ferry = start("5", &root, "").await;
    let publisher = TestClient::v5(&unique("pub")).await;
    let (a, b) = (format!("{root}/a"), format!("{root}/b"));
    let interleaved = (0..PER_TOPIC).flat_map(|i| {
        [
            (
                a.clone(),
                Publish::payload(structured(&format!("a-{i}"), "0")),
            ),
            (
                b.clone(),
                Publish::payload(structured(&format!("b-{i}"), "0")),
            ),
        ]
    });
    publisher.publish_each(interleaved.collect()).await;
    let lines = lines(&ferry, "archive.jsonl", 2 * PER_TOPIC).await;
    assert_eq!(lines.len(), 2 * PER_TOPIC, "no duplicates");
    for prefix in ["a-", "b-"] {
        let seen: Vec<String> = lines
            .iter()
            .map(|l| json(l)["id"].as_str().unwrap_or_default().to_owned())
            .filter(|id| id.starts_with(prefix))
            .collect();
        let expected: Vec<String> = (0..PER_TOPIC).map(|i| format!("{prefix}{i}")).collect();
        assert_eq!(seen, expected);
    }
}
