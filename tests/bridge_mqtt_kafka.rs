//! The headline path end to end: 10,000 events published by MQTT devices (MQTT 5
//! binary, MQTT 5 structured, MQTT 3.1.1 structured, and raw JSON wrapped by
//! ferry) arrive in Kafka exactly as sent, keyed by `partitionkey`, each device's
//! events in order. Real Mosquitto, real tansu, the real `ferry` binary; records
//! are read back with rdkafka and checked against what the devices sent.
//!
//! The Mosquitto is a private one configured as README advises: a stock one drops
//! QoS 1 messages queued beyond 1,000 for a subscriber that falls behind.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::brokers::{Kind as Broker, PrivateBroker};
use common::ferry::Ferry;
use common::kafka::{self, consume, create_topic, Consumed};
use common::mqtt::{Publish, TestClient};

const DEVICES: usize = 5;
const PER_DEVICE: usize = 500; // 4 kinds x 5 devices x 500 = 10,000 events

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    V5Binary,
    V5Structured,
    V311,
    Raw,
}

const KINDS: [Kind; 4] = [Kind::V5Binary, Kind::V5Structured, Kind::V311, Kind::Raw];

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::V5Binary => "v5b",
            Kind::V5Structured => "v5s",
            Kind::V311 => "v311",
            Kind::Raw => "raw",
        }
    }
}

/// What one device sent: the topic (also its `partitionkey`) and its messages.
struct Device {
    kind: Kind,
    topic: String,
    messages: Vec<Publish>,
}

