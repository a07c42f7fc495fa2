//! The spec's validity rules for attribute names and values (spec digest 1.2-1.5, 2.5).
//!
//! Values are only ever checked, never rewritten: a timestamp or URI that passes is
//! kept as the exact string it arrived as. The checks are hand-written (no URL or
//! date library) precisely so that nothing here is tempted to normalise.

use crate::error::EventError;
use crate::event::{attr, AttrInput, Validated, SPECVERSION};

/// Attribute names: one or more of `a-z0-9`, and never `data`.
pub(crate) fn name(name: &str) -> Result<(), EventError> {
    if name.is_empty()
        || name == "data"
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err(EventError::InvalidName(name.to_owned()));
    }
    Ok(())
}

/// True for the attributes the spec types as something other than an extension's
/// free choice: they must be JSON strings, never numbers or booleans.
fn is_core(name: &str) -> bool {
    matches!(
        name,
        attr::SPECVERSION
            | attr::ID
            | attr::SOURCE
            | attr::TYPE
            | attr::DATACONTENTTYPE
            | attr::DATASCHEMA
            | attr::SUBJECT
            | attr::TIME
    )
}

/// Checks one value against the rules for its attribute name.
pub(crate) fn attribute_value(name: &str, value: AttrInput<'_>) -> Result<Validated, EventError> {
    let s = match value {
        AttrInput::String(s) => s,
        _ if is_core(name) => {
            return Err(EventError::InvalidType {
                name: name.to_owned(),
                expected: "a String",
            })
        }
        AttrInput::Integer(i) => {
            return i32::try_from(i)
                .map(Validated::Integer)
                .map_err(|_| EventError::IntegerOutOfRange(name.to_owned()))
        }
        AttrInput::Boolean(b) => return Ok(Validated::Boolean(b)),
    };
    // Extensions may be empty strings: the spec demands non-empty values only of
    // the core attributes it names (1.4, 1.5).
    if s.is_empty() && is_core(name) {
        return Err(EventError::EmptyAttribute(name.to_owned()));
    }
    if !string_chars_allowed(&s) {
        return Err(EventError::ForbiddenCharacter(name.to_owned()));
    }
    match name {
        attr::SPECVERSION if s != SPECVERSION => {
            return Err(EventError::UnsupportedSpecVersion(s.into_owned()))
        }
        attr::TIME if !is_rfc3339(&s) => {
            return Err(EventError::InvalidTimestamp {
                name: name.to_owned(),
                value: s.into_owned(),
            })
        }
        attr::DATACONTENTTYPE if !is_media_type(&s) => {
            return Err(EventError::InvalidMediaType(s.into_owned()))
        }
        attr::DATASCHEMA if !is_absolute_uri(&s) => {
            return Err(EventError::InvalidUri {
                name: name.to_owned(),
                value: s.into_owned(),
            })
        }
        _ => {}
    }
    Ok(Validated::String(s.into_owned()))
}

/// The String type's character rules (spec 1.3): no C0/C1 controls, no DEL and no
/// Unicode noncharacters. Unpaired surrogates cannot occur in a Rust `str`.
pub(crate) fn string_chars_allowed(s: &str) -> bool {
    // Fast path: printable ASCII is by far the common case.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return true;
    }
    s.chars().all(|c| {
        let cp = u32::from(c);
        !(cp <= 0x1f
            || (0x7f..=0x9f).contains(&cp)
            || (0xfdd0..=0xfdef).contains(&cp)
            || cp & 0xfffe == 0xfffe)
    })
}

/// RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, `T` and `Z` in
/// either case (RFC 3339 5.6 note), with real calendar ranges and leap second 60.
pub(crate) fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(b, 0, 4), digits(b, 5, 2), digits(b, 8, 2))
    else {
        return false;
    };
    let (Some(hour), Some(minute), Some(second)) =
        (digits(b, 11, 2), digits(b, 14, 2), digits(b, 17, 2))
    else {
        return false;
    };
    let separators_ok = b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b't')
        && b[13] == b':'
        && b[16] == b':';
    if !separators_ok
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', ..] if rest.len() == 6 => {
            matches!((digits(rest, 1, 2), rest[3], digits(rest, 4, 2)),
                (Some(h), b':', Some(m)) if h <= 23 && m <= 59)
        }
        _ => false,
    }
}

/// `len` ASCII digits at `at` as a number, or `None`.
fn digits(b: &[u8], at: usize, len: usize) -> Option<u32> {
    let field = b.get(at..at + len)?;
    field.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// RFC 2045 `token` character: printable ASCII except space and tspecials.
fn is_token_char(b: u8) -> bool {
    b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b)
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_char)
}

