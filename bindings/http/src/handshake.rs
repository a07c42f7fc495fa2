//! The webhook abuse-protection handshake (spec digest 4.3): a sender asks with
//! `OPTIONS` and `WebHook-Request-Origin` whether the target wants its traffic.
//!
//! The handshake is consent, not authentication: it does not require the
//! source's `auth_token` (senders run it before they are configured with one),
//! and it grants nothing a POST without the token could use.
//!
//! `allowed_origins` absent: no consent headers. A list containing `*`: any
//! origin, answered `WebHook-Allowed-Origin: *`. Otherwise the requested origin
//! is echoed only when listed exactly. A request without `WebHook-Request-Origin`
//! is not a handshake and gets no consent headers. With consent,
//! `WebHook-Allowed-Rate` echoes a positive integer `WebHook-Request-Rate`, else
//! grants `*` (ferry does not rate-limit). Callback grants are not used.

use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::header::{
    WEBHOOK_ALLOWED_ORIGIN, WEBHOOK_ALLOWED_RATE, WEBHOOK_REQUEST_ORIGIN, WEBHOOK_REQUEST_RATE,
    WILDCARD,
};

/// The consent headers to answer a handshake request with; empty for no consent.
pub(crate) fn consent(
    allowed_origins: Option<&[String]>,
    request: &HeaderMap,
) -> Vec<(HeaderName, HeaderValue)> {
    let (Some(allowed), Some(origin)) = (allowed_origins, request.get(WEBHOOK_REQUEST_ORIGIN))
    else {
        return Vec::new();
    };
    let granted = if allowed.iter().any(|o| o == "*") {
        WILDCARD
    } else if allowed.iter().any(|o| o.as_bytes() == origin.as_bytes()) {
        origin.clone()
    } else {
        return Vec::new();
    };
    vec![
        (WEBHOOK_ALLOWED_ORIGIN, granted),
        (WEBHOOK_ALLOWED_RATE, allowed_rate(request)),
    ]
}

/// The requested rate when it is a positive integer (per minute), else `*`.
fn allowed_rate(request: &HeaderMap) -> HeaderValue {
    request
        .get(WEBHOOK_REQUEST_RATE)
        .filter(|rate| {
            rate.to_str()
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .is_some_and(|n| n > 0)
        })
        .cloned()
        .unwrap_or(WILDCARD)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(origin: Option<&str>, rate: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(origin) = origin {
            headers.insert(
                WEBHOOK_REQUEST_ORIGIN,
                HeaderValue::from_str(origin).unwrap(),
            );
        }
        if let Some(rate) = rate {
            headers.insert(WEBHOOK_REQUEST_RATE, HeaderValue::from_str(rate).unwrap());
        }
        headers
    }

    fn answer(allowed: Option<&[&str]>, request: &HeaderMap) -> Vec<(String, String)> {
        let allowed: Option<Vec<String>> =
            allowed.map(|a| a.iter().map(|s| s.to_string()).collect());
        consent(allowed.as_deref(), request)
            .into_iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
            .collect()
    }

    fn pair(name: &str, value: &str) -> (String, String) {
        (name.to_owned(), value.to_owned())
    }

    #[test]
    fn absent_config_gives_no_consent() {
        assert!(answer(None, &request(Some("a.example"), None)).is_empty());
    }

    #[test]
    fn wildcard_consents_with_star() {
        let got = answer(Some(&["*"]), &request(Some("a.example"), Some("120")));
        assert_eq!(
            got,
            [
                pair("webhook-allowed-origin", "*"),
                pair("webhook-allowed-rate", "120")
            ]
        );
    }

    #[test]
    fn listed_origin_is_echoed_exactly() {
        let allowed: &[&str] = &["a.example", "b.example"];
        let got = answer(Some(allowed), &request(Some("b.example"), None));
        assert_eq!(
            got,
            [
                pair("webhook-allowed-origin", "b.example"),
                pair("webhook-allowed-rate", "*")
            ]
        );
        assert!(answer(Some(allowed), &request(Some("c.example"), None)).is_empty());
        assert!(answer(Some(allowed), &request(Some("a.example.evil"), None)).is_empty());
    }

    #[test]
    fn bad_rates_are_answered_with_star() {
        for rate in ["0", "-5", "1.5", "lots"] {
            let got = answer(Some(&["*"]), &request(Some("a.example"), Some(rate)));
            assert_eq!(got[1], pair("webhook-allowed-rate", "*"), "{rate}");
        }
    }

    #[test]
    fn no_origin_is_not_a_handshake() {
        assert!(answer(Some(&["*"]), &request(None, Some("10"))).is_empty());
    }
}
