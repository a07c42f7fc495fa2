//! An MQTT test client (rumqttc, 3.1.1 or 5) that publishes and records what it
//! receives, with the literal properties: the independent side of the MQTT
//! end-to-end tests. Its event loop runs on its own task; waiting is done with
//! deadlines, never sleeps.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use rumqttc::v5;
use rumqttc::v5::mqttbytes::v5 as p5;

use super::wait_for;

/// The shared test broker.
pub const URL: &str = "mqtt://127.0.0.1:1883";
const PORT: u16 = 1883;
const DEADLINE: Duration = Duration::from_secs(20);

#[allow(unused_imports)] // not every test file uses it
pub use super::unique;

/// One received PUBLISH.
#[derive(Debug, Clone)]
pub struct Message {
    pub topic: String,
    pub payload: Bytes,
    pub content_type: Option<String>,
    pub user_properties: Vec<(String, String)>,
}

impl Message {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.payload)
            .unwrap_or_else(|e| panic!("payload is not JSON ({e}): {:?}", self.payload))
    }
}

/// What one MQTT 5 PUBLISH carries (3.1.1 uses the payload only).
#[derive(Debug, Clone, Default)]
pub struct Publish {
    pub payload: Vec<u8>,
    pub content_type: Option<String>,
    pub user_properties: Vec<(String, String)>,
}

impl Publish {
    pub fn payload(payload: impl Into<Vec<u8>>) -> Self {
        Publish {
            payload: payload.into(),
            ..Publish::default()
        }
    }
}

#[derive(Default)]
struct Seen {
    messages: Mutex<Vec<Message>>,
    connacks: AtomicUsize,
    subacks: AtomicUsize,
    acks: AtomicUsize,
}

enum Client {
    V4(rumqttc::AsyncClient),
    V5(v5::AsyncClient),
}

/// A connected test client.
pub struct TestClient {
    client: Client,
    seen: Arc<Seen>,
    task: tokio::task::JoinHandle<()>,
}

impl TestClient {
    /// Connects to the shared broker with MQTT 5 (clean session).
    pub async fn v5(id: &str) -> TestClient {
        TestClient::v5_on(PORT, id).await
    }

