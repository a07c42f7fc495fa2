//! Every header name and fixed header value this binding reads or writes, in one
//! place. Standard names come from [`http::header`]; these are the CloudEvents and
//! webhook ones (spec digest 3.2 and 4), lowercase as HTTP/2 requires.

use http::header::{HeaderName, HeaderValue};

/// Prefix of every binary-mode attribute header (`ce-id`, `ce-specversion`, ...).
pub const CE_PREFIX: &str = "ce-";
/// The binary-mode marker: a request without it (and without a CloudEvents
/// content type) is not a CloudEvent.
pub const CE_SPECVERSION: &str = "ce-specversion";
/// The 0.1 spelling of the marker (`CE-CloudEventsVersion`), upgraded by core.
pub const CE_CLOUDEVENTSVERSION: &str = "ce-cloudeventsversion";
/// Not allowed in binary mode: `Content-Type` carries `datacontenttype`.
pub const CE_DATACONTENTTYPE: &str = "ce-datacontenttype";

/// Handshake request: the DNS name of the sending system.
pub const WEBHOOK_REQUEST_ORIGIN: HeaderName = HeaderName::from_static("webhook-request-origin");
/// Handshake request: the rate the sender asks for, in requests per minute.
pub const WEBHOOK_REQUEST_RATE: HeaderName = HeaderName::from_static("webhook-request-rate");
/// Handshake response: consent, either the requested origin or `*`.
pub const WEBHOOK_ALLOWED_ORIGIN: HeaderName = HeaderName::from_static("webhook-allowed-origin");
/// Handshake response: the granted rate, a positive integer or `*`.
pub const WEBHOOK_ALLOWED_RATE: HeaderName = HeaderName::from_static("webhook-allowed-rate");

/// `Allow` on 405 and OPTIONS answers: the only methods the source serves.
pub const ALLOWED_METHODS: HeaderValue = HeaderValue::from_static("POST, OPTIONS");
/// `*` for the handshake's wildcard origin and unlimited rate.
pub const WILDCARD: HeaderValue = HeaderValue::from_static("*");
/// `Content-Type` of the source's JSON error bodies.
pub const JSON: HeaderValue = HeaderValue::from_static("application/json");
/// `WWW-Authenticate` on 401 (RFC 6750): the scheme the source accepts.
pub const BEARER_CHALLENGE: HeaderValue = HeaderValue::from_static("Bearer");
/// `Cache-Control` on answers to a token sent in the query (webhook spec 4.1).
pub const PRIVATE: HeaderValue = HeaderValue::from_static("private");
/// `Authorization` scheme, compared case-insensitively (RFC 9110 11.1).
pub const BEARER_SCHEME: &str = "bearer";
/// Query parameter carrying the token when the header cannot be used.
pub const ACCESS_TOKEN_PARAM: &str = "access_token";
/// `Content-Type` of a structured-mode request (core's `STRUCTURED_JSON`).
pub const STRUCTURED: HeaderValue =
    HeaderValue::from_static(ferry_core::media_type::STRUCTURED_JSON);
/// Media type essence (parameters stripped) of the JSON event format.
pub const STRUCTURED_JSON_ESSENCE: &str = "application/cloudevents+json";
/// Media type essence of the JSON batch format.
pub const BATCH_JSON_ESSENCE: &str = "application/cloudevents-batch+json";
