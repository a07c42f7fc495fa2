//! End to end: what ferry's HTTP source answers to bad input, the webhook
//! handshake, authentication and size limits, and the counts `/metrics` shows
//! after a run. Real `ferry` processes on 127.0.0.1.

mod common;

use common::ferry::{metric, Ferry};
use common::{free_port, json, read_lines};

/// `web` (with `extra` source keys) → filter on type prefix → file sink `archive`;
/// invalid input goes to the file sink `invalid`.
async fn start(extra: &str) -> (Ferry, String) {
    let port = free_port();
    let config = format!(
        r#"
[sources.web]
binding = "http"
listen = "127.0.0.1:{port}"
path = "/events"
dead_letter = "invalid"
{extra}

[sinks.archive]
binding = "file"
path = "{{dir}}/archive.jsonl"

[sinks.invalid]
binding = "file"
path = "{{dir}}/invalid.jsonl"

[[routes]]
name = "examples"
from = ["web"]
filter = {{ prefix = {{ type = "com.example." }} }}
to = ["archive"]
"#
    );
    let mut ferry = Ferry::start(&config);
    ferry.ready().await;
    (ferry, format!("http://127.0.0.1:{port}/events"))
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn post_structured(url: &str, body: &'static str) -> reqwest::Response {
    client()
        .post(url)
        .header("content-type", "application/cloudevents+json")
        .body(body)
        .send()
        .await
        .expect("POST")
}

const VALID: &str = r#"{"specversion":"1.0","id":"v-1","source":"/t","type":"com.example.ok"}"#;

#[tokio::test]
async fn invalid_events_get_400_with_a_reason() {
    let (ferry, url) = start("").await;
    let cases: [(&str, &str); 5] = [
        (r#"{"specversion":"1.0","id":"#, "JSON"),
        (r#"{"specversion":"1.0","source":"/t","type":"t"}"#, "`id`"),
        (
            r#"{"specversion":"2.0","id":"1","source":"/t","type":"t"}"#,
            "2.0",
        ),
        (
            r#"{"specversion":"1.0","id":"1","source":"/t","type":"t","big":2147483648}"#,
            "big",
        ),
        (
            r#"{"specversion":"1.0","id":"1","source":"/t","type":"t","Bad-Name":"x"}"#,
            "Bad-Name",
        ),
    ];
    for (body, needle) in cases {
        let response = post_structured(&url, body).await;
        assert_eq!(response.status(), 400, "{body}");
        let reason = json(&response.text().await.expect("body"));
        let text = reason["error"].as_str().expect("error member").to_owned();
        assert!(text.contains(needle), "{body}: {text}");
    }
    // Each went to the source's dead letter as dev.ferry.invalid with its bytes.
    let invalid = read_lines(&ferry.path("invalid.jsonl"));
    assert_eq!(invalid.len(), 5);
    let first = json(&invalid[0]);
    assert_eq!(first["type"], "dev.ferry.invalid");
    assert_eq!(first["deadlettersource"], "web");
    assert!(first["deadletterreason"].is_string());
    assert!(first["data_base64"].is_string());
    // And the next valid event still flows.
    assert_eq!(post_structured(&url, VALID).await.status(), 204);
}

#[tokio::test]
async fn unsupported_format_gets_415() {
    let (_ferry, url) = start("").await;
    let response = client()
        .post(&url)
        .header("content-type", "application/cloudevents+avro")
        .body("x")
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 415);
}

#[tokio::test]
async fn handshake_allows_a_listed_origin_only() {
    let (_ferry, url) = start(r#"allowed_origins = ["good.example.com"]"#).await;
    let ask = |origin: &'static str| {
        client()
            .request(reqwest::Method::OPTIONS, &url)
            .header("WebHook-Request-Origin", origin)
            .header("WebHook-Request-Rate", "120")
            .send()
    };
    let allowed = ask("good.example.com").await.expect("OPTIONS");
    let headers = allowed.headers();
    assert_eq!(headers["webhook-allowed-origin"], "good.example.com");
    assert_eq!(headers["webhook-allowed-rate"], "120");
    let refused = ask("evil.example.com").await.expect("OPTIONS");
    assert!(refused.headers().get("webhook-allowed-origin").is_none());
    assert!(refused.headers().get("webhook-allowed-rate").is_none());
}

#[tokio::test]
async fn a_wrong_token_gets_401() {
    let (_ferry, url) = start(r#"auth_token = "s3cret""#).await;
    let with = |auth: &'static str| {
        client()
            .post(&url)
            .header("content-type", "application/cloudevents+json")
            .header("authorization", auth)
            .body(VALID)
            .send()
    };
    assert_eq!(with("Bearer wrong").await.expect("POST").status(), 401);
    assert_eq!(post_structured(&url, VALID).await.status(), 401);
    assert_eq!(with("Bearer s3cret").await.expect("POST").status(), 204);
    let query = format!("{url}?access_token=s3cret");
    assert_eq!(post_structured(&query, VALID).await.status(), 204);
}

#[tokio::test]
async fn a_too_large_body_gets_413() {
    let (_ferry, url) = start("max_body_bytes = 100").await;
    let big: &'static str = Box::leak(
        format!(
            r#"{{"specversion":"1.0","id":"1","source":"/t","type":"com.example.big","data":"{}"}}"#,
            "x".repeat(200)
        )
        .into_boxed_str(),
    );
    assert_eq!(post_structured(&url, big).await.status(), 413);
    assert_eq!(post_structured(&url, VALID).await.status(), 204);
}

#[tokio::test]
async fn metrics_show_exactly_what_was_sent() {
    let (ferry, url) = start("").await;
    for body in [
        VALID,
        r#"{"specversion":"1.0","id":"v-2","source":"/t","type":"com.example.ok"}"#,
        r#"{"specversion":"1.0","id":"v-3","source":"/t","type":"org.other.skip"}"#,
        r#"{"specversion":"1.0"}"#,
    ] {
        post_structured(&url, body).await;
    }
    let text = ferry.metrics().await;
    let source = |outcome: &str| {
        metric(
            &text,
            &format!("ferry_source_outcomes_total{{source=\"web\",outcome=\"{outcome}\"}}"),
        )
    };
    assert_eq!(
        metric(&text, "ferry_source_received_total{source=\"web\"}"),
        Some(4.0),
        "{text}"
    );
    assert_eq!(source("delivered"), Some(2.0), "{text}");
    assert_eq!(source("filtered"), Some(1.0), "{text}");
    assert_eq!(source("invalid"), Some(1.0), "{text}");
    assert_eq!(source("dead_lettered").unwrap_or(0.0), 0.0, "{text}");
    assert_eq!(
        metric(&text, "ferry_source_in_flight{source=\"web\"}"),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        metric(&text, "ferry_route_events_total{route=\"examples\"}"),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        metric(
            &text,
            "ferry_sink_copies_total{sink=\"archive\",result=\"delivered\"}"
        ),
        Some(2.0),
        "{text}"
    );
}
