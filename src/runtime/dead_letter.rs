//! Dead-lettering a copy its sink could not take: the event, unchanged but for
//! three extensions that say where and why it failed, goes to the route's
//! `dead_letter` sink under that sink's own retry policy and `max_in_flight`.

use std::sync::Arc;

use ferry_core::{Envelope, Event, EventError, ExtensionValue, Outcome, SinkError};
use tokio::time::Instant;
use tracing::{error, warn};

use super::copy::{EventCopy, SinkHandle};
use super::deliver::send_with_retry;

/// Extension naming the sink that failed.
pub const DEADLETTERSINK: &str = "deadlettersink";
/// Extension naming the route the copy travelled on.
pub const DEADLETTERROUTE: &str = "deadletterroute";
/// Extension carrying the failure text.
pub const DEADLETTERREASON: &str = "deadletterreason";

/// The outcome of a copy whose sink failed for good: `DeadLettered` once the
/// dead letter confirmed it, else `Retry` so the source redelivers.
pub async fn after_failure(copy: &EventCopy, err: &SinkError) -> Outcome {
    let Some(dead_letter) = &copy.dead_letter else {
        warn!(
            sink = %copy.target.name,
            route = copy.route.as_deref().unwrap_or("-"),
            "no dead letter; leaving the message for redelivery"
        );
        return Outcome::Retry;
    };
    let event = dead_letter_event(
        &copy.envelope.event,
        &copy.target.name,
        copy.route.as_deref(),
        &err.to_string(),
    );
    let event = match event {
        Ok(event) => event,
        Err(err) => {
            error!(sink = %copy.target.name, %err, "could not build the dead-letter event");
            return Outcome::Retry;
        }
    };
    let envelope = Envelope {
        event: Arc::new(event),
        source: copy.envelope.source.clone(),
        context: copy.envelope.context.clone(),
    };
    send_dead_letter(dead_letter, &envelope).await
}

/// Delivers a dead-letter event within the dead-letter sink's own bounds.
async fn send_dead_letter(dead_letter: &SinkHandle, envelope: &Envelope) -> Outcome {
    let created = Instant::now();
    // The semaphore is never closed; should that change, Retry is the safe answer.
    let Ok(_slot) = dead_letter.slots.clone().acquire_owned().await else {
        return Outcome::Retry;
    };
    match send_with_retry(dead_letter, envelope, created).await {
        Ok(_) => Outcome::DeadLettered,
        Err(err) => {
            error!(
                dead_letter = %dead_letter.name,
                event = %envelope.event.id(),
                %err,
                "dead letter failed too; leaving the message for redelivery"
            );
            Outcome::Retry
        }
    }
}

/// The original event with `deadlettersink`, `deadletterroute` (when it was on a
/// route) and `deadletterreason` added; every other attribute and the data stay.
pub fn dead_letter_event(
    original: &Event,
    sink: &str,
    route: Option<&str>,
    reason: &str,
) -> Result<Event, EventError> {
    let mut event = original.clone();
    event.set_extension(DEADLETTERSINK, ExtensionValue::String(sink.to_owned()))?;
    if let Some(route) = route {
        event.set_extension(DEADLETTERROUTE, ExtensionValue::String(route.to_owned()))?;
    }
    let reason = extension_text(reason);
    event.set_extension(DEADLETTERREASON, ExtensionValue::String(reason))?;
    Ok(event)
}

/// Makes free text a valid extension value: attribute strings must be non-empty
/// and free of control characters, and error texts may be neither.
pub fn extension_text(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "unknown".to_owned()
    } else {
        cleaned.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_core::event::AttrInput;
    use ferry_core::{AttrRef, EventBuilder};

    fn event() -> Event {
        let mut b = EventBuilder::new();
        for (k, v) in [
            ("specversion", "1.0"),
            ("id", "1"),
            ("source", "/s"),
            ("type", "t"),
        ] {
            b.attribute(k, AttrInput::String(v.into())).unwrap();
        }
        b.attribute("seq", AttrInput::Integer(7)).unwrap();
        b.build().unwrap()
    }

    #[test]
    fn adds_three_extensions_and_keeps_the_rest() {
        let out = dead_letter_event(&event(), "hook", Some("r1"), "HTTP 400\nbad").unwrap();
        assert_eq!(
            out.attribute("deadlettersink"),
            Some(AttrRef::String("hook"))
        );
        assert_eq!(
            out.attribute("deadletterroute"),
            Some(AttrRef::String("r1"))
        );
        let reason = out.attribute("deadletterreason");
        assert_eq!(reason, Some(AttrRef::String("HTTP 400 bad")));
        assert_eq!(out.attribute("seq"), Some(AttrRef::Integer(7)));
        assert_eq!((out.id(), out.source(), out.ty()), ("1", "/s", "t"));
    }

    #[test]
    fn empty_reason_still_makes_a_valid_value() {
        assert_eq!(extension_text(" \r\n"), "unknown");
    }
}
