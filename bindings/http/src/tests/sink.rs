//! The sink against a recording hyper server. Tests marked `[core]` depend on
//! ferry-core's header_value/json codecs.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use ferry_core::{ContentMode, Data, DataForm, Envelope, ProtocolContext, Sink, SinkError};
use tokio::net::TcpListener;

use super::support::*;
use crate::{HttpSink, HttpSinkConfig};

fn sink(addr: std::net::SocketAddr, mode: ContentMode, timeout_ms: u64) -> HttpSink {
    HttpSink::new(HttpSinkConfig {
        url: format!("http://{addr}/in"),
        mode,
        timeout_ms,
        headers: [("X-Extra".to_owned(), "yes".to_owned())].into(),
    })
    .unwrap()
}

fn envelope(extra: &[(&str, &str)]) -> Envelope {
    let data = Data::new(Bytes::from_static(b"hello"), DataForm::Text);
    let event = event(extra, Some(data));
    Envelope::new(event, Arc::from("web"), ProtocolContext::new())
}

fn plain(extra: &[(&str, &str)]) -> Envelope {
    let mut all = vec![("datacontenttype", "text/plain")];
    all.extend_from_slice(extra);
    envelope(&all)
}

async fn answering(
    status: u16,
    headers: &'static [(&'static str, &'static str)],
    body: &'static [u8],
) -> (
    std::net::SocketAddr,
    tokio::sync::mpsc::UnboundedReceiver<Recorded>,
) {
    test_server(Arc::new(move |_: &Recorded| {
        Some(response(status, headers, body))
    }))
    .await
}

#[tokio::test]
async fn binary_headers_arrive_as_expected() {
    let (addr, mut seen) = answering(204, &[], b"").await;
    let sent = sink(addr, ContentMode::Binary, 5000)
        .send(&plain(&[("subject", "sub"), ("myext", "v")]))
        .await;
    assert!(sent.unwrap().is_none());
    let got = within(seen.recv()).await.unwrap();
    assert_eq!((got.method.as_str(), got.path.as_str()), ("POST", "/in"));
    let header = |name: &str| got.headers.get(name).map(|v| v.to_str().unwrap());
    for (name, value) in [
        ("ce-specversion", "1.0"),
        ("ce-id", "1"),
        ("ce-source", "/s"),
        ("ce-type", "t"),
        ("ce-subject", "sub"),
        ("ce-myext", "v"),
        ("content-type", "text/plain"),
        ("x-extra", "yes"),
    ] {
        assert_eq!(header(name), Some(value), "{name}");
    }
    assert_eq!(header("ce-datacontenttype"), None);
    assert_eq!(&got.body[..], b"hello");
}

/// [core] header_value::encode.
#[tokio::test]
async fn binary_values_arrive_percent_encoded() {
    let (addr, mut seen) = answering(200, &[], b"").await;
    let sink = sink(addr, ContentMode::Binary, 5000);
    sink.send(&plain(&[("subject", "Euro € 😀")]))
        .await
        .unwrap();
    let got = within(seen.recv()).await.unwrap();
    assert_eq!(
        got.headers["ce-subject"].to_str().unwrap(),
        "Euro%20%E2%82%AC%20%F0%9F%98%80"
    );
}

/// [core] json::encode.
#[tokio::test]
async fn structured_mode_sends_the_json_format() {
    let (addr, mut seen) = answering(202, &[], b"").await;
    let sink = sink(addr, ContentMode::Structured, 5000);
    sink.send(&plain(&[])).await.unwrap();
    let got = within(seen.recv()).await.unwrap();
    assert_eq!(
        got.headers["content-type"],
        "application/cloudevents+json; charset=UTF-8"
    );
    let json: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(json["id"], "1");
    assert_eq!(json["data"], "hello");
}

#[tokio::test]
async fn server_errors_are_transient_client_errors_permanent() {
    let (addr, _seen) = answering(500, &[], b"").await;
    let err = sink(addr, ContentMode::Binary, 5000)
        .send(&plain(&[]))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");

    let (addr, _seen) = answering(400, &[], b"missing ce-id\n").await;
    let err = sink(addr, ContentMode::Binary, 5000)
        .send(&plain(&[]))
        .await
        .unwrap_err();
    assert!(!err.is_transient(), "{err}");
    assert!(
        err.to_string().contains("400 Bad Request: missing ce-id"),
        "{err}"
    );
}

#[tokio::test]
async fn too_many_requests_is_transient_with_retry_after() {
    let (addr, _seen) = answering(429, &[("retry-after", "7")], b"").await;
    let err = sink(addr, ContentMode::Binary, 5000)
        .send(&plain(&[]))
        .await
        .unwrap_err();
    match err {
        SinkError::Transient { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(7)))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn redirects_are_permanent_and_not_followed() {
    let (addr, mut seen) = answering(302, &[("location", "/elsewhere")], b"").await;
    let err = sink(addr, ContentMode::Binary, 5000)
        .send(&plain(&[]))
        .await
        .unwrap_err();
    assert!(!err.is_transient(), "{err}");
    assert!(err.to_string().contains("302"), "{err}");
    assert_eq!(within(seen.recv()).await.unwrap().path, "/in");
    // `send` has returned, so a followed redirect would already be recorded.
    assert!(seen.try_recv().is_err(), "redirect was followed");
}

#[tokio::test]
async fn no_answer_within_timeout_is_transient() {
    let (addr, _seen) = test_server(Arc::new(|_: &Recorded| None)).await;
    let err = sink(addr, ContentMode::Binary, 200)
        .send(&plain(&[]))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert!(err.to_string().contains("within 200 ms"), "{err}");
}

#[tokio::test]
async fn connection_refused_is_transient() {
    let addr = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    // The listener is dropped: nothing listens on addr any more.
    let err = sink(addr, ContentMode::Binary, 5000)
        .send(&plain(&[]))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");
}

#[tokio::test]
async fn binary_reply_event_is_returned() {
    let headers: &[(&str, &str)] = &[
        ("ce-specversion", "1.0"),
        ("ce-id", "r1"),
        ("ce-source", "/hook"),
        ("ce-type", "reply"),
        ("content-type", "text/plain"),
    ];
    let (addr, _seen) = answering(200, headers, b"pong").await;
    let reply = sink(addr, ContentMode::Binary, 5000)
        .send(&plain(&[]))
        .await
        .unwrap()
        .expect("a reply event");
    assert_eq!(
        (reply.id(), reply.source(), reply.ty()),
        ("r1", "/hook", "reply")
    );
    assert_eq!(&reply.data().unwrap().bytes()[..], b"pong");
}

/// [core] json::decode.
#[tokio::test]
async fn structured_reply_event_is_returned() {
    let headers: &[(&str, &str)] = &[("content-type", "application/cloudevents+json")];
    let body = br#"{"specversion":"1.0","id":"r2","source":"/hook","type":"reply"}"#;
    let (addr, _seen) = answering(200, headers, body).await;
    let reply = sink(addr, ContentMode::Binary, 5000)
        .send(&plain(&[]))
        .await
        .unwrap();
    assert_eq!(reply.expect("a reply event").id(), "r2");
}

#[tokio::test]
async fn invalid_or_absent_reply_is_none() {
    let broken: &[(&str, &str)] = &[("ce-specversion", "1.0"), ("ce-type", "reply")];
    for headers in [broken, &[("content-type", "application/json")]] {
        let (addr, _seen) = answering(200, headers, b"{}").await;
        let reply = sink(addr, ContentMode::Binary, 5000)
            .send(&plain(&[]))
            .await;
        assert!(reply.unwrap().is_none());
    }
}
