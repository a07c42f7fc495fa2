//! The event side of rumqttc's two clients: the event loop of either version,
//! and what it reports, reduced to one [`Notice`] type.
//!
//! rumqttc replays unacknowledged packets itself after a reconnect and buffers
//! events across one. ferry keeps that state itself instead (the source's ack
//! queue, the sink's packet-id correlation), so [`Connection::reset`] drops
//! rumqttc's copy after every connection error: nothing stale is replayed or
//! reported on the next connection.

use rumqttc::v5;
use rumqttc::v5::mqttbytes::v5 as p5;
use rumqttc::Outgoing;

use crate::client::QoS;
use crate::codec::Frame;
use crate::error::Refusal;

/// A received PUBLISH, version-neutral.
#[derive(Debug, Clone)]
pub(crate) struct Inbound {
    pub topic: String,
    pub qos: QoS,
    pub pkid: u16,
    /// Set by the broker when it delivers the message again.
    pub dup: bool,
    pub frame: Frame,
}

/// What the event loop reported, reduced to what ferry reacts to.
#[derive(Debug)]
pub(crate) enum Notice {
    Connected {
        session_present: bool,
        /// MQTT 5: the broker's Maximum Packet Size.
        max_packet_bytes: Option<u32>,
    },
    Message(Inbound),
    /// SUBACK: one line per refused filter (index and reason).
    Subscribed {
        refused: Vec<String>,
    },
    /// Our PUBLISH was written; `pkid` 0 for QoS 0.
    Sent {
        pkid: u16,
    },
    /// Our PUBLISH waits for `pkid` to be acknowledged first (rumqttc "collision").
    Collided {
        pkid: u16,
    },
    /// PUBACK (QoS 1).
    Acked {
        pkid: u16,
        refusal: Option<Refusal>,
    },
    /// PUBREC (QoS 2, first half).
    Received {
        pkid: u16,
        refusal: Option<Refusal>,
    },
    /// PUBCOMP (QoS 2, done).
    Completed {
        pkid: u16,
        refusal: Option<Refusal>,
    },
    /// Our DISCONNECT was written.
    Disconnecting,
    Other,
}

/// The event loop of either version. Boxed: they are large.
pub(crate) enum Connection {
    V4(Box<rumqttc::EventLoop>),
    V5(Box<v5::EventLoop>),
}

impl Connection {
    /// Drives the connection (connecting first if needed) until the next notice.
    pub async fn poll(&mut self) -> Result<Notice, String> {
        match self {
            Connection::V4(el) => el.poll().await.map(notice_v4).map_err(|e| e.to_string()),
            Connection::V5(el) => el.poll().await.map(notice_v5).map_err(|e| e.to_string()),
        }
    }

    /// After a connection error: drops the requests rumqttc would replay (and
    /// those still queued to it) and the events it buffered. Their owners were
    /// told the connection was lost and act on their own.
    pub fn reset(&mut self) {
        match self {
            Connection::V4(el) => {
                el.clean();
                el.pending.clear();
                el.state.events.clear();
            }
            Connection::V5(el) => {
                el.clean();
                el.pending.clear();
                el.state.events.clear();
            }
        }
    }
}

fn notice_v4(event: rumqttc::Event) -> Notice {
    use rumqttc::{Event, Packet, SubscribeReasonCode};
    match event {
        Event::Incoming(Packet::ConnAck(c)) => Notice::Connected {
            session_present: c.session_present,
            max_packet_bytes: None,
        },
        Event::Incoming(Packet::Publish(p)) => Notice::Message(Inbound {
            topic: p.topic,
            qos: p.qos,
            pkid: p.pkid,
            dup: p.dup,
            frame: Frame {
                payload: p.payload,
                ..Frame::default()
            },
        }),
        Event::Incoming(Packet::SubAck(s)) => Notice::Subscribed {
            refused: refused(s.return_codes.iter().map(|c| match c {
                SubscribeReasonCode::Success(_) => None,
                SubscribeReasonCode::Failure => Some("Failure".to_owned()),
            })),
        },
        Event::Incoming(Packet::PubAck(a)) => Notice::Acked {
            pkid: a.pkid,
            refusal: None,
        },
        Event::Incoming(Packet::PubRec(r)) => Notice::Received {
            pkid: r.pkid,
            refusal: None,
        },
        Event::Incoming(Packet::PubComp(c)) => Notice::Completed {
            pkid: c.pkid,
            refusal: None,
        },
        Event::Outgoing(outgoing) => notice_outgoing(outgoing),
        Event::Incoming(_) => Notice::Other,
    }
}

