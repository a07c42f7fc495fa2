//! Binary content mode in protocol-neutral form (spec digest 2.3, 3.0).

use std::borrow::Cow;

use bytes::Bytes;
use ferry_core::{binary, json, DataForm, EventError};

fn event(text: &str) -> ferry_core::Event {
    json::decode(Bytes::copy_from_slice(text.as_bytes())).unwrap()
}

fn attrs<'a>(pairs: &[(&'a str, &'a str)]) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
    pairs
        .iter()
        .map(|(n, v)| (Cow::Borrowed(*n), Cow::Borrowed(*v)))
        .collect()
}

const HEAD: &str = r#""specversion":"1.0","id":"1","source":"/s","type":"t""#;

/// JSON members, then the expected content type and body.
type PartsCase = (&'static str, Option<&'static str>, Option<&'static [u8]>);

#[test]
fn json_data_to_binary_parts() {
    // Spec 2.3: JSON data without datacontenttype → body is the JSON text
    // (quotes included) and Content-Type application/json.
    let cases: &[PartsCase] = &[
        (
            r#""data":"I'm just a string""#,
            Some("application/json"),
            Some(b"\"I'm just a string\""),
        ),
        (r#""data":1.5"#, Some("application/json"), Some(b"1.5")),
        (
            r#""datacontenttype":"text/xml","data":"<much wow=\"xml\"/>""#,
            Some("text/xml"),
            Some(b"<much wow=\"xml\"/>"),
        ),
        // data_base64 without datacontenttype → raw bytes, no Content-Type.
        (r#""data_base64":"AAE=""#, None, Some(b"\x00\x01")),
        (
            r#""datacontenttype":"text/plain""#,
            Some("text/plain"),
            None,
        ),
        (r#""subject":"x""#, None, None),
    ];
    for (members, ct, body) in cases {
        let e = event(&format!("{{{HEAD},{members},\"ext\":5}}"));
        let parts = binary::encode(&e);
        assert_eq!(parts.content_type, *ct, "{members}");
        assert_eq!(parts.body.as_deref(), *body, "{members}");
        assert!(parts
            .attributes
            .iter()
            .all(|(n, _)| *n != "datacontenttype"));
        assert!(parts.attributes.contains(&("ext", Cow::Borrowed("5"))));
        assert_eq!(parts.attributes[0], ("specversion", Cow::Borrowed("1.0")));
    }
}

#[test]
fn body_forms_on_decode() {
    let base = [
        ("specversion", "1.0"),
        ("id", "1"),
        ("source", "/s"),
        ("type", "t"),
    ];
    let cases: &[(Option<&str>, &[u8], Option<DataForm>)] = &[
        (Some("application/json"), b"{\"a\":1}", Some(DataForm::Json)),
        (Some("application/json"), b"{bad", Some(DataForm::Binary)),
        (
            Some("text/plain; charset=utf-8"),
            b"hi",
            Some(DataForm::Text),
        ),
        (
            Some("text/plain; charset=latin1"),
            b"hi",
            Some(DataForm::Binary),
        ),
        (None, b"{\"a\":1}", Some(DataForm::Binary)),
        (Some("application/json"), b"", None),
    ];
    for (ct, body, form) in cases {
        let e = binary::decode(attrs(&base), *ct, Some(Bytes::copy_from_slice(body))).unwrap();
        assert_eq!(e.data().map(|d| d.form()), *form, "{ct:?}");
        assert_eq!(e.datacontenttype(), *ct);
    }
    // The JSON format then writes each form as the spec's table says.
    let e = binary::decode(attrs(&base), None, Some(Bytes::from_static(b"{\"a\":1}"))).unwrap();
    assert_eq!(
        String::from_utf8(json::encode(&e)).unwrap(),
        format!(r#"{{{HEAD},"data_base64":"eyJhIjoxfQ=="}}"#)
    );
}

#[test]
fn decode_rejections() {
    let base = [
        ("specversion", "1.0"),
        ("id", "1"),
        ("source", "/s"),
        ("type", "t"),
    ];
    let mut with_ct = base.to_vec();
    with_ct.push(("datacontenttype", "text/plain"));
    let err = binary::decode(attrs(&with_ct), Some("text/plain"), None).unwrap_err();
    assert_eq!(
        err,
        EventError::DuplicateAttribute("datacontenttype".into())
    );

    let cases: &[(&str, &str, EventError)] = &[
        ("id", "", EventError::EmptyAttribute("id".into())),
        ("my-ext", "v", EventError::InvalidName("my-ext".into())),
        (
            "ext",
            "a\u{1}",
            EventError::ForbiddenCharacter("ext".into()),
        ),
        (
            "time",
            "lunchtime",
            EventError::InvalidTimestamp {
                name: "time".into(),
                value: "lunchtime".into(),
            },
        ),
    ];
    for (name, value, expected) in cases {
        let mut pairs: Vec<_> = base.iter().filter(|(n, _)| n != name).copied().collect();
        pairs.push((name, value));
        assert_eq!(
            &binary::decode(attrs(&pairs), None, None).unwrap_err(),
            expected
        );
    }
    let err = binary::decode(attrs(&base), Some("xyz"), None).unwrap_err();
    assert_eq!(err, EventError::InvalidMediaType("xyz".into()));
}

#[test]
fn binary_extension_values_are_strings() {
    let pairs = [
        ("specversion", "1.0"),
        ("id", "1"),
        ("source", "/s"),
        ("type", "t"),
        ("n", "5"),
        ("b", "true"),
    ];
    let e = binary::decode(attrs(&pairs), None, None).unwrap();
    assert_eq!(
        String::from_utf8(json::encode(&e)).unwrap(),
        format!(r#"{{{HEAD},"n":"5","b":"true"}}"#)
    );
}
