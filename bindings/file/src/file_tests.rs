//! Tests of the file sink against real files in a temporary directory.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use ferry_core::{json, Sink};

use crate::test_support::{envelope, event};
use crate::{FileSink, FileSinkConfig, FileSinkError};

fn config(path: &Path) -> FileSinkConfig {
    FileSinkConfig {
        path: path.to_owned(),
    }
}

/// The line the sink writes for the event with this id.
fn line(id: &str) -> Vec<u8> {
    let mut line = json::encode(&event(id));
    line.push(b'\n');
    line
}

fn lines(content: &[u8]) -> Vec<Vec<u8>> {
    content
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

#[tokio::test]
async fn open_repairs_a_torn_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.jsonl");
    fs::write(&path, b"{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":").unwrap();

    let sink = FileSink::open(config(&path)).unwrap();
    assert_eq!(
        fs::read(&path).unwrap(),
        b"{\"id\":\"1\"}\n{\"id\":\"2\"}\n"
    );

    // The next event starts on a line of its own.
    sink.send(&envelope("3")).await.unwrap();
    sink.close().await;
    let mut expected = b"{\"id\":\"1\"}\n{\"id\":\"2\"}\n".to_vec();
    expected.extend_from_slice(&line("3"));
    assert_eq!(fs::read(&path).unwrap(), expected);
}

#[tokio::test]
async fn open_leaves_a_whole_file_untouched_and_appends() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.jsonl");
    let before = b"{\"id\":\"1\"}\n{\"id\":\"2\"}\n".to_vec();
    fs::write(&path, &before).unwrap();

    let sink = FileSink::open(config(&path)).unwrap();
    assert_eq!(fs::read(&path).unwrap(), before);

    sink.send(&envelope("3")).await.unwrap();
    sink.close().await;
    let mut expected = before;
    expected.extend_from_slice(&line("3"));
    assert_eq!(fs::read(&path).unwrap(), expected);
}

#[tokio::test]
async fn open_creates_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.jsonl");
    let sink = FileSink::open(config(&path)).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"");
    sink.send(&envelope("1")).await.unwrap();
    sink.close().await;
    assert_eq!(fs::read(&path).unwrap(), line("1"));
}

#[test]
fn open_fails_when_the_directory_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("events.jsonl");
    let err = FileSink::open(config(&path)).err().unwrap();
    assert!(
        matches!(err, FileSinkError::MissingParent { .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("no-such-dir"), "{message}");
    assert!(message.contains("does not exist"), "{message}");
    assert!(!path.exists());
}

#[test]
fn open_fails_when_the_path_is_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let err = FileSink::open(config(dir.path())).err().unwrap();
    assert!(matches!(err, FileSinkError::Open { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sends_append_exactly_one_whole_line_each() {
    const SENDS: usize = 100;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.jsonl");
    let sink = Arc::new(FileSink::open(config(&path)).unwrap());

    let sends: Vec<_> = (0..SENDS)
        .map(|i| {
            let sink = Arc::clone(&sink);
            tokio::spawn(async move { sink.send(&envelope(&i.to_string())).await })
        })
        .collect();
    for send in sends {
        assert!(send.await.unwrap().unwrap().is_none());
    }
    sink.close().await;

    let content = fs::read(&path).unwrap();
    assert!(content.ends_with(b"\n"));
    let mut written = lines(&content);
    let mut expected: Vec<_> = (0..SENDS).map(|i| line(&i.to_string())).collect();
    written.sort();
    expected.sort();
    assert_eq!(written, expected);
    assert!(sink.sync_count() <= SENDS as u64);
}

#[tokio::test]
async fn a_batch_of_concurrent_sends_is_confirmed_after_one_sync() {
    const SENDS: usize = 10;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.jsonl");
    let (sink, unstarted) = FileSink::open_unstarted(config(&path)).unwrap();
    let sink = Arc::new(sink);

    // Every send queues its line before the writer runs, so its first batch
    // holds them all.
    let sends: Vec<_> = (0..SENDS)
        .map(|i| {
            let sink = Arc::clone(&sink);
            tokio::spawn(async move { sink.send(&envelope(&i.to_string())).await })
        })
        .collect();
    while sink.queued() < SENDS {
        tokio::task::yield_now().await;
    }
    assert_eq!(sink.sync_count(), 0);
    unstarted.start().unwrap();

    for send in sends {
        send.await.unwrap().unwrap();
    }
    assert_eq!(sink.sync_count(), 1);
    assert_eq!(lines(&fs::read(&path).unwrap()).len(), SENDS);
    sink.close().await;
}

#[tokio::test]
async fn sequential_sends_keep_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.jsonl");
    let sink = FileSink::open(config(&path)).unwrap();
    for id in ["a", "b", "c"] {
        sink.send(&envelope(id)).await.unwrap();
    }
    sink.close().await;
    assert_eq!(
        lines(&fs::read(&path).unwrap()),
        vec![line("a"), line("b"), line("c")]
    );
    assert_eq!(sink.sync_count(), 3);
}

#[tokio::test]
async fn sends_after_close_fail_transiently() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.jsonl");
    let sink = FileSink::open(config(&path)).unwrap();
    sink.close().await;
    let err = sink.send(&envelope("1")).await.unwrap_err();
    assert!(err.is_transient());
    assert!(err.to_string().contains("closed"), "{err}");
    sink.close().await;
}
