//! Codec tests with literal wire values from spec digest 3.7.

use bytes::Bytes;
use ferry_core::{json, ContentMode, Event};

use super::*;

fn event(json: &str) -> Event {
    json::decode(Bytes::copy_from_slice(json.as_bytes())).unwrap()
}

fn headers(record: &Record) -> Vec<(&str, &str)> {
    record
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), std::str::from_utf8(v).unwrap()))
        .collect()
}

fn decoded(headers: &[(&str, Option<&str>)], value: Option<&str>) -> Decoded {
    let raw: Vec<HeaderRef<'_>> = headers
        .iter()
        .map(|(k, v)| (k.as_bytes(), v.map(str::as_bytes)))
        .collect();
    decode(&raw, value.map(|v| Bytes::copy_from_slice(v.as_bytes())))
}

fn ok(decoded: Decoded) -> Event {
    match decoded {
        Decoded::Event(event) => *event,
        other => panic!("expected an event, got {other:?}"),
    }
}

fn invalid(decoded: Decoded) -> String {
    match decoded {
        Decoded::Invalid { error, .. } => error.to_string(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

const FULL: &str = r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"text/plain","subject":"Grüße","partitionkey":"pk-1","count":5,"flag":true,"data":"hello"}"#;

#[test]
fn binary_writes_ce_headers_content_type_and_data() {
    let record = encode(&event(FULL), ContentMode::Binary, Some("partitionkey"));
    assert_eq!(
        headers(&record),
        [
            ("ce_specversion", "1.0"),
            ("ce_id", "1"),
            ("ce_source", "/s"),
            ("ce_type", "t"),
            ("ce_subject", "Grüße"),
            ("ce_partitionkey", "pk-1"),
            ("ce_count", "5"),
            ("ce_flag", "true"),
            ("content-type", "text/plain"),
        ]
    );
    assert_eq!(record.value.as_deref(), Some(&b"hello"[..]));
    assert_eq!(record.key.as_deref(), Some("pk-1"));
}

#[test]
fn binary_json_data_without_a_type_gets_application_json() {
    let e = event(r#"{"specversion":"1.0","id":"2","source":"/s","type":"t","data":{"a":1}}"#);
    let record = encode(&e, ContentMode::Binary, None);
    assert!(headers(&record).contains(&("content-type", "application/json")));
    assert_eq!(record.value.as_deref(), Some(&br#"{"a":1}"#[..]));
    assert_eq!(record.key, None);
}

#[test]
fn binary_without_data_is_a_tombstone_without_content_type() {
    let e = event(r#"{"specversion":"1.0","id":"3","source":"/s","type":"t"}"#);
    let record = encode(&e, ContentMode::Binary, Some("partitionkey"));
    assert_eq!(record.value, None);
    assert_eq!(record.key, None, "the event has no partitionkey");
    assert!(headers(&record).iter().all(|(k, _)| *k != "content-type"));
}

#[test]
fn structured_writes_the_json_format() {
    let record = encode(&event(FULL), ContentMode::Structured, Some("id"));
    assert_eq!(
        headers(&record),
        [(
            "content-type",
            "application/cloudevents+json; charset=UTF-8"
        )]
    );
    assert_eq!(record.key.as_deref(), Some("1"));
    let body: serde_json::Value = serde_json::from_slice(record.value.as_deref().unwrap()).unwrap();
    assert_eq!(body["specversion"], "1.0");
    assert_eq!(body["subject"], "Grüße");
    assert_eq!(body["partitionkey"], "pk-1");
    assert_eq!(body["data"], "hello");
    // A data-less event is not a tombstone in structured mode.
    let e = event(r#"{"specversion":"1.0","id":"3","source":"/s","type":"t"}"#);
    assert!(encode(&e, ContentMode::Structured, None).value.is_some());
}

#[test]
fn binary_reads_literal_headers() {
    let e = ok(decoded(
        &[
            ("ce_specversion", Some("1.0")),
            ("ce_id", Some("7")),
            ("ce_source", Some("/sensor")),
            ("ce_type", Some("com.example.t")),
            ("ce_time", Some("2024-01-02T03:04:05.123+01:00")),
            ("ce_partitionkey", Some("k")),
            ("content-type", Some("text/plain; charset=utf-8")),
        ],
        Some("21.5"),
    ));
    assert_eq!(
        (e.id(), e.source(), e.ty()),
        ("7", "/sensor", "com.example.t")
    );
    assert_eq!(e.time(), Some("2024-01-02T03:04:05.123+01:00"));
    assert_eq!(e.datacontenttype(), Some("text/plain; charset=utf-8"));
    assert_eq!(e.attribute("partitionkey").unwrap().to_string(), "k");
    assert_eq!(e.data().unwrap().bytes().as_ref(), b"21.5");
}

#[test]
fn header_keys_match_case_insensitively() {
    let e = ok(decoded(
        &[
            ("CE_SpecVersion", Some("1.0")),
            ("Ce_Id", Some("1")),
            ("ce_SOURCE", Some("/s")),
            ("ce_type", Some("t")),
            ("Content-Type", Some("application/json")),
        ],
        Some("{}"),
    ));
    assert_eq!(e.id(), "1");
    assert_eq!(e.datacontenttype(), Some("application/json"));
}

#[test]
fn null_header_values_are_absent_and_duplicates_take_the_last() {
    let e = ok(decoded(
        &[
            ("ce_specversion", Some("1.0")),
            ("ce_id", Some("1")),
            ("ce_id", Some("2")),
            ("CE_ID", Some("3")),
            ("ce_id", None),
            ("ce_source", Some("/s")),
            ("ce_type", Some("t")),
            ("ce_subject", None),
            ("content-type", Some("text/plain")),
            ("content-type", None),
        ],
        Some("x"),
    ));
    assert_eq!(e.id(), "3");
    assert_eq!(e.subject(), None);
    assert_eq!(e.datacontenttype(), Some("text/plain"));
}

#[test]
fn ce_datacontenttype_is_a_fallback_for_content_type() {
    let base = [
        ("ce_specversion", Some("1.0")),
        ("ce_id", Some("1")),
        ("ce_source", Some("/s")),
        ("ce_type", Some("t")),
        ("ce_datacontenttype", Some("text/csv")),
    ];
    let e = ok(decoded(&base, Some("a,b")));
    assert_eq!(e.datacontenttype(), Some("text/csv"));
    let mut both = base.to_vec();
    both.push(("content-type", Some("text/plain")));
    assert_eq!(
        ok(decoded(&both, Some("a,b"))).datacontenttype(),
        Some("text/plain")
    );
}

#[test]
fn header_bytes_that_are_not_utf8_are_invalid_input() {
    let raw: Vec<HeaderRef<'_>> = vec![
        (b"ce_specversion", Some(b"1.0")),
        (b"ce_id", Some(b"\xff")),
        (b"ce_source", Some(b"/s")),
        (b"ce_type", Some(b"t")),
    ];
    let reason = invalid(decode(&raw, Some(Bytes::from_static(b"v"))));
    assert!(
        reason.contains("ce_id") && reason.contains("UTF-8"),
        "{reason}"
    );
    let key: Vec<HeaderRef<'_>> = vec![(b"ce_\xffid", Some(b"1"))];
    assert!(invalid(decode(&key, None)).contains("not UTF-8"));
    let ct: Vec<HeaderRef<'_>> = vec![(b"content-type", Some(b"\xfe"))];
    assert!(invalid(decode(&ct, Some(Bytes::from_static(b"v")))).contains("content-type"));
    // Keys that are not CloudEvents headers are none of ferry's business.
    let other: Vec<HeaderRef<'_>> = vec![(b"\xff\xfe", Some(b"\xff"))];
    assert!(matches!(
        decode(&other, Some(Bytes::from_static(b"v"))),
        Decoded::Raw(_)
    ));
}

#[test]
fn structured_by_content_type_or_by_value() {
    let json = r#"{"specversion":"1.0","id":"9","source":"/s","type":"t","data":[1,2]}"#;
    let by_header = ok(decoded(
        &[(
            "content-type",
            Some("Application/CloudEvents+JSON; charset=UTF-8"),
        )],
        Some(json),
    ));
    assert_eq!(by_header.id(), "9");
    assert_eq!(by_header.data().unwrap().bytes().as_ref(), b"[1,2]");
    assert_eq!(ok(decoded(&[], Some(json))).id(), "9");
    let avro = decoded(
        &[("content-type", Some("application/cloudevents+avro"))],
        Some("x"),
    );
    assert!(invalid(avro).contains("unsupported event format"));
    let null = decoded(
        &[("content-type", Some("application/cloudevents+json"))],
        None,
    );
    assert!(invalid(null).contains("null value"));
    let broken = decoded(&[], Some(r#"{"specversion": "1.0", "id": "#));
    assert!(invalid(broken).contains("JSON"));
}

#[test]
fn tombstones_and_raw_values() {
    assert!(matches!(decoded(&[], None), Decoded::Tombstone));
    assert!(matches!(
        decoded(&[("x-trace", Some("1"))], None),
        Decoded::Tombstone
    ));
    // With CloudEvents headers a null value is an event without data.
    let e = ok(decoded(
        &[
            ("ce_specversion", Some("1.0")),
            ("ce_id", Some("1")),
            ("ce_source", Some("/s")),
            ("ce_type", Some("t")),
        ],
        None,
    ));
    assert!(e.data().is_none());
    for value in ["plain text", r#"{"a":1}"#, ""] {
        match decoded(&[("content-type", Some("application/json"))], Some(value)) {
            Decoded::Raw(bytes) => assert_eq!(bytes.as_ref(), value.as_bytes()),
            other => panic!("{value}: {other:?}"),
        }
    }
}

#[test]
fn binary_without_specversion_is_invalid() {
    let reason = invalid(decoded(&[("ce_id", Some("1"))], Some("x")));
    assert!(reason.contains("specversion"), "{reason}");
}

#[test]
fn binary_round_trip_keeps_the_event() {
    let original = event(FULL);
    let record = encode(&original, ContentMode::Binary, None);
    let raw: Vec<HeaderRef<'_>> = record
        .headers
        .iter()
        .map(|(k, v)| (k.as_bytes(), Some(v.as_slice())))
        .collect();
    let back = ok(decode(&raw, record.value.clone()));
    assert_eq!(back.id(), original.id());
    assert_eq!(back.subject(), original.subject());
    assert_eq!(
        back.data().unwrap().bytes(),
        original.data().unwrap().bytes()
    );
    assert_eq!(back.attribute("count").unwrap().to_string(), "5");
}
