//! Media-type tests used for mode detection and for choosing how data is written.
// STUB: to be completed.

use crate::event::DataForm;

/// The content type ferry writes for a structured JSON event.
pub const STRUCTURED_JSON: &str = "application/cloudevents+json; charset=UTF-8";
/// The content type ferry writes for a JSON batch.
pub const BATCH_JSON: &str = "application/cloudevents-batch+json; charset=UTF-8";
/// Written for binary-mode data decoded from JSON `data` with no datacontenttype.
pub const APPLICATION_JSON: &str = "application/json";

/// `application/cloudevents...` (case-insensitive): structured (or batch) mode.
pub fn is_cloudevents(content_type: &str) -> bool {
    starts_with_ignore_case(content_type, "application/cloudevents")
}

/// `application/cloudevents-batch...` (case-insensitive). Test before `is_cloudevents`.
pub fn is_batch(content_type: &str) -> bool {
    starts_with_ignore_case(content_type, "application/cloudevents-batch")
}

/// Structured JSON format (as opposed to another event format such as Avro).
pub fn is_structured_json(content_type: &str) -> bool {
    starts_with_ignore_case(content_type, "application/cloudevents+json")
}

/// `*/json` or `*/*+json`, parameters stripped, case-insensitive.
pub fn declares_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    let lower = essence.to_ascii_lowercase();
    match lower.split_once('/') {
        Some((_, sub)) => sub == "json" || sub.ends_with("+json"),
        None => false,
    }
}

/// How binary-mode body bytes are to be written in JSON.
pub(crate) fn data_form_for(bytes: &[u8], content_type: Option<&str>) -> DataForm {
    match content_type {
        Some(ct) if declares_json(ct) => {
            if serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
                DataForm::Json
            } else {
                DataForm::Binary
            }
        }
        Some(ct) if ct.to_ascii_lowercase().starts_with("text/") => {
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
