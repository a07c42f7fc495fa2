use super::*;

const Q1: QoS = QoS::AtLeastOnce;

fn new(queue: &mut AckQueue, pkid: u16) -> Seq {
    match queue.arrive(pkid, Q1, false) {
        Arrival::New(seq) => seq,
        other => panic!("expected a new message, got {other:?}"),
    }
}

fn pkids(acks: &[Ack]) -> Vec<u16> {
    acks.iter().map(|a| a.pkid).collect()
}

fn connected(generation: u64) -> AckQueue {
    let mut queue = AckQueue::new();
    queue.connected(generation, false);
    queue
}

#[test]
fn acknowledges_in_arrival_order_only() {
    let mut q = connected(1);
    let (a, b, c) = (new(&mut q, 7), new(&mut q, 8), new(&mut q, 9));
    q.settle(c);
    q.settle(b);
    assert!(q.ready().is_empty(), "7 is still in flight");
    assert_eq!(q.len(), 3);
    q.settle(a);
    let acks = q.ready();
    assert_eq!(pkids(&acks), [7, 8, 9]);
    assert!(acks.iter().all(|a| a.generation == 1 && a.qos == Q1));
    assert_eq!(q.len(), 0);
    assert!(q.ready().is_empty());
}

#[test]
fn qos_2_messages_keep_their_qos() {
    let mut q = connected(1);
    let Arrival::New(seq) = q.arrive(3, QoS::ExactlyOnce, false) else {
        panic!("new")
    };
    q.settle(seq);
    assert_eq!(q.ready()[0].qos, QoS::ExactlyOnce);
}

#[test]
fn settled_while_disconnected_is_acknowledged_on_redelivery() {
    let mut q = connected(1);
    let a = new(&mut q, 1);
    q.disconnected();
    q.settle(a);
    assert!(q.ready().is_empty());
    assert_eq!(q.len(), 0, "settled messages never fill the queue");
    q.connected(2, true);
    assert_eq!(q.arrive(1, Q1, true), Arrival::Redelivered);
    assert_eq!(
        q.ready(),
        [Ack {
            pkid: 1,
            qos: Q1,
            generation: 2
        }]
    );
}

#[test]
fn a_redelivered_message_in_flight_is_adopted_not_routed_again() {
    let mut q = connected(1);
    let a = new(&mut q, 5);
    q.disconnected();
    q.connected(2, true);
    assert_eq!(q.arrive(5, Q1, true), Arrival::Redelivered);
    let b = new(&mut q, 6);
    q.settle(b);
    q.settle(a);
    let acks = q.ready();
    assert_eq!(pkids(&acks), [5, 6]);
    assert!(acks.iter().all(|a| a.generation == 2));
}

#[test]
fn a_settled_message_redelivered_later_is_acknowledged_on_arrival() {
    let mut q = connected(1);
    let (a, b) = (new(&mut q, 1), new(&mut q, 2));
    q.settle(b); // settled, but waits behind 1
    q.disconnected();
    q.connected(2, true);
    assert_eq!(q.arrive(1, Q1, true), Arrival::Redelivered);
    q.settle(a);
    // 1 was adopted; 2 is still from connection 1 and waits for its copy.
    assert_eq!(pkids(&q.ready()), [1]);
    assert_eq!(q.arrive(2, Q1, true), Arrival::Redelivered);
    let acks = q.ready();
    assert_eq!(pkids(&acks), [2]);
    assert_eq!(acks[0].generation, 2);
}

#[test]
fn an_ack_lost_with_its_connection_is_sent_for_the_redelivery() {
    let mut q = connected(1);
    let a = new(&mut q, 4);
    q.settle(a);
    let ack = q.ready()[0];
    q.unsent(ack);
    q.disconnected();
    q.connected(2, true);
    assert_eq!(q.arrive(4, Q1, true), Arrival::Redelivered);
    assert_eq!(
        q.ready(),
        [Ack {
            pkid: 4,
            qos: Q1,
            generation: 2
        }]
    );
}

#[test]
fn without_the_session_held_messages_are_orphans() {
    let mut q = connected(1);
    let (a, b) = (new(&mut q, 1), new(&mut q, 2));
    q.settle(b);
    q.ready();
    q.disconnected();
    q.connected(2, false);
    // The new session reuses packet id 1 for a different message.
    let c = new(&mut q, 1);
    q.settle(c);
    assert!(q.ready().is_empty(), "waits behind the orphan, in order");
    q.settle(a);
    let acks = q.ready();
    assert_eq!(
        acks,
        [Ack {
            pkid: 1,
            qos: Q1,
            generation: 2
        }]
    );
    assert_eq!(q.len(), 0);
    // A DUP copy of the old 2 cannot match anything any more.
    assert!(matches!(q.arrive(2, Q1, true), Arrival::New(_)));
}

#[test]
fn a_new_message_reusing_a_remembered_id_is_new() {
    let mut q = connected(1);
    let a = new(&mut q, 9);
    q.settle(a);
    let ack = q.ready()[0];
    q.unsent(ack);
    q.disconnected();
    q.connected(2, true);
    // Not DUP: the broker had the ack after all and reused the id.
    assert!(matches!(q.arrive(9, Q1, false), Arrival::New(_)));
    assert!(matches!(q.arrive(9, Q1, true), Arrival::New(_)));
}

#[test]
fn settling_an_unknown_seq_is_harmless() {
    let mut q = connected(1);
    q.settle(42);
    assert!(q.ready().is_empty());
}
