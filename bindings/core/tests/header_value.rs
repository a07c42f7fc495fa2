//! The HTTP/NATS header value codec against the spec digest's literal values (3.2).

use std::borrow::Cow;

use ferry_core::header_value::{decode, encode};

#[test]
fn encodes_literal_values() {
    let cases = [
        ("Euro € 😀", "Euro%20%E2%82%AC%20%F0%9F%98%80"),
        ("a b%c", "a%20b%25c"),
        ("/a%20b", "/a%2520b"),
        ("say \"hi\"", "say%20%22hi%22"),
        ("a+b=c&d~!", "a+b=c&d~!"),
        ("tab\there", "tab%09here"),
        ("del\u{7f}", "del%7F"),
        ("nbsp\u{a0}", "nbsp%C2%A0"),
        ("", ""),
    ];
    for (value, wire) in cases {
        assert_eq!(encode(value), wire, "{value:?}");
        assert_eq!(decode(wire.as_bytes()).unwrap(), value, "{wire}");
    }
}

#[test]
fn borrows_when_nothing_to_do() {
    assert!(matches!(encode("com.example.someevent"), Cow::Borrowed(_)));
    assert!(matches!(
        decode(b"/mycontext"),
        Ok(Cow::Borrowed("/mycontext"))
    ));
}

#[test]
fn decodes_leniently_where_the_spec_says_so() {
    let cases: &[(&[u8], &str)] = &[
        // Lowercase hex and needlessly encoded characters.
        (b"%e2%82%ac", "€"),
        (b"%41%42", "AB"),
        // `+` is literal: this is not form encoding.
        (b"a+b", "a+b"),
        // Quoted-strings (pre-1.0.2 senders) are unquoted first, then decoded.
        (b"\"quoted value\"", "quoted value"),
        (b"\"a\\\"b\\\\c\"", "a\"b\\c"),
        (b"\"%41\"", "A"),
        (b"\"\"", ""),
        // Unencoded UTF-8 and spaces from SDKs that skip the encoding.
        ("Euro € 😀".as_bytes(), "Euro € 😀"),
        // Not a (complete) quoted-string: taken as is.
        (b"\"abc", "\"abc"),
        (b"\"", "\""),
        (b"a\"b\"", "a\"b\""),
    ];
    for (wire, value) in cases {
        assert_eq!(
            decode(wire).unwrap(),
            *value,
            "{:?}",
            String::from_utf8_lossy(wire)
        );
    }
}

#[test]
fn rejects_malformed_input() {
    let cases: &[&[u8]] = &[
        b"%",
        b"%0",
        b"%g0",
        b"%0g",
        b"abc%",
        b"%C0%A0",    // overlong
        b"%ED%A0%80", // encoded surrogate
        b"%E2",       // truncated
        b"%E2%82",    // truncated
        b"%FF",
        b"\xff",    // raw invalid UTF-8
        b"\"%E2\"", // invalid after unquoting
        b"\"%\"",
    ];
    for wire in cases {
        assert!(
            decode(wire).is_err(),
            "accepted {:?}",
            String::from_utf8_lossy(wire)
        );
    }
}

#[test]
fn every_char_round_trips() {
    let all: String = (0u32..0x800)
        .chain([0xfffd, 0x1f600, 0x10ffff])
        .filter_map(char::from_u32)
        .collect();
    let wire = encode(&all);
    assert!(wire
        .bytes()
        .all(|b| (0x21..=0x7e).contains(&b) && b != b'"'));
    assert_eq!(decode(wire.as_bytes()).unwrap(), all);
}
