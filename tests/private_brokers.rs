//! The private broker helper keeps what a no-loss test needs across a restart.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::brokers::{Kind, PrivateBroker};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};

const QUEUED: usize = 1500; // stock Mosquitto drops beyond 1000 queued QoS 1 messages

fn options(id: &str, port: u16) -> MqttOptions {
    let mut options = MqttOptions::new(id, "127.0.0.1", port);
    options.set_clean_session(false);
    options.set_keep_alive(Duration::from_secs(5));
    options
}

/// Connects, waits for the CONNACK, subscribes (QoS 1) and returns the client and
/// its event loop, ready to poll.
async fn subscriber(port: u16, topic: &str) -> (AsyncClient, rumqttc::EventLoop) {
    let (client, mut events) = AsyncClient::new(options("private-sub", port), 4096);
    client
        .subscribe(topic, QoS::AtLeastOnce)
        .await
        .expect("subscribe");
    loop {
        match events.poll().await.expect("subscriber connection") {
            Event::Incoming(Packet::SubAck(_)) => return (client, events),
            _ => continue,
        }
    }
}

#[tokio::test]
async fn private_mosquitto_keeps_a_session_and_its_queue_across_a_restart() {
    let mut broker = PrivateBroker::start(Kind::Mosquitto);
    let topic = "private/queue";
    let (client, events) = subscriber(broker.port, topic).await;
    client.disconnect().await.expect("disconnect");
    drop(events);

    let (publisher, mut publisher_events) = AsyncClient::new(
        MqttOptions::new("private-pub", "127.0.0.1", broker.port),
        4096,
    );
    for i in 0..QUEUED {
        publisher
            .publish(topic, QoS::AtLeastOnce, false, i.to_string())
            .await
            .expect("publish");
    }
    let mut acked = 0;
    while acked < QUEUED {
        if let Event::Incoming(Packet::PubAck(_)) = publisher_events.poll().await.expect("pub") {
            acked += 1;
        }
    }

    broker.stop();
    broker.restart();

    let (_client, mut events) = subscriber_without_subscribe(broker.port).await;
    let mut seen = BTreeSet::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while seen.len() < QUEUED {
        let Ok(event) = tokio::time::timeout_at(deadline, events.poll()).await else {
            panic!("only {} of {QUEUED} arrived", seen.len());
        };
        let event = event.expect("subscriber connection");
        if let Event::Incoming(Packet::Publish(p)) = event {
            seen.insert(
                String::from_utf8_lossy(&p.payload)
                    .parse::<usize>()
                    .expect("n"),
            );
        }
    }
    assert_eq!(seen.len(), QUEUED);
}

/// Reconnects the persistent session without subscribing again: what arrives was
/// queued by the broker for the session.
async fn subscriber_without_subscribe(port: u16) -> (AsyncClient, rumqttc::EventLoop) {
    let (client, events) = AsyncClient::new(options("private-sub", port), 4096);
    (client, events)
}
