//! One event as one line: the JSON event format followed by `\n`.

use ferry_core::{json, Event};

/// Encodes `event` as one line of structured JSON, `\n` included.
///
/// The JSON format never needs a raw line break: inside strings they are escaped
/// as `\n`/`\r`. One can still appear between tokens, when JSON `data` is copied
/// verbatim from a pretty-printed input. Outside strings a line break is
/// insignificant whitespace, so it is replaced by a space: the JSON value stays
/// the same and the line stays one line. (A raw `\r` is replaced as well, since
/// some readers split lines on it too.)
pub(crate) fn encode_line(event: &Event) -> Vec<u8> {
    let mut line = Vec::with_capacity(256);
    json::encode_into(event, &mut line);
    flatten_line_breaks(&mut line);
    line.push(b'\n');
    line
}

/// Replaces every raw `\n` and `\r` in encoded JSON by a space.
fn flatten_line_breaks(json: &mut [u8]) {
    for byte in json {
        if *byte == b'\n' || *byte == b'\r' {
            *byte = b' ';
        }
    }
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

    /// Needs the JSON encoder of ferry-core (a stub that writes nothing today).
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
    fn line_breaks_between_tokens_become_spaces_and_the_value_stays() {
        let mut text = b"{\r\n  \"a\": \"x\\ny\",\n  \"b\": [1,\n 2]\n}".to_vec();
        let before: serde_json::Value = serde_json::from_slice(&text).unwrap();
        flatten_line_breaks(&mut text);
        assert_eq!(text, b"{    \"a\": \"x\\ny\",   \"b\": [1,  2] }");
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&text).unwrap(),
            before
        );
    }

    /// The line-count checks hold today; the parse needs the JSON encoder.
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
