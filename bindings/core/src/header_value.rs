//! The header value codec shared by HTTP and NATS binary mode (spec digest 3.2):
//! percent-encoding on the way out, quoted-string and percent decoding on the way in.
// STUB: to be completed.

use std::borrow::Cow;

/// Percent-encodes space, `"`, `%` and everything outside U+0021..U+007E, as
/// uppercase `%XY` of the UTF-8 bytes.
pub fn encode(value: &str) -> Cow<'_, str> {
    Cow::Borrowed(value)
}

/// Unquotes an RFC 7230 quoted-string if the value is one, then percent-decodes
/// exactly once; the result must be valid UTF-8. The error is a short reason.
pub fn decode(raw: &[u8]) -> Result<Cow<'_, str>, &'static str> {
    std::str::from_utf8(raw)
        .map(Cow::Borrowed)
        .map_err(|_| "not valid UTF-8")
}
