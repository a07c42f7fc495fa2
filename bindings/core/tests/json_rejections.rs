//! Every JSON-format rejection of spec digest 2.5, plus the value rules of 1.2-1.5,
//! each with the exact error expected.

use bytes::Bytes;
use ferry_core::{json, EventError};

fn decode(text: &str) -> Result<ferry_core::Event, EventError> {
    json::decode(Bytes::copy_from_slice(text.as_bytes()))
}

/// A minimal valid 1.0 event with `extra` members appended.
fn with(extra: &str) -> String {
    let base = r#"{"specversion":"1.0","id":"1","source":"/s","type":"t""#;
    format!("{base},{extra}}}")
}

/// Tells whether a decode error is the expected one.
type Check = Box<dyn Fn(&EventError) -> bool>;
/// A literal input (or members for [`with`]) and its expected error.
type Case = (&'static str, fn(&EventError) -> bool);

/// Every rejection listed in spec digest 2.5, plus the value rules of 1.2-1.5.
#[test]
fn rejections() {
    use EventError as E;
    let missing = |name| move |e: &E| *e == E::MissingAttribute(name);
    let cases: Vec<(String, Check)> = vec![
        (
            r#"{"id":"1","source":"/s","type":"t"}"#.into(),
            Box::new(missing("specversion")),
        ),
        (
            r#"{"specversion":"1.0","source":"/s","type":"t"}"#.into(),
            Box::new(missing("id")),
        ),
        (
            r#"{"specversion":"1.0","id":"1","type":"t"}"#.into(),
            Box::new(missing("source")),
        ),
        (
            r#"{"specversion":"1.0","id":"1","source":"/s"}"#.into(),
            Box::new(missing("type")),
        ),
        (
            r#"{"specversion":"1.0","id":null,"source":"/s","type":"t"}"#.into(),
            Box::new(missing("id")),
        ),
    ];
    let mut cases = cases;
    let unsupported = |v: &'static str| {
        let text = format!(r#"{{"specversion":"{v}","id":"1","source":"/s","type":"t"}}"#);
        (
            text,
            Box::new(move |e: &E| *e == E::UnsupportedSpecVersion(v.into())) as Check,
        )
    };
    cases.extend([
        unsupported(""),
        unsupported("0.9"),
        unsupported("2.0"),
        unsupported("11.8"),
        unsupported("1.0.2"),
    ]);
    let member_cases: &[Case] = &[
        (
            r#""id":"""#,
            |e| matches!(e, E::DuplicateAttribute(n) if n == "id"),
        ),
        (r#""subject":"""#, |e| {
            *e == E::EmptyAttribute("subject".into())
        }),
        (r#""dataschema":"""#, |e| {
            *e == E::EmptyAttribute("dataschema".into())
        }),
        (r#""datacontenttype":"""#, |e| {
            *e == E::EmptyAttribute("datacontenttype".into())
        }),
        (r#""datacontenttype":"xyz""#, |e| {
            *e == E::InvalidMediaType("xyz".into())
        }),
        (r#""dataschema":"/relative""#, |e| {
            matches!(e, E::InvalidUri { .. })
        }),
        (r#""time":"lunchtime""#, |e| {
            matches!(e, E::InvalidTimestamp { .. })
        }),
        (r#""time":"2018-04-05T18:31Z""#, |e| {
            matches!(e, E::InvalidTimestamp { .. })
        }),
        (r#""time":"2018-04-05T17:31:00X""#, |e| {
            matches!(e, E::InvalidTimestamp { .. })
        }),
        (r#""time":"2018-04-05T17:31:00+25:00""#, |e| {
            matches!(e, E::InvalidTimestamp { .. })
        }),
        (r#""time":"2018-04-05T17:31:00+xx:00""#, |e| {
            matches!(e, E::InvalidTimestamp { .. })
        }),
        (r#""time":"2018-04-05T17:31:00+05""#, |e| {
            matches!(e, E::InvalidTimestamp { .. })
        }),
        (r#""time":"2018-04-05T17:31:00""#, |e| {
            matches!(e, E::InvalidTimestamp { .. })
        }),
        (r#""MyExtension":"v""#, |e| {
            *e == E::InvalidName("MyExtension".into())
        }),
        (r#""my.extension":"v""#, |e| {
            *e == E::InvalidName("my.extension".into())
        }),
        (r#""":"v""#, |e| *e == E::InvalidName(String::new())),
        (
            r#""ext":1.5"#,
            |e| matches!(e, E::InvalidType { name, .. } if name == "ext"),
        ),
        (
            r#""ext":10.0"#,
            |e| matches!(e, E::InvalidType { name, .. } if name == "ext"),
        ),
        (
            r#""ext":1e3"#,
            |e| matches!(e, E::InvalidType { name, .. } if name == "ext"),
        ),
        (r#""ext":2147483648"#, |e| {
            *e == E::IntegerOutOfRange("ext".into())
        }),
        (r#""ext":-2147483649"#, |e| {
            *e == E::IntegerOutOfRange("ext".into())
        }),
        (r#""ext":123456789012345678901234567890"#, |e| {
            *e == E::IntegerOutOfRange("ext".into())
        }),
        (
            r#""ext":[1]"#,
            |e| matches!(e, E::InvalidType { name, .. } if name == "ext"),
        ),
        (
            r#""ext":{"a":1}"#,
            |e| matches!(e, E::InvalidType { name, .. } if name == "ext"),
        ),
        (r#""ext":"a\u0000b""#, |e| {
            *e == E::ForbiddenCharacter("ext".into())
        }),
        (r#""subject":"a\nb""#, |e| {
            *e == E::ForbiddenCharacter("subject".into())
        }),
        (r#""subject":"\u0085""#, |e| {
            *e == E::ForbiddenCharacter("subject".into())
        }),
        (r#""subject":"\ufdd0""#, |e| {
            *e == E::ForbiddenCharacter("subject".into())
        }),
        (r#""subject":"\uffff""#, |e| {
            *e == E::ForbiddenCharacter("subject".into())
        }),
        (r#""subject":"\ud800""#, |e| matches!(e, E::Json(_))),
        (
            r#""subject":5"#,
            |e| matches!(e, E::InvalidType { name, .. } if name == "subject"),
        ),
        (
            r#""time":true"#,
            |e| matches!(e, E::InvalidType { name, .. } if name == "time"),
        ),
        (r#""data":1,"data_base64":"AA==""#, |e| {
            *e == E::DataConflict
        }),
        (r#""data":null,"data_base64":"AA==""#, |e| {
            *e == E::DataConflict
        }),
        (
            r#""data_base64":5"#,
            |e| matches!(e, E::InvalidType { name, .. } if name == "data_base64"),
        ),
        (r#""data_base64":"!!!""#, |e| {
            matches!(e, E::InvalidBase64(_))
        }),
        (
            r#""datacontenttype":"text/plain","data":10"#,
            |e| matches!(e, E::InvalidType { name, .. } if name == "data"),
        ),
        (
            r#""datacontenttype":"text/plain","data":{"a":1}"#,
            |e| matches!(e, E::InvalidType { name, .. } if name == "data"),
        ),
        (r#""data":1,"data":2"#, |e| {
            *e == E::DuplicateAttribute("data".into())
        }),
        (r#""ext":1,"ext":1"#, |e| {
            *e == E::DuplicateAttribute("ext".into())
        }),
        (r#""ext":1,"\u0065xt":1"#, |e| {
            *e == E::DuplicateAttribute("ext".into())
        }),
    ];
    for (extra, check) in member_cases {
        cases.push((with(extra), Box::new(check)));
    }
    let id_cases: &[Case] = &[
        (
            r#"{"specversion":"1.0","id":42,"source":"/s","type":"t"}"#,
            |e| matches!(e, E::InvalidType { name, .. } if name == "id"),
        ),
        (
            r#"{"specversion":"1.0","id":{"a":1},"source":"/s","type":"t"}"#,
            |e| matches!(e, E::InvalidType { name, .. } if name == "id"),
        ),
        (
            r#"{"specversion":1.0,"id":"1","source":"/s","type":"t"}"#,
            |e| matches!(e, E::InvalidType { name, .. } if name == "specversion"),
        ),
        (
            r#"{"specversion":"1.0","id":"","source":"/s","type":"t"}"#,
            |e| *e == E::EmptyAttribute("id".into()),
        ),
        (
            r#"{"specversion":"1.0","id":"1","source":"","type":"t"}"#,
            |e| *e == E::EmptyAttribute("source".into()),
        ),
        (
            r#"{"specversion":"1.0","id":"1","source":"/s","type":""}"#,
            |e| *e == E::EmptyAttribute("type".into()),
        ),
        (
            r#"{"specversion":"1.0","specversion":"1.0","id":"1","source":"/s","type":"t"}"#,
            |e| *e == E::DuplicateAttribute("specversion".into()),
        ),
        (r#"[]"#, |e| *e == E::NotAnObject),
        (r#""event""#, |e| *e == E::NotAnObject),
        (r#""#, |e| matches!(e, E::Json(_))),
        (r#"{"specversion":"1.0""#, |e| matches!(e, E::Json(_))),
        (
            r#"{"specversion":"1.0","id":"1","source":"/s","type":"t"} x"#,
            |e| matches!(e, E::Json(_)),
        ),
        (
            r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","ext":tru}"#,
            |e| matches!(e, E::Json(_)),
        ),
    ];
    for (text, check) in id_cases {
        cases.push((text.to_string(), Box::new(check)));
    }
    for (text, check) in &cases {
        match decode(text) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => assert!(check(&e), "{text}: unexpected error {e:?}"),
        }
    }
}
