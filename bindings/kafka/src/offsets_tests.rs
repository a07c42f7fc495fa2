//! Tests of the per-partition commit bookkeeping.

use super::*;

fn p(partition: i32) -> PartitionId {
    PartitionId {
        topic: Arc::from("orders"),
        partition,
    }
}

fn commits(offsets: &mut Offsets) -> Vec<(i32, i64)> {
    let mut all: Vec<_> = offsets
        .take_commits(false)
        .into_iter()
        .map(|(id, offset)| (id.partition, offset))
        .collect();
    all.sort_unstable();
    all
}

#[test]
fn commits_the_highest_contiguous_settled_offset_plus_one() {
    let mut offsets = Offsets::new();
    offsets.assign(p(0));
    let tickets: Vec<_> = (10..15).map(|o| offsets.track(p(0), o)).collect();
    assert!(offsets.settle(&tickets[1]));
    assert!(offsets.settle(&tickets[2]));
    assert_eq!(commits(&mut offsets), vec![], "10 is still pending");
    assert!(offsets.settle(&tickets[0]));
    assert_eq!(commits(&mut offsets), vec![(0, 13)]);
    assert_eq!(commits(&mut offsets), vec![], "nothing new");
    assert_eq!(offsets.unsettled(), 2);
    offsets.settle(&tickets[4]);
    offsets.settle(&tickets[3]);
    assert_eq!(commits(&mut offsets), vec![(0, 15)]);
    assert_eq!(offsets.unsettled(), 0);
}

#[test]
fn partitions_are_independent() {
    let mut offsets = Offsets::new();
    let a = offsets.track(p(0), 0);
    let b = offsets.track(p(1), 7);
    offsets.track(p(0), 1);
    offsets.settle(&b);
    assert_eq!(commits(&mut offsets), vec![(1, 8)]);
    offsets.settle(&a);
    assert_eq!(commits(&mut offsets), vec![(0, 1)]);
}

#[test]
fn gaps_in_offsets_follow_fetch_order() {
    // Compacted topics and transaction markers leave holes in the offsets.
    let mut offsets = Offsets::new();
    let a = offsets.track(p(0), 3);
    let b = offsets.track(p(0), 9);
    offsets.settle(&b);
    offsets.settle(&a);
    assert_eq!(commits(&mut offsets), vec![(0, 10)]);
}

#[test]
fn rewind_drops_later_records_and_makes_their_tickets_stale() {
    let mut offsets = Offsets::new();
    let t: Vec<_> = (0..4).map(|o| offsets.track(p(0), o)).collect();
    offsets.settle(&t[0]);
    assert_eq!(offsets.rewind(&t[1]), Some(1));
    assert!(!offsets.settle(&t[2]), "stale after the rewind");
    assert!(!offsets.settle(&t[1]));
    assert_eq!(offsets.rewind(&t[3]), None, "stale tickets do not rewind");
    assert_eq!(commits(&mut offsets), vec![(0, 1)]);
    // Read again from 1.
    let again: Vec<_> = (1..4).map(|o| offsets.track(p(0), o)).collect();
    for ticket in &again {
        assert!(offsets.settle(ticket));
    }
    assert_eq!(commits(&mut offsets), vec![(0, 4)]);
}

#[test]
fn rewind_keeps_earlier_unsettled_records() {
    let mut offsets = Offsets::new();
    let t: Vec<_> = (0..3).map(|o| offsets.track(p(0), o)).collect();
    assert_eq!(offsets.rewind(&t[2]), Some(2));
    assert_eq!(offsets.unsettled(), 2);
    assert!(
        offsets.settle(&t[0]),
        "records before the cut keep their tickets"
    );
    assert_eq!(commits(&mut offsets), vec![(0, 1)]);
    // A Retry of an earlier record moves the rewind point back.
    assert_eq!(offsets.rewind(&t[1]), Some(1));
    assert_eq!(offsets.unsettled(), 0);
    let again = offsets.track(p(0), 1);
    assert!(offsets.settle(&again));
    assert_eq!(commits(&mut offsets), vec![(0, 2)]);
}

#[test]
fn reading_an_offset_again_restarts_from_there() {
    let mut offsets = Offsets::new();
    let old = offsets.track(p(0), 5);
    offsets.track(p(0), 6);
    let again = offsets.track(p(0), 5);
    assert!(!offsets.settle(&old));
    assert!(offsets.settle(&again));
    assert_eq!(commits(&mut offsets), vec![(0, 6)]);
    assert_eq!(offsets.unsettled(), 0);
}

#[test]
fn revoke_returns_the_uncommitted_point_and_staled_tickets() {
    let mut offsets = Offsets::new();
    offsets.assign(p(0));
    let a = offsets.track(p(0), 0);
    let b = offsets.track(p(0), 1);
    offsets.settle(&a);
    assert_eq!(offsets.revoke(&p(0)), Some(1));
    assert!(!offsets.settle(&b), "revoked partitions ignore outcomes");
    assert_eq!(offsets.revoke(&p(0)), None);
    // Assigned again later: old tickets stay stale.
    offsets.assign(p(0));
    assert!(!offsets.settle(&b));
    assert_eq!(commits(&mut offsets), vec![]);
}

#[test]
fn revoke_after_commit_has_nothing_left() {
    let mut offsets = Offsets::new();
    let a = offsets.track(p(0), 0);
    offsets.settle(&a);
    assert_eq!(commits(&mut offsets), vec![(0, 1)]);
    assert_eq!(offsets.revoke(&p(0)), None);
}

#[test]
fn a_final_commit_takes_every_point() {
    let mut offsets = Offsets::new();
    let a = offsets.track(p(0), 0);
    offsets.settle(&a);
    offsets.track(p(1), 0);
    assert_eq!(commits(&mut offsets), vec![(0, 1)]);
    let all: Vec<_> = offsets
        .take_commits(true)
        .into_iter()
        .map(|(id, o)| (id.partition, o))
        .collect();
    assert_eq!(
        all,
        vec![(0, 1)],
        "partitions with nothing settled have nothing to commit"
    );
}
