//! ferry-core: what every ferry binding shares.
//!
//! - [`event`]: the CloudEvents 1.0 event, built only through [`event::EventBuilder`],
//!   which applies every validity rule of the spec. Attribute strings are kept
//!   exactly as received; data is [`bytes::Bytes`].
//! - [`json`]: the JSON event and batch formats, decoding `data` as a zero-copy
//!   slice of the input; legacy 0.1/0.2/0.3 input is upgraded to 1.0 ([`legacy`]).
//! - [`binary`]: binary content mode in protocol-neutral form, and
//!   [`header_value`]: the percent-encoding codec HTTP and NATS headers share.
//! - [`media_type`]: content-type tests for mode detection.
//! - [`source`], [`sink`], [`envelope`], [`outcome`]: the contracts between bindings
//!   and the runtime. A source pushes [`envelope::Envelope`]s into an
//!   [`source::Intake`] and acknowledges each message by its [`outcome::Outcome`];
//!   a sink's `send` returns once the peer confirmed, with an optional reply event.

pub mod binary;
pub mod clock;
pub mod envelope;
pub mod error;
pub mod event;
pub mod header_value;
pub mod json;
pub mod legacy;
pub mod media_type;
pub mod mode;
pub mod outcome;
pub mod sink;
pub mod source;
mod validate;
pub mod wrap;

pub use envelope::{Envelope, ProtocolContext};
pub use error::EventError;
pub use event::{AttrRef, Data, DataForm, Event, EventBuilder, ExtensionValue};
pub use mode::ContentMode;
pub use outcome::Outcome;
pub use sink::{Sink, SinkError};
pub use source::{Intake, PendingOutcome, ReadyFlag, Source, SourceError, Submission, Submitted};
