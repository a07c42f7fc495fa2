//! The source against a real HTTP client. Tests marked `[core]` send structured
//! or batch JSON and so depend on ferry-core's JSON decoder.

use std::sync::Arc;

use ferry_core::envelope::context_key;
use ferry_core::{Outcome, Source, Submission};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::support::*;
use crate::{HttpSource, HttpSourceConfig};

const BINARY: [(&str, &str); 5] = [
    ("ce-specversion", "1.0"),
    ("ce-id", "e1"),
    ("ce-source", "/sensors/1"),
    ("ce-type", "com.example.reading"),
    ("content-type", "application/json"),
];
const STRUCTURED: (&str, &str) = ("content-type", "application/cloudevents+json");
const BATCH: (&str, &str) = ("content-type", "application/cloudevents-batch+json");

fn url(h: &SourceHarness, path_and_query: &str) -> String {
    format!("http://{}{path_and_query}", h.addr)
}

fn event_of(submission: Submission) -> ferry_core::Envelope {
    match submission {
        Submission::Event(envelope) => envelope,
        Submission::Invalid { reason, .. } => panic!("invalid: {reason}"),
    }
}

#[tokio::test]
async fn delivered_is_204_only_after_the_outcome() {
    let mut h = start_source(|_| {}).await;
    let request = request("POST", url(&h, "/events"), &BINARY, br#"{"t":21}"#);
    let client = client();
    let answer = tokio::spawn(async move { send(&client, request).await });

    let submitted = within(h.submissions.recv()).await.unwrap();
    let envelope = event_of(submitted.submission);
    assert_eq!(&*envelope.source, "web");
    assert_eq!(envelope.context.get(context_key::PATH), Some("/events"));
    assert_eq!(envelope.event.id(), "e1");
    assert_eq!(envelope.event.datacontenttype(), Some("application/json"));
    assert_eq!(&envelope.event.data().unwrap().bytes()[..], br#"{"t":21}"#);
    assert!(!answer.is_finished(), "answered before the outcome");

    submitted.outcome.send(Outcome::Delivered).unwrap();
    let answer = within(answer).await.unwrap();
    assert_eq!(answer.status, 204);
    assert!(answer.body.is_empty());
}

#[tokio::test]
async fn retry_is_503_with_retry_after() {
    let h = start_source(|_| {}).await;
    let target = url(&h, "/events");
    let _seen = router(h.submissions, Outcome::Retry);
    let answer = send(&client(), request("POST", target, &BINARY, b"{}")).await;
    assert_eq!(answer.status, 503);
    assert_eq!(answer.header("retry-after"), Some("5"));
}

#[tokio::test]
async fn unsettled_request_is_503_after_request_timeout() {
    let mut h = start_source(|cfg| cfg.request_timeout_ms = 200).await;
    let request = request("POST", url(&h, "/events"), &BINARY, b"{}");
    let client = client();
    let answer = tokio::spawn(async move { send(&client, request).await });
    // Held, never answered: the outcome stays pending.
    let _held = within(h.submissions.recv()).await.unwrap();
    let answer = within(answer).await.unwrap();
    assert_eq!(answer.status, 503);
    assert_eq!(answer.header("retry-after"), Some("5"));
    assert!(answer.reason().contains("request_timeout_ms"));
}

#[tokio::test]
async fn token_is_required_by_header_or_query() {
    let h = start_source(|cfg| cfg.auth_token = Some("s3cret".into())).await;
    let events = url(&h, "/events");
    let by_query = url(&h, "/events?access_token=s3cret");
    let _seen = router(h.submissions, Outcome::Delivered);
    let client = client();

    let none = send(&client, request("POST", events.clone(), &BINARY, b"{}")).await;
    assert_eq!(none.status, 401);
    assert!(none.reason().contains("Bearer"));
    let mut wrong = BINARY.to_vec();
    wrong.push(("authorization", "Bearer nope"));
    let wrong = send(&client, request("POST", events.clone(), &wrong, b"{}")).await;
    assert_eq!(wrong.status, 401);

    let mut right = BINARY.to_vec();
    right.push(("authorization", "Bearer s3cret"));
    assert_eq!(
        send(&client, request("POST", events, &right, b"{}"))
            .await
            .status,
        204
    );
    let by_query = send(&client, request("POST", by_query, &BINARY, b"{}")).await;
    assert_eq!(by_query.status, 204);
    assert_eq!(by_query.header("cache-control"), Some("private"));
}

#[tokio::test]
async fn declared_oversized_body_is_413() {
    let h = start_source(|cfg| cfg.max_body_bytes = 16).await;
    let body = &[b'x'; 100];
    let answer = send(
        &client(),
        request("POST", url(&h, "/events"), &BINARY, body),
    )
    .await;
    assert_eq!(answer.status, 413);
    assert!(answer.reason().contains("max_body_bytes"));
}

#[tokio::test]
async fn streamed_oversized_body_is_413() {
    let h = start_source(|cfg| cfg.max_body_bytes = 16).await;
    // Chunked, so no Content-Length announces the size.
    let mut stream = within(TcpStream::connect(h.addr)).await.unwrap();
    let head = "POST /events HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\
                ce-specversion: 1.0\r\nce-id: 1\r\nce-source: /s\r\nce-type: t\r\n\r\n";
    let chunk = "10\r\n0123456789abcdef\r\n";
    let request = format!("{head}{chunk}{chunk}0\r\n\r\n");
    within(stream.write_all(request.as_bytes())).await.unwrap();
    let mut answer = vec![0; 1024];
    let n = within(stream.read(&mut answer)).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("max_body_bytes"), "{answer}");
}

#[tokio::test]
async fn invalid_input_is_submitted_then_400_with_reason() {
    let h = start_source(|_| {}).await;
    let target = url(&h, "/events");
    let mut seen = router(h.submissions, Outcome::Invalid);
    let headers = [
        ("ce-specversion", "1.0"),
        ("ce-source", "/s"),
        ("ce-type", "t"),
    ];
    let answer = send(&client(), request("POST", target, &headers, b"payload")).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.reason(), "missing required attribute `id`");
    match within(seen.recv()).await.unwrap() {
        Submission::Invalid {
            payload,
            reason,
            context,
        } => {
            assert_eq!(&payload[..], b"payload");
            assert_eq!(reason, "missing required attribute `id`");
            assert_eq!(context.get(context_key::PATH), Some("/events"));
        }
        Submission::Event(_) => panic!("submitted as an event"),
    }
}

