use bytes::Bytes;
use ferry_core::wrap::WrapConfig;
use ferry_core::AttrRef;

use super::*;
use crate::client::QoS;
use crate::codec::Frame;
use crate::config::CONTEXT_KEYS;
use crate::connection::Inbound;

fn decoder(version: MqttVersion, wrap: bool) -> Decoder {
    let wrapper = wrap.then(|| {
        let cfg: WrapConfig = serde_json::from_value(serde_json::json!({
            "type": "com.example.raw", "source": "mqtt://{topic}", "partitionkey": "{topic}"
        }))
        .unwrap();
        Wrapper::new(&cfg, CONTEXT_KEYS).unwrap()
    });
    Decoder {
        name: Arc::from("devices"),
        version,
        max_packet_bytes: 8,
        wrapper,
    }
}

fn inbound(payload: &'static [u8]) -> Inbound {
    Inbound {
        topic: "sensors/1".into(),
        qos: QoS::AtLeastOnce,
        pkid: 1,
        dup: false,
        frame: Frame {
            payload: Bytes::from_static(payload),
            ..Frame::default()
        },
    }
}

fn invalid(input: Input) -> (Bytes, String, ProtocolContext) {
    match input {
        Input::Invalid {
            payload,
            reason,
            context,
        } => (payload, reason, context),
        Input::Event(e) => panic!("expected invalid input, got {:?}", e.event),
    }
}

#[test]
fn events_carry_the_source_name_and_topic() {
    let json = br#"{"specversion":"1.0","id":"1","source":"/s","type":"t"}"#;
    let d = decoder(MqttVersion::V5, false);
    let Input::Event(envelope) = d.input(inbound(json)) else {
        panic!("expected an event");
    };
    assert_eq!(envelope.event.id(), "1");
    assert_eq!(&*envelope.source, "devices");
    assert_eq!(envelope.context.get(TOPIC), Some("sensors/1"));
}

#[test]
fn raw_payloads_are_wrapped_with_the_topic_or_invalid_without_wrap() {
    let Input::Event(envelope) = decoder(MqttVersion::V5, true).input(inbound(b"21.5")) else {
        panic!("expected a wrapped event");
    };
    assert_eq!(envelope.event.source(), "mqtt://sensors/1");
    assert_eq!(
        envelope.event.attribute("partitionkey"),
        Some(AttrRef::String("sensors/1"))
    );
    assert_eq!(&envelope.event.data().unwrap().bytes()[..], b"21.5");
    let (payload, reason, context) =
        invalid(decoder(MqttVersion::V5, false).input(inbound(b"21.5")));
    assert_eq!(&payload[..], b"21.5");
    assert!(reason.starts_with("not a CloudEvent"), "{reason}");
    assert_eq!(context.get(TOPIC), Some("sensors/1"));
}

#[test]
fn broken_events_are_never_wrapped() {
    let (_, reason, _) =
        invalid(decoder(MqttVersion::V5, true).input(inbound(br#"{"specversion":"1.0"}"#)));
    assert!(reason.contains("missing required attribute"), "{reason}");
}

#[test]
fn oversized_311_messages_are_invalid_with_their_bytes() {
    let (payload, reason, _) =
        invalid(decoder(MqttVersion::V311, true).input(inbound(b"123456789")));
    assert_eq!(&payload[..], b"123456789");
    assert_eq!(
        reason,
        "message of 9 bytes is larger than max_packet_bytes (8)"
    );
    // MQTT 5 advertises the limit instead; the broker enforces it.
    assert!(matches!(
        decoder(MqttVersion::V5, true).input(inbound(b"123456789")),
        Input::Event(_)
    ));
}
