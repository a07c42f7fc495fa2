//! Codec tests. Wire values are literal, from the spec digest (3.6): user
//! property names, canonical strings, Content Type values, payload bytes. JSON
//! payloads are read back with serde_json and the cloudevents-sdk crate, never
//! only with ferry's own decoder.

use bytes::Bytes;
use ferry_core::{AttrRef, ContentMode, DataForm, Event};

use super::{decode, encode, Frame};
use crate::config::MqttVersion;
use crate::error::DecodeError;

/// An event built by ferry's JSON decoder from a literal.
fn event(json: &'static str) -> Event {
    ferry_core::json::decode(Bytes::from_static(json.as_bytes())).unwrap()
}

fn frame(payload: &'static [u8], content_type: Option<&str>, props: &[(&str, &str)]) -> Frame {
    Frame {
        payload: Bytes::from_static(payload),
        content_type: content_type.map(str::to_owned),
        user_properties: props
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
    }
}

fn props(frame: &Frame) -> Vec<(&str, &str)> {
    frame
        .user_properties
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

const FULL: &str = r#"{"specversion":"1.0","id":"e-1","source":"/sensors/1","type":"com.example.t",
    "datacontenttype":"application/json","subject":"room 1","time":"2024-05-01T10:00:00.5+02:00",
    "dataschema":"https://example.com/s","partitionkey":"k1","seq":42,"flag":true,
    "data":{"t": 21.5}}"#;

