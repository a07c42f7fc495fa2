//! End to end: ferry's MQTT source and sink ride out a broker restart. A private
//! Mosquitto (persistent, no queue cap) is stopped and started again; messages
//! published before, during the reconnect and after all arrive, and the sink
//! publishes again once its connection is back.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::brokers::{Kind, PrivateBroker};
use common::ferry::Ferry;
use common::mqtt::{unique, Publish, TestClient};
use common::{free_port, json, read_lines, wait_for};

const BATCH: usize = 100;

/// HTTP source `web` → MQTT sink `out` (topic `ROOT/from-http`); MQTT source
/// `devices` (`ROOT/#`, persistent session) → file sink `archive`.
fn config(broker: &str, root: &str, port: u16) -> String {
    format!(
        r#"
[sources.web]
binding = "http"
listen = "127.0.0.1:{port}"

[sources.devices]
binding = "mqtt"
url = "{broker}"
version = "5"
topics = ["{root}/#"]
client_id = "{source_id}"

[sinks.out]
binding = "mqtt"
url = "{broker}"
version = "5"
topic = "{root}/from-http"
client_id = "{sink_id}"

[sinks.archive]
binding = "file"
path = "{{dir}}/archive.jsonl"

[[routes]]
from = ["web"]
to = ["out"]

[[routes]]
from = ["devices"]
to = ["archive"]
"#,
        source_id = unique("ferry-rc-src"),
        sink_id = unique("ferry-rc-sink"),
    )
}

fn events(prefix: &str) -> Vec<Publish> {
    (0..BATCH)
        .map(|i| {
            Publish::payload(format!(
                r#"{{"specversion":"1.0","id":"{prefix}-{i}","source":"/t","type":"t"}}"#
            ))
        })
        .collect()
}

/// The distinct ids archived so far, once at least `n` distinct ones are there
/// (at-least-once: a restart may deliver a message twice).
async fn archived(ferry: &Ferry, n: usize) -> BTreeSet<String> {
    let path = ferry.path("archive.jsonl");
    wait_for(
        &format!("{n} archived ids"),
        Duration::from_secs(30),
        || {
            let ids: BTreeSet<String> = read_lines(&path)
                .iter()
                .map(|l| json(l)["id"].as_str().unwrap_or_default().to_owned())
                .collect();
            async move { (ids.len() >= n).then_some(ids) }
        },
    )
    .await
}

async fn readyz(ferry: &Ferry) -> u16 {
    let url = format!("http://{}/readyz", ferry.admin);
    match reqwest::get(url).await {
        Ok(response) => response.status().as_u16(),
        Err(_) => 0,
    }
}

async fn post(port: u16, id: &str) -> u16 {
    let body = format!(r#"{{"specversion":"1.0","id":"{id}","source":"/http","type":"t"}}"#);
    reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/"))
        .header("content-type", "application/cloudevents+json")
        .body(body)
        .send()
        .await
        .expect("POST")
        .status()
        .as_u16()
}

#[tokio::test]
async fn source_and_sink_reconnect_after_a_broker_restart_without_loss() {
    let mut broker = PrivateBroker::start(Kind::Mosquitto);
    let root = unique("ferry-test/restart");
    let port = free_port();
    let mut ferry = Ferry::start(&config(&broker.url(), &root, port));
    ferry.ready().await;
    let topic = format!("{root}/t");

    let publisher = TestClient::v5_on(broker.port, &unique("pub")).await;
    publisher.publish_all(&topic, events("before")).await;
    assert_eq!(post(port, "http-before").await, 204);
    archived(&ferry, BATCH + 1).await;
    drop(publisher);

    broker.stop();
    wait_for("/readyz to turn 503", Duration::from_secs(20), || async {
        (readyz(&ferry).await == 503).then_some(())
    })
    .await;
    broker.restart();

    // Published while ferry reconnects: kept in its session by the broker.
    let publisher = TestClient::v5_on(broker.port, &unique("pub")).await;
    publisher.publish_all(&topic, events("after")).await;
    ferry.ready().await;
    assert_eq!(post(port, "http-after").await, 204);

    let ids = archived(&ferry, 2 * BATCH + 2).await;
    for prefix in ["before", "after"] {
        for i in 0..BATCH {
            assert!(ids.contains(&format!("{prefix}-{i}")), "{prefix}-{i} lost");
        }
    }
    assert!(ids.contains("http-before") && ids.contains("http-after"));
}
