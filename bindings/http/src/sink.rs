//! The HTTP sink: POSTs each event to one URL over a pooled HTTP/1.1 client
//! (hyper-util's legacy client, which never follows redirects) and returns once
//! the peer answered 2xx. A 2xx response carrying a CloudEvent is the reply.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;
use ferry_core::{ContentMode, Envelope, Event, Sink, SinkError};
use http::header::{
    HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE,
};
use http::{Method, Request, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tracing::warn;

use crate::codec::{self, Decoded};
use crate::config::HttpSinkConfig;
use crate::error::{DeliveryError, HttpSinkError};
use crate::header::CE_PREFIX;
use crate::retry_after;

/// Largest response body read (a reply event, or an error text). A larger one
/// is not read: the delivery still counts by its status.
const MAX_RESPONSE_BYTES: usize = 1 << 20;
/// How much of an error response's body goes into the failure reason.
const DETAIL_CHARS: usize = 200;
/// Idle pooled connections are closed after this, before most servers would.
const POOL_IDLE: Duration = Duration::from_secs(30);

/// Delivers events to an HTTP endpoint (`binding = "http"`).
pub struct HttpSink {
    client: Client<HttpConnector, Full<Bytes>>,
    uri: Uri,
    mode: ContentMode,
    timeout_ms: u64,
    headers: HeaderMap,
}

impl HttpSink {
    /// Checks the URL and the extra headers; builds the client (no I/O yet).
    pub fn new(cfg: HttpSinkConfig) -> Result<Self, HttpSinkError> {
        let uri = parse_url(&cfg.url)?;
        let headers = extra_headers(&cfg.headers)?;
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(POOL_IDLE)
            .build(connector);
        Ok(Self {
            client,
            uri,
            mode: cfg.mode,
            timeout_ms: cfg.timeout_ms,
            headers,
        })
    }

    fn request(&self, message: codec::HttpMessage) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(message.body));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = self.uri.clone();
        let headers = request.headers_mut();
        headers.extend(self.headers.clone());
        for (name, value) in message.headers {
            headers.append(name, value);
        }
        request
    }

    /// One request and its whole response.
    async fn exchange(
        &self,
        request: Request<Full<Bytes>>,
    ) -> Result<Option<Event>, DeliveryError> {
        let url = || self.uri.to_string();
        let response = self
            .client
            .request(request)
            .await
            .map_err(|source| DeliveryError::Request { url: url(), source })?;
        let (parts, body) = response.into_parts();
        if parts.status.is_success() {
            return Ok(match read(body).await {
                Ok(body) => reply(&parts.headers, body, &self.uri),
                Err(err) => {
                    warn!(url = %self.uri, %err, "delivered, but the response body could not be read");
                    None
                }
            });
        }
        let retry_after = retry_after::parse(&parts.headers, SystemTime::now());
        let detail = read(body).await.map(|b| detail(&b)).unwrap_or_default();
        Err(DeliveryError::Status {
            url: url(),
            status: parts.status,
            retry_after,
            detail,
        })
    }
}

#[async_trait]
impl Sink for HttpSink {
    async fn send(&self, envelope: &Envelope) -> Result<Option<Event>, SinkError> {
        let message = codec::encode(&envelope.event, self.mode).map_err(DeliveryError::from)?;
        let request = self.request(message);
        let timeout = Duration::from_millis(self.timeout_ms);
        match tokio::time::timeout(timeout, self.exchange(request)).await {
            Ok(result) => result.map_err(SinkError::from),
            Err(_) => Err(DeliveryError::Timeout {
                url: self.uri.to_string(),
                timeout_ms: self.timeout_ms,
            }
            .into()),
        }
    }
}

