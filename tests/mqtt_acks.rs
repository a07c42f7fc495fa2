//! End to end: a QoS 1 message whose sink fails is held by ferry, not
//! acknowledged, and acknowledged only once delivered. Observed from the
//! broker's side: an unacknowledged message is delivered again to the next
//! ferry on the same persistent session, an acknowledged one is not.

mod common;

use common::ferry::Ferry;
use common::mqtt::{unique, Publish, TestClient, URL};
use common::peer::{Answer, Peer};
use std::time::Duration;

/// An MQTT 5 source on a persistent session routed to an HTTP sink that tries
/// once: every failure comes back to the source as Retry.
fn config(root: &str, client_id: &str, peer: &Peer) -> String {
    format!(
        r#"
[runtime]
shutdown_grace_ms = 10000

[sources.devices]
binding = "mqtt"
url = "{URL}"
version = "5"
topics = ["{root}/#"]
client_id = "{client_id}"
session_expiry_secs = 60

[sinks.hook]
binding = "http"
url = "{url}"
retry = {{ attempts = 1 }}

[[routes]]
from = ["devices"]
to = ["hook"]
"#,
        url = peer.url()
    )
}

fn event(id: &str) -> Publish {
    Publish::payload(format!(
        r#"{{"specversion":"1.0","id":"{id}","source":"/test","type":"t","data":1}}"#
    ))
}

async fn start(config: &str) -> Ferry {
    let mut ferry = Ferry::start(config);
    ferry.ready().await;
    ferry
}

async fn stop(mut ferry: Ferry) {
    ferry.terminate();
    let status = ferry.exited(Duration::from_secs(30)).await;
    assert!(status.success(), "{status}: {}", ferry.stderr_text());
}

fn ids(peer: &Peer) -> Vec<String> {
    peer.received()
        .iter()
        .map(|r| {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
            r.header("ce-id")
                .map(str::to_owned)
                .or_else(|| body["id"].as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .collect()
}

#[tokio::test]
async fn a_qos1_message_is_acknowledged_only_after_it_was_delivered() {
    let peer = Peer::start(
        vec![Answer::status(500), Answer::status(500)],
        Answer::status(200),
    )
    .await;
    let root = unique("ferry-test/acks");
    let config = config(&root, &unique("ferry-acks"), &peer);
    let publisher = TestClient::v5(&unique("pub")).await;
    let topic = format!("{root}/t");

    // First ferry: the sink fails, ferry holds the message; stopped meanwhile.
    let ferry = start(&config).await;
    publisher.publish_all(&topic, vec![event("held")]).await;
    peer.wait_received(1).await;
    stop(ferry).await;

    // Second ferry, same session: the broker delivers the unacknowledged message
    // again; ferry retries it (500, then 200) and acknowledges it.
    let ferry = start(&config).await;
    peer.wait_received(3).await;
    publisher.publish_all(&topic, vec![event("mark-1")]).await;
    peer.wait_received(4).await;
    stop(ferry).await;

    // Third ferry: `held` was acknowledged, so nothing comes again before mark-2
    // (a redelivery is sent on connect, before anything published later).
    let ferry = start(&config).await;
    publisher.publish_all(&topic, vec![event("mark-2")]).await;
    peer.wait_received(5).await;
    assert_eq!(ids(&peer), ["held", "held", "held", "mark-1", "mark-2"]);
    stop(ferry).await;
}
