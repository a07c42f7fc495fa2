//! Legacy 0.1, 0.2 and 0.3 events upgraded to 1.0 on entry (spec digest 1.8).

use std::borrow::Cow;

use bytes::Bytes;
use ferry_core::{binary, json, DataForm, EventError};

fn upgraded(text: &str) -> String {
    let event = json::decode(Bytes::copy_from_slice(text.as_bytes()))
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    String::from_utf8(json::encode(&event)).unwrap()
}

fn rejected(text: &str) -> EventError {
    json::decode(Bytes::copy_from_slice(text.as_bytes())).expect_err(text)
}

const V01_AS_10: &str = r#"{"specversion":"1.0","id":"A234-1234-1234","source":"/mycontext","type":"com.example.someevent","datacontenttype":"text/xml","time":"2018-04-05T17:31:00Z","eventtypeversion":"1.0","comexampleextension":"value","data":"<alert/>"}"#;

#[test]
fn v01_lowercase_spelling() {
    let input = r#"{"cloudeventsversion":"0.1","eventtype":"com.example.someevent","eventtypeversion":"1.0","source":"/mycontext","eventid":"A234-1234-1234","eventtime":"2018-04-05T17:31:00Z","extensions":{"comExampleExtension":"value"},"contenttype":"text/xml","data":"<alert/>"}"#;
    assert_eq!(upgraded(input), V01_AS_10);
}

#[test]
fn v01_camel_case_spelling() {
    let input = r#"{"cloudEventsVersion":"0.1","eventType":"com.example.someevent","eventTypeVersion":"1.0","source":"/mycontext","eventID":"A234-1234-1234","eventTime":"2018-04-05T17:31:00Z","extensions":{"comExampleExtension":"value"},"contentType":"text/xml","data":"<alert/>"}"#;
    assert_eq!(upgraded(input), V01_AS_10);
}

#[test]
fn v01_details() {
    // schemaURL: absolute → dataschema; extensions flattened (non-alnum dropped,
    // objects become their JSON text); JSON data when contentType is JSON.
    let input = r#"{"cloudEventsVersion":"0.1","eventType":"t","source":"/s","eventID":"1","schemaURL":"https://example.com/s","extensions":{"x.Trace-Id":"abc","obj":{"a": [1, 2]},"n":3},"contentType":"application/json","data":{"k":true}}"#;
    assert_eq!(
        upgraded(input),
        r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"application/json","dataschema":"https://example.com/s","xtraceid":"abc","obj":"{\"a\":[1,2]}","n":3,"data":{"k":true}}"#
    );
    // A relative schemaURL stays as the extension `schemaurl`.
    let input = r#"{"cloudEventsVersion":"0.1","eventType":"t","source":"/s","eventID":"1","schemaURL":"/schemas/1"}"#;
    assert_eq!(
        upgraded(input),
        r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","schemaurl":"/schemas/1"}"#
    );
    // Both spellings of one name are one attribute twice.
    let both = r#"{"cloudEventsVersion":"0.1","eventType":"t","eventtype":"t","source":"/s","eventID":"1"}"#;
    assert_eq!(
        rejected(both),
        EventError::DuplicateAttribute("type".into())
    );
    let bad = r#"{"cloudEventsVersion":"0.2","eventType":"t","source":"/s","eventID":"1"}"#;
    assert_eq!(
        rejected(bad),
        EventError::UnsupportedSpecVersion("0.2".into())
    );
    let bad = r#"{"cloudEventsVersion":"0.1","eventType":"t","source":"/s","eventID":"1","extensions":[1]}"#;
    assert!(matches!(rejected(bad), EventError::InvalidType { .. }));
}

#[test]
fn v02() {
    let input = r#"{"specversion":"0.2","type":"com.example.someevent","source":"/mycontext","id":"A234-1234-1234","time":"2018-04-05T17:31:00Z","schemaurl":"http://example.com/s.json","contenttype":"application/json","comexampleextension1":"value","comexampleextension2":{"othervalue": 5},"data":{"a":1}}"#;
    assert_eq!(
        upgraded(input),
        r#"{"specversion":"1.0","id":"A234-1234-1234","source":"/mycontext","type":"com.example.someevent","datacontenttype":"application/json","dataschema":"http://example.com/s.json","time":"2018-04-05T17:31:00Z","comexampleextension1":"value","comexampleextension2":"{\"othervalue\":5}","data":{"a":1}}"#
    );
}

