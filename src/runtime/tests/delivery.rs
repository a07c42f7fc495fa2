//! Outcomes: fan-out, retries, dead letters, filtering, invalid input.

use std::sync::Arc;

use ferry_core::{AttrRef, DataForm, Outcome};

use super::fakes::{FakeSink, Step};
use super::*;

#[tokio::test]
async fn fan_out_shares_the_event_and_takes_the_worst_outcome() {
    let (a, b, dlq) = (
        FakeSink::always(Step::Ok),
        FakeSink::always(Step::Permanent),
        FakeSink::always(Step::Ok),
    );
    let mut setup = Setup::new(vec![route("r1", "s", &["a", "b"], Some("dlq"))])
        .sink("a", a.clone())
        .sink("b", b.clone())
        .sink("dlq", dlq.clone());
    let original = Arc::new(event("e1"));
    let envelope = Envelope {
        event: original.clone(),
        source: "s".into(),
        context: Arc::new(ProtocolContext::new()),
    };
    let outcomes = setup.source("s", None, vec![Submission::Event(envelope)]);
    let running = setup.start().await;

    assert_eq!(outcomes.await.unwrap(), [Outcome::DeadLettered]);
    assert!(Arc::ptr_eq(&a.confirmed()[0], &original));
    assert!(Arc::ptr_eq(&b.offered.lock().unwrap()[0], &original));
    assert_eq!(b.sends(), 1, "a permanent failure is not retried");
    let dead = &dlq.confirmed()[0];
    assert_eq!(dead.attribute("deadlettersink"), Some(AttrRef::String("b")));
    assert_eq!(
        dead.attribute("deadletterroute"),
        Some(AttrRef::String("r1"))
    );
    assert_eq!(
        dead.attribute("deadletterreason"),
        Some(AttrRef::String("400 nope"))
    );
    assert_eq!((dead.id(), dead.source(), dead.ty()), ("e1", "/test", "t"));
    let totals = stop(running, &[&a, &b, &dlq]).await;
    assert_eq!((totals.received, totals.dead_lettered), (1, 1));
}

