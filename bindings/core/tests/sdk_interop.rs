//! Round trips against the official `cloudevents-sdk` crate, an independent
//! implementation: our JSON decoded by the SDK, the SDK's JSON decoded by us.
//!
//! Known SDK divergences (spec digest section 10) are compared around, not hidden:
//! the SDK parses `dataschema` with `Url` (`https://cloudevents.io` gains a `/`)
//! and `time` to UTC, and turns `data_base64` of a JSON type into JSON data. Each
//! case states the value the SDK is expected to see.

use bytes::Bytes;
use cloudevents::event::ExtensionValue as SdkExt;
use cloudevents::{
    AttributesReader, Data as SdkData, EventBuilder as _, EventBuilderV03, EventBuilderV10,
};
use ferry_core::{json, DataForm, Event, ExtensionValue};

fn ours(text: &str) -> Event {
    json::decode(Bytes::copy_from_slice(text.as_bytes())).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// How the SDK is expected to see our `time` and `dataschema`.
struct Expect<'a> {
    time: Option<&'a str>,
    dataschema: Option<&'a str>,
}

/// Compares every attribute, extension and the data of both events.
fn assert_same(ours: &Event, sdk: &cloudevents::Event, expect: &Expect<'_>) {
    assert_eq!(sdk.specversion().as_str(), ours.specversion());
    assert_eq!(sdk.id(), ours.id());
    assert_eq!(sdk.source(), ours.source());
    assert_eq!(sdk.ty(), ours.ty());
    assert_eq!(sdk.subject(), ours.subject());
    assert_eq!(sdk.datacontenttype(), ours.datacontenttype());
    assert_eq!(sdk.dataschema().map(|u| u.as_str()), expect.dataschema);
    assert_eq!(sdk.time().map(|t| t.to_rfc3339()).as_deref(), expect.time);
    let mut sdk_ext: Vec<(String, ExtensionValue)> = sdk
        .iter_extensions()
        .map(|(k, v)| {
            let v = match v {
                SdkExt::String(s) => ExtensionValue::String(s.clone()),
                SdkExt::Boolean(b) => ExtensionValue::Boolean(*b),
                SdkExt::Integer(i) => ExtensionValue::Integer(i32::try_from(*i).unwrap()),
            };
            (k.to_owned(), v)
        })
        .collect();
    let mut our_ext: Vec<(String, ExtensionValue)> = ours
        .extensions()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect();
    sdk_ext.sort_by(|a, b| a.0.cmp(&b.0));
    our_ext.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(sdk_ext, our_ext);
    match (ours.data(), sdk.data()) {
        (None, None) => {}
        (Some(d), Some(SdkData::Json(v))) => {
            assert_eq!(d.form(), DataForm::Json);
            let parsed: serde_json::Value = serde_json::from_slice(d.bytes()).unwrap();
            assert_eq!(&parsed, v);
        }
        (Some(d), Some(SdkData::String(s))) => {
            assert_eq!(d.form(), DataForm::Text);
            assert_eq!(d.bytes().as_ref(), s.as_bytes());
        }
        (Some(d), Some(SdkData::Binary(b))) => {
            assert_eq!(d.form(), DataForm::Binary);
            assert_eq!(d.bytes().as_ref(), b.as_slice());
        }
        (a, b) => panic!("data differs: ours {a:?}, sdk {b:?}"),
    }
}

