//! One request to the source, from path check to answer.
//!
//! POST: authenticate, read the body within `max_body_bytes`, decode, submit every
//! event and answer once the worst outcome is known (or `request_timeout_ms` has
//! passed). Invalid input is submitted as such (dead letter or log) before the
//! 400/415. OPTIONS is the webhook handshake. The request's deadline covers the
//! body upload too, so a slow sender cannot hold a request open forever.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use ferry_core::envelope::context_key;
use ferry_core::{Envelope, Event, Intake, Outcome, ProtocolContext};
use http::header::CACHE_CONTROL;
use http::request::Parts;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::{Body as _, Incoming};
use tokio::time::{timeout_at, Instant};
use tracing::debug;

use crate::answer::{self, Body};
use crate::auth::{self, Access};
use crate::codec::{self, Decoded};
use crate::config::HttpSourceConfig;
use crate::error::DecodeError;
use crate::handshake;
use crate::header::PRIVATE;

/// What every request of one source shares.
pub(crate) struct Endpoint {
    cfg: HttpSourceConfig,
    intake: Intake,
    timeout: Duration,
}

impl Endpoint {
    pub(crate) fn new(cfg: HttpSourceConfig, intake: Intake) -> Self {
        let timeout = Duration::from_millis(cfg.request_timeout_ms);
        Self {
            cfg,
            intake,
            timeout,
        }
    }

    /// The hyper service body: every request gets an answer, never an error.
    pub(crate) async fn serve(
        &self,
        request: Request<Incoming>,
    ) -> Result<Response<Body>, Infallible> {
        if request.uri().path() != self.cfg.path {
            let reason = format!("no such path; events go to {}", self.cfg.path);
            return Ok(answer::error(StatusCode::NOT_FOUND, reason));
        }
        Ok(match *request.method() {
            Method::POST => self.post(request).await,
            Method::OPTIONS => {
                let allowed = self.cfg.allowed_origins.as_deref();
                answer::options(handshake::consent(allowed, request.headers()))
            }
            _ => answer::method_not_allowed(),
        })
    }

    async fn post(&self, request: Request<Incoming>) -> Response<Body> {
        let deadline = Instant::now() + self.timeout;
        let (parts, body) = request.into_parts();
        let access = auth::check(self.cfg.auth_token.as_deref(), &parts);
        if access == Access::Denied {
            return answer::unauthorized();
        }
        let mut response = match self.read_body(body, deadline).await {
            Ok(bytes) => self.process(&parts, bytes, deadline).await,
            Err(response) => response,
        };
        if access == Access::GrantedByQuery {
            // Webhook spec 4.1: a token in the URL must not end up in caches.
            response.headers_mut().insert(CACHE_CONTROL, PRIVATE);
        }
        response
    }

    /// The whole body, or the answer that refuses it (413 or 408).
    async fn read_body(&self, body: Incoming, deadline: Instant) -> Result<Bytes, Response<Body>> {
        let limit = self.cfg.max_body_bytes;
        // A declared Content-Length over the limit is refused before reading.
        if body.size_hint().lower() > limit as u64 {
            return Err(answer::too_large(limit));
        }
        match timeout_at(deadline, Limited::new(body, limit).collect()).await {
            Ok(Ok(collected)) => Ok(collected.to_bytes()),
            Ok(Err(err)) if err.is::<LengthLimitError>() => Err(answer::too_large(limit)),
            Ok(Err(err)) => Err(answer::error(
                StatusCode::BAD_REQUEST,
                format!("reading the request body failed: {err}"),
            )),
            Err(_) => Err(answer::error(
                StatusCode::REQUEST_TIMEOUT,
                "request body not received within request_timeout_ms",
            )),
        }
    }

    async fn process(&self, parts: &Parts, body: Bytes, deadline: Instant) -> Response<Body> {
        let context = ProtocolContext::new().with(context_key::PATH, parts.uri.path());
        match codec::decode(&parts.headers, body.clone()) {
            Ok(Decoded::Single(event)) => self.route(vec![*event], context, deadline).await,
            Ok(Decoded::Batch(events)) => self.route(events, context, deadline).await,
            Err(err) => self.reject(body, err, context, deadline).await,
        }
    }

    /// Submits every event and answers by the worst outcome.
    async fn route(
        &self,
        events: Vec<Event>,
        context: ProtocolContext,
        deadline: Instant,
    ) -> Response<Body> {
        if events.is_empty() {
            return answer::no_content();
        }
        let settle = async {
            let source = self.intake.source_name();
            let mut pending = Vec::with_capacity(events.len());
            for event in events {
                let envelope = Envelope::new(event, source.clone(), context.clone());
                pending.push(self.intake.submit(envelope).await);
            }
            let mut worst = Outcome::Filtered;
            for outcome in pending {
                worst = worst.max(outcome.await);
                if worst == Outcome::Retry {
                    break;
                }
            }
            worst
        };
        match timeout_at(deadline, settle).await {
            Ok(Outcome::Filtered | Outcome::Delivered | Outcome::DeadLettered) => {
                answer::no_content()
            }
            // A valid event the runtime still refused (e.g. a reply loop cut at
            // max_hops): settled, and sending it again cannot help.
            Ok(Outcome::Invalid) => {
                answer::error(StatusCode::BAD_REQUEST, "event refused as invalid")
            }
            Ok(Outcome::Retry) => answer::retry_later("not delivered yet; send it again later"),
            Err(_) => answer::retry_later("not settled within request_timeout_ms"),
        }
    }

    /// Hands invalid input to the runtime (dead letter or log), then answers
    /// 400/415 with the reason. If even that did not settle (the dead-letter
    /// sink failed), the input is not acknowledged: 503, like any Retry.
    async fn reject(
        &self,
        body: Bytes,
        err: DecodeError,
        context: ProtocolContext,
        deadline: Instant,
    ) -> Response<Body> {
        let reason = err.to_string();
        debug!(source = %self.intake.source_name(), %reason, "invalid input");
        let submitted = self.intake.submit_invalid(body, reason.clone(), context);
        match timeout_at(deadline, async { submitted.await.await }).await {
            Ok(Outcome::Retry) | Err(_) => {
                answer::retry_later(format!("{reason} (and it could not be dead-lettered yet)"))
            }
            Ok(_) if err.is_unsupported_media_type() => {
                answer::error(StatusCode::UNSUPPORTED_MEDIA_TYPE, reason)
            }
            Ok(_) => answer::error(StatusCode::BAD_REQUEST, reason),
        }
    }
}