/// [core] json::decode.
#[tokio::test]
async fn malformed_json_is_400_with_reason() {
    let h = start_source(|_| {}).await;
    let target = url(&h, "/events");
    let _seen = router(h.submissions, Outcome::Invalid);
    let answer = send(
        &client(),
        request("POST", target, &[STRUCTURED], b"{\"id\":"),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert!(
        answer.reason().starts_with("invalid JSON"),
        "{}",
        answer.reason()
    );
}

#[tokio::test]
async fn plain_requests_and_other_formats() {
    let h = start_source(|_| {}).await;
    let target = url(&h, "/events");
    let _seen = router(h.submissions, Outcome::Invalid);
    let client = client();
    let plain = [("content-type", "application/json")];
    let answer = send(&client, request("POST", target.clone(), &plain, b"{}")).await;
    assert_eq!(answer.status, 400);
    assert!(answer.reason().starts_with("not a CloudEvent"));
    let avro = [("content-type", "application/cloudevents+avro")];
    let answer = send(&client, request("POST", target, &avro, b"\0")).await;
    assert_eq!(answer.status, 415);
}

/// [core] json::decode_batch.
#[tokio::test]
async fn batch_is_answered_by_its_worst_outcome() {
    let mut h = start_source(|_| {}).await;
    let body = br#"[{"specversion":"1.0","id":"a","source":"/s","type":"t"},
                    {"specversion":"1.0","id":"b","source":"/s","type":"t"}]"#;
    let client = client();
    let empty = send(
        &client,
        request("POST", url(&h, "/events"), &[BATCH], b"[]"),
    )
    .await;
    assert_eq!(empty.status, 204);

    let request = request("POST", url(&h, "/events"), &[BATCH], body);
    let answer = tokio::spawn(async move { send(&client, request).await });
    let first = within(h.submissions.recv()).await.unwrap();
    let second = within(h.submissions.recv()).await.unwrap();
    assert_eq!(event_of(first.submission).event.id(), "a");
    assert_eq!(event_of(second.submission).event.id(), "b");
    first.outcome.send(Outcome::Delivered).unwrap();
    second.outcome.send(Outcome::Retry).unwrap();
    assert_eq!(within(answer).await.unwrap().status, 503);
}

