//! The JSON event format against literal wire values from the spec digest
//! (sections 2.1-2.3 and 2.5).

use bytes::Bytes;
use ferry_core::json;
use ferry_core::{AttrRef, DataForm, EventError, ExtensionValue};

fn decode(text: &str) -> Result<ferry_core::Event, EventError> {
    json::decode(Bytes::copy_from_slice(text.as_bytes()))
}

/// A minimal valid 1.0 event with `extra` members appended.
fn with(extra: &str) -> String {
    let base = r#"{"specversion":"1.0","id":"1","source":"/s","type":"t""#;
    if extra.is_empty() {
        format!("{base}}}")
    } else {
        format!("{base},{extra}}}")
    }
}

fn encoded(text: &str) -> String {
    let event = decode(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    String::from_utf8(json::encode(&event)).unwrap()
}

#[test]
fn spec_example_is_reencoded_in_canonical_member_order() {
    let input = r#"{
        "specversion" : "1.0",
        "type" : "com.example.someevent",
        "source" : "/mycontext",
        "id" : "A234-1234-1234",
        "time" : "2018-04-05T17:31:00Z",
        "comexampleextension1" : "value",
        "comexampleothervalue" : 5,
        "datacontenttype" : "application/json",
        "data" : {"appinfoA":"abc","appinfoB":123,"appinfoC":true}
    }"#;
    assert_eq!(
        encoded(input),
        r#"{"specversion":"1.0","id":"A234-1234-1234","source":"/mycontext","type":"com.example.someevent","datacontenttype":"application/json","time":"2018-04-05T17:31:00Z","comexampleextension1":"value","comexampleothervalue":5,"data":{"appinfoA":"abc","appinfoB":123,"appinfoC":true}}"#
    );
}

