//! A recording HTTP server standing in for a sink's peer (a webhook receiver).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;

use super::wait_for;

/// One request as the peer saw it.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Received {
    /// The first header of that (lowercase) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A scripted answer: status and delay before answering.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    pub status: u16,
    pub delay: Duration,
}

impl Answer {
    pub fn status(status: u16) -> Self {
        Answer {
            status,
            delay: Duration::ZERO,
        }
    }
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    script: VecDeque<Answer>,
    otherwise: Option<Answer>,
}

/// Answers scripted statuses in order, then `otherwise` (200 by default).
#[derive(Clone)]
pub struct Peer {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl Peer {
    pub async fn start(script: Vec<Answer>, otherwise: Answer) -> Peer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind peer");
        let addr = listener.local_addr().expect("peer addr");
        let state = Arc::new(Mutex::new(State {
            received: Vec::new(),
            script: script.into(),
            otherwise: Some(otherwise),
        }));
        let peer = Peer { addr, state };
        let served = peer.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let peer = served.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let peer = peer.clone();
                        async move { Ok::<_, Infallible>(peer.answer(req).await) }
                    });
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        peer
    }

    pub fn url(&self) -> String {
        format!("http://{}/in", self.addr)
    }

    async fn answer(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let headers = req
            .headers()
            .iter()
            .map(|(n, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (n.as_str().to_owned(), value)
            })
            .collect();
        let body = req.into_body().collect().await.map(|b| b.to_bytes());
        let body = body.unwrap_or_default();
        let answer = {
            let mut state = self.state.lock().expect("peer state");
            state.received.push(Received { headers, body });
            let next = state.script.pop_front();
            next.or(state.otherwise).unwrap_or(Answer::status(200))
        };
        tokio::time::sleep(answer.delay).await;
        Response::builder()
            .status(answer.status)
            .body(Full::new(Bytes::new()))
            .expect("response")
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().expect("peer state").received.clone()
    }

    /// Waits until at least `n` requests arrived.
    pub async fn wait_received(&self, n: usize) -> Vec<Received> {
        wait_for(
            &format!("{n} requests at the peer"),
            Duration::from_secs(20),
            || {
                let got = self.received();
                async move { (got.len() >= n).then_some(got) }
            },
        )
        .await
    }
}
