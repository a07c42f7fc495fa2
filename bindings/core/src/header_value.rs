//! The header value codec shared by HTTP and NATS binary mode (spec digest 3.2):
//! percent-encoding on the way out, quoted-string and percent decoding on the way in.
//!
//! Both directions borrow when there is nothing to do, which is the common case for
//! ids, types and ASCII sources.

use std::borrow::Cow;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// True for the characters the spec lets through unencoded: U+0021..U+007E except
/// `"` and `%`.
fn is_plain(b: u8) -> bool {
    (0x21..=0x7e).contains(&b) && b != b'"' && b != b'%'
}

/// Percent-encodes space, `"`, `%` and everything outside U+0021..U+007E, as
/// uppercase `%XY` of the UTF-8 bytes.
pub fn encode(value: &str) -> Cow<'_, str> {
    let bytes = value.as_bytes();
    let Some(first) = bytes.iter().position(|&b| !is_plain(b)) else {
        return Cow::Borrowed(value);
    };
    let mut out = String::with_capacity(value.len() + 16);
    out.push_str(&value[..first]);
    // Every byte of a multi-byte UTF-8 sequence is >= 0x80, so encoding byte by
    // byte encodes whole characters and never splits one.
    for &b in &bytes[first..] {
        if is_plain(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    Cow::Owned(out)
}

/// Unquotes an RFC 7230 quoted-string if the value is one, then percent-decodes
/// exactly once; the result must be valid UTF-8. The error is a short reason.
///
/// Raw (unencoded) UTF-8 is accepted as well: most SDKs send values unencoded
/// (spec digest section 10), and rejecting them would refuse valid events.
pub fn decode(raw: &[u8]) -> Result<Cow<'_, str>, &'static str> {
    match unquote(raw) {
        Some(unquoted) => percent_decode(&unquoted).map(|s| Cow::Owned(s.into_owned())),
        None => percent_decode(raw),
    }
}

/// The content of an RFC 7230 quoted-string with `\` escapes processed, or `None`
/// when `raw` is not exactly one quoted-string.
fn unquote(raw: &[u8]) -> Option<Vec<u8>> {
    let inner = raw.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    let mut out = Vec::with_capacity(inner.len());
    let mut bytes = inner.iter();
    while let Some(&b) = bytes.next() {
        match b {
            b'\\' => {
                // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                let &escaped = bytes.next()?;
                if !is_qtext_or_pair(escaped) && escaped != b'"' && escaped != b'\\' {
                    return None;
                }
                out.push(escaped);
            }
            b'"' => return None,
            _ if is_qtext_or_pair(b) => out.push(b),
            _ => return None,
        }
    }
    Some(out)
}

/// qdtext and quoted-pair content: HTAB, SP, visible ASCII and obs-text (0x80+).
fn is_qtext_or_pair(b: u8) -> bool {
    b == b'\t' || (0x20..=0x7e).contains(&b) || b >= 0x80
}

/// One round of percent-decoding; the decoded bytes must be UTF-8.
fn percent_decode(raw: &[u8]) -> Result<Cow<'_, str>, &'static str> {
    if !raw.contains(&b'%') {
        return std::str::from_utf8(raw)
            .map(Cow::Borrowed)
            .map_err(|_| "not valid UTF-8");
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            let hi = raw.get(i + 1).and_then(|&c| hex_value(c));
            let lo = raw.get(i + 2).and_then(|&c| hex_value(c));
            let (Some(hi), Some(lo)) = (hi, lo) else {
                return Err("malformed percent escape");
            };
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| "percent-decoded value is not valid UTF-8")
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}
