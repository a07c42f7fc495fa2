//! The `[sources.NAME]` and `[sinks.NAME]` tables with `binding = "http"`.
//!
//! Field names are the user interface (design.md, config reference): keep them.
//! What can be checked without the network is checked while parsing, so
//! `ferry validate` reports it; the sink's URL and headers are checked by
//! [`crate::HttpSink::new`], which the validation path also calls.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;

use ferry_core::ContentMode;
use serde::{Deserialize, Deserializer};

/// `[sources.NAME]` with `binding = "http"`: a CloudEvents webhook endpoint.
/// Its `Debug` output hides the token.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSourceConfig {
    /// Address and port to listen on, e.g. `"0.0.0.0:8080"`.
    pub listen: SocketAddr,
    /// The one request path that takes events (default `"/"`); every other path
    /// answers 404. Must start with `/`.
    #[serde(default = "default_path", deserialize_with = "absolute_path")]
    pub path: String,
    /// Largest request body accepted, in bytes (default 1 MiB); larger ones get 413.
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
    /// When set, every POST must carry `Authorization: Bearer <token>` or the
    /// `access_token` query parameter with this value (webhook spec 4.1); others
    /// get 401. Must not be empty (an unset `${VAR}` would otherwise open the door).
    #[serde(default, deserialize_with = "non_empty_token")]
    pub auth_token: Option<String>,
    /// Webhook abuse-protection handshake (OPTIONS, spec 4.3). Absent: no consent
    /// is given; `["*"]`: any origin, answered with `*`; otherwise the origins
    /// allowed, matched exactly.
    #[serde(default)]
    pub allowed_origins: Option<Vec<String>>,
    /// How long a request may take, body upload and routing included, before it
    /// is answered 503 with `Retry-After` (default 30000).
    #[serde(default = "default_request_timeout")]
    pub request_timeout_ms: u64,
}

fn default_path() -> String {
    "/".into()
}

fn default_max_body() -> usize {
    1 << 20
}

fn default_request_timeout() -> u64 {
    30_000
}

fn absolute_path<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let path = String::deserialize(d)?;
    if !path.starts_with('/') {
        return Err(serde::de::Error::custom(format!(
            "path `{path}` must start with `/`"
        )));
    }
    Ok(path)
}

fn non_empty_token<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<String>::deserialize(d)? {
        Some(token) if token.is_empty() => Err(serde::de::Error::custom(
            "auth_token is empty (is the environment variable set?); remove the key to accept requests without a token",
        )),
        other => Ok(other),
    }
}

/// `[sinks.NAME]` with `binding = "http"`: POSTs each event to a URL.
/// Its `Debug` output shows header names only (values often hold tokens).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSinkConfig {
    /// Target URL, `http://host[:port]/path` (HTTPS is on the roadmap).
    pub url: String,
    /// `binary` (default): attributes as `ce-*` headers, data as the body;
    /// `structured`: the whole event as `application/cloudevents+json`.
    /// Events without data always go structured (a webhook delivery needs a body).
    #[serde(default)]
    pub mode: ContentMode,
    /// Time for the whole exchange, connecting to reading the response, before
    /// the attempt counts as a transient failure (default 5000).
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    /// Extra headers sent with every request, e.g. `Authorization`. `Content-Type`,
    /// `Content-Length` and `ce-*` are written by ferry and refused here.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

fn default_timeout() -> u64 {
    5_000
}

/// Stands in for secrets in `Debug` output, which ends up in logs.
const REDACTED: &str = "<redacted>";

impl fmt::Debug for HttpSourceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpSourceConfig")
            .field("listen", &self.listen)
            .field("path", &self.path)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("auth_token", &self.auth_token.as_ref().map(|_| REDACTED))
            .field("allowed_origins", &self.allowed_origins)
            .field("request_timeout_ms", &self.request_timeout_ms)
            .finish()
    }
}

impl fmt::Debug for HttpSinkConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: BTreeMap<&str, &str> = self
            .headers
            .keys()
            .map(|k| (k.as_str(), REDACTED))
            .collect();
        f.debug_struct("HttpSinkConfig")
            .field("url", &self.url)
            .field("mode", &self.mode)
            .field("timeout_ms", &self.timeout_ms)
            .field("headers", &headers)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(json: serde_json::Value) -> Result<HttpSourceConfig, serde_json::Error> {
        serde_json::from_value(json)
    }

    #[test]
    fn source_defaults() {
        let cfg = source(serde_json::json!({ "listen": "127.0.0.1:8080" })).unwrap();
        assert_eq!(cfg.path, "/");
        assert_eq!(cfg.max_body_bytes, 1_048_576);
        assert_eq!(cfg.request_timeout_ms, 30_000);
        assert!(cfg.auth_token.is_none());
        assert!(cfg.allowed_origins.is_none());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let src = source(serde_json::json!({ "listen": "127.0.0.1:1", "auth_token": "s3cret" }));
        assert!(!format!("{:?}", src.unwrap()).contains("s3cret"));
        let sink: HttpSinkConfig = serde_json::from_value(serde_json::json!({
            "url": "http://x/", "headers": { "Authorization": "Bearer s3cret" }
        }))
        .unwrap();
        let debug = format!("{sink:?}");
        assert!(
            debug.contains("Authorization") && !debug.contains("s3cret"),
            "{debug}"
        );
    }

    #[test]
    fn source_rejects_unknown_keys_relative_paths_and_empty_tokens() {
        let unknown = source(serde_json::json!({ "listen": "127.0.0.1:1", "port": 1 }));
        assert!(unknown.unwrap_err().to_string().contains("port"));
        let relative = source(serde_json::json!({ "listen": "127.0.0.1:1", "path": "events" }));
        assert!(relative
            .unwrap_err()
            .to_string()
            .contains("must start with"));
        let empty = source(serde_json::json!({ "listen": "127.0.0.1:1", "auth_token": "" }));
        assert!(empty
            .unwrap_err()
            .to_string()
            .contains("auth_token is empty"));
    }

    #[test]
    fn sink_defaults() {
        let cfg: HttpSinkConfig =
            serde_json::from_value(serde_json::json!({ "url": "http://127.0.0.1:9000/in" }))
                .unwrap();
        assert_eq!(cfg.mode, ContentMode::Binary);
        assert_eq!(cfg.timeout_ms, 5_000);
        assert!(cfg.headers.is_empty());
    }
}
