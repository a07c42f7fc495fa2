//! ferry-file: the `stdout` and `file` sinks.
//!
//! # Format
//! Both write JSON Lines: each event in the structured JSON format
//! (`ferry_core::json`) followed by one `\n`. Events are written whole and never
//! split across lines: should JSON `data` copied verbatim from a pretty-printed
//! input hold line breaks between tokens, they become spaces (insignificant in
//! JSON, so the value is the same though its bytes are not).
//!
//! # Durability
//! - `file`: `send` returns once the line is on disk (`sync_data`). Sends are
//!   grouped: one writer thread takes whatever is queued, writes it in one call,
//!   syncs once and then confirms every send of that batch, so N concurrent sends
//!   cost one sync. The file is appended to, created if missing (its directory
//!   must exist; a new file's directory entry is synced too). On open, a torn last
//!   line (a crash mid-write) is cut off with a warning: it was never confirmed.
//!   A batch whose write or sync fails is cut back off the file and every send in
//!   it fails transiently with the I/O error (a full disk may clear).
//! - `stdout`: `send` returns once the line was written and flushed to the
//!   process's standard output, with the same one-writer batching. Logs go to
//!   stderr, so stdout carries only events.
//!
//! # Ordering
//! Lines appear in the order sends reached the writer's queue. With the
//! runtime's `max_in_flight` above 1, concurrent sends may reach it in any order.
//!
//! # Weak spots
//! - At-least-once: a send whose future is dropped after queueing, or that is
//!   retried after a failed batch, may leave its event in the output twice.
//! - One ferry process per file: the sink assumes it is the file's only writer
//!   (it tracks the length to cut back failed batches), and it does not reopen a
//!   file renamed by log rotation; rotate with copy-and-truncate, or restart.
//! - A failed write to stdout cannot be taken back: the reader may see part of a
//!   line followed by the retried whole line.
//! - Each sink owns one OS thread, since file and terminal I/O block.

mod config;
mod error;
mod file;
mod line;
mod repair;
mod stdout;
mod writer;

pub use config::{FileSinkConfig, StdoutSinkConfig};
pub use error::FileSinkError;
pub use file::FileSink;
pub use stdout::StdoutSink;

#[cfg(test)]
mod file_tests;

#[cfg(test)]
mod test_support {
    use std::borrow::Cow;

    use ferry_core::event::AttrInput;
    use ferry_core::{Envelope, Event, EventBuilder, ProtocolContext};

    /// A minimal valid event with the given `id`.
    pub(crate) fn event(id: &str) -> Event {
        let mut builder = EventBuilder::new();
        for (name, value) in [
            ("specversion", "1.0"),
            ("id", id),
            ("source", "/test"),
            ("type", "com.example.test"),
        ] {
            let value = AttrInput::String(Cow::Owned(value.to_owned()));
            builder.attribute(name, value).unwrap();
        }
        builder.build().unwrap()
    }

    pub(crate) fn envelope(id: &str) -> Envelope {
        Envelope::new(event(id), "src".into(), ProtocolContext::new())
    }
}
