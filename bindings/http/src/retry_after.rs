//! `Retry-After` on a sink's 429/5xx answer (RFC 9110 10.2.3): delta-seconds or
//! an HTTP-date. Capped, so a peer cannot park a sink for hours.

use std::time::{Duration, SystemTime};

use http::header::{HeaderMap, RETRY_AFTER};

/// The longest wait a peer's `Retry-After` can ask for.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// The wait the response asks for, capped at [`MAX_RETRY_AFTER`]; `None` when
/// absent or unreadable. A date in the past means "now".
pub(crate) fn parse(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let delay = match text.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at = httpdate::parse_http_date(text).ok()?;
            at.duration_since(now).unwrap_or(Duration::ZERO)
        }
    };
    Some(delay.min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::HeaderValue;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn delta_seconds() {
        let now = SystemTime::now();
        assert_eq!(parse(&with("120"), now), Some(Duration::from_secs(120)));
        assert_eq!(parse(&with("0"), now), Some(Duration::ZERO));
        assert_eq!(parse(&with("86400"), now), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn http_date() {
        // Sun, 06 Nov 1994 08:49:37 GMT is the RFC's example date.
        let at = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        let now = at - Duration::from_secs(30);
        let headers = with("Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse(&headers, now), Some(Duration::from_secs(30)));
        assert_eq!(
            parse(&headers, at + Duration::from_secs(5)),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse(&headers, at - Duration::from_secs(3600)),
            Some(MAX_RETRY_AFTER)
        );
    }

    #[test]
    fn absent_or_garbage() {
        assert_eq!(parse(&HeaderMap::new(), SystemTime::now()), None);
        assert_eq!(parse(&with("soon"), SystemTime::now()), None);
        assert_eq!(parse(&with("-5"), SystemTime::now()), None);
    }
}
