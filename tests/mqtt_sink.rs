//! End to end: events POSTed to ferry's HTTP source are published by MQTT sinks
//! (5 binary, 5 structured, 3.1.1), and rumqttc test subscribers see the literal
//! user properties, Content Type and payloads the spec digest (3.6) prescribes.
//! A 204 from ferry means every broker confirmed (PUBACK) its copy.

mod common;

use common::ferry::Ferry;
use common::free_port;
use common::mqtt::{unique, Message, TestClient, URL};

const CONFIG: &str = r#"
[sources.web]
binding = "http"
listen = "127.0.0.1:PORT"

[sinks.bin]
binding = "mqtt"
url = "URL"
version = "5"
topic = "ROOT/bin"
client_id = "CLIENT-bin"

[sinks.str]
binding = "mqtt"
url = "URL"
version = "5"
topic = "ROOT/str"
mode = "structured"
qos = 2
client_id = "CLIENT-str"

[sinks.old]
binding = "mqtt"
url = "URL"
version = "3.1.1"
topic = "ROOT/old"
client_id = "CLIENT-old"

[[routes]]
from = ["web"]
to = ["bin", "str", "old"]
"#;

async fn post(url: &str, headers: &[(&str, &str)], body: &'static str) -> u16 {
    let mut request = reqwest::Client::new().post(url).body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("POST").status().as_u16()
}

fn on<'a>(messages: &'a [Message], topic: &str) -> Vec<&'a Message> {
    messages.iter().filter(|m| m.topic == topic).collect()
}

fn pairs(message: &Message) -> Vec<(&str, &str)> {
    message
        .user_properties
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

#[tokio::test]
async fn http_events_reach_mqtt5_and_mqtt311_subscribers_exactly() {
    let root = unique("ferry-test/sink");
    let port = free_port();
    let config = CONFIG
        .replace("PORT", &port.to_string())
        .replace("URL", URL)
        .replace("ROOT", &root)
        .replace("CLIENT", &unique("ferry-sink"));
    let subscriber = TestClient::v5(&unique("sub5")).await;
    subscriber.subscribe(&format!("{root}/#")).await;
    let old_subscriber = TestClient::v311(&unique("sub311")).await;
    old_subscriber.subscribe(&format!("{root}/old")).await;
    let mut ferry = Ferry::start(&config);
    ferry.ready().await;
    let url = format!("http://127.0.0.1:{port}/");

    let binary = [
        ("ce-specversion", "1.0"),
        ("ce-id", "h-1"),
        ("ce-source", "/test"),
        ("ce-type", "com.example.t"),
        ("ce-time", "2024-05-01T10:00:00Z"),
        ("ce-myext", "v"),
        ("content-type", "application/json"),
    ];
    assert_eq!(post(&url, &binary, r#"{"temp": 21.5}"#).await, 204);
    let structured = [("content-type", "application/cloudevents+json")];
    let second = r#"{"specversion":"1.0","id":"h-2","source":"/test","type":"t","data":{"a":1}}"#;
    assert_eq!(post(&url, &structured, second).await, 204);

    let got = subscriber.received(6).await;
    let bin = on(&got, &format!("{root}/bin"));
    assert_eq!(bin.len(), 2);
    assert_eq!(
        pairs(bin[0]),
        [
            ("specversion", "1.0"),
            ("id", "h-1"),
            ("source", "/test"),
            ("type", "com.example.t"),
            ("time", "2024-05-01T10:00:00Z"),
            ("myext", "v"),
        ]
    );
    assert_eq!(bin[0].content_type.as_deref(), Some("application/json"));
    assert_eq!(&bin[0].payload[..], br#"{"temp": 21.5}"#);
    // JSON data without datacontenttype leaves binary mode as application/json.
    assert_eq!(
        pairs(bin[1]),
        [
            ("specversion", "1.0"),
            ("id", "h-2"),
            ("source", "/test"),
            ("type", "t")
        ]
    );
    assert_eq!(bin[1].content_type.as_deref(), Some("application/json"));
    assert_eq!(&bin[1].payload[..], br#"{"a":1}"#);

    let str = on(&got, &format!("{root}/str"));
    assert_eq!(
        str[0].content_type.as_deref(),
        Some("application/cloudevents+json; charset=UTF-8")
    );
    assert!(str[0].user_properties.is_empty());
    let first = str[0].json();
    assert_eq!(first["id"], "h-1");
    assert_eq!(first["myext"], "v");
    assert_eq!(first["datacontenttype"], "application/json");
    assert_eq!(first["data"], serde_json::json!({ "temp": 21.5 }));
    assert_eq!(str[1].json(), common::json(second));

    let old = old_subscriber.received(2).await;
    assert_eq!(old[0].topic, format!("{root}/old"));
    let first = old[0].json();
    assert_eq!(first["specversion"], "1.0");
    assert_eq!(first["id"], "h-1");
    assert_eq!(first["time"], "2024-05-01T10:00:00Z");
    assert_eq!(first["data"], serde_json::json!({ "temp": 21.5 }));
    assert_eq!(old[1].json(), common::json(second));
    // The 3.1.1 copy reached the MQTT 5 subscriber without properties.
    let via_v5 = on(&got, &format!("{root}/old"));
    assert!(via_v5[0].content_type.is_none() && via_v5[0].user_properties.is_empty());
}

/// Many concurrent sends: packet ids wrap (Mosquitto's Receive Maximum is 20)
/// and every PUBACK/PUBCOMP still confirms its own send.
#[tokio::test]
async fn concurrent_sends_are_each_confirmed_by_their_own_ack() {
    const EVENTS: usize = 200;
    let root = unique("ferry-test/sink-load");
    let port = free_port();
    let config = CONFIG
        .replace("PORT", &port.to_string())
        .replace("URL", URL)
        .replace("ROOT", &root)
        .replace("CLIENT", &unique("ferry-load"));
    let subscriber = TestClient::v5(&unique("sub-load")).await;
    subscriber.subscribe(&format!("{root}/#")).await;
    let mut ferry = Ferry::start(&config);
    ferry.ready().await;
    let url = format!("http://127.0.0.1:{port}/");
    let client = reqwest::Client::new();
    let posts = (0..EVENTS).map(|i| {
        let body = format!(r#"{{"specversion":"1.0","id":"n-{i}","source":"/load","type":"t"}}"#);
        client
            .post(&url)
            .header("content-type", "application/cloudevents+json")
            .body(body)
            .send()
    });
    for response in futures::future::join_all(posts).await {
        assert_eq!(response.expect("POST").status(), 204);
    }
    // Three sinks (QoS 1 binary, QoS 2 structured, 3.1.1 QoS 1), one copy each.
    let got = subscriber.received(3 * EVENTS).await;
    for sink in ["bin", "str", "old"] {
        let ids: std::collections::BTreeSet<String> = on(&got, &format!("{root}/{sink}"))
            .iter()
            .map(|m| match sink {
                "bin" => pairs(m)
                    .iter()
                    .find(|(n, _)| *n == "id")
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default(),
                _ => m.json()["id"].as_str().unwrap_or_default().to_owned(),
            })
            .collect();
        assert_eq!(ids.len(), EVENTS, "{sink}");
    }
}
