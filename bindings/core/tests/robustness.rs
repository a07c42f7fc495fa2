//! Nothing panics on any input: deterministic pseudo-random mutations of valid
//! events go through every decoder, and whatever decodes must re-encode to JSON
//! that decodes again to the same event.

use std::borrow::Cow;

use bytes::Bytes;
use ferry_core::{binary, header_value, json};

const SEEDS: &[&str] = &[
    r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","time":"2018-04-05T17:31:00Z","ext":5,"b":true,"data":{"a":[1,"x\u00e9"]}}"#,
    r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"text/plain; charset=utf-8","data":"a\"b\\c"}"#,
    r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"image/png","data_base64":"iVBORw0KGgo="}"#,
    r#"{"specversion":"0.3","id":"1","source":"/s","type":"t","datacontentencoding":"base64","schemaurl":"x:y","m":{"k":1},"data":"AAE="}"#,
    r#"{"cloudEventsVersion":"0.1","eventType":"t","source":"/s","eventID":"1","extensions":{"aB":{"c":[1]}},"contentType":"text/xml","data":"<a/>"}"#,
    r#"[{"specversion":"1.0","id":"1","source":"/s","type":"t"},{"specversion":"1.0","id":"2","source":"/s","type":"t","data":null}]"#,
];

/// A small xorshift generator: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const INTERESTING: &[u8] = b"\"\\{}[],:0123456789-+.eE ntfu%\x00\x1f\x7f\xc3\xa9\xed\xa0\x80\xff";

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        let b = INTERESTING[rng.below(INTERESTING.len())];
        match rng.below(3) {
            0 if at < bytes.len() => bytes[at] = b,
            1 if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => bytes.insert(at, b),
        }
    }
    bytes
}

#[test]
fn mutated_inputs_never_panic_and_survive_a_round_trip() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut decoded = 0;
    for i in 0..40_000 {
        let seed = SEEDS[i % SEEDS.len()].as_bytes();
        let input = Bytes::from(mutate(&mut rng, seed));
        let _ = header_value::decode(&input);
        let _ = json::decode_batch(input.clone());
        if let Ok(event) = json::decode(input) {
            decoded += 1;
            let again =
                json::decode(Bytes::from(json::encode(&event))).expect("our own output decodes");
            assert_eq!(again, event);
            let parts = binary::encode(&event);
            let attrs = parts.attributes.iter().map(|(n, v)| {
                let wire = header_value::encode(v);
                let value = header_value::decode(wire.as_bytes()).expect("codec round trip");
                (Cow::Borrowed(*n), Cow::Owned(value.into_owned()))
            });
            binary::decode(attrs, parts.content_type, parts.body.clone())
                .expect("binary parts of a valid event decode");
        }
    }
    assert!(
        decoded > 1_000,
        "mutations too destructive to exercise the happy path"
    );
}
