//! JSON structured-mode decode + encode of a ~1 KiB event (JSON data), ferry and
//! the official `cloudevents-sdk` side by side on the same input bytes.
//!
//! Run: `cargo bench -p ferry-core --bench json`

use std::hint::black_box;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// A realistic telemetry event: every core attribute, three extensions and a
/// JSON object as data, padded to 1 KiB in total.
fn input() -> Bytes {
    let head = r#"{"specversion":"1.0","id":"b6f4a2e0-5c1d-4e8f-9a3b-2d7c6e1f0a94","source":"mqtt://sensors/building-7/floor-3/room-12/telemetry","type":"com.example.iot.telemetry.v1","datacontenttype":"application/json","dataschema":"https://schemas.example.com/iot/telemetry/v1.json","subject":"room-12","time":"2024-05-17T09:41:27.123456+02:00","partitionkey":"building-7","sequence":4711,"sampled":true,"data":{"deviceId":"th-sensor-0042","firmware":"2.14.3","readings":["#;
    let mut text = String::from(head);
    let mut i = 0;
    while text.len() < 1024 - 40 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"{{"t":{},"c":{}.{},"h":{}}}"#,
            1_715_931_687 + i,
            21 + i % 3,
            i % 10,
            40 + i % 7
        ));
        i += 1;
    }
    text.push_str(r#"],"battery":0.87,"ok":true}}"#);
    Bytes::from(text)
}

fn bench(c: &mut Criterion) {
    let input = input();
    // Both implementations must accept the input and agree on it before timing.
    let ours = ferry_core::json::decode(input.clone()).expect("ferry decodes the bench input");
    let sdk: cloudevents::Event =
        serde_json::from_slice(&input).expect("cloudevents-sdk decodes the bench input");
    assert_eq!(ours.id(), cloudevents::AttributesReader::id(&sdk));

    let mut group = c.benchmark_group("json_1KiB_decode_encode");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("ferry", |b| {
        b.iter(|| {
            let event = ferry_core::json::decode(black_box(input.clone())).ok();
            black_box(event.map(|e| ferry_core::json::encode(&e)))
        })
    });
    group.bench_function("cloudevents-sdk", |b| {
        b.iter(|| {
            let event: Option<cloudevents::Event> = serde_json::from_slice(black_box(&input)).ok();
            black_box(event.and_then(|e| serde_json::to_vec(&e).ok()))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
