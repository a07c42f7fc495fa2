//! Media-type tests used for mode detection and for choosing how data is written.
//!
//! Media type and parameter names compare case-insensitively (spec 1.5), and mode
//! detection is a case-insensitive prefix test (spec 3.0), unlike some SDKs.

use crate::event::DataForm;

/// The content type ferry writes for a structured JSON event.
pub const STRUCTURED_JSON: &str = "application/cloudevents+json; charset=UTF-8";
/// The content type ferry writes for a JSON batch.
pub const BATCH_JSON: &str = "application/cloudevents-batch+json; charset=UTF-8";
/// Written for binary-mode data decoded from JSON `data` with no datacontenttype.
pub const APPLICATION_JSON: &str = "application/json";

/// `application/cloudevents...` (case-insensitive): structured (or batch) mode.
pub fn is_cloudevents(content_type: &str) -> bool {
    starts_with_ignore_case(content_type.trim_start(), "application/cloudevents")
}

/// `application/cloudevents-batch...` (case-insensitive). Test before `is_cloudevents`.
pub fn is_batch(content_type: &str) -> bool {
    starts_with_ignore_case(content_type.trim_start(), "application/cloudevents-batch")
}

/// Structured JSON format (as opposed to another event format such as Avro).
pub fn is_structured_json(content_type: &str) -> bool {
    essence(content_type).eq_ignore_ascii_case("application/cloudevents+json")
}

/// The `type/subtype` part of a content type: parameters and surrounding
/// whitespace stripped, case kept.
pub fn essence(content_type: &str) -> &str {
    let end = content_type.find(';').unwrap_or(content_type.len());
    content_type[..end].trim()
}

/// `*/json` or `*/*+json`, parameters stripped, case-insensitive.
pub fn declares_json(content_type: &str) -> bool {
    match essence(content_type).split_once('/') {
        Some((_, sub)) => {
            sub.eq_ignore_ascii_case("json")
                || (sub.len() > 5 && ends_with_ignore_case(sub, "+json"))
        }
        None => false,
    }
}

/// The value of parameter `name` (case-insensitive name), unquoted when it was a
/// quoted-string (escapes are not processed: charsets never contain them).
pub fn parameter<'a>(content_type: &'a str, name: &str) -> Option<&'a str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (pname, value) = param.split_once('=')?;
        if !pname.trim().eq_ignore_ascii_case(name) {
            return None;
        }
        let value = value.trim();
        Some(
            value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value),
        )
    })
}

/// A `text/*` type whose bytes are UTF-8 when valid: no charset, or `utf-8` /
/// `us-ascii` (ASCII is a subset of UTF-8).
fn is_utf8_text(content_type: &str) -> bool {
    let is_text = essence(content_type)
        .split_once('/')
        .is_some_and(|(ty, _)| ty.eq_ignore_ascii_case("text"));
    is_text
        && parameter(content_type, "charset").is_none_or(|cs| {
            cs.eq_ignore_ascii_case("utf-8") || cs.eq_ignore_ascii_case("us-ascii")
        })
}

/// How binary-mode body bytes are to be written in JSON (spec 2.2, gateway table):
/// JSON data for a JSON type when the body is valid JSON; a string for UTF-8 text;
/// `data_base64` for everything else, including no content type at all.
pub(crate) fn data_form_for(bytes: &[u8], content_type: Option<&str>) -> DataForm {
    match content_type {
        // IgnoredAny validates without building a value tree.
        Some(ct) if declares_json(ct) => {
            if serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
                DataForm::Json
            } else {
                DataForm::Binary
            }
        }
        Some(ct) if is_utf8_text(ct) => {
            if std::str::from_utf8(bytes).is_ok() {
                DataForm::Text
            } else {
                DataForm::Binary
            }
        }
        _ => DataForm::Binary,
    }
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_detection_is_case_insensitive() {
        assert!(is_cloudevents(
            "Application/CloudEvents+JSON; charset=utf-8"
        ));
        assert!(is_batch("application/CLOUDEVENTS-batch+json"));
        assert!(!is_batch("application/cloudevents+json"));
        assert!(!is_cloudevents("application/json"));
        assert!(is_structured_json(
            "application/cloudevents+json; charset=UTF-8"
        ));
        assert!(!is_structured_json("application/cloudevents+avro"));
        assert!(!is_structured_json("application/cloudevents-batch+json"));
    }

    #[test]
    fn json_declaration() {
        for yes in [
            "application/json",
            "text/json",
            "APPLICATION/JSON; charset=utf-8",
            "application/vnd.foo+json",
            "application/cloudevents+json; charset=utf-8",
            "application/Problem+JSON;x=1",
        ] {
            assert!(declares_json(yes), "{yes}");
        }
        for no in [
            "application/json-seq",
            "text/plain",
            "json",
            "application/+json2",
            "application/xml",
        ] {
            assert!(!declares_json(no), "{no}");
        }
    }

    #[test]
    fn body_forms() {
        let cases: &[(&[u8], Option<&str>, DataForm)] = &[
            (b"{\"a\":1}", Some("application/json"), DataForm::Json),
            (b"\"s\"", Some("application/ld+json"), DataForm::Json),
            (b"{nope", Some("application/json"), DataForm::Binary),
            (b"{\"a\":1}", None, DataForm::Binary),
            (b"hello", Some("text/plain"), DataForm::Text),
            (
                b"hello",
                Some("Text/Plain; Charset=\"UTF-8\""),
                DataForm::Text,
            ),
            (
                b"hello",
                Some("text/plain; charset=us-ascii"),
                DataForm::Text,
            ),
            (
                b"hello",
                Some("text/plain; charset=iso-8859-1"),
                DataForm::Binary,
            ),
            (b"\xff", Some("text/plain"), DataForm::Binary),
            (b"<a/>", Some("application/xml"), DataForm::Binary),
        ];
        for (bytes, ct, form) in cases {
            assert_eq!(data_form_for(bytes, *ct), *form, "{ct:?}");
        }
    }
}
