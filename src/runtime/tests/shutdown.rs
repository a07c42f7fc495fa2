//! Graceful shutdown: deliveries finish within the grace, are aborted past it.

use std::time::Duration;

use ferry_core::Outcome;

use super::fakes::{FailingSource, FakeSink, GatedSource, Step};
use super::*;

#[tokio::test(start_paused = true)]
async fn an_in_flight_delivery_finishes_within_the_grace() {
    let slow = FakeSink::always(Step::Slow(Duration::from_secs(5)));
    let mut setup = Setup::new(vec![route("r", "s", &["slow"], None)])
        .grace_ms(20_000)
        .sink("slow", slow.clone());
    let outcomes = setup.source("s", None, vec![submit("s", "e1")]);
    let running = setup.start().await;

    slow.started.notified().await;
    running.shutdown();
    assert_eq!(outcomes.await.unwrap(), [Outcome::Delivered]);
    assert_eq!(stop(running, &[&slow]).await.delivered, 1);
}

#[tokio::test(start_paused = true)]
async fn past_the_grace_deliveries_are_aborted_and_left_for_redelivery() {
    let hang = FakeSink::always(Step::Hang);
    let mut setup = Setup::new(vec![route("r", "s", &["hang"], None)])
        .grace_ms(1_000)
        .sink("hang", hang.clone());
    let outcomes = setup.source("s", None, vec![submit("s", "e1")]);
    let running = setup.start().await;

    hang.started.notified().await;
    running.shutdown();
    assert_eq!(outcomes.await.unwrap(), [Outcome::Retry]);
    assert_eq!(stop(running, &[&hang]).await.retry, 1);
}

#[tokio::test]
async fn the_stop_handle_outlives_wait_and_shutdown_is_idempotent() {
    let mut setup = Setup::new(vec![]);
    let _outcomes = setup.source("s", None, vec![]);
    let running = setup.start().await;
    running.shutdown();
    let stop = running.stop_handle();
    let wait = tokio::spawn(running.wait());
    stop.cancel();
    wait.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_failing_source_stops_everything_and_is_reported() {
    let hook = FakeSink::always(Step::Ok);
    let mut setup = Setup::new(vec![]).sink("hook", hook.clone());
    let _outcomes = setup.source("fine", None, vec![]);
    setup.parts.sources.push(SourcePart {
        name: "broken".to_owned(),
        dead_letter: None,
        ready: ferry_core::ReadyFlag::new(true),
        source: Box::new(FailingSource),
    });
    let running = setup.start().await;

    let err = running.wait().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("source `broken` failed: listener lost"),
        "{err}"
    );
    assert!(hook.closed.load(std::sync::atomic::Ordering::SeqCst));
}

#[tokio::test]
async fn readiness_turns_false_on_shutdown() {
    let gate = Arc::new(tokio::sync::Notify::new());
    let mut setup = Setup::new(vec![]);
    setup.parts.sources.push(SourcePart {
        name: "gated".to_owned(),
        dead_letter: None,
        ready: ferry_core::ReadyFlag::new(true),
        source: Box::new(GatedSource { gate: gate.clone() }),
    });
    let running = setup.start().await;
    let addr = running.admin_addr();

    assert!(get(addr, "/readyz").await.starts_with("HTTP/1.1 200"));
    running.shutdown();
    // The gated source keeps the runtime in its shutdown phase, admin still up.
    let answer = get(addr, "/readyz").await;
    assert!(
        answer.starts_with("HTTP/1.1 503") && answer.contains("shutting down"),
        "{answer}"
    );
    gate.notify_one();
    running.wait().await.unwrap();
}

async fn get(addr: std::net::SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    out
}
