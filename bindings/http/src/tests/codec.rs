//! Codec tests. Wire values are literal, from the spec digest (3.2): a round trip
//! through ferry's own encoder and decoder alone would prove nothing.
//! Tests marked `[core]` go through ferry-core's header_value/json codecs.

use bytes::Bytes;
use ferry_core::{ContentMode, Data, DataForm, Event};

use crate::codec::{carries_event, decode, encode, Decoded, HttpMessage};
use crate::error::DecodeError;
use crate::tests::support::{event, header_map as headers};

fn wire(message: &HttpMessage) -> Vec<(&str, &str)> {
    message
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.to_str().unwrap()))
        .collect()
}

fn single(decoded: Result<Decoded, DecodeError>) -> Event {
    match decoded.unwrap() {
        Decoded::Single(event) => *event,
        Decoded::Batch(_) => panic!("expected a single event"),
    }
}

const REQUIRED: [(&str, &str); 4] = [
    ("ce-specversion", "1.0"),
    ("ce-id", "1"),
    ("ce-source", "/s"),
    ("ce-type", "t"),
];

#[test]
fn binary_writes_ce_headers_and_content_type() {
    let data = Data::new(Bytes::from_static(b"hello"), DataForm::Text);
    let extra = [
        ("datacontenttype", "text/plain; charset=utf-8"),
        ("subject", "sub"),
        ("time", "2018-04-26T14:48:09+02:00"),
        ("myext", "v"),
    ];
    let message = encode(&event(&extra, Some(data)), ContentMode::Binary).unwrap();
    let mut expected = REQUIRED.to_vec();
    expected.extend([
        ("ce-subject", "sub"),
        ("ce-time", "2018-04-26T14:48:09+02:00"),
        ("ce-myext", "v"),
        ("content-type", "text/plain; charset=utf-8"),
    ]);
    assert_eq!(wire(&message), expected);
    assert_eq!(message.body, Bytes::from_static(b"hello"));
}