#[test]
fn binary_writes_bare_names_canonical_strings_and_content_type() {
    let out = encode(&event(FULL), MqttVersion::V5, ContentMode::Binary);
    assert_eq!(
        props(&out),
        [
            ("specversion", "1.0"),
            ("id", "e-1"),
            ("source", "/sensors/1"),
            ("type", "com.example.t"),
            ("dataschema", "https://example.com/s"),
            ("subject", "room 1"),
            ("time", "2024-05-01T10:00:00.5+02:00"),
            ("partitionkey", "k1"),
            ("seq", "42"),
            ("flag", "true"),
        ]
    );
    assert_eq!(out.content_type.as_deref(), Some("application/json"));
    assert_eq!(&out.payload[..], br#"{"t": 21.5}"#);
}

#[test]
fn binary_json_data_without_datacontenttype_says_application_json() {
    let e = event(r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","data":[1, 2]}"#);
    let out = encode(&e, MqttVersion::V5, ContentMode::Binary);
    assert_eq!(out.content_type.as_deref(), Some("application/json"));
    assert_eq!(&out.payload[..], b"[1, 2]");
    assert!(!props(&out).iter().any(|(n, _)| *n == "datacontenttype"));
}

#[test]
fn binary_without_data_has_an_empty_payload_and_no_content_type() {
    let e = event(r#"{"specversion":"1.0","id":"1","source":"/s","type":"t"}"#);
    let out = encode(&e, MqttVersion::V5, ContentMode::Binary);
    assert_eq!(out.content_type, None);
    assert!(out.payload.is_empty());
    assert_eq!(decode(&out).unwrap(), e);
}

#[test]
fn structured_v5_says_cloudevents_json_and_carries_the_whole_event() {
    let out = encode(&event(FULL), MqttVersion::V5, ContentMode::Structured);
    assert_eq!(
        out.content_type.as_deref(),
        Some("application/cloudevents+json; charset=UTF-8")
    );
    assert!(out.user_properties.is_empty());
    let json: serde_json::Value = serde_json::from_slice(&out.payload).unwrap();
    assert_eq!(json["id"], "e-1");
    assert_eq!(json["seq"], 42);
    assert_eq!(json["flag"], true);
    assert_eq!(json["data"], serde_json::json!({ "t": 21.5 }));
    let sdk: cloudevents::Event = serde_json::from_slice(&out.payload).unwrap();
    assert_eq!(cloudevents::AttributesReader::id(&sdk), "e-1");
    assert_eq!(cloudevents::AttributesReader::ty(&sdk), "com.example.t");
}

#[test]
fn v311_is_always_the_bare_json_event() {
    for mode in [ContentMode::Binary, ContentMode::Structured] {
        let out = encode(&event(FULL), MqttVersion::V311, mode);
        assert_eq!(out.content_type, None);
        assert!(out.user_properties.is_empty());
        let json: serde_json::Value = serde_json::from_slice(&out.payload).unwrap();
        assert_eq!(json["specversion"], "1.0");
        assert_eq!(json["subject"], "room 1");
    }
}

#[test]
fn binary_decode_maps_properties_content_type_and_payload() {
    let input = frame(
        br#"{"t": 21.5}"#,
        Some("application/json"),
        &[
            ("specversion", "1.0"),
            ("id", "b-1"),
            ("source", "/s"),
            ("type", "t"),
            ("time", "2024-05-01T10:00:00Z"),
            ("myext", "v"),
            ("Trace-Id", "not an attribute"),
        ],
    );
    let e = decode(&input).unwrap();
    assert_eq!((e.id(), e.source(), e.ty()), ("b-1", "/s", "t"));
    assert_eq!(e.datacontenttype(), Some("application/json"));
    assert_eq!(e.time(), Some("2024-05-01T10:00:00Z"));
    assert_eq!(e.attribute("myext"), Some(AttrRef::String("v")));
    assert_eq!(e.attributes().count(), 7, "Trace-Id is not an attribute");
    let data = e.data().unwrap();
    assert_eq!(&data.bytes()[..], br#"{"t": 21.5}"#);
    assert_eq!(data.form(), DataForm::Json);
}

#[test]
fn ce_prefixed_properties_of_sdk_go_are_accepted() {
    let input = frame(
        b"hello",
        Some("text/plain"),
        &[
            ("ce-specversion", "1.0"),
            ("ce-id", "g-1"),
            ("ce-source", "/go"),
            ("ce-type", "t"),
            ("ce-myext", "v"),
            ("other", "app metadata"),
        ],
    );
    let e = decode(&input).unwrap();
    assert_eq!((e.id(), e.source()), ("g-1", "/go"));
    assert_eq!(e.attribute("myext"), Some(AttrRef::String("v")));
    assert_eq!(e.attribute("other"), None);
    assert_eq!(&e.data().unwrap().bytes()[..], b"hello");
}

#[test]
fn datacontenttype_property_is_tolerated_and_content_type_wins() {
    let base = [
        ("specversion", "1.0"),
        ("id", "1"),
        ("source", "/s"),
        ("type", "t"),
        ("datacontenttype", "text/plain"),
    ];
    let only_property = decode(&frame(b"x", None, &base)).unwrap();
    assert_eq!(only_property.datacontenttype(), Some("text/plain"));
    let both = decode(&frame(b"x", Some("text/csv"), &base)).unwrap();
    assert_eq!(both.datacontenttype(), Some("text/csv"));
}

#[test]
fn broken_binary_events_name_the_problem() {
    let missing_id = frame(
        b"x",
        None,
        &[("specversion", "1.0"), ("source", "/s"), ("type", "t")],
    );
    let err = decode(&missing_id).unwrap_err();
    assert_eq!(err.to_string(), "missing required attribute `id`");
    let repeated = frame(
        b"x",
        None,
        &[
            ("specversion", "1.0"),
            ("id", "1"),
            ("id", "2"),
            ("source", "/s"),
            ("type", "t"),
        ],
    );
    assert!(decode(&repeated)
        .unwrap_err()
        .to_string()
        .contains("more than once"));
}

#[test]
fn structured_is_detected_by_content_type_or_payload() {
    let json = br#"{"specversion":"1.0","id":"s-1","source":"/s","type":"t","data":"hi"}"#;
    for content_type in [
        Some("application/cloudevents+json"),
        Some("Application/CloudEvents+JSON; charset=utf-8"),
        None,
        Some("application/json"),
    ] {
        let e = decode(&frame(json, content_type, &[])).unwrap();
        assert_eq!(e.id(), "s-1", "{content_type:?}");
        assert_eq!(&e.data().unwrap().bytes()[..], br#""hi""#);
    }
}

#[test]
fn other_formats_and_batches_are_unsupported() {
    for content_type in [
        "application/cloudevents+avro",
        "application/cloudevents-batch+json",
    ] {
        let err = decode(&frame(b"[]", Some(content_type), &[])).unwrap_err();
        assert!(matches!(err, DecodeError::UnsupportedFormat(_)), "{err}");
    }
}

#[test]
fn raw_payloads_are_not_cloudevents_but_broken_json_events_are_invalid() {
    for payload in [&b"21.5"[..], br#"{"temp": 21.5}"#, b"\xff\xfe", b""] {
        let input = Frame {
            payload: Bytes::copy_from_slice(payload),
            ..Frame::default()
        };
        assert!(
            matches!(decode(&input), Err(DecodeError::NotACloudEvent)),
            "{payload:?}"
        );
    }
    let broken = frame(br#"{"specversion":"1.0","id":"1"}"#, None, &[]);
    assert!(matches!(decode(&broken), Err(DecodeError::Event(_))));
    let truncated = frame(br#"{"specversion":"1.0", "id""#, None, &[]);
    assert!(matches!(decode(&truncated), Err(DecodeError::Event(_))));
}

#[test]
fn binary_round_trip_keeps_every_attribute_and_the_bytes() {
    let e = event(FULL);
    let back = decode(&encode(&e, MqttVersion::V5, ContentMode::Binary)).unwrap();
    // Binary carriers turn typed extensions into strings (design: not a change).
    for (name, value) in e.attributes() {
        let got = back.attribute(name).map(|v| v.to_canonical().into_owned());
        assert_eq!(got.as_deref(), Some(&*value.to_canonical()), "{name}");
    }
    assert_eq!(back.data().unwrap().bytes(), e.data().unwrap().bytes());
}
