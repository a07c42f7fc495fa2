//! Bearer-token check for the source (webhook spec 4.1): the token may come as
//! `Authorization: Bearer <token>` or as the `access_token` query parameter, and
//! targets must accept both.

use http::header::AUTHORIZATION;
use http::request::Parts;

use crate::header::{ACCESS_TOKEN_PARAM, BEARER_SCHEME};

/// How a request authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// No token configured, or the `Authorization` header carried it.
    Granted,
    /// The token came in the query; answers should say `Cache-Control: private`.
    GrantedByQuery,
    Denied,
}

/// Checks `request` against the configured token, in constant time per candidate.
pub(crate) fn check(expected: Option<&str>, request: &Parts) -> Access {
    let Some(expected) = expected else {
        return Access::Granted;
    };
    if let Some(token) = header_token(request) {
        if constant_time_eq(token.as_bytes(), expected.as_bytes()) {
            return Access::Granted;
        }
    }
    let query = request.uri.query().unwrap_or("");
    let by_query = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name == ACCESS_TOKEN_PARAM)
        .any(|(_, token)| constant_time_eq(token.as_bytes(), expected.as_bytes()));
    if by_query {
        Access::GrantedByQuery
    } else {
        Access::Denied
    }
}

/// The token of an `Authorization: Bearer <token>` header; the scheme is
/// case-insensitive (RFC 9110 11.1).
fn header_token(request: &Parts) -> Option<&str> {
    let value = request.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case(BEARER_SCHEME)
        .then(|| token.trim_start())
}

/// Compares without an early exit, so the time taken does not tell an attacker
/// how many leading bytes were right. The length still shows, as with any
/// such comparison; a token's length is not the secret.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // black_box keeps the optimiser from turning the fold back into a memcmp.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(uri: &str, authorization: Option<&str>) -> Parts {
        let mut builder = http::Request::post(uri);
        if let Some(value) = authorization {
            builder = builder.header(AUTHORIZATION, value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn no_token_configured_grants_everything() {
        assert_eq!(check(None, &parts("/", None)), Access::Granted);
    }

    #[test]
    fn bearer_header() {
        let token = Some("s3cret");
        assert_eq!(
            check(token, &parts("/", Some("Bearer s3cret"))),
            Access::Granted
        );
        assert_eq!(
            check(token, &parts("/", Some("bearer s3cret"))),
            Access::Granted
        );
        assert_eq!(
            check(token, &parts("/", Some("Bearer wrong"))),
            Access::Denied
        );
        assert_eq!(
            check(token, &parts("/", Some("Basic s3cret"))),
            Access::Denied
        );
        assert_eq!(check(token, &parts("/", Some("s3cret"))), Access::Denied);
        assert_eq!(check(token, &parts("/", None)), Access::Denied);
    }

    #[test]
    fn access_token_query_parameter_is_percent_decoded() {
        let token = Some("a b&c");
        let uri = "/events?x=1&access_token=a%20b%26c";
        assert_eq!(check(token, &parts(uri, None)), Access::GrantedByQuery);
        let wrong = "/events?access_token=a";
        assert_eq!(check(token, &parts(wrong, None)), Access::Denied);
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
