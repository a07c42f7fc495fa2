//! The binding's errors: why a message is not a CloudEvent (the source's 400/415
//! reasons, also used for reply events), why an event cannot be written as HTTP,
//! why a sink cannot be built, and why a delivery failed (mapped into
//! [`ferry_core::SinkError`] with its transient/permanent split).

use std::time::Duration;

use ferry_core::{EventError, SinkError};
use http::StatusCode;
use thiserror::Error;

/// Why an HTTP message does not carry a valid CloudEvent. The text is the
/// `error` member of the source's JSON answer, so it names the problem.
#[derive(Debug, Error)]
pub enum DecodeError {
    #[error(
        "not a CloudEvent: Content-Type is not application/cloudevents* and there is no ce-specversion header"
    )]
    NotACloudEvent,
    /// A CloudEvents format or batch format other than JSON (answered 415).
    #[error("unsupported media type `{0}`: ferry reads application/cloudevents+json and application/cloudevents-batch+json")]
    UnsupportedMediaType(String),
    #[error("header `{0}` appears more than once")]
    RepeatedHeader(String),
    #[error("header `ce-datacontenttype` is not allowed in binary mode: Content-Type carries datacontenttype")]
    DataContentTypeHeader,
    #[error("header `{0}` is not visible ASCII text")]
    NonTextHeader(String),
    #[error(transparent)]
    Event(#[from] EventError),
}

impl DecodeError {
    /// True for a media type ferry cannot read (415, webhook spec 4.2), false
    /// for a malformed event (400).
    pub fn is_unsupported_media_type(&self) -> bool {
        matches!(self, DecodeError::UnsupportedMediaType(_))
    }
}

/// Why an event cannot be written as an HTTP request. Retrying cannot help.
#[derive(Debug, Error)]
pub enum EncodeError {
    #[error("attribute `{0}` cannot be written as a header value")]
    HeaderValue(String),
}

/// Why an HTTP sink cannot be built from its config.
#[derive(Debug, Error)]
pub enum HttpSinkError {
    #[error("url `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("headers: `{0}` is not a valid header name")]
    InvalidHeaderName(String),
    #[error("headers: the value of `{0}` is not a valid header value")]
    InvalidHeaderValue(String),
    #[error("headers: `{0}` is written by ferry itself and cannot be set here")]
    ReservedHeader(String),
}

/// Why one delivery attempt failed.
#[derive(Debug, Error)]
pub(crate) enum DeliveryError {
    #[error(transparent)]
    Encode(#[from] EncodeError),
    #[error("no complete response from {url} within {timeout_ms} ms")]
    Timeout { url: String, timeout_ms: u64 },
    #[error("request to {url} failed: {source}")]
    Request {
        url: String,
        #[source]
        source: hyper_util::client::legacy::Error,
    },
    /// A status that is not 2xx; `detail` is the start of the response body.
    #[error("{url} answered {status}{detail}")]
    Status {
        url: String,
        status: StatusCode,
        retry_after: Option<Duration>,
        detail: String,
    },
}

impl DeliveryError {
    /// 429 and 5xx are worth retrying (the peer is busy or broken for now); 3xx
    /// (never followed, webhook spec 4.2) and other 4xx are not.
    fn is_transient(&self) -> bool {
        match self {
            DeliveryError::Encode(_) => false,
            DeliveryError::Timeout { .. } | DeliveryError::Request { .. } => true,
            DeliveryError::Status { status, .. } => {
                *status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
            }
        }
    }
}

impl From<DeliveryError> for SinkError {
    fn from(err: DeliveryError) -> Self {
        let retry_after = match &err {
            DeliveryError::Status { retry_after, .. } => *retry_after,
            _ => None,
        };
        // The reason includes the hyper error chain: "connection refused" is
        // what an operator needs, not just "client error (Connect)".
        let reason = error_chain(&err);
        if err.is_transient() {
            SinkError::Transient {
                reason,
                retry_after,
            }
        } else {
            SinkError::Permanent { reason }
        }
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut reason = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !reason.contains(&text) {
            reason.push_str(": ");
            reason.push_str(&text);
        }
        source = cause.source();
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> SinkError {
        DeliveryError::Status {
            url: "http://x/".into(),
            status: StatusCode::from_u16(code).unwrap(),
            retry_after: Some(Duration::from_secs(3)),
            detail: String::new(),
        }
        .into()
    }

    #[test]
    fn status_split() {
        for code in [429, 500, 502, 503, 504] {
            assert!(status(code).is_transient(), "{code}");
        }
        for code in [301, 302, 307, 400, 401, 404, 410, 413, 415] {
            let err = status(code);
            assert!(!err.is_transient(), "{code}");
            assert!(err.to_string().contains(&code.to_string()), "{err}");
        }
        match status(429) {
            SinkError::Transient { retry_after, .. } => {
                assert_eq!(retry_after, Some(Duration::from_secs(3)))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn decode_error_reasons_name_the_problem() {
        let err = DecodeError::from(EventError::MissingAttribute("id"));
        assert_eq!(err.to_string(), "missing required attribute `id`");
        assert!(DecodeError::UnsupportedMediaType("x".into()).is_unsupported_media_type());
    }
}
