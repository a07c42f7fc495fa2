//! How a source message ended, as the source needs to know it to acknowledge.

/// The settled result of one source message over every route it took.
///
/// Ordered from best to worst; a message routed to several sinks gets the worst
/// outcome over all of them (`max`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// No route took it; acknowledge.
    Filtered,
    /// Every routed sink confirmed; acknowledge.
    Delivered,
    /// At least one copy went to a dead-letter sink, which confirmed; acknowledge.
    DeadLettered,
    /// Not a valid event; it was dead-lettered or logged. Acknowledge (or reject,
    /// where the protocol has a reject that does not redeliver).
    Invalid,
    /// Not settled: a sink failed transiently past its retries with no dead
    /// letter, a dead-letter sink failed, or the copy was dropped unsettled.
    /// Do not acknowledge; let the protocol redeliver.
    Retry,
}

impl Outcome {
    /// True when the source may acknowledge the message to its protocol.
    pub fn is_settled(self) -> bool {
        self != Outcome::Retry
    }

    /// The metric label for this outcome.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Filtered => "filtered",
            Outcome::Delivered => "delivered",
            Outcome::DeadLettered => "dead_lettered",
            Outcome::Invalid => "invalid",
            Outcome::Retry => "retry",
        }
    }
}