fn notice_v5(event: v5::Event) -> Notice {
    use p5::{Packet, PubAckReason, PubCompReason, PubRecReason, SubscribeReasonCode};
    match event {
        v5::Event::Incoming(Packet::ConnAck(c)) => Notice::Connected {
            session_present: c.session_present,
            max_packet_bytes: c.properties.and_then(|p| p.max_packet_size),
        },
        v5::Event::Incoming(Packet::Publish(p)) => Notice::Message(inbound_v5(p)),
        v5::Event::Incoming(Packet::SubAck(s)) => Notice::Subscribed {
            refused: refused(s.return_codes.iter().map(|c| match c {
                SubscribeReasonCode::Success(_) => None,
                other => Some(format!("{other:?}")),
            })),
        },
        v5::Event::Incoming(Packet::PubAck(a)) => Notice::Acked {
            pkid: a.pkid,
            refusal: match a.reason {
                PubAckReason::Success | PubAckReason::NoMatchingSubscribers => None,
                reason => Some(refusal(format!("{reason:?}"))),
            },
        },
        v5::Event::Incoming(Packet::PubRec(r)) => Notice::Received {
            pkid: r.pkid,
            refusal: match r.reason {
                PubRecReason::Success | PubRecReason::NoMatchingSubscribers => None,
                reason => Some(refusal(format!("{reason:?}"))),
            },
        },
        v5::Event::Incoming(Packet::PubComp(c)) => Notice::Completed {
            pkid: c.pkid,
            refusal: match c.reason {
                PubCompReason::Success => None,
                reason => Some(refusal(format!("{reason:?}"))),
            },
        },
        v5::Event::Outgoing(outgoing) => notice_outgoing(outgoing),
        v5::Event::Incoming(_) => Notice::Other,
    }
}

fn inbound_v5(p: p5::Publish) -> Inbound {
    let (content_type, user_properties) = match p.properties {
        Some(props) => (props.content_type, props.user_properties),
        None => (None, Vec::new()),
    };
    Inbound {
        // MQTT topics are UTF-8; a broker that sends otherwise gets U+FFFD.
        topic: String::from_utf8_lossy(&p.topic).into_owned(),
        qos: qos_v5_to_v4(p.qos),
        pkid: p.pkid,
        dup: p.dup,
        frame: Frame {
            payload: p.payload,
            content_type,
            user_properties,
        },
    }
}

fn notice_outgoing(outgoing: Outgoing) -> Notice {
    match outgoing {
        Outgoing::Publish(pkid) => Notice::Sent { pkid },
        Outgoing::AwaitAck(pkid) => Notice::Collided { pkid },
        Outgoing::Disconnect => Notice::Disconnecting,
        _ => Notice::Other,
    }
}

fn refused(codes: impl Iterator<Item = Option<String>>) -> Vec<String> {
    codes
        .enumerate()
        .filter_map(|(i, code)| code.map(|c| format!("filter {i}: {c}")))
        .collect()
}

/// MQTT 5 reason codes after which retrying cannot help.
const PERMANENT_REFUSALS: &[&str] = &["PayloadFormatInvalid", "TopicNameInvalid", "NotAuthorized"];

fn refusal(code: String) -> Refusal {
    let permanent = PERMANENT_REFUSALS.contains(&code.as_str());
    Refusal { code, permanent }
}

fn qos_v5_to_v4(qos: v5::mqttbytes::QoS) -> QoS {
    match qos {
        v5::mqttbytes::QoS::AtMostOnce => QoS::AtMostOnce,
        v5::mqttbytes::QoS::AtLeastOnce => QoS::AtLeastOnce,
        v5::mqttbytes::QoS::ExactlyOnce => QoS::ExactlyOnce,
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn puback(reason: p5::PubAckReason) -> Option<Refusal> {
        let mut ack = p5::PubAck::new(7, None);
        ack.reason = reason;
        match notice_v5(v5::Event::Incoming(p5::Packet::PubAck(ack))) {
            Notice::Acked { pkid: 7, refusal } => refusal,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn puback_reason_codes_split_into_permanent_and_transient() {
        use p5::PubAckReason as R;
        assert_eq!(puback(R::Success), None);
        assert_eq!(puback(R::NoMatchingSubscribers), None);
        for permanent in [
            R::PayloadFormatInvalid,
            R::TopicNameInvalid,
            R::NotAuthorized,
        ] {
            assert!(puback(permanent).is_some_and(|r| r.permanent));
        }
        let quota = puback(R::QuotaExceeded).unwrap();
        assert_eq!(
            (quota.code.as_str(), quota.permanent),
            ("QuotaExceeded", false)
        );
        assert!(puback(R::UnspecifiedError).is_some_and(|r| !r.permanent));
    }

    #[test]
    fn v5_publish_keeps_content_type_user_properties_and_flags() {
        let properties = p5::PublishProperties {
            content_type: Some("text/plain".into()),
            user_properties: vec![("id".into(), "1".into()), ("id".into(), "2".into())],
            ..Default::default()
        };
        let mut publish = p5::Publish::new(
            "a/b",
            v5::mqttbytes::QoS::ExactlyOnce,
            Bytes::from_static(b"x"),
            Some(properties),
        );
        (publish.pkid, publish.dup) = (9, true);
        let Notice::Message(m) = notice_v5(v5::Event::Incoming(p5::Packet::Publish(publish)))
        else {
            panic!("expected a message");
        };
        assert_eq!((m.topic.as_str(), m.pkid, m.dup), ("a/b", 9, true));
        assert_eq!(m.qos, QoS::ExactlyOnce);
        assert_eq!(m.frame.content_type.as_deref(), Some("text/plain"));
        assert_eq!(m.frame.user_properties.len(), 2, "repeats are kept");
    }

    #[test]
    fn written_packets_and_collisions_are_reported_by_id() {
        assert!(matches!(
            notice_v5(v5::Event::Outgoing(Outgoing::Publish(3))),
            Notice::Sent { pkid: 3 }
        ));
        assert!(matches!(
            notice_v4(rumqttc::Event::Outgoing(Outgoing::AwaitAck(4))),
            Notice::Collided { pkid: 4 }
        ));
    }
}
