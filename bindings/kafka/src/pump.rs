//! The source's loop: one task that keeps polling the consumer (so rebalances
//! and librdkafka's events are always served and the group never times ferry
//! out), submits records in fetch order, collects outcomes, commits in order
//! per partition, and turns backpressure and `Retry` into paused partitions.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferry_core::wrap::Wrapper;
use ferry_core::{Intake, Outcome, PendingOutcome, SourceError, Submission};
use futures::future::OptionFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{sleep_until, Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use crate::context::{lock, Rebalanced, SourceContext};
use crate::offsets::{Offsets, PartitionId, Ticket};
use crate::partitions::{assignment, backoff, list, pause, resume};
use crate::record::{self, Received};

pub(crate) type KafkaConsumer = StreamConsumer<SourceContext>;

/// Records read and not yet settled before every partition is paused.
const MAX_UNSETTLED: usize = 1024;
/// Below this, paused partitions resume.
const RESUME_BELOW: usize = MAX_UNSETTLED / 2;
/// How often settled offsets are committed (and at revocation and shutdown).
const COMMIT_INTERVAL: Duration = Duration::from_secs(1);

type Boxed<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A record read and waiting for its turn to be submitted.
struct Work {
    ticket: Ticket,
    submission: Submission,
}

/// A partition paused after `Retry`, to be read again from `seek_to` at `due`.
struct Retrying {
    seek_to: i64,
    due: Instant,
}

pub(crate) struct Pump {
    name: Arc<str>,
    intake: Intake,
    wrapper: Option<Wrapper>,
    offsets: Arc<Mutex<Offsets>>,
    notes: UnboundedReceiver<Rebalanced>,
    /// Read in fetch order, not yet submitted.
    queue: VecDeque<Work>,
    /// The one submission in progress (submissions go one at a time, in order).
    submitting: Option<(Ticket, Boxed<PendingOutcome>)>,
    pending: FuturesUnordered<Boxed<(Ticket, Outcome)>>,
    retrying: HashMap<PartitionId, Retrying>,
    /// Consecutive `Retry` outcomes per partition, for the backoff.
    failures: HashMap<PartitionId, u32>,
    /// Every partition is paused because too much is unsettled.
    saturated: bool,
}

impl Pump {
    pub fn new(
        name: Arc<str>,
        intake: Intake,
        wrapper: Option<Wrapper>,
        offsets: Arc<Mutex<Offsets>>,
        notes: UnboundedReceiver<Rebalanced>,
    ) -> Self {
        Self {
            name,
            intake,
            wrapper,
            offsets,
            notes,
            queue: VecDeque::new(),
            submitting: None,
            pending: FuturesUnordered::new(),
            retrying: HashMap::new(),
            failures: HashMap::new(),
            saturated: false,
        }
    }

    /// Runs until `shutdown`; a fatal consumer error ends it with an error.
    pub async fn run(
        &mut self,
        consumer: &KafkaConsumer,
        shutdown: &CancellationToken,
    ) -> Result<(), SourceError> {
        let mut commit_tick = tokio::time::interval(COMMIT_INTERVAL);
        commit_tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            let retry_due = self.retrying.values().map(|r| r.due).min();
            tokio::select! {
                biased;
                () = shutdown.cancelled() => return Ok(()),
                Some(note) = self.notes.recv() => self.on_rebalance(consumer, note),
                Some((ticket, outcome)) = self.pending.next(), if !self.pending.is_empty() => {
                    self.on_outcome(consumer, ticket, outcome);
                }
                Some(pending) = OptionFuture::from(self.submitting.as_mut().map(|(_, f)| f)) => {
                    self.on_submitted(pending);
                }
                () = sleep_until(retry_due.unwrap_or_else(Instant::now)), if retry_due.is_some() => {
                    self.on_retry_due(consumer);
                }
                _ = commit_tick.tick() => self.commit(consumer, CommitMode::Async, false),
                received = recv(consumer, &self.name, self.wrapper.as_ref()) => {
                    self.on_received(received)?;
                }
            }
            self.submit_next();
            self.apply_backpressure(consumer);
        }
    }

    /// Shutdown: stops reading, waits for the outcomes of what was submitted
    /// (the runtime settles them within its grace period), commits what settled.
    pub async fn finish(&mut self, consumer: &KafkaConsumer) {
        self.queue.clear();
        self.submitting = None;
        self.retrying.clear();
        pause(consumer, &list(&assignment(consumer)));
        debug!(
            source = &*self.name,
            pending = self.pending.len(),
            "kafka source draining"
        );
        while !self.pending.is_empty() {
            tokio::select! {
                Some((ticket, outcome)) = self.pending.next() => {
                    if outcome.is_settled() {
                        lock(&self.offsets).settle(&ticket);
                    }
                }
                // Keeps librdkafka's queue served; records still arriving are
                // dropped unsettled and read again after a restart.
                _ = consumer.recv() => {}
            }
        }
        self.commit(consumer, CommitMode::Sync, true);
    }

    fn on_received(&mut self, received: Result<Received, KafkaError>) -> Result<(), SourceError> {
        let received = match received {
            Ok(received) => received,
            Err(KafkaError::MessageConsumptionFatal(code)) => {
                return Err(SourceError(format!(
                    "kafka source `{}`: fatal consumer error: {code}",
                    self.name
                )));
            }
            Err(err) => {
                // The context's error callback has logged it already.
                debug!(source = &*self.name, %err, "kafka consumer error");
                return Ok(());
            }
        };
        if self.retrying.contains_key(&received.id) {
            // Prefetched before the pause; it is read again after the seek.
            return Ok(());
        }
        let ticket = lock(&self.offsets).track(received.id, received.offset);
        match received.submission {
            Some(submission) => self.queue.push_back(Work { ticket, submission }),
            // A tombstone without CloudEvents headers: nothing to route.
            None => {
                lock(&self.offsets).settle(&ticket);
            }
        }
        Ok(())
    }

    fn submit_next(&mut self) {
        if self.submitting.is_some() {
            return;
        }
        let Some(Work { ticket, submission }) = self.queue.pop_front() else {
            return;
        };
        let intake = self.intake.clone();
        // Yields the outcome's future on purpose: submitting (queueing, in
        // order) and settling are two steps, and only the first is sequential.
        #[allow(clippy::async_yields_async)]
        let future = Box::pin(async move { intake.push(submission).await });
        self.submitting = Some((ticket, future));
    }

    fn on_submitted(&mut self, pending: PendingOutcome) {
        if let Some((ticket, _)) = self.submitting.take() {
            self.pending
                .push(Box::pin(async move { (ticket, pending.await) }));
        }
    }

    fn on_outcome(&mut self, consumer: &KafkaConsumer, ticket: Ticket, outcome: Outcome) {
        if outcome.is_settled() {
            if lock(&self.offsets).settle(&ticket) {
                self.failures.remove(&ticket.id);
            }
            return;
        }
        let Some(seek_to) = lock(&self.offsets).rewind(&ticket) else {
            return; // stale: that record is read again anyway
        };
        let id = ticket.id;
        self.drop_unsubmitted(|p| *p == id);
        pause(consumer, &list([&id]));
        let failures = self.failures.entry(id.clone()).or_insert(0);
        *failures = failures.saturating_add(1);
        let delay = backoff(*failures);
        warn!(
            source = &*self.name,
            topic = &*id.topic,
            partition = id.partition,
            offset = seek_to,
            ?delay,
            "kafka record not delivered (Retry): partition paused, read again after the delay"
        );
        let due = Instant::now() + delay;
        self.retrying
            .entry(id)
            .and_modify(|r| r.seek_to = r.seek_to.min(seek_to))
            .or_insert(Retrying { seek_to, due });
    }

    /// Forgets read records of some partitions that were not submitted yet.
    fn drop_unsubmitted(&mut self, matches: impl Fn(&PartitionId) -> bool) {
        self.queue.retain(|w| !matches(&w.ticket.id));
        if self
            .submitting
            .as_ref()
            .is_some_and(|(t, _)| matches(&t.id))
        {
            // Not sent yet: dropping the send leaves nothing behind.
            self.submitting = None;
        }
    }

    fn on_retry_due(&mut self, consumer: &KafkaConsumer) {
        let now = Instant::now();
        let due: Vec<PartitionId> = self
            .retrying
            .iter()
            .filter(|(_, r)| r.due <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in due {
            let Some(retry) = self.retrying.remove(&id) else {
                continue;
            };
            let offset = Offset::Offset(retry.seek_to);
            // Zero timeout: the seek is queued ahead of the resume below, and
            // the poll loop must not block on it.
            if let Err(err) = consumer.seek(&id.topic, id.partition, offset, Duration::ZERO) {
                warn!(source = &*self.name, topic = &*id.topic, partition = id.partition, %err, "kafka seek failed; trying again later");
                let delay = backoff(self.failures.get(&id).copied().unwrap_or(1));
                self.retrying.insert(
                    id,
                    Retrying {
                        due: now + delay,
                        ..retry
                    },
                );
                continue;
            }
            if !self.saturated {
                resume(consumer, &list([&id]));
            }
        }
    }

    fn on_rebalance(&mut self, consumer: &KafkaConsumer, note: Rebalanced) {
        match note {
            Rebalanced::Assigned(ids) => {
                for id in &ids {
                    self.retrying.remove(id);
                    self.failures.remove(id);
                }
                if self.saturated {
                    pause(consumer, &list(&ids));
                }
            }
            Rebalanced::Revoked(ids) => {
                self.drop_unsubmitted(|p| ids.contains(p));
                for id in &ids {
                    self.retrying.remove(id);
                    self.failures.remove(id);
                }
            }
        }
    }

    /// Pauses every partition while too much is unsettled, so the runtime's
    /// backpressure never stops the poll loop; resumes at half.
    fn apply_backpressure(&mut self, consumer: &KafkaConsumer) {
        let unsettled =
            self.queue.len() + self.pending.len() + usize::from(self.submitting.is_some());
        if !self.saturated && unsettled >= MAX_UNSETTLED {
            self.saturated = true;
            debug!(
                source = &*self.name,
                unsettled, "kafka source saturated: partitions paused"
            );
            pause(consumer, &list(&assignment(consumer)));
        } else if self.saturated && unsettled <= RESUME_BELOW {
            self.saturated = false;
            debug!(source = &*self.name, unsettled, "kafka source resumes");
            let assigned = assignment(consumer);
            let ready: Vec<PartitionId> = assigned
                .into_iter()
                .filter(|id| !self.retrying.contains_key(id))
                .collect();
            resume(consumer, &list(&ready));
        }
    }

    /// Commits settled offsets: those that moved, or with `all` every one.
    fn commit(&mut self, consumer: &KafkaConsumer, mode: CommitMode, all: bool) {
        let commits = lock(&self.offsets).take_commits(all);
        if commits.is_empty() {
            return;
        }
        let mut tpl = TopicPartitionList::with_capacity(commits.len());
        for (id, next) in &commits {
            // Only a negative offset could be refused, and settled points are >= 1.
            let _ = tpl.add_partition_offset(&id.topic, id.partition, Offset::Offset(*next));
        }
        if let Err(err) = consumer.commit(&tpl, mode) {
            warn!(source = &*self.name, %err, "kafka offset commit failed; records after the last commit will be read again");
        }
    }
}

/// The next record, decoded right away so nothing borrows the consumer after.
async fn recv(
    consumer: &KafkaConsumer,
    source: &Arc<str>,
    wrapper: Option<&Wrapper>,
) -> Result<Received, KafkaError> {
    let message = consumer.recv().await?;
    Ok(record::read(&message, source, wrapper))
}
