//! In-order commit bookkeeping per partition, pure (no Kafka calls).
//!
//! Every record fetched is tracked in fetch order and gets a [`Ticket`]. When its
//! outcome settles, the ticket marks it; the commit point of the partition moves
//! past the longest settled prefix, so an offset is committed only once it and
//! every record before it have settled. Kafka's committed offset is the next
//! offset to read: the last settled offset + 1.
//!
//! Each partition assignment and each rewind (a `Retry` outcome, after which the
//! partition is read again from that record) starts a new generation for the
//! records tracked from then on. A ticket whose record was dropped by a rewind or
//! a revocation is stale: its outcome is ignored, because the record will be
//! fetched again (with a new ticket) or now belongs to another consumer. Records
//! before a rewind point keep their tickets.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// A topic partition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartitionId {
    pub topic: Arc<str>,
    pub partition: i32,
}

/// Names one tracked record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: PartitionId,
    pub offset: i64,
    generation: u64,
}

/// One record in flight.
#[derive(Debug, Clone, Copy)]
struct Tracked {
    offset: i64,
    generation: u64,
    settled: bool,
}

#[derive(Debug, Default)]
struct Partition {
    /// The generation of records tracked from now on.
    generation: u64,
    /// Tracked records in fetch order; the settled prefix is popped as soon as
    /// it forms.
    records: VecDeque<Tracked>,
    /// Next offset to commit (last settled + 1), if any record settled.
    settled: Option<i64>,
    /// What was last committed (or handed out to commit).
    committed: Option<i64>,
}

impl Partition {
    /// The unsettled record a ticket names, if it is still tracked.
    fn find(&mut self, ticket: &Ticket) -> Option<&mut Tracked> {
        let index = self
            .records
            .binary_search_by_key(&ticket.offset, |r| r.offset)
            .ok()?;
        self.records
            .get_mut(index)
            .filter(|r| r.generation == ticket.generation && !r.settled)
    }

    /// Drops the records from `from` on and moves to `generation`.
    fn cut(&mut self, from: i64, generation: u64) {
        self.records.retain(|r| r.offset < from);
        self.generation = generation;
    }
}

/// The next generation number.
fn bump(next: &mut u64) -> u64 {
    *next += 1;
    *next
}

/// The bookkeeping of every partition this consumer holds.
#[derive(Debug, Default)]
pub struct Offsets {
    partitions: HashMap<PartitionId, Partition>,
    next_generation: u64,
}

impl Offsets {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts fresh bookkeeping for a newly assigned partition.
    pub fn assign(&mut self, id: PartitionId) {
        let generation = bump(&mut self.next_generation);
        self.partitions.insert(
            id,
            Partition {
                generation,
                ..Partition::default()
            },
        );
    }

    /// Forgets a revoked partition; returns its commit point if it moved past
    /// the last commit, for a final commit before the partition goes.
    pub fn revoke(&mut self, id: &PartitionId) -> Option<i64> {
        let partition = self.partitions.remove(id)?;
        partition
            .settled
            .filter(|s| Some(*s) != partition.committed)
    }

    /// Tracks a fetched record. An offset at or below one already tracked means
    /// the partition is being read again (librdkafka reset or seeked it): the
    /// records from there on are dropped first, as a rewind would.
    pub fn track(&mut self, id: PartitionId, offset: i64) -> Ticket {
        let next_generation = &mut self.next_generation;
        let partition = self
            .partitions
            .entry(id.clone())
            .or_insert_with(|| Partition {
                generation: bump(next_generation),
                ..Partition::default()
            });
        if partition.records.back().is_some_and(|r| r.offset >= offset) {
            partition.cut(offset, bump(next_generation));
        }
        partition.records.push_back(Tracked {
            offset,
            generation: partition.generation,
            settled: false,
        });
        Ticket {
            generation: partition.generation,
            id,
            offset,
        }
    }

    /// Marks a record settled. False for a stale ticket.
    pub fn settle(&mut self, ticket: &Ticket) -> bool {
        let Some(partition) = self.partitions.get_mut(&ticket.id) else {
            return false;
        };
        let Some(record) = partition.find(ticket) else {
            return false;
        };
        record.settled = true;
        while let Some(first) = partition.records.front().filter(|r| r.settled) {
            partition.settled = Some(first.offset + 1);
            partition.records.pop_front();
        }
        true
    }

    /// A `Retry` outcome: the partition is to be read again from the ticket's
    /// record. Drops that record and every later one, starts a new generation
    /// and returns the offset to seek to; `None` for a stale ticket.
    pub fn rewind(&mut self, ticket: &Ticket) -> Option<i64> {
        let partition = self.partitions.get_mut(&ticket.id)?;
        partition.find(ticket)?;
        partition.cut(ticket.offset, bump(&mut self.next_generation));
        Some(ticket.offset)
    }

    /// Commit points that moved since the last call (with `all`, every commit
    /// point, for a final synchronous commit), marked as committed.
    pub fn take_commits(&mut self, all: bool) -> Vec<(PartitionId, i64)> {
        let mut commits = Vec::new();
        for (id, partition) in &mut self.partitions {
            if let Some(settled) = partition.settled {
                if all || partition.committed != Some(settled) {
                    partition.committed = Some(settled);
                    commits.push((id.clone(), settled));
                }
            }
        }
        commits
    }

    /// Records tracked and not yet settled, over every partition.
    #[cfg(test)]
    pub fn unsettled(&self) -> usize {
        self.partitions
            .values()
            .flat_map(|p| &p.records)
            .filter(|r| !r.settled)
            .count()
    }
}

#[cfg(test)]
#[path = "offsets_tests.rs"]
mod tests;