#[tokio::test(start_paused = true)]
async fn transient_twice_then_ok_is_delivered_on_the_third_send() {
    let hook = FakeSink::new(vec![Step::Transient, Step::Transient], Step::Ok);
    let mut setup = Setup::new(vec![route("r", "s", &["hook"], None)]).sink("hook", hook.clone());
    let outcomes = setup.source("s", None, vec![submit("s", "e1")]);
    let running = setup.start().await;

    assert_eq!(outcomes.await.unwrap(), [Outcome::Delivered]);
    assert_eq!(hook.sends(), 3);
    let text = running.metrics_text();
    assert!(
        text.contains(r#"ferry_sink_copies_total{sink="hook",result="retried"} 2"#),
        "{text}"
    );
    assert!(text.contains(r#"ferry_sink_copies_total{sink="hook",result="delivered"} 1"#));
    assert!(text.contains(r#"ferry_sink_delivery_seconds_count{sink="hook"} 1"#));
    stop(running, &[&hook]).await;
}

#[tokio::test(start_paused = true)]
async fn exhausted_retries_without_dead_letter_mean_retry() {
    let hook = FakeSink::always(Step::Transient);
    let mut setup = Setup::new(vec![route("r", "s", &["hook"], None)]).sink_with(
        "hook",
        hook.clone(),
        retry(3),
        64,
    );
    let outcomes = setup.source("s", None, vec![submit("s", "e1")]);
    let running = setup.start().await;

    assert_eq!(outcomes.await.unwrap(), [Outcome::Retry]);
    assert_eq!(hook.sends(), 3, "attempts count the first try");
    let text = running.metrics_text();
    assert!(text.contains(r#"ferry_sink_copies_total{sink="hook",result="failed"} 1"#));
    assert_eq!(stop(running, &[&hook]).await.retry, 1);
}

#[tokio::test(start_paused = true)]
async fn a_failing_dead_letter_means_retry() {
    let (hook, dlq) = (
        FakeSink::always(Step::Permanent),
        FakeSink::always(Step::Transient),
    );
    let mut setup = Setup::new(vec![route("r", "s", &["hook"], Some("dlq"))])
        .sink("hook", hook.clone())
        .sink_with("dlq", dlq.clone(), retry(2), 64);
    let outcomes = setup.source("s", None, vec![submit("s", "e1")]);
    let running = setup.start().await;

    assert_eq!(outcomes.await.unwrap(), [Outcome::Retry]);
    assert_eq!(dlq.sends(), 2, "the dead letter uses its own retry policy");
    stop(running, &[&hook, &dlq]).await;
}

#[tokio::test]
async fn no_route_means_filtered() {
    let hook = FakeSink::always(Step::Ok);
    let mut setup =
        Setup::new(vec![route("r", "other", &["hook"], None)]).sink("hook", hook.clone());
    let outcomes = setup.source("s", None, vec![submit("s", "e1")]);
    let _other = setup.source("other", None, vec![]);
    let running = setup.start().await;

    assert_eq!(outcomes.await.unwrap(), [Outcome::Filtered]);
    assert_eq!(hook.sends(), 0);
    stop(running, &[&hook]).await;
}

#[tokio::test]
async fn the_same_sink_in_two_routes_gets_one_copy_per_route() {
    let hook = FakeSink::always(Step::Ok);
    let routes = vec![
        route("r1", "s", &["hook"], None),
        route("r2", "s", &["hook"], None),
    ];
    let mut setup = Setup::new(routes).sink("hook", hook.clone());
    let outcomes = setup.source("s", None, vec![submit("s", "e1")]);
    let running = setup.start().await;

    assert_eq!(outcomes.await.unwrap(), [Outcome::Delivered]);
    assert_eq!(hook.confirmed().len(), 2);
    let text = running.metrics_text();
    assert!(
        text.contains(r#"ferry_route_events_total{route="r1"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"ferry_route_events_total{route="r2"} 1"#));
    stop(running, &[&hook]).await;
}

#[tokio::test]
async fn invalid_input_goes_to_the_source_dead_letter() {
    let dlq = FakeSink::always(Step::Ok);
    let mut setup = Setup::new(vec![]).sink("dlq", dlq.clone());
    let script = vec![invalid(b"\x00{not json", "invalid JSON: eof")];
    let outcomes = setup.source("devices", Some("dlq"), script);
    let running = setup.start().await;

    assert_eq!(outcomes.await.unwrap(), [Outcome::Invalid]);
    let wrapped = &dlq.confirmed()[0];
    assert_eq!(wrapped.ty(), "dev.ferry.invalid");
    assert_eq!(wrapped.source(), "ferry://sources/devices");
    let data = wrapped.data().unwrap();
    assert_eq!(&data.bytes()[..], b"\x00{not json");
    assert_eq!(data.form(), DataForm::Binary);
    let ext = |name| wrapped.attribute(name);
    assert_eq!(ext("deadlettersource"), Some(AttrRef::String("devices")));
    assert_eq!(
        ext("deadletterreason"),
        Some(AttrRef::String("invalid JSON: eof"))
    );
    assert_eq!(stop(running, &[&dlq]).await.invalid, 1);
}

#[tokio::test]
async fn invalid_input_without_dead_letter_is_counted() {
    let hook = FakeSink::always(Step::Ok);
    let mut setup = Setup::new(vec![route("r", "s", &["hook"], None)]).sink("hook", hook.clone());
    let outcomes = setup.source("s", None, vec![invalid(b"?", "not an event")]);
    let running = setup.start().await;

    assert_eq!(outcomes.await.unwrap(), [Outcome::Invalid]);
    assert_eq!(hook.sends(), 0);
    assert_eq!(stop(running, &[&hook]).await.invalid, 1);
}

#[tokio::test(start_paused = true)]
async fn invalid_input_with_a_failing_dead_letter_means_retry() {
    let dlq = FakeSink::always(Step::Transient);
    let mut setup = Setup::new(vec![]).sink_with("dlq", dlq.clone(), retry(2), 64);
    let outcomes = setup.source("s", Some("dlq"), vec![invalid(b"?", "bad")]);
    let running = setup.start().await;

    assert_eq!(outcomes.await.unwrap(), [Outcome::Retry]);
    stop(running, &[&dlq]).await;
}

#[tokio::test]
async fn a_panicking_sink_means_retry_not_loss() {
    let hook = FakeSink::always(Step::Panic);
    let mut setup = Setup::new(vec![route("r", "s", &["hook"], None)]).sink("hook", hook.clone());
    let outcomes = setup.source("s", None, vec![submit("s", "e1")]);
    let running = setup.start().await;

    assert_eq!(outcomes.await.unwrap(), [Outcome::Retry]);
    assert_eq!(stop(running, &[&hook]).await.retry, 1);
}
