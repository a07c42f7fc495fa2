//! Tests of the Kafka config tables: defaults, refused keys, librdkafka's checks.

use super::*;

fn source(json: serde_json::Value) -> Result<KafkaSourceConfig, serde_json::Error> {
    serde_json::from_value(json)
}

fn sink(json: serde_json::Value) -> Result<KafkaSinkConfig, serde_json::Error> {
    serde_json::from_value(json)
}

#[test]
fn source_defaults_and_settings() {
    let cfg = source(serde_json::json!({
        "brokers": "127.0.0.1:9092", "topics": ["orders"], "group_id": "ferry"
    }))
    .unwrap();
    assert_eq!(cfg.start, StartFrom::Earliest);
    assert!(cfg.check().is_empty(), "{:?}", cfg.check());
    let client = cfg.client_config("orders");
    assert_eq!(client.get("enable.auto.commit"), Some("false"));
    assert_eq!(client.get("auto.offset.reset"), Some("earliest"));
    assert_eq!(client.get("group.id"), Some("ferry"));
    assert_eq!(client.get("client.id"), Some("ferry-orders"));
    assert_eq!(client.get("queued.max.messages.kbytes"), Some("4096"));
}

#[test]
fn options_override_defaults() {
    let cfg = source(serde_json::json!({
        "brokers": "b:9092", "topics": ["t"], "group_id": "g", "start": "latest",
        "options": { "queued.max.messages.kbytes": "1024", "session.timeout.ms": "10000" }
    }))
    .unwrap();
    assert!(cfg.check().is_empty(), "{:?}", cfg.check());
    let client = cfg.client_config("s");
    assert_eq!(client.get("queued.max.messages.kbytes"), Some("1024"));
    assert_eq!(client.get("auto.offset.reset"), Some("latest"));
}

#[test]
fn source_problems_name_their_keys() {
    let cfg = source(serde_json::json!({
        "brokers": " ", "topics": ["ok", "bad topic"], "group_id": "",
        "options": { "enable.auto.commit": "true", "no.such.option": "1", "session.timeout.ms": "x" },
        "wrap": { "type": "t", "source": "/{nope}" }
    }))
    .unwrap();
    let problems = cfg.check();
    let expect = [
        "brokers: ",
        "topics: `bad topic`",
        "group_id: ",
        "options: `enable.auto.commit` cannot be set here",
        "options: `no.such.option` = `1`: ",
        "options: `session.timeout.ms` = `x`: ",
        "wrap.source: unknown placeholder `{nope}`",
    ];
    for start in expect {
        assert!(
            problems.iter().any(|p| p.starts_with(start)),
            "{start} in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), expect.len(), "{problems:#?}");
}

#[test]
fn unknown_keys_are_refused() {
    let err = source(serde_json::json!({
        "brokers": "b", "topics": ["t"], "group_id": "g", "group": "x"
    }))
    .unwrap_err();
    assert!(err.to_string().contains("group"), "{err}");
}

#[test]
fn regex_topics_are_allowed() {
    let cfg = source(serde_json::json!({
        "brokers": "b:9092", "topics": ["^orders\\..*"], "group_id": "g"
    }))
    .unwrap();
    assert!(cfg.check().is_empty(), "{:?}", cfg.check());
}

#[test]
fn sink_defaults_are_idempotent_and_bounded() {
    let cfg =
        sink(serde_json::json!({ "brokers": "127.0.0.1:9092", "topic": "telemetry" })).unwrap();
    assert_eq!(cfg.mode, ContentMode::Binary);
    assert!(cfg.key.is_none());
    assert!(cfg.check().is_empty(), "{:?}", cfg.check());
    let client = cfg.client_config("k");
    assert_eq!(client.get("enable.idempotence"), Some("true"));
    assert_eq!(client.get("acks"), Some("all"));
    assert_eq!(client.get("queue.buffering.max.kbytes"), Some("16384"));
}

#[test]
fn sink_problems_name_their_keys() {
    let cfg = sink(serde_json::json!({
        "brokers": "b:9092", "topic": "a/b", "key": "PartitionKey", "mode": "structured",
        "options": { "bootstrap.servers": "x", "linger.ms": "5", "statistics.interval.ms": "0" }
    }))
    .unwrap();
    let problems = cfg.check();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(problems[0].starts_with("topic: `a/b`"), "{problems:#?}");
    assert!(
        problems[1].starts_with("key: `PartitionKey`"),
        "{problems:#?}"
    );
    assert!(
        problems[2].starts_with("options: `bootstrap.servers`"),
        "{problems:#?}"
    );
}

#[test]
fn debug_output_hides_option_values() {
    let cfg = sink(serde_json::json!({
        "brokers": "b:9092", "topic": "t", "options": { "sasl.password": "s3cret" }
    }))
    .unwrap();
    let debug = format!("{cfg:?}");
    assert!(
        debug.contains("sasl.password") && !debug.contains("s3cret"),
        "{debug}"
    );
}