#[test]
fn v03() {
    let input = r#"{"specversion":"0.3","type":"t","source":"/s","id":"1","subject":"sub","schemaurl":"rel/schema","datacontenttype":"text/plain","datacontentencoding":"Base64","data":"aGVsbG8="}"#;
    assert_eq!(
        upgraded(input),
        r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"text/plain","subject":"sub","schemaurl":"rel/schema","data_base64":"aGVsbG8="}"#
    );
    let event = json::decode(Bytes::from_static(input.as_bytes())).unwrap();
    assert_eq!(event.data().unwrap().bytes().as_ref(), b"hello");
    assert_eq!(event.data().unwrap().form(), DataForm::Binary);

    let plain = r#"{"specversion":"0.3","type":"t","source":"/s","id":"1","data":{"x":1}}"#;
    assert_eq!(
        upgraded(plain),
        r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","data":{"x":1}}"#
    );
    let bad = r#"{"specversion":"0.3","type":"t","source":"/s","id":"1","datacontentencoding":"quoted-printable","data":"x"}"#;
    assert_eq!(
        rejected(bad),
        EventError::UnsupportedLegacyValue {
            name: "datacontentencoding".into(),
            value: "quoted-printable".into()
        }
    );
    let bad = r#"{"specversion":"0.3","type":"t","source":"/s","id":"1","datacontentencoding":"base64","data":"@@"}"#;
    assert!(matches!(rejected(bad), EventError::InvalidBase64(_)));
}

#[test]
fn unsupported_versions() {
    for v in ["0.9", "2.0", "", "0.1", "1"] {
        let text = format!(r#"{{"specversion":"{v}","id":"1","source":"/s","type":"t"}}"#);
        assert_eq!(
            rejected(&text),
            EventError::UnsupportedSpecVersion(v.into()),
            "{v}"
        );
    }
}

fn attrs<'a>(pairs: &[(&'a str, &'a str)]) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
    pairs
        .iter()
        .map(|(n, v)| (Cow::Borrowed(*n), Cow::Borrowed(*v)))
        .collect()
}

#[test]
fn binary_v01_headers() {
    // As an HTTP 0.1 request arrives: `CE-EventType` etc., prefix stripped and
    // lowercased by the binding, quoted values already unquoted.
    let event = binary::decode(
        attrs(&[
            ("cloudeventsversion", "0.1"),
            ("eventtype", "com.example.someevent"),
            ("eventtypeversion", "1.0"),
            ("source", "/mycontext"),
            ("eventid", "A234-1234-1234"),
            ("eventtime", "2018-04-05T17:31:00Z"),
            ("x-comexample-extension", "value"),
            ("schemaurl", "https://example.com/s"),
        ]),
        Some("text/xml"),
        Some(Bytes::from_static(b"<alert/>")),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(json::encode(&event)).unwrap(),
        r#"{"specversion":"1.0","id":"A234-1234-1234","source":"/mycontext","type":"com.example.someevent","datacontenttype":"text/xml","dataschema":"https://example.com/s","time":"2018-04-05T17:31:00Z","eventtypeversion":"1.0","comexampleextension":"value","data":"<alert/>"}"#
    );
}

#[test]
fn binary_v02_v03_headers() {
    let event = binary::decode(
        attrs(&[
            ("specversion", "0.2"),
            ("type", "t"),
            ("source", "/s"),
            ("id", "1"),
            ("comexampleextension2-othervalue", "5"),
            ("comexampleextension2-b", "x\"y"),
        ]),
        Some("application/json"),
        Some(Bytes::from_static(b"{\"a\":1}")),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(json::encode(&event)).unwrap(),
        r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"application/json","comexampleextension2":"{\"othervalue\":\"5\",\"b\":\"x\\\"y\"}","data":{"a":1}}"#
    );

    let event = binary::decode(
        attrs(&[
            ("specversion", "0.3"),
            ("type", "t"),
            ("source", "/s"),
            ("id", "1"),
            ("datacontentencoding", "base64"),
        ]),
        Some("application/octet-stream"),
        Some(Bytes::from_static(b"AAEC")),
    )
    .unwrap();
    assert_eq!(event.data().unwrap().bytes().as_ref(), &[0, 1, 2]);

    let err = binary::decode(
        attrs(&[
            ("specversion", "0.9"),
            ("type", "t"),
            ("source", "/s"),
            ("id", "1"),
        ]),
        None,
        None,
    )
    .unwrap_err();
    assert_eq!(err, EventError::UnsupportedSpecVersion("0.9".into()));
    let err = binary::decode(
        attrs(&[("type", "t"), ("source", "/s"), ("id", "1")]),
        None,
        None,
    )
    .unwrap_err();
    assert_eq!(err, EventError::MissingAttribute("specversion"));
}
