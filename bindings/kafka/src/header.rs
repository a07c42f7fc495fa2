//! Kafka record header names (spec digest 3.7), in one place. ferry writes them in
//! lowercase and matches them case-insensitively on ingress, because Kafka header
//! keys are case-sensitive bytes and some SDKs write other spellings.

/// Prefix of every binary-mode attribute header: `ce_id`, `ce_source`, ...
pub const CE_PREFIX: &str = "ce_";
/// Carries `datacontenttype` in binary mode, the format media type in structured mode.
pub const CONTENT_TYPE: &str = "content-type";
/// Written by the JavaScript SDK besides `content-type`; read as a fallback for
/// `datacontenttype` when `content-type` is absent, never written by ferry.
pub const CE_DATACONTENTTYPE: &str = "ce_datacontenttype";
/// The attribute that `ce_datacontenttype` would name.
pub(crate) const DATACONTENTTYPE: &str = "datacontenttype";

/// `key` without the `ce_` prefix (matched case-insensitively), or `None`.
pub(crate) fn strip_ce_prefix(key: &[u8]) -> Option<&[u8]> {
    let prefix = CE_PREFIX.as_bytes();
    (key.len() > prefix.len() && key[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &key[prefix.len()..])
}

/// True for a `content-type` key in any letter case.
pub(crate) fn is_content_type(key: &[u8]) -> bool {
    key.eq_ignore_ascii_case(CONTENT_TYPE.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_names_match_in_any_case() {
        assert_eq!(strip_ce_prefix(b"ce_id"), Some(&b"id"[..]));
        assert_eq!(strip_ce_prefix(b"CE_Type"), Some(&b"Type"[..]));
        assert_eq!(strip_ce_prefix(b"ce_"), None);
        assert_eq!(strip_ce_prefix(b"ce-id"), None);
        assert!(is_content_type(b"Content-Type"));
        assert!(!is_content_type(b"content_type"));
    }
}