#[test]
fn literal_encodings() {
    let cases: &[(&str, &str)] = &[
        // Attribute strings are kept byte-exact: no URI or time normalisation.
        (
            r#""dataschema":"https://cloudevents.io","time":"2018-04-26t14:48:09.5+02:00","subject":"Euro € 😀""#,
            r#""dataschema":"https://cloudevents.io","subject":"Euro € 😀","time":"2018-04-26t14:48:09.5+02:00""#,
        ),
        // JSON data, no datacontenttype: the value as is, numbers lossless.
        (
            r#""data":1.50000000000000000001"#,
            r#""data":1.50000000000000000001"#,
        ),
        (
            r#""data":"I'm just a string""#,
            r#""data":"I'm just a string""#,
        ),
        (r#""data":null"#, r#""data":null"#),
        (r#""data":[1, 2]"#, r#""data":[1, 2]"#),
        // Text data of a non-JSON type: written back as a JSON string.
        (
            r#""datacontenttype":"text/xml","data":"<much wow=\"xml\"/>""#,
            r#""datacontenttype":"text/xml","data":"<much wow=\"xml\"/>""#,
        ),
        (
            r#""datacontenttype":"text/plain","data":"a\u0041\n\u00e9""#,
            r#""datacontenttype":"text/plain","data":"aA\né""#,
        ),
        // data_base64 stays bytes, padded standard Base64, even for a JSON type.
        (r#""data_base64":"AAECAwQ=""#, r#""data_base64":"AAECAwQ=""#),
        (r#""data_base64":"AAECAwQ""#, r#""data_base64":"AAECAwQ=""#),
        (
            r#""datacontenttype":"application/json","data_base64":"eyJhIjoxfQ==""#,
            r#""datacontenttype":"application/json","data_base64":"eyJhIjoxfQ==""#,
        ),
        // Extensions: native types, arrival order, null = absent, empty allowed.
        (
            r#""b":true,"a":-2147483648,"c":"","d":null,"e":2147483647,"f":false"#,
            r#""b":true,"a":-2147483648,"c":"","e":2147483647,"f":false"#,
        ),
        (r#""subject":null,"time":null,"data_base64":null"#, ""),
        // Escapes in attribute values are decoded and re-escaped minimally.
        (
            r#""subject":"q\"b\\s\/u\u00e9""#,
            r#""subject":"q\"b\\s/ué""#,
        ),
    ];
    let head = r#"{"specversion":"1.0","id":"1","source":"/s","type":"t""#;
    for (input, output) in cases {
        let expected = if output.is_empty() {
            format!("{head}}}")
        } else {
            format!("{head},{output}}}")
        };
        assert_eq!(encoded(&with(input)), expected, "input {input}");
    }
}

#[test]
fn decoded_values_and_forms() {
    let e = decode(&with(r#""datacontenttype":"text/plain","data":"hi""#)).unwrap();
    let data = e.data().unwrap();
    assert_eq!(
        (data.bytes().as_ref(), data.form()),
        (&b"hi"[..], DataForm::Text)
    );

    let e = decode(&with(r#""data":"hi""#)).unwrap();
    let data = e.data().unwrap();
    assert_eq!(
        (data.bytes().as_ref(), data.form()),
        (&b"\"hi\""[..], DataForm::Json)
    );

    let e = decode(&with(
        r#""datacontenttype":"image/png","data_base64":"iVBORw==""#,
    ))
    .unwrap();
    let data = e.data().unwrap();
    assert_eq!(
        (data.bytes().as_ref(), data.form()),
        (&b"\x89PNG"[..], DataForm::Binary)
    );

    // A non-JSON type with a null payload has no data.
    let e = decode(&with(r#""datacontenttype":"text/plain","data":null"#)).unwrap();
    assert!(e.data().is_none());

    let e = decode(&with(r#""x":7,"y":true,"z":"s""#)).unwrap();
    let ext: Vec<_> = e.extensions().collect();
    assert_eq!(
        ext,
        [
            ("x", &ExtensionValue::Integer(7)),
            ("y", &ExtensionValue::Boolean(true)),
            ("z", &ExtensionValue::String("s".into())),
        ]
    );
    assert_eq!(e.attribute("x"), Some(AttrRef::Integer(7)));
    assert_eq!(e.specversion(), "1.0");
}

#[test]
fn json_data_and_text_are_zero_copy() {
    let input = Bytes::from(with(r#""data":{"k":[1,2,3]},"comexample":"v""#));
    let range = input.as_ptr() as usize..input.as_ptr() as usize + input.len();
    let event = json::decode(input.clone()).unwrap();
    let data = event.data().unwrap().bytes();
    assert_eq!(data.as_ref(), br#"{"k":[1,2,3]}"#);
    assert!(
        range.contains(&(data.as_ptr() as usize)),
        "JSON data was copied"
    );

    let input = Bytes::from(with(r#""datacontenttype":"text/csv","data":"a,b\u002cc""#));
    let event = json::decode(input).unwrap();
    assert_eq!(event.data().unwrap().bytes().as_ref(), b"a,b,c");

    let input = Bytes::from(with(r#""datacontenttype":"text/csv","data":"a,b,c""#));
    let range = input.as_ptr() as usize..input.as_ptr() as usize + input.len();
    let event = json::decode(input.clone()).unwrap();
    let data = event.data().unwrap().bytes();
    assert_eq!(data.as_ref(), b"a,b,c");
    assert!(
        range.contains(&(data.as_ptr() as usize)),
        "text data was copied"
    );
}

#[test]
fn accepted_edge_cases() {
    for extra in [
        r#""time":"2018-04-26T14:48:09+02:00""#,
        r#""time":"2016-12-31T23:59:60.123Z""#,
        r#""source":"1-555-123-4567""#,
        r#""ext":"""#,
        r#""ext":-0"#,
        r#""datacontenttype":"TEXT/Plain; CharSet=utf-8","data":"x""#,
        r#""datacontenttype":"application/vnd.api+json; charset=utf-8","data":{"x":1}"#,
        r#""dataschema":"urn:example:schema#v1""#,
        r#""subject":"Euro € 😀 \u00a0""#,
    ] {
        let text = with(extra).replacen(
            r#""source":"/s","#,
            "",
            usize::from(extra.contains("source")),
        );
        decode(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

#[test]
fn invalid_utf8_and_deep_nesting_do_not_panic() {
    let mut bad = with(r#""data":"x""#).into_bytes();
    let at = bad.len() - 3;
    bad[at] = 0xff;
    assert!(json::decode(Bytes::from(bad)).is_err());

    let deep = with(&format!(
        r#""data":{}{}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    ));
    // Depth is serde_json's business; it must just not crash.
    let _ = decode(&deep);
    let deep_member = format!("{}{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    assert!(decode(&deep_member).is_err());
}

#[test]
fn many_members_duplicate_detection() {
    // Enough members that a quadratic duplicate search would take minutes.
    let members: Vec<String> = (0..100_000).map(|i| format!(r#""e{i}":{i}"#)).collect();
    let ok = with(&members.join(","));
    assert_eq!(decode(&ok).unwrap().extensions().count(), 100_000);
    let dup = with(&format!("{},\"e7\":1", members.join(",")));
    assert_eq!(
        decode(&dup).unwrap_err(),
        EventError::DuplicateAttribute("e7".into())
    );
}

#[test]
fn encode_line_drops_line_breaks_only_from_json_data() {
    let event = decode(&with(
        "\"subject\":\"s\",\"data\":{\n  \"a\": \"x\\ny z\",\n  \"b\": [1, 2]\n}",
    ))
    .unwrap();
    let mut out = Vec::new();
    json::encode_line_into(&event, &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"specversion":"1.0","id":"1","source":"/s","type":"t","subject":"s","data":{"a":"x\ny z","b":[1,2]}}"#
    );
}
