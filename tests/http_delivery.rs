//! End to end: events POSTed to ferry's HTTP source reach a file sink and an HTTP
//! sink exactly, retries and dead letters behave as documented. Real `ferry`
//! processes and real HTTP on 127.0.0.1; JSON is checked with serde_json.

mod common;

use common::ferry::Ferry;
use common::peer::{Answer, Peer};
use common::{free_port, json, read_lines, wait_for};
use std::time::Duration;

/// An HTTP source `web` routed to a file sink `archive` and an HTTP sink `hook`
/// (binary mode) with a dead-letter file `dlq` when `dead_letter` is set.
fn config(port: u16, peer: &Peer, dead_letter: bool) -> String {
    let route_dlq = if dead_letter {
        "dead_letter = \"dlq\""
    } else {
        ""
    };
    format!(
        r#"
[runtime]
shutdown_grace_ms = 10000

[sources.web]
binding = "http"
listen = "127.0.0.1:{port}"
path = "/events"

[sinks.archive]
binding = "file"
path = "{{dir}}/archive.jsonl"

[sinks.hook]
binding = "http"
url = "{url}"
mode = "binary"
retry = {{ attempts = 4, initial_backoff_ms = 10, max_backoff_ms = 40 }}

[sinks.dlq]
binding = "file"
path = "{{dir}}/dlq.jsonl"

[[routes]]
from = ["web"]
to = ["archive", "hook"]
{route_dlq}
"#,
        url = peer.url()
    )
}

async fn start(peer: &Peer, dead_letter: bool) -> (Ferry, String) {
    let port = free_port();
    let mut ferry = Ferry::start(&config(port, peer, dead_letter));
    ferry.ready().await;
    (ferry, format!("http://127.0.0.1:{port}/events"))
}

async fn post(url: &str, headers: &[(&str, &str)], body: &'static [u8]) -> reqwest::Response {
    let mut request = reqwest::Client::new().post(url).body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("POST to ferry")
}

async fn archived(ferry: &Ferry, n: usize) -> Vec<String> {
    let path = ferry.path("archive.jsonl");
    wait_for("archive lines", Duration::from_secs(20), || {
        let lines = read_lines(&path);
        async move { (lines.len() >= n).then_some(lines) }
    })
    .await
}