/// The reply event a 2xx response carries, if any. A response that claims to
/// be an event but is not a valid one is logged and ignored: the delivery itself
/// succeeded, and retrying it would not fix the peer's answer.
fn reply(headers: &HeaderMap, body: Bytes, url: &Uri) -> Option<Event> {
    if !codec::carries_event(headers) {
        return None;
    }
    match codec::decode(headers, body) {
        Ok(Decoded::Single(event)) => Some(*event),
        Ok(Decoded::Batch(mut events)) if events.len() <= 1 => events.pop(),
        Ok(Decoded::Batch(events)) => {
            warn!(%url, count = events.len(), "reply batch ignored: a sink returns at most one reply event");
            None
        }
        Err(err) => {
            warn!(%url, %err, "response looks like a CloudEvent but is not a valid one; ignored");
            None
        }
    }
}

async fn read(body: Incoming) -> Result<Bytes, Box<dyn std::error::Error + Send + Sync>> {
    Ok(Limited::new(body, MAX_RESPONSE_BYTES)
        .collect()
        .await?
        .to_bytes())
}

/// `": <start of body>"` for a failure reason, or nothing for an empty body.
fn detail(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let mut short: String = text.chars().take(DETAIL_CHARS).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    format!(": {short}")
}

fn parse_url(url: &str) -> Result<Uri, HttpSinkError> {
    let invalid = |reason: &str| HttpSinkError::InvalidUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let uri: Uri = url
        .parse()
        .map_err(|err: http::uri::InvalidUri| invalid(&err.to_string()))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") => return Err(invalid("https is not supported yet; use http")),
        _ => return Err(invalid("must be an absolute http:// URL")),
    }
    match uri.authority() {
        None => Err(invalid("has no host")),
        // The client would drop user:pass@ silently; say where credentials go.
        Some(authority) if authority.as_str().contains('@') => Err(invalid(
            "credentials in the URL are not sent; set an Authorization header in `headers`",
        )),
        Some(_) => Ok(uri),
    }
}

/// The configured extra headers, checked once. Headers ferry writes from the
/// event are refused so the event's own mapping can never be overridden.
fn extra_headers(configured: &BTreeMap<String, String>) -> Result<HeaderMap, HttpSinkError> {
    let mut headers = HeaderMap::new();
    for (name, value) in configured {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| HttpSinkError::InvalidHeaderName(name.clone()))?;
        if header == CONTENT_TYPE
            || header == CONTENT_LENGTH
            || header.as_str().starts_with(CE_PREFIX)
        {
            return Err(HttpSinkError::ReservedHeader(name.clone()));
        }
        let mut value = HeaderValue::from_str(value)
            .map_err(|_| HttpSinkError::InvalidHeaderValue(name.clone()))?;
        // Keeps the token out of Debug output and HTTP/2 header compression.
        value.set_sensitive(header == AUTHORIZATION);
        headers.append(header, value);
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sink(url: &str, headers: &[(&str, &str)]) -> Result<HttpSink, HttpSinkError> {
        HttpSink::new(HttpSinkConfig {
            url: url.into(),
            mode: ContentMode::Binary,
            timeout_ms: 1000,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        })
    }

    #[test]
    fn urls_are_checked() {
        assert!(sink("http://127.0.0.1:9000/in", &[]).is_ok());
        for bad in [
            "https://x/in",
            "ftp://x/",
            "/in",
            "http://u:p@x/in",
            "not a url",
        ] {
            assert!(sink(bad, &[]).is_err(), "{bad}");
        }
    }

    #[test]
    fn extra_headers_are_checked() {
        assert!(sink("http://x/", &[("Authorization", "Bearer t"), ("X-A", "1")]).is_ok());
        for (name, value) in [
            ("Content-Type", "text/plain"),
            ("ce-id", "1"),
            ("CE-Source", "x"),
            ("bad name", "1"),
            ("X-A", "line\nbreak"),
        ] {
            assert!(sink("http://x/", &[(name, value)]).is_err(), "{name}");
        }
    }

    #[test]
    fn detail_is_short() {
        assert_eq!(detail(b"  "), "");
        assert_eq!(detail(b"bad id\n"), ": bad id");
        assert_eq!(detail(&[b'a'; 300]).chars().count(), 2 + DETAIL_CHARS + 1);
    }
}
