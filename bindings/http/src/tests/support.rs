//! Test harness: a source on a pre-bound port with a fake router, an HTTP client,
//! and a recording HTTP server for the sink. Every wait has a deadline; nothing
//! sleeps to synchronise except polling a condition.

use std::borrow::Cow;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use ferry_core::event::AttrInput;
use ferry_core::{
    Data, Event, EventBuilder, Intake, Outcome, ReadyFlag, SourceError, Submission, Submitted,
};
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::{HttpSource, HttpSourceConfig};

/// How long any single wait in a test may take before the test fails.
pub(crate) const DEADLINE: Duration = Duration::from_secs(10);

/// Awaits `future`, failing the test past [`DEADLINE`].
pub(crate) async fn within<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(DEADLINE, future)
        .await
        .expect("deadline passed")
}

/// Polls `condition` until it holds, failing the test past [`DEADLINE`].
pub(crate) async fn wait_until(condition: impl Fn() -> bool) {
    within(async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
}

/// An event with the four required attributes plus `extra`.
pub(crate) fn event(extra: &[(&str, &str)], data: Option<Data>) -> Event {
    let required = [
        ("specversion", "1.0"),
        ("id", "1"),
        ("source", "/s"),
        ("type", "t"),
    ];
    let mut builder = EventBuilder::new();
    for (name, value) in required.iter().chain(extra) {
        builder
            .attribute(name, AttrInput::String(Cow::Borrowed(value)))
            .unwrap();
    }
    if let Some(data) = data {
        builder.data(data);
    }
    builder.build().unwrap()
}

pub(crate) fn header_map(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

/// A running source named `web` on `/events`.
pub(crate) struct SourceHarness {
    pub addr: SocketAddr,
    pub submissions: mpsc::Receiver<Submitted>,
    pub shutdown: CancellationToken,
    pub ready: ReadyFlag,
    pub task: JoinHandle<Result<(), SourceError>>,
}

pub(crate) async fn start_source(edit: impl FnOnce(&mut HttpSourceConfig)) -> SourceHarness {
    // Bound here and handed over, so tests never race for a port.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let json = serde_json::json!({ "listen": addr.to_string(), "path": "/events" });
    let mut cfg: HttpSourceConfig = serde_json::from_value(json).unwrap();
    edit(&mut cfg);
    let (tx, submissions) = mpsc::channel(16);
    let ready = ReadyFlag::new(false);
    let intake = Intake::new(Arc::from("web"), tx, ready.clone());
    let shutdown = CancellationToken::new();
    let source = HttpSource::new(cfg);
    let task = tokio::spawn(source.serve(listener, intake, shutdown.clone()));
    let flag = ready.clone();
    wait_until(move || flag.get()).await;
    SourceHarness {
        addr,
        submissions,
        shutdown,
        ready,
        task,
    }
}

/// A fake router answering every submission with `outcome`; what it saw comes
/// out of the returned channel.
pub(crate) fn router(
    mut submissions: mpsc::Receiver<Submitted>,
    outcome: Outcome,
) -> mpsc::UnboundedReceiver<Submission> {
    let (seen_tx, seen) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(Submitted {
            submission,
            outcome: reply,
            ..
        }) = submissions.recv().await
        {
            let _ = reply.send(outcome);
            let _ = seen_tx.send(submission);
        }
    });
    seen
}

pub(crate) type TestClient = Client<HttpConnector, Full<Bytes>>;

pub(crate) fn client() -> TestClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// A response, fully read.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// The `error` member of a JSON error body.
    pub(crate) fn reason(&self) -> String {
        assert_eq!(self.header("content-type"), Some("application/json"));
        let json: serde_json::Value = serde_json::from_slice(&self.body).unwrap();
        json["error"].as_str().unwrap().to_owned()
    }
}

pub(crate) async fn send(client: &TestClient, request: Request<Full<Bytes>>) -> Answer {
    within(async {
        let response = client.request(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    })
    .await
}

pub(crate) fn request(
    method: &str,
    uri: String,
    headers: &[(&str, &str)],
    body: &'static [u8],
) -> Request<Full<Bytes>> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Full::new(Bytes::from_static(body))).unwrap()
}

/// A request the test server received.
#[derive(Debug)]
pub(crate) struct Recorded {
    pub method: http::Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// What the test server answers; `None` never answers (for timeouts).
pub(crate) type Responder = dyn Fn(&Recorded) -> Option<Response<Full<Bytes>>> + Send + Sync;

/// A recording HTTP/1.1 server on a free port.
pub(crate) async fn test_server(
    respond: Arc<Responder>,
) -> (SocketAddr, mpsc::UnboundedReceiver<Recorded>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (tx, respond) = (tx.clone(), respond.clone());
            let service = service_fn(move |request: Request<Incoming>| {
                let (tx, respond) = (tx.clone(), respond.clone());
                async move {
                    let (parts, body) = request.into_parts();
                    let recorded = Recorded {
                        method: parts.method,
                        path: parts.uri.path().to_owned(),
                        headers: parts.headers,
                        body: body.collect().await.unwrap().to_bytes(),
                    };
                    let response = respond(&recorded);
                    let _ = tx.send(recorded);
                    match response {
                        Some(response) => Ok::<_, Infallible>(response),
                        None => std::future::pending().await,
                    }
                }
            });
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service),
            );
        }
    });
    (addr, rx)
}

/// A response with `status`, `headers` and `body`.
pub(crate) fn response(
    status: u16,
    headers: &[(&str, &str)],
    body: &'static [u8],
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(body)));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    *response.headers_mut() = header_map(headers);
    response
}
