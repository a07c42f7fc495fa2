//! One event as one line: the JSON event format followed by `\n`.

use ferry_core::{json, Event};

/// Encodes `event` as one line of structured JSON, `\n` included.
///
/// JSON `data` copied verbatim from a pretty-printed input may hold raw line
/// breaks between tokens; the line encoder drops that insignificant whitespace, so
/// the JSON value stays the same and the line stays one line.
pub(crate) fn encode_line(event: &Event) -> Vec<u8> {
    let mut line = Vec::with_capacity(256);
    json::encode_line_into(event, &mut line);
    line.push(b'\n');
    line
}

#[cfg(test)]
mod tests {
    use ferry_core::{Data, DataForm};

    use super::*;
    use crate::test_support::event;

    #[test]
    fn a_line_is_the_json_event_and_one_newline() {
        let ev = event("e1");
        let line = encode_line(&ev);
        let mut expected = json::encode(&ev);
        expected.push(b'\n');
        assert_eq!(line, expected);
        assert_eq!(line.iter().filter(|b| **b == b'\n').count(), 1);
    }

    #[test]
    fn a_line_holds_the_attributes() {
        let line = encode_line(&event("e1"));
        let value: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(value["specversion"], "1.0");
        assert_eq!(value["id"], "e1");
        assert_eq!(value["source"], "/test");
        assert_eq!(value["type"], "com.example.test");
    }

    #[test]
    fn pretty_printed_json_data_stays_on_one_line_with_the_same_value() {
        let mut ev = event("e1");
        let pretty = bytes::Bytes::from_static(b"{\r\n  \"a\": \"x\\ny\",\n  \"b\": [1,\n 2]\n}");
        ev.set_data(Some(Data::new(pretty, DataForm::Json)));
        let line = encode_line(&ev);
        assert_eq!(line.iter().filter(|b| **b == b'\n').count(), 1);
        assert!(!line.contains(&b'\r'));
        assert_eq!(line.last(), Some(&b'\n'));

        let value: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(
            value["data"],
            serde_json::json!({ "a": "x\ny", "b": [1, 2] })
        );
    }
}
