use serde_json::json;

use super::*;

fn source(value: serde_json::Value) -> MqttSourceConfig {
    serde_json::from_value(value).unwrap()
}

fn sink(value: serde_json::Value) -> MqttSinkConfig {
    serde_json::from_value(value).unwrap()
}

#[test]
fn source_defaults() {
    let cfg = source(json!({ "url": "mqtt://127.0.0.1", "version": "5", "topics": ["a/+/b"] }));
    assert_eq!(cfg.version, MqttVersion::V5);
    assert_eq!(cfg.qos, 1);
    assert!(!cfg.clean_start);
    assert_eq!(cfg.session_expiry_secs, 86_400);
    assert_eq!(cfg.receive_maximum, 1024);
    assert_eq!(cfg.max_packet_bytes, 1_048_576);
    assert!(cfg.client_id.is_none() && cfg.shared_group.is_none() && cfg.wrap.is_none());
    assert!(cfg.check().is_empty(), "{:?}", cfg.check());
    assert_eq!(cfg.filters(), ["a/+/b"]);
}

#[test]
fn versions_as_strings_or_the_number_five() {
    for (value, version) in [
        (json!("3.1.1"), MqttVersion::V311),
        (json!("5"), MqttVersion::V5),
        (json!(5), MqttVersion::V5),
    ] {
        let cfg = source(json!({ "url": "mqtt://h", "version": value, "topics": ["t"] }));
        assert_eq!(cfg.version, version);
    }
    let err = serde_json::from_value::<MqttSourceConfig>(
        json!({ "url": "mqtt://h", "version": "4", "topics": ["t"] }),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("unknown MQTT version `4`"),
        "{err}"
    );
}

#[test]
fn source_problems_name_their_keys() {
    let cfg = source(json!({
        "url": "mqtts://h", "version": "5", "topics": ["ok/#", "a/#/b", "x+"],
        "qos": 3, "client_id": "", "shared_group": "g/1", "receive_maximum": 0,
        "max_packet_bytes": 0,
        "wrap": { "type": "t", "source": "/s/{nope}" }
    }));
    let problems = cfg.check();
    let text = problems.join("\n");
    for expected in [
        "url: TLS (mqtts://) is not supported yet",
        "topics[1]: `a/#/b`: `#` must be the whole last level",
        "topics[2]: `x+`: `+` must be a whole level",
        "qos: must be 0, 1 or 2 (got 3)",
        "client_id: must not be empty",
        "shared_group: `g/1` must be non-empty",
        "receive_maximum: must be at least 1",
        "max_packet_bytes: must be between 1 and 268435455",
        "wrap.source: unknown placeholder `{nope}`",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert_eq!(problems.len(), 9, "{text}");
    let empty = source(json!({ "url": "mqtt://h", "version": "5", "topics": [] }));
    assert_eq!(
        empty.check(),
        ["topics: at least one topic filter is needed"]
    );
}

#[test]
fn shared_group_prefixes_every_filter() {
    let cfg = source(json!({
        "url": "mqtt://h", "version": "3.1.1", "topics": ["a/#", "b"], "shared_group": "ferry"
    }));
    assert_eq!(cfg.filters(), ["$share/ferry/a/#", "$share/ferry/b"]);
}

#[test]
fn unknown_keys_are_refused() {
    let err = serde_json::from_value::<MqttSinkConfig>(
        json!({ "url": "mqtt://h", "version": "5", "topic": "t", "qso": 1 }),
    )
    .unwrap_err();
    assert!(err.to_string().contains("unknown field `qso`"), "{err}");
}

#[test]
fn sink_modes_and_problems() {
    let v5 = sink(json!({ "url": "mqtt://h", "version": "5", "topic": "out" }));
    assert_eq!((v5.qos, v5.retain), (1, false));
    assert_eq!(v5.content_mode(), ContentMode::Binary);
    assert!(v5.check().is_empty());
    let v311 = sink(json!({ "url": "mqtt://h", "version": "3.1.1", "topic": "out" }));
    assert_eq!(v311.content_mode(), ContentMode::Structured);
    assert!(v311.check().is_empty());
    let bad = sink(json!({
        "url": "mqtt://h", "version": "3.1.1", "topic": "out/#", "mode": "binary"
    }));
    assert_eq!(
        bad.check(),
        [
            "topic: `out/#` must be non-empty, without wildcards (`+`, `#`)",
            "mode: MQTT 3.1.1 sinks are structured only",
        ]
    );
}

#[test]
fn debug_output_hides_the_password() {
    let cfg = sink(json!({ "url": "mqtt://u:s3cret@h", "version": "5", "topic": "t" }));
    let debug = format!("{cfg:?}");
    assert!(
        debug.contains("u:<redacted>@h") && !debug.contains("s3cret"),
        "{debug}"
    );
    let cfg = source(json!({ "url": "mqtt://u:s3cret@h", "version": "5", "topics": ["t"] }));
    assert!(!format!("{cfg:?}").contains("s3cret"));
}