#[test]
fn binary_json_data_without_datacontenttype_is_application_json() {
    let data = Data::new(Bytes::from_static(br#"{"a":1}"#), DataForm::Json);
    let message = encode(&event(&[], Some(data)), ContentMode::Binary).unwrap();
    let mut expected = REQUIRED.to_vec();
    expected.push(("content-type", "application/json"));
    assert_eq!(wire(&message), expected);
    assert_eq!(message.body, Bytes::from_static(br#"{"a":1}"#));
}

#[test]
fn binary_bytes_without_datacontenttype_have_no_content_type() {
    let data = Data::new(Bytes::from_static(&[0, 159, 146, 150]), DataForm::Binary);
    let message = encode(&event(&[], Some(data)), ContentMode::Binary).unwrap();
    assert_eq!(wire(&message), REQUIRED.to_vec());
    assert_eq!(&message.body[..], &[0, 159, 146, 150]);
}

/// [core] header_value::encode.
#[test]
fn binary_values_are_percent_encoded() {
    let data = Data::new(Bytes::from_static(b"x"), DataForm::Binary);
    let extra = [("subject", "Euro € 😀"), ("myext", "a b%c")];
    let mut e = event(&extra, Some(data));
    e.set_attribute("source", "/a%20b").unwrap();
    let message = encode(&e, ContentMode::Binary).unwrap();
    let wire = wire(&message);
    assert!(
        wire.contains(&("ce-subject", "Euro%20%E2%82%AC%20%F0%9F%98%80")),
        "{wire:?}"
    );
    assert!(wire.contains(&("ce-myext", "a%20b%25c")), "{wire:?}");
    assert!(wire.contains(&("ce-source", "/a%2520b")), "{wire:?}");
}

#[test]
fn events_without_data_go_structured_even_in_binary_mode() {
    for data in [None, Some(Data::new(Bytes::new(), DataForm::Binary))] {
        let message = encode(&event(&[], data), ContentMode::Binary).unwrap();
        assert_eq!(
            wire(&message),
            [(
                "content-type",
                "application/cloudevents+json; charset=UTF-8"
            )]
        );
    }
}

/// [core] json::encode; the official SDK reads the body back.
#[test]
fn structured_body_is_the_json_format() {
    let data = Data::new(Bytes::from_static(br#"{"a":1}"#), DataForm::Json);
    let message = encode(
        &event(&[("myext", "v")], Some(data)),
        ContentMode::Structured,
    )
    .unwrap();
    assert_eq!(
        wire(&message),
        [(
            "content-type",
            "application/cloudevents+json; charset=UTF-8"
        )]
    );
    let json: serde_json::Value = serde_json::from_slice(&message.body).unwrap();
    assert_eq!(json["specversion"], "1.0");
    assert_eq!(json["id"], "1");
    assert_eq!(json["myext"], "v");
    assert_eq!(json["data"], serde_json::json!({ "a": 1 }));
    let sdk: cloudevents::Event = serde_json::from_slice(&message.body).unwrap();
    assert_eq!(cloudevents::AttributesReader::id(&sdk), "1");
}

#[test]
fn binary_decode_maps_headers_content_type_and_body() {
    let mut pairs = REQUIRED.to_vec();
    pairs.extend([
        ("CE-MyExt", "v"),
        ("content-type", "application/json; charset=utf-8"),
        ("x-other", "ignored"),
    ]);
    let e = single(decode(&headers(&pairs), Bytes::from_static(br#"{"a":1}"#)));
    assert_eq!((e.id(), e.source(), e.ty()), ("1", "/s", "t"));
    assert_eq!(e.datacontenttype(), Some("application/json; charset=utf-8"));
    assert_eq!(e.attribute("myext").unwrap().to_string(), "v");
    assert_eq!(e.attribute("x-other"), None);
    assert_eq!(
        e.data().unwrap().bytes(),
        &Bytes::from_static(br#"{"a":1}"#)
    );
}

#[test]
fn binary_decode_empty_body_is_no_data() {
    let e = single(decode(&headers(&REQUIRED), Bytes::new()));
    assert!(e.data().is_none());
    assert!(e.datacontenttype().is_none());
}

/// [core] header_value::decode.
#[test]
fn binary_decode_percent_decodes_and_unquotes() {
    let mut pairs = REQUIRED.to_vec();
    pairs.extend([
        ("ce-subject", "Euro%20%e2%82%ac%20%F0%9F%98%80"),
        ("ce-myext", "\"quoted\""),
    ]);
    let e = single(decode(&headers(&pairs), Bytes::new()));
    assert_eq!(e.subject(), Some("Euro € 😀"));
    assert_eq!(e.attribute("myext").unwrap().to_string(), "quoted");
}

#[test]
fn binary_decode_rejects_what_the_spec_forbids() {
    let mut repeated = REQUIRED.to_vec();
    repeated.push(("ce-id", "2"));
    let err = decode(&headers(&repeated), Bytes::new()).unwrap_err();
    assert_eq!(err.to_string(), "header `ce-id` appears more than once");

    let mut dct = REQUIRED.to_vec();
    dct.push(("ce-datacontenttype", "text/plain"));
    let err = decode(&headers(&dct), Bytes::new()).unwrap_err();
    assert!(matches!(err, DecodeError::DataContentTypeHeader), "{err}");

    let missing = headers(&[
        ("ce-specversion", "1.0"),
        ("ce-source", "/s"),
        ("ce-type", "t"),
    ]);
    let err = decode(&missing, Bytes::new()).unwrap_err();
    assert_eq!(err.to_string(), "missing required attribute `id`");
}

#[test]
fn plain_requests_are_not_cloudevents() {
    let plain = headers(&[("content-type", "application/json"), ("ce-id", "1")]);
    let err = decode(&plain, Bytes::from_static(b"{}")).unwrap_err();
    assert!(matches!(err, DecodeError::NotACloudEvent), "{err}");
    assert!(!carries_event(&plain));
}

#[test]
fn other_event_formats_are_unsupported_media_types() {
    for ct in [
        "application/cloudevents+avro",
        "application/cloudevents-batch+avro",
        "application/cloudevents",
    ] {
        let err = decode(&headers(&[("content-type", ct)]), Bytes::new()).unwrap_err();
        assert!(err.is_unsupported_media_type(), "{ct}: {err}");
        assert!(carries_event(&headers(&[("content-type", ct)])));
    }
}

/// [core] json::decode_batch. The batch prefix is tested first, case-insensitively.
#[test]
fn batch_content_type_decodes_a_batch() {
    let ct = headers(&[(
        "content-type",
        "Application/CloudEvents-Batch+JSON; charset=utf-8",
    )]);
    match decode(&ct, Bytes::from_static(b"[]")).unwrap() {
        Decoded::Batch(events) => assert!(events.is_empty()),
        Decoded::Single(_) => panic!("batch read as a single event"),
    }
}

/// [core] json::decode.
#[test]
fn structured_content_type_decodes_json() {
    let ct = headers(&[(
        "content-type",
        "application/cloudevents+json; charset=UTF-8",
    )]);
    let body = br#"{"specversion":"1.0","id":"x","source":"/s","type":"t","data":{"a":1}}"#;
    let e = single(decode(&ct, Bytes::from_static(body)));
    assert_eq!(e.id(), "x");
    assert_eq!(
        e.data().unwrap().bytes(),
        &Bytes::from_static(br#"{"a":1}"#)
    );
}

#[test]
fn repeated_content_type_is_refused() {
    let mut pairs = REQUIRED.to_vec();
    pairs.extend([
        ("content-type", "text/plain"),
        ("content-type", "text/html"),
    ]);
    let err = decode(&headers(&pairs), Bytes::from_static(b"x")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "header `content-type` appears more than once"
    );
}
