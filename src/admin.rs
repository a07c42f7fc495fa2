//! The admin server: `GET /healthz`, `GET /readyz` and `GET /metrics` on
//! `admin.listen`, served with hyper over HTTP/1.1.
//!
//! `/healthz` answers while the process serves requests at all; `/readyz` only
//! while every source's connection flag and every sink report ready and no
//! shutdown has begun, so an orchestrator stops sending traffic first.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use bytes::Bytes;
use ferry_core::{ReadyFlag, Sink};
use http::header::{HeaderValue, ALLOW, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use crate::metrics::{self, Metrics};

/// What `/readyz` looks at.
#[derive(Clone)]
pub struct Readiness {
    pub sources: Vec<(Arc<str>, ReadyFlag)>,
    pub sinks: Vec<(Arc<str>, Arc<dyn Sink>)>,
    /// Cancelled once shutdown began.
    pub stopping: CancellationToken,
}

impl Readiness {
    /// Everything that is not ready, one line each; empty when ready.
    pub fn not_ready(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.stopping.is_cancelled() {
            out.push("shutting down".to_owned());
        }
        let sources = self.sources.iter().filter(|(_, flag)| !flag.get());
        out.extend(sources.map(|(name, _)| format!("source {name}: not ready")));
        let sinks = self.sinks.iter().filter(|(_, sink)| !sink.is_ready());
        out.extend(sinks.map(|(name, _)| format!("sink {name}: not ready")));
        out
    }
}

/// What the handlers share.
pub struct AdminState {
    pub metrics: Arc<Metrics>,
    pub readiness: Readiness,
}

/// Binds the admin listener (port 0 picks a free port; see `local_addr`).
pub async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding the admin server to {addr}"))
}

/// Serves until `stop` is cancelled; open connections are then closed.
pub fn serve(
    listener: TcpListener,
    state: Arc<AdminState>,
    stop: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        connections.spawn(serve_connection(stream, state.clone()));
                    }
                    Err(err) => accept_failed(err).await,
                },
            }
            while connections.try_join_next().is_some() {}
        }
        // Dropping the set aborts the remaining connections.
    })
}

/// Accept errors are mostly transient (out of file descriptors); pausing keeps
/// a persistent one from spinning the loop.
async fn accept_failed(err: std::io::Error) {
    warn!(%err, "admin server: accept failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

async fn serve_connection(stream: TcpStream, state: Arc<AdminState>) {
    let service = service_fn(move |req| {
        let state = state.clone();
        async move { Ok::<_, Infallible>(handle(&state, &req)) }
    });
    let io = TokioIo::new(stream);
    if let Err(err) = http1::Builder::new().serve_connection(io, service).await {
        debug!(%err, "admin connection ended with an error");
    }
}

fn handle(state: &AdminState, req: &Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    if !matches!(path, "/healthz" | "/readyz" | "/metrics") {
        return text(StatusCode::NOT_FOUND, "not found\n".to_owned());
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut resp = text(StatusCode::METHOD_NOT_ALLOWED, "use GET\n".to_owned());
        resp.headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return resp;
    }
    match path {
        "/healthz" => text(StatusCode::OK, "ok\n".to_owned()),
        "/readyz" => readyz(&state.readiness),
        _ => {
            let mut resp = text(StatusCode::OK, state.metrics.encode());
            let content_type = HeaderValue::from_static(metrics::CONTENT_TYPE);
            resp.headers_mut().insert(CONTENT_TYPE, content_type);
            resp
        }
    }
}

fn readyz(readiness: &Readiness) -> Response<Full<Bytes>> {
    let not_ready = readiness.not_ready();
    if not_ready.is_empty() {
        text(StatusCode::OK, "ready\n".to_owned())
    } else {
        let body = not_ready.join("\n") + "\n";
        text(StatusCode::SERVICE_UNAVAILABLE, body)
    }
}

fn text(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    let content_type = HeaderValue::from_static("text/plain; charset=utf-8");
    resp.headers_mut().insert(CONTENT_TYPE, content_type);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    struct Down;

    #[async_trait::async_trait]
    impl Sink for Down {
        async fn send(
            &self,
            _: &ferry_core::Envelope,
        ) -> Result<Option<ferry_core::Event>, ferry_core::SinkError> {
            Ok(None)
        }
        fn is_ready(&self) -> bool {
            false
        }
    }

    async fn get(addr: SocketAddr, path: &str) -> String {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        stream.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        stream.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn endpoints() {
        let flag = ReadyFlag::new(true);
        let stop = CancellationToken::new();
        let readiness = Readiness {
            sources: vec![("webhook".into(), flag.clone())],
            sinks: vec![],
            stopping: CancellationToken::new(),
        };
        let metrics = Arc::new(Metrics::new());
        metrics.source("webhook");
        let state = Arc::new(AdminState { metrics, readiness });
        let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = serve(listener, state, stop.clone());

        assert!(get(addr, "/healthz").await.starts_with("HTTP/1.1 200"));
        let ready = get(addr, "/readyz").await;
        assert!(ready.starts_with("HTTP/1.1 200") && ready.ends_with("ready\n"));
        flag.set(false);
        let ready = get(addr, "/readyz").await;
        assert!(ready.starts_with("HTTP/1.1 503"), "{ready}");
        assert!(ready.contains("source webhook: not ready"), "{ready}");
        let scrape = get(addr, "/metrics").await;
        assert!(scrape.contains("application/openmetrics-text"), "{scrape}");
        assert!(scrape.contains("ferry_source_received_total{source=\"webhook\"} 0"));
        assert!(get(addr, "/nope").await.starts_with("HTTP/1.1 404"));

        stop.cancel();
        server.await.unwrap();
    }

    #[test]
    fn not_ready_lists_sinks_and_shutdown() {
        let stopping = CancellationToken::new();
        stopping.cancel();
        let readiness = Readiness {
            sources: vec![],
            sinks: vec![("hook".into(), Arc::new(Down))],
            stopping,
        };
        assert_eq!(
            readiness.not_ready(),
            ["shutting down", "sink hook: not ready"]
        );
    }
}