#[test]
fn our_json_decoded_by_the_sdk() {
    let cases: &[(&str, Expect<'_>)] = &[
        (
            r#"{"specversion":"1.0","type":"com.example.someevent","source":"/mycontext","id":"A234-1234-1234","time":"2018-04-05T17:31:00Z","comexampleextension1":"value","comexampleothervalue":5,"datacontenttype":"application/json","data":{"appinfoA":"abc","appinfoB":123,"appinfoC":true}}"#,
            Expect {
                time: Some("2018-04-05T17:31:00+00:00"),
                dataschema: None,
            },
        ),
        (
            // Divergence: the SDK normalises both values; we keep them.
            r#"{"specversion":"1.0","id":"1","source":"urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66","type":"t","time":"2018-04-26T14:48:09+02:00","dataschema":"https://cloudevents.io","subject":"Euro € 😀","flag":false,"n":-7}"#,
            Expect {
                time: Some("2018-04-26T12:48:09+00:00"),
                dataschema: Some("https://cloudevents.io/"),
            },
        ),
        (
            r#"{"specversion":"1.0","id":"2","source":"1-555-123-4567","type":"t","datacontenttype":"text/xml","data":"<much wow=\"xml\"/>"}"#,
            Expect {
                time: None,
                dataschema: None,
            },
        ),
        (
            r#"{"specversion":"1.0","id":"3","source":"/s","type":"t","datacontenttype":"image/png","dataschema":"https://example.com/schema","data_base64":"iVBORw0KGgo="}"#,
            Expect {
                time: None,
                dataschema: Some("https://example.com/schema"),
            },
        ),
        (
            r#"{"specversion":"1.0","id":"4","source":"/s","type":"t","data_base64":"AAECAw=="}"#,
            Expect {
                time: None,
                dataschema: None,
            },
        ),
        (
            r#"{"specversion":"1.0","id":"5","source":"/s","type":"t","data":"I'm just a string"}"#,
            Expect {
                time: None,
                dataschema: None,
            },
        ),
        (
            // Legacy input: we upgrade 0.1 on entry, the SDK reads our 1.0 output.
            r#"{"cloudEventsVersion":"0.1","eventType":"com.example.someevent","eventTypeVersion":"1.0","source":"/mycontext","eventID":"A234-1234-1234","eventTime":"2018-04-05T17:31:00Z","extensions":{"comExampleExtension":"value"},"contentType":"text/xml","data":"<alert/>"}"#,
            Expect {
                time: Some("2018-04-05T17:31:00+00:00"),
                dataschema: None,
            },
        ),
    ];
    for (text, expect) in cases {
        let event = ours(text);
        let wire = json::encode(&event);
        let sdk: cloudevents::Event = serde_json::from_slice(&wire)
            .unwrap_or_else(|e| panic!("SDK refused {}: {e}", String::from_utf8_lossy(&wire)));
        assert_same(&event, &sdk, expect);
    }
}

#[test]
fn sdk_json_decoded_by_us() {
    let events = [
        EventBuilderV10::new()
            .id("A234-1234-1234")
            .source("/mycontext")
            .ty("com.example.someevent")
            .time("2018-04-05T17:31:00Z")
            .subject("sub")
            .extension("comexampleextension1", "value")
            .extension("comexampleothervalue", 5i64)
            .extension("flag", true)
            .data(
                "application/json",
                serde_json::json!({"a": [1, 2.5, "x"], "b": null}),
            )
            .build()
            .unwrap(),
        EventBuilderV10::new()
            .id("2")
            .source("https://example.com/src")
            .ty("t")
            .data_with_schema(
                "text/plain",
                "https://example.com/schema",
                "hello\nworld €".to_string(),
            )
            .build()
            .unwrap(),
        EventBuilderV10::new()
            .id("3")
            .source("/s")
            .ty("t")
            .data("application/octet-stream", vec![0u8, 1, 2, 255])
            .build()
            .unwrap(),
        EventBuilderV10::new()
            .id("4")
            .source("/s")
            .ty("t")
            .build()
            .unwrap(),
    ];
    for sdk in events {
        let wire = serde_json::to_vec(&sdk).unwrap();
        let event = ours(std::str::from_utf8(&wire).unwrap());
        // The SDK writes times as UTC `Z` and URLs already normalised, so our
        // verbatim strings are what the SDK itself would read back.
        let time = sdk.time().map(|t| t.to_rfc3339());
        let schema = sdk.dataschema().map(|u| u.as_str().to_owned());
        assert_same(
            &event,
            &sdk,
            &Expect {
                time: time.as_deref(),
                dataschema: schema.as_deref(),
            },
        );
        assert_eq!(event.dataschema(), schema.as_deref());
        // And our re-encoding is again readable by the SDK, equal to the original.
        let back: cloudevents::Event = serde_json::from_slice(&json::encode(&event)).unwrap();
        assert_eq!(back, sdk);
    }
}

#[test]
fn sdk_v03_json_upgraded_by_us() {
    let sdk = EventBuilderV03::new()
        .id("1")
        .source("/s")
        .ty("t")
        .subject("sub")
        .time("2018-04-05T17:31:00Z")
        .extension("ext", "v")
        .data_with_schema("text/plain", "https://example.com/schema", vec![104u8, 105])
        .build()
        .unwrap();
    let wire = serde_json::to_vec(&sdk).unwrap();
    let text = std::str::from_utf8(&wire).unwrap();
    assert!(
        text.contains(r#""specversion":"0.3""#) && text.contains("datacontentencoding"),
        "{text}"
    );
    let event = ours(text);
    assert_eq!(event.specversion(), "1.0");
    // The SDK's own view of 0.3 `schemaurl` is our `dataschema`.
    assert_same(
        &event,
        &sdk_as_v10(&sdk),
        &Expect {
            time: Some("2018-04-05T17:31:00+00:00"),
            dataschema: Some("https://example.com/schema"),
        },
    );
    assert_eq!(event.data().unwrap().bytes().as_ref(), b"hi");
}

/// The SDK's own 0.3 → 1.0 conversion, as an oracle for ours.
fn sdk_as_v10(sdk: &cloudevents::Event) -> cloudevents::Event {
    let builder: EventBuilderV10 = sdk.clone().into();
    builder.build().unwrap()
}
