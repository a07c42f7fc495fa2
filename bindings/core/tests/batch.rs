//! The JSON batch format (spec digest 2.4).

use bytes::Bytes;
use ferry_core::{json, EventError};

fn decode(text: &str) -> Result<Vec<ferry_core::Event>, EventError> {
    json::decode_batch(Bytes::copy_from_slice(text.as_bytes()))
}

const A: &str = r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","data":{"n":1}}"#;
const B: &str = r#"{"specversion":"1.0","id":"2","source":"/s","type":"t","datacontenttype":"text/plain","data":"x"}"#;

#[test]
fn empty_batch() {
    assert!(decode("[]").unwrap().is_empty());
    assert!(decode(" [ ] ").unwrap().is_empty());
    assert_eq!(json::encode_batch([]), b"[]");
}

#[test]
fn round_trip_literal() {
    let text = format!("[{A}, {B},{A}]");
    let events = decode(&text).unwrap();
    assert_eq!(events.len(), 3, "duplicates are allowed");
    assert_eq!(
        String::from_utf8(json::encode_batch(&events)).unwrap(),
        format!("[{A},{B},{A}]")
    );
}

#[test]
fn data_shares_the_batch_buffer() {
    let input = Bytes::from(format!("[{A},{B}]"));
    let range = input.as_ptr() as usize..input.as_ptr() as usize + input.len();
    for event in json::decode_batch(input.clone()).unwrap() {
        assert!(range.contains(&(event.data().unwrap().bytes().as_ptr() as usize)));
    }
}

#[test]
fn rejections_name_the_element() {
    let v03 = r#"{"specversion":"0.3","id":"3","source":"/s","type":"t"}"#;
    let bad = r#"{"specversion":"1.0","id":"","source":"/s","type":"t"}"#;
    let cases: &[(String, EventError)] = &[
        (
            format!("[{A},{bad}]"),
            EventError::BatchElement {
                index: 1,
                error: Box::new(EventError::EmptyAttribute("id".into())),
            },
        ),
        (
            format!("[{A},{B},1]"),
            EventError::BatchElement {
                index: 2,
                error: Box::new(EventError::NotAnObject),
            },
        ),
        (
            format!("[{A},{v03}]"),
            EventError::BatchElement {
                index: 1,
                error: Box::new(EventError::BatchMixedSpecVersion),
            },
        ),
        (A.to_owned(), EventError::NotAnArray),
    ];
    for (text, expected) in cases {
        assert_eq!(&decode(text).unwrap_err(), expected, "{text}");
    }
    assert!(matches!(decode("[").unwrap_err(), EventError::Json(_)));
    assert!(matches!(decode("").unwrap_err(), EventError::Json(_)));
    // One legacy version throughout is fine, and comes out as 1.0.
    let events = decode(&format!("[{v03},{v03}]")).unwrap();
    assert!(events.iter().all(|e| e.specversion() == "1.0"));
    assert_eq!(
        decode(&format!("[{A},{bad}]")).unwrap_err().to_string(),
        "batch element 1: attribute `id` must not be empty"
    );
}