/// The data bytes of event `seq` of `device`; spacing kept odd on purpose, so
/// only a byte-exact path passes.
fn data(device: &str, seq: usize) -> String {
    format!(r#"{{"device": "{device}","seq":{seq},  "t":21.5}}"#)
}

fn device(kind: Kind, root: &str, d: usize) -> Device {
    let topic = format!("{root}/{}/dev{d}", kind.path());
    let messages = (0..PER_DEVICE)
        .map(|seq| {
            let id = format!("{}-{d}-{seq}", kind.path());
            let body = data(&topic, seq);
            let structured = format!(
                r#"{{"specversion":"1.0","id":"{id}","source":"/devices/{d}","type":"com.example.reading","partitionkey":"{topic}","datacontenttype":"application/json","data":{body}}}"#
            );
            match kind {
                Kind::V5Binary => Publish {
                    payload: body.into_bytes(),
                    content_type: Some("application/json".into()),
                    user_properties: vec![
                        ("specversion".into(), "1.0".into()),
                        ("id".into(), id),
                        ("source".into(), format!("/devices/{d}")),
                        ("type".into(), "com.example.reading".into()),
                        ("partitionkey".into(), topic.clone()),
                    ],
                },
                Kind::V5Structured => Publish {
                    payload: structured.into_bytes(),
                    content_type: Some("application/cloudevents+json".into()),
                    user_properties: Vec::new(),
                },
                Kind::V311 => Publish::payload(structured),
                Kind::Raw => Publish::payload(body),
            }
        })
        .collect();
    Device {
        kind,
        topic,
        messages,
    }
}

fn config(url: &str, root: &str, kafka_topic: &str) -> String {
    let client = kafka::unique("bridge");
    format!(
        r#"
[sources.v5]
binding = "mqtt"
url = "{url}"
version = "5"
topics = ["{root}/v5b/+", "{root}/v5s/+"]
client_id = "{client}-v5"

[sources.v311]
binding = "mqtt"
url = "{url}"
version = "3.1.1"
topics = ["{root}/v311/+"]
client_id = "{client}-v311"

[sources.raw]
binding = "mqtt"
url = "{url}"
version = "5"
topics = ["{root}/raw/+"]
client_id = "{client}-raw"

[sources.raw.wrap]
type = "com.example.raw"
source = "mqtt://{{topic}}"
datacontenttype = "application/json"
partitionkey = "{{topic}}"

[sinks.kafka]
binding = "kafka"
brokers = "{brokers}"
topic = "{kafka_topic}"
mode = "binary"
key = "partitionkey"

[[routes]]
from = ["v5", "v311", "raw"]
to = ["kafka"]
"#,
        brokers = kafka::BROKERS
    )
}

#[tokio::test]
async fn ten_thousand_mqtt_events_arrive_in_kafka_exactly_and_in_order() {
    let root = kafka::unique("bridge");
    let kafka_topic = kafka::unique("bridge-out");
    create_topic(&kafka_topic, 1).await;
    let mosquitto = PrivateBroker::start(Broker::Mosquitto);
    let mut ferry = Ferry::start(&config(&mosquitto.url(), &root, &kafka_topic));
    ferry.ready().await;

    let devices: Vec<Device> = KINDS
        .iter()
        .flat_map(|&kind| (0..DEVICES).map(move |d| (kind, d)))
        .map(|(kind, d)| device(kind, &root, d))
        .collect();
    let v5 = TestClient::v5_on(mosquitto.port, &kafka::unique("bridge-pub5")).await;
    let v311 = TestClient::v311_on(mosquitto.port, &kafka::unique("bridge-pub3")).await;
    // Interleave devices, as a fleet would: message i of every device, then i+1.
    for kind_clients in [(&v5, true), (&v311, false)] {
        let (client, is_v5) = kind_clients;
        let mut batch = Vec::new();
        for seq in 0..PER_DEVICE {
            for dev in devices.iter().filter(|d| (d.kind != Kind::V311) == is_v5) {
                batch.push((dev.topic.clone(), dev.messages[seq].clone()));
            }
        }
        client.publish_each(batch).await;
    }

    let total = KINDS.len() * DEVICES * PER_DEVICE;
    let records = consume(&kafka_topic, total, Duration::from_secs(180)).await;
    assert_eq!(records.len(), total);
    check_records(&devices, &records);
    ferry.terminate();
    assert!(ferry.exited(Duration::from_secs(30)).await.success());
}

/// Every record is what its device sent, and each device's records are in order.
fn check_records(devices: &[Device], records: &[Consumed]) {
    let by_topic: BTreeMap<&str, &Device> = devices.iter().map(|d| (d.topic.as_str(), d)).collect();
    let mut next_seq: BTreeMap<&str, usize> = BTreeMap::new();
    for record in records {
        let key = record.key_text().expect("record key");
        let device = by_topic
            .get(key)
            .unwrap_or_else(|| panic!("unknown key {key}"));
        let seq = next_seq.entry(device.topic.as_str()).or_default();
        let expected_data = data(&device.topic, *seq);
        let value = record.value.as_deref().expect("record value");
        assert_eq!(
            value,
            expected_data.as_bytes(),
            "{key} #{seq}: data byte-exact, in order"
        );
        assert_eq!(record.header("ce_specversion"), Some("1.0"));
        assert_eq!(record.header("ce_partitionkey"), Some(key));
        assert_eq!(record.header("content-type"), Some("application/json"));
        assert_eq!(record.header("ce_datacontenttype"), None);
        let d = key.rsplit("dev").next().expect("device number");
        match device.kind {
            Kind::Raw => {
                assert_eq!(record.header("ce_type"), Some("com.example.raw"));
                assert_eq!(
                    record.header("ce_source"),
                    Some(format!("mqtt://{key}").as_str())
                );
                assert!(record.header("ce_time").is_some_and(|t| t.ends_with('Z')));
                assert_eq!(record.header("ce_id").map(str::len), Some(36), "a UUID");
            }
            kind => {
                let id = format!("{}-{d}-{seq}", kind.path());
                assert_eq!(record.header("ce_id"), Some(id.as_str()));
                assert_eq!(record.header("ce_type"), Some("com.example.reading"));
                let source = format!("/devices/{d}");
                assert_eq!(record.header("ce_source"), Some(source.as_str()));
            }
        }
        *seq += 1;
    }
    for device in devices {
        assert_eq!(
            next_seq.get(device.topic.as_str()),
            Some(&PER_DEVICE),
            "{}",
            device.topic
        );
    }
}
