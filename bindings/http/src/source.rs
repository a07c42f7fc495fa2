//! The HTTP source: a hyper server (HTTP/1.1, and HTTP/2 with prior knowledge,
//! i.e. h2c) serving one path. Requests are answered by [`crate::handler`].
//!
//! Shutdown: stop accepting, let requests in progress finish (their outcomes
//! still resolve and are answered), close idle keep-alive connections, return.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use ferry_core::{Intake, Source, SourceError};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use crate::config::HttpSourceConfig;
use crate::handler::Endpoint;

/// Pause after a failed `accept` (e.g. out of file descriptors), so the loop
/// does not spin while the condition lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// The CloudEvents webhook source (`binding = "http"`).
pub struct HttpSource {
    cfg: HttpSourceConfig,
}

impl HttpSource {
    pub fn new(cfg: HttpSourceConfig) -> Self {
        Self { cfg }
    }

    /// Serves on an already bound listener until `shutdown`.
    pub(crate) async fn serve(
        self,
        listener: TcpListener,
        intake: Intake,
        shutdown: CancellationToken,
    ) -> Result<(), SourceError> {
        let name = intake.source_name().clone();
        let endpoint = Arc::new(Endpoint::new(self.cfg, intake.clone()));
        let mut builder = auto::Builder::new(TokioExecutor::new());
        // The timer enables hyper's header read timeout (30 s by default), so a
        // connection that never finishes its headers is closed.
        builder.http1().timer(TokioTimer::new());
        let graceful = GracefulShutdown::new();

        intake.ready().set(true);
        if let Ok(addr) = listener.local_addr() {
            info!(source = %name, %addr, "http source listening");
        }
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => spawn_connection(&builder, &graceful, stream, &endpoint),
                    Err(err) => {
                        warn!(source = %name, %err, "http source: accept failed");
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                    }
                },
            }
        }
        drop(listener);
        intake.ready().set(false);
        debug!(source = %name, open = graceful.count(), "http source draining connections");
        graceful.shutdown().await;
        Ok(())
    }
}

/// Serves one connection on its own task, watched for graceful shutdown.
fn spawn_connection(
    builder: &auto::Builder<TokioExecutor>,
    graceful: &GracefulShutdown,
    stream: TcpStream,
    endpoint: &Arc<Endpoint>,
) {
    // Small answers to small requests: do not let Nagle hold them back.
    let _ = stream.set_nodelay(true);
    let endpoint = endpoint.clone();
    let service = service_fn(move |request| {
        let endpoint = endpoint.clone();
        async move { endpoint.serve(request).await }
    });
    let connection = builder
        .serve_connection(TokioIo::new(stream), service)
        .into_owned();
    let connection = graceful.watch(connection);
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            // A client that hangs up mid-request is routine, not a warning.
            debug!(%err, "http source connection ended with an error");
        }
    });
}

#[async_trait]
impl Source for HttpSource {
    async fn run(
        self: Box<Self>,
        intake: Intake,
        shutdown: CancellationToken,
    ) -> Result<(), SourceError> {
        let addr = self.cfg.listen;
        let listener = TcpListener::bind(addr).await.map_err(|err| {
            SourceError(format!(
                "http source `{}` cannot listen on {addr}: {err}",
                intake.source_name()
            ))
        })?;
        self.serve(listener, intake, shutdown).await
    }
}
