//! In-order acknowledgement bookkeeping for received QoS 1/2 messages. A pure
//! state machine: no I/O, tested without a broker.
//!
//! MQTT requires PUBACKs (and PUBRECs) in the order the PUBLISHes arrived (MQTT 5
//! §4.6), and ferry acknowledges a message only once its routes settled. So
//! messages queue up in arrival order; a settled message is acknowledged when
//! everything before it was.
//!
//! Reconnects: an acknowledgement belongs to the connection that delivered the
//! message (its `generation`). When the broker kept the session, it must send
//! every unacknowledged message again with its original packet id and the DUP
//! flag (MQTT 5 §4.4), so a redelivered message is matched to the one ferry
//! already holds and is not routed twice: if that one is still in flight it is
//! *adopted* by the new connection; if it already settled, its packet id waits
//! in `redelivery` and the copy is acknowledged as soon as it arrives. When the
//! session is gone, held messages become orphans: still routed to the end, never
//! acknowledged (their packet ids mean nothing on the new connection).

use std::collections::{HashMap, VecDeque};

use crate::client::QoS;

/// A message's place in the queue.
pub(crate) type Seq = u64;

/// An acknowledgement to send: PUBACK for QoS 1, PUBREC for QoS 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ack {
    pub pkid: u16,
    pub qos: QoS,
    /// The connection it is valid on.
    pub generation: u64,
}

/// What to do with an arriving QoS 1/2 message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arrival {
    /// Route it; settle `Seq` when its outcome is known.
    New(Seq),
    /// A redelivery of a message ferry already holds or settled: do not route it.
    Redelivered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// Acknowledgeable on this connection generation.
    Live(u64),
    /// Its session is gone: nothing to acknowledge.
    Orphan,
}

#[derive(Debug)]
struct Entry {
    seq: Seq,
    pkid: u16,
    qos: QoS,
    standing: Standing,
    settled: bool,
}

/// The queue of received, unacknowledged QoS 1/2 messages.
#[derive(Debug, Default)]
pub(crate) struct AckQueue {
    entries: VecDeque<Entry>,
    /// Settled messages of an earlier connection, by packet id, acknowledged
    /// when the broker delivers them again.
    redelivery: HashMap<u16, QoS>,
    generation: u64,
    connected: bool,
    next_seq: Seq,
}

impl AckQueue {
    pub fn new() -> Self {
        Self::default()
    }

    /// Messages held (in flight or waiting for an earlier one).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// A connection is up; `generation` counts connections.
    pub fn connected(&mut self, generation: u64, session_present: bool) {
        self.generation = generation;
        self.connected = true;
        if !session_present {
            self.redelivery.clear();
            for entry in &mut self.entries {
                if entry.standing != Standing::Live(generation) {
                    entry.standing = Standing::Orphan;
                }
            }
        }
    }

    /// The connection is down: nothing can be acknowledged until the next one.
    pub fn disconnected(&mut self) {
        self.connected = false;
    }

    /// Takes a QoS 1/2 message that arrived on the current connection.
    pub fn arrive(&mut self, pkid: u16, qos: QoS, dup: bool) -> Arrival {
        let generation = self.generation;
        if dup {
            let held = self.entries.iter_mut().find(|e| {
                e.pkid == pkid && matches!(e.standing, Standing::Live(g) if g != generation)
            });
            if let Some(entry) = held {
                entry.standing = Standing::Live(generation);
                return Arrival::Redelivered;
            }
            if self.redelivery.remove(&pkid).is_some() {
                self.push(pkid, qos, true);
                return Arrival::Redelivered;
            }
        } else {
            // The broker reused the id, so whatever ferry remembered under it is done.
            self.redelivery.remove(&pkid);
        }
        Arrival::New(self.push(pkid, qos, false))
    }

    fn push(&mut self, pkid: u16, qos: QoS, settled: bool) -> Seq {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.entries.push_back(Entry {
            seq,
            pkid,
            qos,
            standing: Standing::Live(self.generation),
            settled,
        });
        seq
    }

    /// The message's routes settled (delivered, dead-lettered, invalid, filtered,
    /// or given up at shutdown).
    pub fn settle(&mut self, seq: Seq) {
        // Entries stay in seq order, so the lookup is a binary search.
        if let Ok(i) = self.entries.binary_search_by_key(&seq, |e| e.seq) {
            self.entries[i].settled = true;
        }
    }

    /// Removes the settled messages at the front and returns the acknowledgements
    /// due now, in order. While disconnected none is due: settled messages are
    /// still removed (so the queue never fills up with them) and remembered for
    /// their redelivery.
    pub fn ready(&mut self) -> Vec<Ack> {
        let mut acks = Vec::new();
        while self.entries.front().is_some_and(|e| e.settled) {
            let Some(entry) = self.entries.pop_front() else {
                break;
            };
            match entry.standing {
                Standing::Live(g) if self.connected && g == self.generation => acks.push(Ack {
                    pkid: entry.pkid,
                    qos: entry.qos,
                    generation: g,
                }),
                Standing::Live(_) => {
                    self.redelivery.insert(entry.pkid, entry.qos);
                }
                Standing::Orphan => {}
            }
        }
        acks
    }

    /// An acknowledgement that could not be sent because its connection went
    /// down: the broker delivers the message again if it kept the session.
    pub fn unsent(&mut self, ack: Ack) {
        self.redelivery.insert(ack.pkid, ack.qos);
    }
}

#[cfg(test)]
#[path = "acks_tests.rs"]
mod tests;
