//! Input that is not a valid event, wrapped for a source's dead letter as a
//! `dev.ferry.invalid` event carrying the original bytes and the reason.

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use ferry_core::event::{attr, AttrInput, SPECVERSION};
use ferry_core::{Data, DataForm, Event, EventBuilder, EventError};

use super::dead_letter::{extension_text, DEADLETTERREASON};

/// The type of the event that carries invalid input.
pub const INVALID_TYPE: &str = "dev.ferry.invalid";
/// Extension naming the source the input arrived on.
pub const DEADLETTERSOURCE: &str = "deadlettersource";
/// The original bytes are opaque: they did not parse as what they claimed to be.
const OCTET_STREAM: &str = "application/octet-stream";

/// Wraps `payload` from source `source` with the reason it was refused.
pub fn invalid_event(source: &str, payload: Bytes, reason: &str) -> Result<Event, EventError> {
    let attributes = [
        (attr::SPECVERSION, SPECVERSION.to_owned()),
        (attr::ID, uuid::Uuid::now_v7().to_string()),
        (attr::SOURCE, format!("ferry://sources/{source}")),
        (attr::TYPE, INVALID_TYPE.to_owned()),
        (attr::TIME, rfc3339(SystemTime::now())),
        (attr::DATACONTENTTYPE, OCTET_STREAM.to_owned()),
        (DEADLETTERSOURCE, source.to_owned()),
        (DEADLETTERREASON, extension_text(reason)),
    ];
    let mut builder = EventBuilder::new();
    for (name, value) in attributes {
        builder.attribute(name, AttrInput::String(value.into()))?;
    }
    // Binary form: written as `data_base64`, byte-exact whatever the input was.
    builder.data(Data::new(payload, DataForm::Binary));
    builder.build()
}

/// `t` as an RFC 3339 UTC timestamp with microseconds.
fn rfc3339(t: SystemTime) -> String {
    // A clock before 1970 is broken; the epoch is as good a stamp as any then.
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (year, month, day) = civil_from_days(secs / 86_400);
    let (h, m, s) = (secs % 86_400 / 3_600, secs % 3_600 / 60, secs % 60);
    let micros = since.subsec_micros();
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{micros:06}Z")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm),
/// so ferry needs no date crate for one timestamp.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_core::AttrRef;
    use std::time::Duration;

    #[test]
    fn formats_rfc3339() {
        let at = |ms| rfc3339(UNIX_EPOCH + Duration::from_millis(ms));
        assert_eq!(at(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(at(946_684_799_000), "1999-12-31T23:59:59.000000Z");
        assert_eq!(at(1_709_210_096_789), "2024-02-29T12:34:56.789000Z");
    }

    #[test]
    fn wraps_bytes_and_reason() {
        let payload = Bytes::from_static(b"\xffnot json");
        let event = invalid_event("devices", payload.clone(), "invalid JSON").unwrap();
        assert_eq!(event.ty(), INVALID_TYPE);
        assert_eq!(event.source(), "ferry://sources/devices");
        assert_eq!(
            uuid::Uuid::parse_str(event.id()).unwrap().get_version_num(),
            7
        );
        let data = event.data().unwrap();
        assert_eq!((data.bytes(), data.form()), (&payload, DataForm::Binary));
        let ext = |n| event.attribute(n);
        assert_eq!(ext(DEADLETTERSOURCE), Some(AttrRef::String("devices")));
        assert_eq!(ext(DEADLETTERREASON), Some(AttrRef::String("invalid JSON")));
        assert!(event.time().unwrap().ends_with('Z'));
    }
}
