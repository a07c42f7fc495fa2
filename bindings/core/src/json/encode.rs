//! Event → JSON (spec digest 2.1, 2.2), written by hand into a `Vec<u8>`.
//!
//! Member order is fixed: `specversion`, `id`, `source`, `type`, `datacontenttype`,
//! `dataschema`, `subject`, `time`, extensions in arrival order, then the data
//! member. No whitespace is added. Attribute strings are written exactly as held.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::event::{AttrRef, Data, DataForm, Event};
use crate::json::raw;

/// Appends one event in the JSON format to `out` (no trailing newline).
pub fn encode_into(event: &Event, out: &mut Vec<u8>) {
    write_event(event, out, false);
}

/// Like [`encode_into`], but the output never holds a line break, as JSON Lines
/// writers need: JSON `data` that arrived pretty-printed has its insignificant
/// whitespace dropped (same JSON value; the data bytes differ from the input's).
pub fn encode_line_into(event: &Event, out: &mut Vec<u8>) {
    write_event(event, out, true);
}

fn write_event(event: &Event, out: &mut Vec<u8>, compact_data: bool) {
    out.push(b'{');
    for (i, (name, value)) in event.attributes().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Attribute names are `[a-z0-9]+`: nothing to escape.
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
        match value {
            AttrRef::String(s) => write_string(out, s),
            AttrRef::Integer(n) => out.extend_from_slice(n.to_string().as_bytes()),
            AttrRef::Boolean(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        }
    }
    if let Some(data) = event.data() {
        write_data(data, out, compact_data);
    }
    out.push(b'}');
}

/// The data member: JSON verbatim, text as a string, anything else as Base64.
fn write_data(data: &Data, out: &mut Vec<u8>, compact: bool) {
    let bytes = data.bytes();
    match data.form() {
        // Empty bytes are no JSON value; Base64 keeps them exact and the output valid.
        DataForm::Json if bytes.is_empty() => write_base64(bytes, out),
        DataForm::Json => {
            out.extend_from_slice(b",\"data\":");
            let has_break = compact && bytes.iter().any(|&b| b == b'\n' || b == b'\r');
            match std::str::from_utf8(bytes) {
                Ok(text) if has_break => out.extend_from_slice(raw::minify(text).as_bytes()),
                _ => out.extend_from_slice(bytes),
            }
        }
        DataForm::Text => match std::str::from_utf8(bytes) {
            Ok(text) => {
                out.extend_from_slice(b",\"data\":");
                write_string(out, text);
            }
            // Text form with non-UTF-8 bytes cannot be a JSON string; Base64
            // keeps the bytes exact instead of failing.
            Err(_) => write_base64(bytes, out),
        },
        DataForm::Binary => write_base64(bytes, out),
    }
}

fn write_base64(bytes: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(b",\"data_base64\":\"");
    out.extend_from_slice(STANDARD.encode(bytes).as_bytes());
    out.push(b'"');
}

/// Writes `s` as a JSON string: `"` and `\` escaped, control characters as the
/// short escapes or `\u00XX`; everything else (including non-ASCII) as is.
pub(crate) fn write_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if short.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0x0f)]);
        } else {
            out.extend_from_slice(short);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}
