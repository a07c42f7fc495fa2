//! Turns a consumed record into what the source submits: its position, and an
//! event, an invalid input, or nothing (a tombstone without CloudEvents headers).
//!
//! Headers are read through librdkafka's C API rather than rdkafka's `Headers`
//! accessor, which panics on a header key that is not UTF-8: a record from any
//! producer must never take the source down.

use std::ffi::{c_char, c_void, CStr};
use std::ptr;
use std::sync::Arc;

use bytes::Bytes;
use ferry_core::envelope::context_key::{OFFSET, PARTITION, TOPIC};
use ferry_core::wrap::Wrapper;
use ferry_core::{Envelope, ProtocolContext, Submission};
use rdkafka::bindings as rd;
use rdkafka::message::BorrowedMessage;
use rdkafka::types::RDKafkaRespErr;
use rdkafka::Message;

use crate::codec::{self, Decoded, HeaderRef};
use crate::error::DecodeError;
use crate::offsets::PartitionId;

/// One consumed record, decoded.
#[derive(Debug)]
pub(crate) struct Received {
    pub id: PartitionId,
    pub offset: i64,
    /// `None`: nothing to route (a tombstone), settled at once as filtered.
    pub submission: Option<Submission>,
}

/// Decodes a record; `wrap` makes events of raw values.
pub(crate) fn read(
    message: &BorrowedMessage<'_>,
    source: &Arc<str>,
    wrapper: Option<&Wrapper>,
) -> Received {
    // Topic names are ASCII by Kafka's rules (brokers refuse others), so
    // rdkafka's UTF-8 conversion of the name cannot fail.
    let topic = message.topic();
    let (partition, offset) = (message.partition(), message.offset());
    let context = ProtocolContext::new()
        .with(TOPIC, topic)
        .with(PARTITION, partition.to_string())
        .with(OFFSET, offset.to_string());
    let value = message.payload().map(Bytes::copy_from_slice);
    let submission = match codec::decode(&headers(message), value) {
        Decoded::Event(event) => Some(Submission::Event(Envelope::new(
            *event,
            source.clone(),
            context,
        ))),
        Decoded::Tombstone => None,
        Decoded::Raw(value) => Some(wrap(value, context, source, wrapper)),
        Decoded::Invalid { value, error } => Some(invalid(value, &error, context)),
    };
    Received {
        id: PartitionId {
            topic: Arc::from(topic),
            partition,
        },
        offset,
        submission,
    }
}

/// A raw value: an event made by `wrap`, or invalid input without it.
fn wrap(
    value: Bytes,
    context: ProtocolContext,
    source: &Arc<str>,
    wrapper: Option<&Wrapper>,
) -> Submission {
    let Some(wrapper) = wrapper else {
        return invalid(value, &DecodeError::NotACloudEvent, context);
    };
    // The position is the id: a record read again gets the same event id.
    let id = format!(
        "{}-{}-{}",
        context.get(TOPIC).unwrap_or_default(),
        context.get(PARTITION).unwrap_or_default(),
        context.get(OFFSET).unwrap_or_default()
    );
    match wrapper.wrap(value.clone(), &context, Some(id)) {
        Ok(event) => Submission::Event(Envelope::new(event, source.clone(), context)),
        Err(err) => invalid(value, &DecodeError::Event(err), context),
    }
}

fn invalid(payload: Bytes, error: &DecodeError, context: ProtocolContext) -> Submission {
    Submission::Invalid {
        payload,
        reason: error.to_string(),
        context,
    }
}

/// The record's headers in order, keys as raw bytes, values `None` when null.
fn headers<'m>(message: &'m BorrowedMessage<'_>) -> Vec<HeaderRef<'m>> {
    let mut list = Vec::new();
    let mut native: *mut rd::rd_kafka_headers_t = ptr::null_mut();
    // SAFETY: `message.ptr()` is a valid message for as long as `message` lives;
    // librdkafka only reads it and points `native` at the header list the
    // message owns (or leaves it null).
    let err = unsafe { rd::rd_kafka_message_headers(message.ptr(), &mut native) };
    if err != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR || native.is_null() {
        return list;
    }
    for index in 0.. {
        let mut name: *const c_char = ptr::null();
        let mut value: *const c_void = ptr::null();
        let mut size = 0usize;
        // SAFETY: `native` is the message's header list; an index past its end
        // returns an error and touches nothing.
        let err =
            unsafe { rd::rd_kafka_header_get_all(native, index, &mut name, &mut value, &mut size) };
        if err != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            break;
        }
        // SAFETY: librdkafka returns a NUL-terminated name and a value of `size`
        // bytes (NULL for a null value), both owned by the message, so they live
        // as long as the borrow of `message`.
        let key = if name.is_null() {
            &[][..]
        } else {
            unsafe { CStr::from_ptr(name) }.to_bytes()
        };
        let value = match (value.is_null(), size) {
            (true, _) => None,
            (false, 0) => Some(&[][..]),
            (false, size) => Some(unsafe { std::slice::from_raw_parts(value.cast::<u8>(), size) }),
        };
        list.push((key, value));
    }
    list
}
