//! The reverse path end to end: CloudEvents in Kafka records (binary and
//! structured) reach MQTT 5 (binary) and MQTT 3.1.1 (structured) subscribers
//! exactly, in order. Real tansu, real Mosquitto, the real `ferry` binary; the
//! MQTT side is read with rumqttc and checked with serde_json.

mod common;

use common::ferry::Ferry;
use common::kafka::{self, create_topic, produce, producer};
use common::mqtt::{TestClient, URL};
use common::unique;

const EVENTS: usize = 200;

fn data(seq: usize) -> String {
    format!(r#"{{"seq": {seq},"t":21.5}}"#)
}

#[tokio::test]
async fn kafka_events_reach_mqtt_5_and_3_1_1_exactly_and_in_order() {
    let topic = unique("reverse-in");
    create_topic(&topic, 1).await;
    let (out5, out3) = (unique("reverse/v5"), unique("reverse/v311"));
    let sub5 = TestClient::v5(&unique("reverse-sub5")).await;
    sub5.subscribe(&out5).await;
    let sub3 = TestClient::v311(&unique("reverse-sub3")).await;
    sub3.subscribe(&out3).await;

    let config = format!(
        r#"
[sources.orders]
binding = "kafka"
brokers = "{brokers}"
topics = ["{topic}"]
group_id = "{group}"

[sinks.v5]
binding = "mqtt"
url = "{URL}"
version = "5"
topic = "{out5}"
client_id = "{id5}"

[sinks.v311]
binding = "mqtt"
url = "{URL}"
version = "3.1.1"
topic = "{out3}"
client_id = "{id3}"

[[routes]]
from = ["orders"]
to = ["v5", "v311"]
"#,
        brokers = kafka::BROKERS,
        group = unique("reverse-group"),
        id5 = unique("reverse-ferry5"),
        id3 = unique("reverse-ferry3"),
    );
    let mut ferry = Ferry::start(&config);
    ferry.ready().await;

    let producer = producer();
    for seq in 0..EVENTS {
        let id = format!("k-{seq}");
        let body = data(seq);
        if seq % 2 == 0 {
            let headers: [(&str, Option<&[u8]>); 6] = [
                ("ce_specversion", Some(b"1.0")),
                ("ce_id", Some(id.as_bytes())),
                ("ce_source", Some(b"/orders")),
                ("ce_type", Some(b"com.example.order")),
                ("ce_partitionkey", Some(b"shop-1")),
                ("content-type", Some(b"application/json")),
            ];
            produce(
                &producer,
                &topic,
                Some("shop-1"),
                Some(body.as_bytes()),
                &headers,
            )
            .await;
        } else {
            let structured = format!(
                r#"{{"specversion":"1.0","id":"{id}","source":"/orders","type":"com.example.order","partitionkey":"shop-1","datacontenttype":"application/json","data":{body}}}"#
            );
            let headers: [(&str, Option<&[u8]>); 1] =
                [("content-type", Some(b"application/cloudevents+json"))];
            produce(
                &producer,
                &topic,
                None,
                Some(structured.as_bytes()),
                &headers,
            )
            .await;
        }
    }

    let v5 = sub5.received(EVENTS).await;
    let v3 = sub3.received(EVENTS).await;
    for seq in 0..EVENTS {
        let id = format!("k-{seq}");
        let m = &v5[seq];
        assert_eq!(
            m.payload,
            data(seq).as_bytes(),
            "MQTT 5 #{seq}: data byte-exact, in order"
        );
        assert_eq!(m.content_type.as_deref(), Some("application/json"));
        let property = |name: &str| {
            m.user_properties
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(property("specversion"), Some("1.0"));
        assert_eq!(property("id"), Some(id.as_str()));
        assert_eq!(property("source"), Some("/orders"));
        assert_eq!(property("type"), Some("com.example.order"));
        assert_eq!(property("partitionkey"), Some("shop-1"));
        assert_eq!(
            property("datacontenttype"),
            None,
            "it travels as Content Type"
        );
        assert!(m.user_properties.iter().all(|(n, _)| !n.starts_with("ce")));

        let text = String::from_utf8(v3[seq].payload.to_vec()).expect("UTF-8 JSON");
        assert!(text.contains(&format!(r#""data":{}"#, data(seq))), "{text}");
        let json = v3[seq].json();
        assert_eq!(json["specversion"], "1.0");
        assert_eq!(json["id"], id.as_str());
        assert_eq!(json["source"], "/orders");
        assert_eq!(json["type"], "com.example.order");
        assert_eq!(json["partitionkey"], "shop-1");
        assert_eq!(json["datacontenttype"], "application/json");
    }
    ferry.terminate();
    assert!(ferry
        .exited(std::time::Duration::from_secs(30))
        .await
        .success());
}