#[tokio::test]
async fn handshake_allows_listed_origins_without_a_token() {
    let h = start_source(|cfg| {
        cfg.allowed_origins = Some(vec!["a.example".into()]);
        cfg.auth_token = Some("s3cret".into());
    })
    .await;
    let client = client();
    let ask = |origin| {
        let headers = [
            ("webhook-request-origin", origin),
            ("webhook-request-rate", "60"),
        ];
        request("OPTIONS", url(&h, "/events"), &headers, b"")
    };
    let allowed = send(&client, ask("a.example")).await;
    assert_eq!(allowed.status, 200);
    assert_eq!(allowed.header("allow"), Some("POST, OPTIONS"));
    assert_eq!(allowed.header("webhook-allowed-origin"), Some("a.example"));
    assert_eq!(allowed.header("webhook-allowed-rate"), Some("60"));
    let denied = send(&client, ask("b.example")).await;
    assert_eq!(denied.status, 200);
    assert_eq!(denied.header("allow"), Some("POST, OPTIONS"));
    assert_eq!(denied.header("webhook-allowed-origin"), None);
    assert_eq!(denied.header("webhook-allowed-rate"), None);
}

#[tokio::test]
async fn other_methods_are_405_and_other_paths_404() {
    let h = start_source(|_| {}).await;
    let client = client();
    for method in ["GET", "PUT", "DELETE", "HEAD"] {
        let answer = send(&client, request(method, url(&h, "/events"), &[], b"")).await;
        assert_eq!(answer.status, 405, "{method}");
        assert_eq!(answer.header("allow"), Some("POST, OPTIONS"));
    }
    let answer = send(&client, request("POST", url(&h, "/other"), &BINARY, b"{}")).await;
    assert_eq!(answer.status, 404);
}

#[tokio::test]
async fn h2c_prior_knowledge_is_served() {
    let h = start_source(|_| {}).await;
    let target = url(&h, "/events");
    let _seen = router(h.submissions, Outcome::Delivered);
    let h2: TestClient =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .http2_only(true)
            .build_http();
    let answer = send(&h2, request("POST", target, &BINARY, b"{}")).await;
    assert_eq!(answer.status, 204);
}

#[tokio::test]
async fn shutdown_lets_requests_in_progress_finish() {
    let mut h = start_source(|_| {}).await;
    let request = request("POST", url(&h, "/events"), &BINARY, b"{}");
    let client = client();
    let answer = tokio::spawn(async move { send(&client, request).await });
    let submitted = within(h.submissions.recv()).await.unwrap();

    h.shutdown.cancel();
    // Not accepting any more: once the listener is gone, connecting fails.
    wait_until(|| !h.ready.get()).await;
    assert!(TcpStream::connect(h.addr).await.is_err());
    assert!(!h.task.is_finished(), "returned with a request in progress");

    submitted.outcome.send(Outcome::Delivered).unwrap();
    assert_eq!(within(answer).await.unwrap().status, 204);
    within(h.task).await.unwrap().unwrap();
}

#[tokio::test]
async fn bind_failure_names_the_address() {
    let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = taken.local_addr().unwrap();
    let json = serde_json::json!({ "listen": addr.to_string() });
    let cfg: HttpSourceConfig = serde_json::from_value(json).unwrap();
    let (tx, _rx) = mpsc::channel(1);
    let intake = ferry_core::Intake::new(Arc::from("web"), tx, ferry_core::ReadyFlag::new(false));
    let source: Box<dyn Source> = Box::new(HttpSource::new(cfg));
    let err = within(source.run(intake, CancellationToken::new()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains(&addr.to_string()), "{err}");
}