/// RFC 2046 media type: `type/subtype` tokens, then `; name=value` parameters whose
/// values are tokens or quoted-strings. Optional whitespace around each `;` is
/// accepted, as HTTP writes it (RFC 7231 3.1.1.1: `text/plain; charset=utf-8`).
pub(crate) fn is_media_type(s: &str) -> bool {
    let (essence, mut rest) = match s.find(';') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let Some((ty, subtype)) = essence.trim_end_matches([' ', '\t']).split_once('/') else {
        return false;
    };
    if !is_token(ty) || !is_token(subtype) {
        return false;
    }
    while let Some(after) = rest.strip_prefix(';') {
        let param = after.trim_start_matches([' ', '\t']);
        let Some((pname, value)) = param.split_once('=') else {
            return false;
        };
        if !is_token(pname) {
            return false;
        }
        let Some(len) = param_value_len(value) else {
            return false;
        };
        rest = value[len..].trim_start_matches([' ', '\t']);
    }
    rest.is_empty()
}

/// Length of the parameter value at the start of `s`: a token or a quoted-string.
fn param_value_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() != Some(&b'"') {
        let n = b.iter().take_while(|&&c| is_token_char(c)).count();
        return (n > 0).then_some(n);
    }
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'"' => return Some(i + 1),
            b'\\' if i + 1 < b.len() => i += 2,
            b'\\' => return None,
            c if c < 0x20 && c != b'\t' => return None,
            _ => i += 1,
        }
    }
    None
}

/// Absolute URI (RFC 3986 4.3, fragments tolerated): a scheme
/// `[A-Za-z][A-Za-z0-9+.-]*`, a colon, then no whitespace or control characters.
/// Deliberately no deeper parsing: the string is kept as given.
pub(crate) fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.bytes();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
        && rest.chars().all(|c| !c.is_whitespace() && !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        for ok in [
            "2018-04-05T17:31:00Z",
            "2018-04-05t17:31:00z",
            "2018-04-26T14:48:09+02:00",
            "2018-04-26T14:48:09.123456789-23:59",
            "2020-02-29T00:00:00Z",
            "2000-02-29T00:00:00Z",
            "2016-12-31T23:59:60Z",
            "0000-01-01T00:00:00+00:00",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "lunchtime",
            "2018-04-05T18:31Z",
            "2018-04-05T17:31:00X",
            "2018-04-05T17:31:00+25:00",
            "2018-04-05T17:31:00+xx:00",
            "2018-04-05T17:31:00+05",
            "2018-04-05T17:31:00",
            "2018-04-05 17:31:00Z",
            "2018-04-05T17:31:00.Z",
            "2018-04-05T17:31:00+05:60",
            "2019-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2018-04-31T00:00:00Z",
            "2018-13-01T00:00:00Z",
            "2018-00-01T00:00:00Z",
            "2018-01-00T00:00:00Z",
            "2018-01-01T24:00:00Z",
            "2018-01-01T23:60:00Z",
            "2018-01-01T23:59:61Z",
            "2018-01-01T23:59:00Z ",
            "2018-01-01T23:59:00+05:00:00",
            "+2018-01-01T23:59:00Z",
            "2018-01-01T23:59:00ZZ",
            "２018-01-01T23:59:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn media_types() {
        for ok in [
            "application/json",
            "text/plain; charset=utf-8",
            "TEXT/Plain; CharSet=utf-8",
            "application/cloudevents+json;charset=UTF-8",
            "multipart/form-data; boundary=\"a b;c\"",
            "text/plain; a=b ; c=\"x\\\"y\"",
            "application/vnd.a+json",
        ] {
            assert!(is_media_type(ok), "{ok}");
        }
        for bad in [
            "xyz",
            "",
            "text/",
            "/plain",
            "text/plain;",
            "text/plain; charset",
            "text/plain; charset=",
            "text/plain; =utf-8",
            "text /plain",
            "text/pl ain",
            "text/plain; a=\"unterminated",
            "text/plain; a=b c",
            "text/plain/x",
            "tëxt/plain",
        ] {
            assert!(!is_media_type(bad), "{bad}");
        }
    }

    #[test]
    fn uris() {
        for ok in [
            "https://cloudevents.io",
            "urn:uuid:123",
            "a+b.c-d:x",
            "http://x/#frag",
        ] {
            assert!(is_absolute_uri(ok), "{ok}");
        }
        for bad in [
            "/relative",
            "#frag",
            "1-555-123-4567",
            "1http://x",
            "http://a b",
            ":x",
            "",
        ] {
            assert!(!is_absolute_uri(bad), "{bad}");
        }
    }

    #[test]
    fn string_characters() {
        assert!(string_chars_allowed("Euro € 😀 \u{a0}"));
        for bad in [
            "a\u{0}",
            "a\n",
            "\u{7f}",
            "\u{85}",
            "\u{9f}",
            "\u{fdd0}",
            "\u{fdef}",
            "\u{fffe}",
            "\u{1ffff}",
            "\u{10ffff}",
        ] {
            assert!(!string_chars_allowed(bad), "{bad:?}");
        }
    }

    #[test]
    fn names() {
        assert!(name("abc123").is_ok());
        assert!(name("1a").is_ok());
        for bad in ["", "data", "MyExt", "my.ext", "my-ext", "my_ext", "é"] {
            assert!(name(bad).is_err(), "{bad}");
        }
    }
}
