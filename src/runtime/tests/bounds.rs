//! Bounds and bookkeeping: `max_in_flight`, the source balance, bad wiring.

use std::sync::atomic::Ordering;
use std::time::Duration;

use ferry_core::Outcome;

use super::fakes::{FakeSink, Step};
use super::*;

#[tokio::test(start_paused = true)]
async fn max_in_flight_bounds_concurrent_sends() {
    let slow = FakeSink::always(Step::Slow(Duration::from_secs(1)));
    let mut setup = Setup::new(vec![route("r", "s", &["slow"], None)]).sink_with(
        "slow",
        slow.clone(),
        retry(1),
        2,
    );
    let script = (0..10).map(|i| submit("s", &format!("e{i}"))).collect();
    let outcomes = setup.source("s", None, script);
    let running = setup.start().await;

    assert_eq!(outcomes.await.unwrap(), [Outcome::Delivered; 10]);
    assert_eq!(slow.max_concurrent.load(Ordering::SeqCst), 2);
    stop(running, &[&slow]).await;
}

#[tokio::test(start_paused = true)]
async fn source_counters_add_up_exactly() {
    let (ok, bad, dlq) = (
        FakeSink::always(Step::Ok),
        FakeSink::always(Step::Transient),
        FakeSink::always(Step::Ok),
    );
    let routes = vec![
        route("to-ok", "s", &["ok"], None),
        route("to-bad", "s", &["bad"], Some("dlq")),
        route("to-bad-no-dl", "s", &["bad"], None),
    ];
    let mut setup = Setup::new(routes)
        .sink("ok", ok.clone())
        .sink_with("bad", bad.clone(), retry(2), 64)
        .sink("dlq", dlq.clone());
    // Distinguish events by source name in the route's `from` instead of filters:
    // "s" takes all three routes, so one event gives Retry (worst of all).
    let mut retry_setup_outcomes = setup.source("s", None, vec![submit("s", "r1")]);
    let outcomes = setup.source(
        "t",
        Some("dlq"),
        vec![submit("t", "f1"), invalid(b"x", "bad"), submit("t", "f2")],
    );
    let running = setup.start().await;

    assert_eq!((&mut retry_setup_outcomes).await.unwrap(), [Outcome::Retry]);
    assert_eq!(
        outcomes.await.unwrap(),
        [Outcome::Filtered, Outcome::Invalid, Outcome::Filtered]
    );
    let totals = running.metrics().source_totals();
    let s = totals.iter().find(|t| t.source == "s").unwrap();
    assert_eq!((s.received, s.retry, s.in_flight), (1, 1, 0));
    let t = totals.iter().find(|t| t.source == "t").unwrap();
    assert_eq!(
        (t.received, t.filtered, t.invalid, t.in_flight),
        (3, 2, 1, 0)
    );
    assert_eq!(ok.confirmed().len(), 1);
    assert_eq!(
        dlq.confirmed().len(),
        2,
        "one dead-lettered copy, one invalid input"
    );
    stop(running, &[&ok, &bad, &dlq]).await;
}

#[tokio::test]
async fn an_unsettled_message_counts_as_in_flight() {
    let hang = FakeSink::always(Step::Hang);
    let mut setup = Setup::new(vec![route("r", "s", &["hang"], None)])
        .grace_ms(0)
        .sink("hang", hang.clone());
    let _outcomes = setup.source("s", None, vec![submit("s", "e1")]);
    let running = setup.start().await;

    hang.started.notified().await;
    let t = running.metrics().source_totals().remove(0);
    assert_eq!((t.received, t.in_flight, t.retry), (1, 1, 0));
    assert!(running
        .metrics_text()
        .contains(r#"ferry_source_in_flight{source="s"} 1"#));
    // Past the (zero) grace the delivery is aborted and settles as Retry.
    assert_eq!(stop(running, &[&hang]).await.retry, 1);
}

#[tokio::test]
async fn unknown_names_are_refused_before_anything_starts() {
    let setup = Setup::new(vec![route("r", "s", &["nowhere"], None)]);
    let mut setup = setup.sink("hook", FakeSink::always(Step::Ok));
    let _outcomes = setup.source("s", None, vec![]);
    let err = start_with_parts(setup.parts).await.err().unwrap();
    assert!(err.to_string().contains("unknown sink `nowhere`"), "{err}");
}

/// Copies reach a sink's `send` in queue order even with many in flight, so a
/// client that takes the event on the first poll (Kafka, MQTT) keeps per-key
/// order. Multi-threaded: spawned tasks there start in scheduler order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_start_in_queue_order_with_many_in_flight() {
    let sink = FakeSink::always(Step::Ok);
    let mut setup =
        Setup::new(vec![route("r", "s", &["k"], None)]).sink_with("k", sink.clone(), retry(1), 64);
    let ids: Vec<String> = (0..500).map(|i| format!("e{i}")).collect();
    let script = ids.iter().map(|id| submit("s", id)).collect();
    let outcomes = setup.source("s", None, script);
    let running = setup.start().await;

    assert_eq!(outcomes.await.unwrap(), vec![Outcome::Delivered; 500]);
    let offered: Vec<String> = sink
        .offered
        .lock()
        .unwrap()
        .iter()
        .map(|e| e.id().to_owned())
        .collect();
    assert_eq!(offered, ids);
    stop(running, &[&sink]).await;
}