    /// Connects with MQTT 5 (clean session) and waits for the CONNACK.
    pub async fn v5_on(port: u16, id: &str) -> TestClient {
        let mut options = v5::MqttOptions::new(id, "127.0.0.1", port);
        options.set_max_packet_size(Some(16 << 20));
        let (client, mut events) = v5::AsyncClient::new(options, 4096);
        let seen = Arc::new(Seen::default());
        let recorder = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok(event) = events.poll().await {
                record_v5(&recorder, event);
            }
        });
        TestClient::connected(Client::V5(client), seen, task).await
    }

    /// Connects to the shared broker with MQTT 3.1.1 (clean session).
    pub async fn v311(id: &str) -> TestClient {
        TestClient::v311_on(PORT, id).await
    }

    /// Connects with MQTT 3.1.1 (clean session) and waits for the CONNACK.
    pub async fn v311_on(port: u16, id: &str) -> TestClient {
        let mut options = rumqttc::MqttOptions::new(id, "127.0.0.1", port);
        options.set_max_packet_size(16 << 20, 16 << 20);
        let (client, mut events) = rumqttc::AsyncClient::new(options, 4096);
        let seen = Arc::new(Seen::default());
        let recorder = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok(event) = events.poll().await {
                record_v4(&recorder, event);
            }
        });
        TestClient::connected(Client::V4(client), seen, task).await
    }

    async fn connected(client: Client, seen: Arc<Seen>, task: tokio::task::JoinHandle<()>) -> Self {
        let this = TestClient { client, seen, task };
        this.wait_count("CONNACK", |s| &s.connacks, 1).await;
        this
    }

    async fn wait_count(&self, what: &str, counter: fn(&Seen) -> &AtomicUsize, n: usize) {
        let seen = self.seen.clone();
        wait_for(what, DEADLINE, || {
            let done = counter(&seen).load(Ordering::Relaxed) >= n;
            async move { done.then_some(()) }
        })
        .await
    }

    /// Subscribes at QoS 1 and waits for the SUBACK.
    pub async fn subscribe(&self, filter: &str) {
        let before = self.seen.subacks.load(Ordering::Relaxed);
        match &self.client {
            Client::V4(c) => c
                .subscribe(filter, rumqttc::QoS::AtLeastOnce)
                .await
                .expect("subscribe"),
            Client::V5(c) => c
                .subscribe(filter, v5::mqttbytes::QoS::AtLeastOnce)
                .await
                .expect("subscribe"),
        }
        self.wait_count("SUBACK", |s| &s.subacks, before + 1).await;
    }

    /// Publishes each message at QoS 1, in order, and waits for every PUBACK.
    pub async fn publish_all(&self, topic: &str, messages: Vec<Publish>) {
        let to = |m| (topic.to_owned(), m);
        self.publish_each(messages.into_iter().map(to).collect())
            .await
    }

    /// Publishes each (topic, message) at QoS 1, in order, and waits for every
    /// PUBACK.
    pub async fn publish_each(&self, messages: Vec<(String, Publish)>) {
        let before = self.seen.acks.load(Ordering::Relaxed);
        let n = messages.len();
        for (topic, message) in messages {
            match &self.client {
                Client::V4(c) => c
                    .publish(topic, rumqttc::QoS::AtLeastOnce, false, message.payload)
                    .await
                    .expect("publish"),
                Client::V5(c) => {
                    let properties = p5::PublishProperties {
                        content_type: message.content_type,
                        user_properties: message.user_properties,
                        ..Default::default()
                    };
                    c.publish_with_properties(
                        topic,
                        v5::mqttbytes::QoS::AtLeastOnce,
                        false,
                        message.payload,
                        properties,
                    )
                    .await
                    .expect("publish")
                }
            }
        }
        self.wait_count("PUBACKs", |s| &s.acks, before + n).await;
    }

    /// Waits until at least `n` messages arrived; returns them in arrival order.
    pub async fn received(&self, n: usize) -> Vec<Message> {
        let seen = self.seen.clone();
        wait_for(&format!("{n} MQTT messages"), DEADLINE, || {
            let got = seen.messages.lock().expect("messages").clone();
            async move { (got.len() >= n).then_some(got) }
        })
        .await
    }
}

impl Drop for TestClient {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn record_v5(seen: &Seen, event: v5::Event) {
    use p5::Packet;
    match event {
        v5::Event::Incoming(Packet::ConnAck(_)) => bump(&seen.connacks),
        v5::Event::Incoming(Packet::SubAck(_)) => bump(&seen.subacks),
        v5::Event::Incoming(Packet::PubAck(_)) => bump(&seen.acks),
        v5::Event::Incoming(Packet::Publish(p)) => {
            let (content_type, user_properties) = p
                .properties
                .map(|props| (props.content_type, props.user_properties))
                .unwrap_or_default();
            seen.messages.lock().expect("messages").push(Message {
                topic: String::from_utf8_lossy(&p.topic).into_owned(),
                payload: p.payload,
                content_type,
                user_properties,
            });
        }
        _ => {}
    }
}

fn record_v4(seen: &Seen, event: rumqttc::Event) {
    use rumqttc::{Event, Packet};
    match event {
        Event::Incoming(Packet::ConnAck(_)) => bump(&seen.connacks),
        Event::Incoming(Packet::SubAck(_)) => bump(&seen.subacks),
        Event::Incoming(Packet::PubAck(_)) => bump(&seen.acks),
        Event::Incoming(Packet::Publish(p)) => {
            seen.messages.lock().expect("messages").push(Message {
                topic: p.topic,
                payload: p.payload,
                content_type: None,
                user_properties: Vec::new(),
            })
        }
        _ => {}
    }
}

fn bump(counter: &AtomicUsize) {
    counter.fetch_add(1, Ordering::Relaxed);
}
