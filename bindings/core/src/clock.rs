//! Wall-clock values ferry writes into events it creates (`time` of wrapped and
//! invalid-input events, ids where the protocol gives no position).

use std::time::SystemTime;

/// Now, as an RFC 3339 UTC timestamp with microseconds (`2024-02-29T12:34:56.789000Z`).
pub fn now_rfc3339() -> String {
    rfc3339(SystemTime::now())
}

/// `t` as an RFC 3339 UTC timestamp with microseconds.
pub fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_micros(t).to_string()
}

/// A new time-ordered unique id (UUIDv7), for events whose protocol gives no
/// position to derive a stable id from.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn formats_rfc3339_utc_with_micros() {
        let at = |ms| rfc3339(UNIX_EPOCH + Duration::from_millis(ms));
        assert_eq!(at(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(at(946_684_799_000), "1999-12-31T23:59:59.000000Z");
        assert_eq!(at(1_709_210_096_789), "2024-02-29T12:34:56.789000Z");
    }

    #[test]
    fn ids_are_uuid_v7() {
        let id = new_id();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "7");
    }
}
