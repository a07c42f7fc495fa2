//! The source's answers. Errors carry a JSON body `{"error": "<reason>"}` that
//! names the problem (design promise 3); success is 204 without a body.

use std::fmt::Display;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, ALLOW, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{Response, StatusCode};
use http_body_util::Full;

use crate::header::{ALLOWED_METHODS, BEARER_CHALLENGE, JSON};

/// Every answer has a small, fully buffered body.
pub(crate) type Body = Full<Bytes>;

/// `Retry-After` on 503, in seconds: long enough for a sink's retry round to
/// move on, short enough that a sender does not stall for long.
pub(crate) const RETRY_AFTER_SECS: u64 = 5;

/// 204: every routed sink confirmed, or the event was dead-lettered or filtered.
pub(crate) fn no_content() -> Response<Body> {
    with_status(StatusCode::NO_CONTENT, Body::default())
}

/// An error status with a JSON reason.
pub(crate) fn error(status: StatusCode, reason: impl Display) -> Response<Body> {
    let body = serde_json::json!({ "error": reason.to_string() }).to_string();
    let mut response = with_status(status, Body::from(body));
    response.headers_mut().insert(CONTENT_TYPE, JSON);
    response
}

/// 503 with `Retry-After`: not settled; the sender should send it again later.
pub(crate) fn retry_later(reason: impl Display) -> Response<Body> {
    let mut response = error(StatusCode::SERVICE_UNAVAILABLE, reason);
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    response
}

/// 401 with the scheme the source accepts (RFC 9110 requires the challenge).
pub(crate) fn unauthorized() -> Response<Body> {
    let mut response = error(
        StatusCode::UNAUTHORIZED,
        "missing or wrong token: send `Authorization: Bearer <token>` or `access_token=<token>`",
    );
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, BEARER_CHALLENGE);
    response
}

/// 413: the body is larger than `max_body_bytes`.
pub(crate) fn too_large(limit: usize) -> Response<Body> {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("request body exceeds max_body_bytes ({limit} bytes)"),
    )
}

/// 405 for any method but POST and OPTIONS.
pub(crate) fn method_not_allowed() -> Response<Body> {
    let mut response = error(StatusCode::METHOD_NOT_ALLOWED, "use POST (or OPTIONS)");
    response.headers_mut().insert(ALLOW, ALLOWED_METHODS);
    response
}

/// 200 to OPTIONS, with the handshake's consent headers when consent is given.
pub(crate) fn options(consent: Vec<(HeaderName, HeaderValue)>) -> Response<Body> {
    let mut response = with_status(StatusCode::OK, Body::default());
    let headers = response.headers_mut();
    headers.insert(ALLOW, ALLOWED_METHODS);
    headers.extend(consent);
    response
}

fn with_status(status: StatusCode, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
}