#[tokio::test]
async fn binary_structured_and_batch_arrive_byte_exact() {
    let peer = Peer::start(vec![], Answer::status(200)).await;
    let (ferry, url) = start(&peer, true).await;

    let binary = post(
        &url,
        &[
            ("ce-specversion", "1.0"),
            ("ce-id", "b-1"),
            ("ce-source", "/test"),
            ("ce-type", "com.example.binary"),
            ("content-type", "application/json"),
        ],
        br#"{"temp": 21.5,  "unit":"C"}"#,
    )
    .await;
    assert_eq!(binary.status(), 204);

    let structured = post(
        &url,
        &[("content-type", "application/cloudevents+json; charset=utf-8")],
        br#"{"specversion":"1.0","id":"s-1","source":"/test","type":"com.example.structured","datacontenttype":"text/plain","data":"hello \"world\""}"#,
    )
    .await;
    assert_eq!(structured.status(), 204);

    let batch = post(
        &url,
        &[("content-type", "application/cloudevents-batch+json")],
        br#"[{"specversion":"1.0","id":"k-1","source":"/test","type":"com.example.batch","data":[1, 2,3]},
            {"specversion":"1.0","id":"k-2","source":"/test","type":"com.example.batch","data_base64":"AAEC/w=="}]"#,
    )
    .await;
    assert_eq!(batch.status(), 204);

    // Events of one batch are delivered concurrently (max_in_flight), so their
    // order at a sink is not fixed: look each up by id.
    let lines = archived(&ferry, 4).await;
    assert_eq!(lines.len(), 4);
    let line = |id: &str| {
        let needle = format!(r#""id":"{id}""#);
        lines
            .iter()
            .find(|l| l.contains(&needle))
            .cloned()
            .expect(id)
    };
    // Binary JSON body kept verbatim, spacing included, and written as `data`.
    let b1 = line("b-1");
    assert!(b1.contains(r#""data":{"temp": 21.5,  "unit":"C"}"#), "{b1}");
    let first = json(&b1);
    assert_eq!(first["specversion"], "1.0");
    assert_eq!(first["datacontenttype"], "application/json");
    let second = json(&line("s-1"));
    assert_eq!(second["data"], "hello \"world\"");
    assert_eq!(second["datacontenttype"], "text/plain");
    let k1 = line("k-1");
    assert!(k1.contains(r#""data":[1, 2,3]"#), "{k1}");
    assert_eq!(json(&line("k-2"))["data_base64"], "AAEC/w==");

    let got = peer.wait_received(4).await;
    let request = |id: &str| {
        got.iter()
            .find(|r| r.header("ce-id") == Some(id))
            .cloned()
            .expect(id)
    };
    let b1 = request("b-1");
    assert_eq!(b1.header("ce-specversion"), Some("1.0"));
    assert_eq!(b1.header("ce-source"), Some("/test"));
    assert_eq!(b1.header("ce-type"), Some("com.example.binary"));
    assert_eq!(b1.header("content-type"), Some("application/json"));
    assert_eq!(&b1.body[..], br#"{"temp": 21.5,  "unit":"C"}"#);
    let s1 = request("s-1");
    assert_eq!(s1.header("content-type"), Some("text/plain"));
    assert_eq!(&s1.body[..], br#"hello "world""#);
    // JSON data without datacontenttype leaves binary mode as application/json.
    let k1 = request("k-1");
    assert_eq!(k1.header("content-type"), Some("application/json"));
    assert_eq!(&k1.body[..], b"[1, 2,3]");
    // data_base64 without datacontenttype: raw bytes and no Content-Type.
    let k2 = request("k-2");
    assert_eq!(k2.header("content-type"), None);
    assert_eq!(&k2.body[..], &[0u8, 1, 2, 0xff][..]);
}

#[tokio::test]
async fn structured_event_leaves_in_binary_mode_percent_encoded() {
    let peer = Peer::start(vec![], Answer::status(204)).await;
    let (_ferry, url) = start(&peer, true).await;
    let response = post(
        &url,
        &[("content-type", "application/cloudevents+json")],
        r#"{"specversion":"1.0","id":"p-1","source":"/a%20b","type":"com.example.pct","subject":"Euro € 😀","myext":"a b%c","datacontenttype":"application/xml","data":"<much wow=\"xml\"/>"}"#.as_bytes(),
    )
    .await;
    assert_eq!(response.status(), 204);
    let got = peer.wait_received(1).await;
    assert_eq!(got[0].header("content-type"), Some("application/xml"));
    assert_eq!(
        got[0].header("ce-subject"),
        Some("Euro%20%E2%82%AC%20%F0%9F%98%80")
    );
    assert_eq!(got[0].header("ce-myext"), Some("a%20b%25c"));
    assert_eq!(got[0].header("ce-source"), Some("/a%2520b"));
    assert_eq!(got[0].header("ce-datacontenttype"), None);
    assert_eq!(&got[0].body[..], br#"<much wow="xml"/>"#);
}

#[tokio::test]
async fn version_0_1_event_arrives_as_1_0() {
    let peer = Peer::start(vec![], Answer::status(200)).await;
    let (ferry, url) = start(&peer, true).await;
    let response = post(
        &url,
        &[("content-type", "application/cloudevents+json")],
        br#"{"cloudeventsversion":"0.1","eventtype":"com.example.someevent","eventtypeversion":"1.0","source":"/mycontext","eventid":"A234-1234-1234","eventtime":"2018-04-05T17:31:00Z","extensions":{"comExampleExtension":"value"},"contenttype":"text/xml","data":"<alert/>"}"#,
    )
    .await;
    assert_eq!(response.status(), 204);
    let line = json(&archived(&ferry, 1).await[0]);
    assert_eq!(line["specversion"], "1.0");
    assert_eq!(line["id"], "A234-1234-1234");
    assert_eq!(line["type"], "com.example.someevent");
    assert_eq!(line["source"], "/mycontext");
    assert_eq!(line["time"], "2018-04-05T17:31:00Z");
    assert_eq!(line["datacontenttype"], "text/xml");
    assert_eq!(line["comexampleextension"], "value");
    assert_eq!(line["data"], "<alert/>");
    assert!(line.get("cloudeventsversion").is_none());
    let got = peer.wait_received(1).await;
    assert_eq!(got[0].header("ce-specversion"), Some("1.0"));
    assert_eq!(got[0].header("ce-id"), Some("A234-1234-1234"));
}

const ONE_EVENT: &[u8] = br#"{"specversion":"1.0","id":"r-1","source":"/test","type":"com.example.retry","data":{"n":1}}"#;

/// POSTs `ONE_EVENT` in structured mode.
async fn post_one(url: &str) -> reqwest::Response {
    let structured = [("content-type", "application/cloudevents+json")];
    post(url, &structured, ONE_EVENT).await
}

#[tokio::test]
async fn transient_failures_are_retried_until_delivered() {
    let peer = Peer::start(
        vec![Answer::status(500), Answer::status(500)],
        Answer::status(200),
    )
    .await;
    let (_ferry, url) = start(&peer, true).await;
    let response = post_one(&url).await;
    assert_eq!(response.status(), 204);
    let got = peer.received();
    assert_eq!(got.len(), 3, "two failures then one success");
    assert!(got.iter().all(|r| r.header("ce-id") == Some("r-1")));
    assert!(got.iter().all(|r| &r.body[..] == br#"{"n":1}"#));
}

#[tokio::test]
async fn permanent_failure_goes_to_the_dead_letter_sink() {
    let peer = Peer::start(vec![], Answer::status(400)).await;
    let (ferry, url) = start(&peer, true).await;
    let response = post_one(&url).await;
    assert_eq!(response.status(), 204);
    assert_eq!(peer.received().len(), 1, "a 400 is not retried");
    let lines = read_lines(&ferry.path("dlq.jsonl"));
    assert_eq!(lines.len(), 1);
    let dead = json(&lines[0]);
    assert_eq!(dead["id"], "r-1");
    assert_eq!(dead["data"], serde_json::json!({"n": 1}));
    assert_eq!(dead["deadlettersink"], "hook");
    assert_eq!(dead["deadletterroute"], "route-1");
    let reason = dead["deadletterreason"].as_str().expect("reason string");
    assert!(reason.contains("400"), "{reason}");
}

#[tokio::test]
async fn without_dead_letter_a_failed_event_gets_503() {
    let peer = Peer::start(vec![], Answer::status(400)).await;
    let (_ferry, url) = start(&peer, false).await;
    let response = post_one(&url).await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().get("retry-after").is_some());
}

#[tokio::test]
async fn sigterm_lets_the_in_flight_delivery_finish() {
    let slow = Answer {
        status: 200,
        delay: Duration::from_millis(1500),
    };
    let peer = Peer::start(vec![], slow).await;
    let (mut ferry, url) = start(&peer, true).await;
    let request = tokio::spawn(async move { post_one(&url).await.status() });
    peer.wait_received(1).await;
    ferry.terminate();
    assert_eq!(request.await.expect("request task"), 204);
    let status = ferry.exited(Duration::from_secs(15)).await;
    assert!(status.success(), "{status}: {}", ferry.stderr_text());
    assert_eq!(read_lines(&ferry.path("archive.jsonl")).len(), 1);
}
