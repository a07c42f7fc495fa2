//! TEMPORARY spike against tansu (deleted before hand-off).
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, StreamConsumer};
use rdkafka::message::{Header, Headers, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};

#[tokio::main]
async fn main() {
    let brokers = "127.0.0.1:9092";
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let topic = format!("spike-{stamp}");
    let admin: AdminClient<_> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .unwrap();
    let r = admin
        .create_topics(
            &[NewTopic::new(&topic, 2, TopicReplication::Fixed(1))],
            &AdminOptions::new(),
        )
        .await;
    println!("create_topics: {r:?}");
    let r = admin
        .create_topics(
            &[NewTopic::new(&topic, 2, TopicReplication::Fixed(1))],
            &AdminOptions::new(),
        )
        .await;
    println!("create_topics again: {r:?}");

    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("message.timeout.ms", "10000")
        .create()
        .unwrap();
    let t = Instant::now();
    for i in 0..6 {
        let headers = OwnedHeaders::new()
            .insert(Header {
                key: "ce_id",
                value: Some(&format!("{i}")),
            })
            .insert(Header {
                key: "nullv",
                value: None::<&[u8]>,
            });
        let key = format!("k{i}");
        let payload = format!("v{i}");
        let rec = FutureRecord::to(&topic)
            .partition(0)
            .key(&key)
            .payload(&payload)
            .headers(headers);
        let r = producer.send(rec, Duration::from_secs(5)).await;
        println!(
            "idempotent produce {i}: {:?} ({:?})",
            r.as_ref()
                .map(|d| (d.partition, d.offset))
                .map_err(|e| e.0.clone()),
            t.elapsed()
        );
    }
    // tombstone
    let rec: FutureRecord<str, [u8]> = FutureRecord::to(&topic).partition(0).key("tomb");
    let r = producer.send(rec, Duration::from_secs(5)).await;
    println!("tombstone: {:?}", r.map(|d| d.offset).map_err(|e| e.0));
    println!("fatal: {:?}", producer.client().fatal_error());
    // unknown topic
    let t = Instant::now();
    let rec = FutureRecord::to("no-such-topic-xyz").payload("x").key("k");
    let r = producer.send(rec, Duration::from_secs(5)).await;
    println!(
        "unknown topic: {:?} after {:?}",
        r.map(|d| d.offset).map_err(|e| e.0),
        t.elapsed()
    );
    // too large
    let big = vec![b'x'; 2_000_000];
    let rec = FutureRecord::to(&topic).payload(&big).key("k");
    let r = producer.send(rec, Duration::from_secs(5)).await;
    println!("too large: {:?}", r.map(|d| d.offset).map_err(|e| e.0));

    // group consumer
    let group = format!("spike-group-{stamp}");
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", &group)
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    consumer.subscribe(&[&topic]).unwrap();
    let t = Instant::now();
    let mut seen = 0;
    let mut last_offset = -1;
    while seen < 7 {
        match tokio::time::timeout(Duration::from_secs(60), consumer.recv()).await {
            Ok(Ok(m)) => {
                seen += 1;
                last_offset = m.offset();
                let hs: Vec<_> = m
                    .headers()
                    .map(|h| {
                        h.iter()
                            .map(|h| (h.key.to_string(), h.value.map(|v| v.to_vec())))
                            .collect()
                    })
                    .unwrap_or_default();
                println!(
                    "recv p{} o{} key={:?} payload={:?} headers={:?} after {:?}",
                    m.partition(),
                    m.offset(),
                    m.key().map(String::from_utf8_lossy),
                    m.payload().map(|p| p.len()),
                    hs,
                    t.elapsed()
                );
            }
            Ok(Err(e)) => println!("recv err {e:?}"),
            Err(_) => {
                println!("timeout");
                break;
            }
        }
    }
    println!(
        "assignment: {:?}",
        consumer.assignment().map(|a| a.elements().len())
    );
    // commit offset 3 on p0
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(&topic, 0, Offset::Offset(3))
        .unwrap();
    println!("commit sync: {:?}", consumer.commit(&tpl, CommitMode::Sync));
    // committed from another consumer, same group, no subscription
    let probe: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", &group)
        .create()
        .unwrap();
    let mut q = TopicPartitionList::new();
    q.add_partition(&topic, 0);
    q.add_partition(&topic, 1);
    println!(
        "committed (probe): {:?}",
        probe
            .committed_offsets(q, Duration::from_secs(10))
            .map(|t| t.to_topic_map())
    );

    // pause, seek back to 1, resume
    let mut p0 = TopicPartitionList::new();
    p0.add_partition(&topic, 0);
    println!("pause: {:?}", consumer.pause(&p0));
    let r = consumer.seek(&topic, 0, Offset::Offset(1), Duration::ZERO);
    println!("seek(0 timeout) while paused: {r:?}");
    // produce one more, should not be received while paused
    let rec = FutureRecord::to(&topic)
        .partition(0)
        .payload("later")
        .key("k");
    let _ = producer.send(rec, Duration::from_secs(5)).await;
    match tokio::time::timeout(Duration::from_secs(3), consumer.recv()).await {
        Ok(m) => println!("while paused got: {:?}", m.map(|m| m.offset())),
        Err(_) => println!("while paused: nothing (good)"),
    }
    println!("resume: {:?}", consumer.resume(&p0));
    for _ in 0..3 {
        match tokio::time::timeout(Duration::from_secs(10), consumer.recv()).await {
            Ok(m) => println!("after resume got: {:?}", m.map(|m| m.offset())),
            Err(_) => println!("after resume: timeout"),
        }
    }
    // pause then resume without seek: does it continue after the last delivered?
    println!("pause2: {:?}", consumer.pause(&p0));
    println!("resume2: {:?}", consumer.resume(&p0));
    match tokio::time::timeout(Duration::from_secs(10), consumer.recv()).await {
        Ok(m) => println!("after pause2/resume2 got: {:?}", m.map(|m| m.offset())),
        Err(_) => println!("after resume2: timeout"),
    }
    let _ = last_offset;
    let t = Instant::now();
    drop(consumer);
    println!("close took {:?}", t.elapsed());
    // second group member join timing: a new consumer for a fresh group
    let group2 = format!("spike-group2-{stamp}");
    let c2: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", &group2)
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .set("session.timeout.ms", "6000")
        .set("heartbeat.interval.ms", "1000")
        .create()
        .unwrap();
    c2.subscribe(&[&topic]).unwrap();
    let t = Instant::now();
    match tokio::time::timeout(Duration::from_secs(60), c2.recv()).await {
        Ok(m) => println!(
            "group2 first record after {:?}: {:?}",
            t.elapsed(),
            m.map(|m| m.offset())
        ),
        Err(_) => println!("group2 timeout"),
    }
}
