//! Packet-id correlation for the sink: which `send` a PUBACK or PUBCOMP
//! confirms. A pure state machine over an opaque waiter type, tested without a
//! broker.
//!
//! rumqttc's publish returns once the request is queued, before the packet has
//! an id. Its event loop takes requests in queue order and reports each as
//! `Outgoing::Publish(pkid)` when written, so the n-th report belongs to the
//! n-th queued request: [`Correlator::sent`] pops the oldest queued waiter and
//! files it under its packet id, where [`Correlator::confirmed`] finds it. A
//! QoS 0 publish (id 0) is confirmed by being written. A "collision" (the next
//! id still unacknowledged: `Outgoing::AwaitAck(pkid)`) holds the request back
//! until that id is acknowledged, then reports it as sent. A lost connection
//! ends every waiter ([`Correlator::drain`]); rumqttc's own replay is dropped
//! with it (see `client::Connection::reset`), so ids never carry over.

use std::collections::{HashMap, VecDeque};

use crate::client::QoS;

#[derive(Debug)]
pub(crate) struct Correlator<W> {
    /// Queued to rumqttc, no packet id yet, in queue order.
    queued: VecDeque<(W, QoS)>,
    /// Written, waiting for PUBACK (QoS 1) or PUBCOMP (QoS 2).
    waiting: HashMap<u16, W>,
    /// Held back by rumqttc until `pkid` is free.
    collided: Option<(u16, W)>,
}

impl<W> Default for Correlator<W> {
    fn default() -> Self {
        Self {
            queued: VecDeque::new(),
            waiting: HashMap::new(),
            collided: None,
        }
    }
}

impl<W> Correlator<W> {
    /// A publish was queued to rumqttc (call in the same order as queuing).
    pub fn queued(&mut self, waiter: W, qos: QoS) {
        self.queued.push_back((waiter, qos));
    }

    /// `Outgoing::Publish(pkid)`: the oldest queued publish was written. Returns
    /// its waiter when that already confirms it (QoS 0).
    pub fn sent(&mut self, pkid: u16) -> Option<W> {
        if let Some((held, _)) = &self.collided {
            if *held == pkid {
                let (_, waiter) = self.collided.take()?;
                self.waiting.insert(pkid, waiter);
                return None;
            }
        }
        let (waiter, qos) = self.queued.pop_front()?;
        if qos == QoS::AtMostOnce {
            return Some(waiter);
        }
        // A waiter already under this id would be a broken event order; it is
        // dropped, which its `send` reports as a lost confirmation.
        self.waiting.insert(pkid, waiter);
        None
    }

    /// `Outgoing::AwaitAck(pkid)`: the oldest queued publish waits for `pkid`.
    pub fn collided(&mut self, pkid: u16) {
        if let Some((waiter, _)) = self.queued.pop_front() {
            self.collided = Some((pkid, waiter));
        }
    }

    /// PUBACK, PUBCOMP, or a refusing PUBREC for `pkid`: the waiter it ends.
    pub fn confirmed(&mut self, pkid: u16) -> Option<W> {
        self.waiting.remove(&pkid)
    }

    /// The connection is gone: every waiter, oldest first where known.
    pub fn drain(&mut self) -> Vec<W> {
        let mut waiting: Vec<(u16, W)> = self.waiting.drain().collect();
        waiting.sort_by_key(|(pkid, _)| *pkid);
        waiting
            .into_iter()
            .map(|(_, w)| w)
            .chain(self.collided.take().map(|(_, w)| w))
            .chain(self.queued.drain(..).map(|(w, _)| w))
            .collect()
    }

    /// Publishes not yet confirmed.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.queued.len() + self.waiting.len() + usize::from(self.collided.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q0: QoS = QoS::AtMostOnce;
    const Q1: QoS = QoS::AtLeastOnce;

    #[test]
    fn the_nth_written_packet_is_the_nth_queued_publish() {
        let mut c = Correlator::default();
        for name in ["a", "b", "c"] {
            c.queued(name, Q1);
        }
        assert_eq!(c.sent(1), None);
        assert_eq!(c.sent(2), None);
        assert_eq!(c.confirmed(2), Some("b"));
        assert_eq!(c.sent(3), None);
        assert_eq!(c.confirmed(1), Some("a"));
        assert_eq!(c.confirmed(3), Some("c"));
        assert_eq!(c.len(), 0);
        assert_eq!(c.confirmed(3), None, "a second PUBACK confirms nothing");
    }

    #[test]
    fn packet_ids_wrap_and_are_reused() {
        let mut c = Correlator::default();
        c.queued("a", Q1);
        c.sent(1);
        assert_eq!(c.confirmed(1), Some("a"));
        c.queued("b", Q1);
        c.sent(1);
        assert_eq!(c.confirmed(1), Some("b"));
    }

    #[test]
    fn qos_0_is_confirmed_when_written() {
        let mut c = Correlator::default();
        c.queued("a", Q0);
        c.queued("b", Q0);
        assert_eq!(c.sent(0), Some("a"));
        assert_eq!(c.sent(0), Some("b"));
        assert_eq!(c.len(), 0);
    }

    #[test]
    fn a_collided_publish_goes_out_once_its_id_is_free() {
        let mut c = Correlator::default();
        c.queued("old", Q1);
        c.sent(1);
        c.queued("new", Q1);
        c.queued("later", Q1);
        c.collided(1);
        assert_eq!(c.len(), 3);
        // PUBACK for the old packet 1, then rumqttc writes the held one as 1.
        assert_eq!(c.confirmed(1), Some("old"));
        assert_eq!(c.sent(1), None);
        assert_eq!(c.sent(2), None);
        assert_eq!(c.confirmed(1), Some("new"));
        assert_eq!(c.confirmed(2), Some("later"));
    }

    #[test]
    fn a_lost_connection_ends_every_waiter() {
        let mut c = Correlator::default();
        for name in ["a", "b", "c", "d"] {
            c.queued(name, Q1);
        }
        c.sent(2);
        c.sent(1);
        c.collided(2);
        assert_eq!(c.drain(), ["b", "a", "c", "d"]);
        assert_eq!(c.len(), 0);
        assert_eq!(c.sent(3), None, "nothing left to match");
        assert_eq!(c.confirmed(1), None);
    }
}
