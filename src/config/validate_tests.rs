//! Validation of whole configs: what is accepted, and the exact message of each
//! problem.

use super::*;
use crate::registry::SinkSettings;
use crate::route::Filter;

const VALID: &str = r#"
[admin]
listen = "127.0.0.1:9601"

[runtime]
channel_capacity = 8

[sources.webhook]
binding = "http"
listen = "127.0.0.1:8080"
dead_letter = "dlq"

[sinks.printer]
binding = "stdout"

[sinks.hook]
binding = "http"
url = "http://127.0.0.1:9000/in"
headers = { "Authorization" = "Bearer t" }
retry = { attempts = 3, initial_backoff_ms = 50, max_backoff_ms = 1000 }
max_in_flight = 1

[sinks.dlq]
binding = "file"
path = "dead-letter.jsonl"

[[routes]]
name = "all"
from = ["webhook"]
to = ["printer", "hook"]
dead_letter = "dlq"

[[routes]]
from = ["webhook"]
filter = { all = [ { exact = { type = "order.created" } }, { not = { suffix = { source = "/test" } } } ] }
to = ["hook"]
"#;

fn load(text: &str) -> Result<Config, ConfigErrors> {
    load_str_with(text, Format::Toml, |_: &str| Ok(None))
}

fn problems(text: &str) -> Vec<String> {
    match load(text) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn accepts_a_full_config() {
    let config = load(VALID).unwrap();
    assert_eq!(config.admin.listen.port(), 9601);
    assert_eq!(config.runtime.channel_capacity, 8);
    assert_eq!(
        config.runtime.max_hops, 16,
        "unset keys keep their defaults"
    );
    assert_eq!(
        config.sources["webhook"].dead_letter.as_deref(),
        Some("dlq")
    );
    let hook = &config.sinks["hook"];
    assert_eq!((hook.retry.attempts, hook.max_in_flight), (3, 1));
    match &hook.settings {
        SinkSettings::Http(http) => assert_eq!(http.headers["Authorization"], "Bearer t"),
        other => panic!("wrong settings {other:?}"),
    }
    assert_eq!(config.sinks["printer"].retry, RetryConfig::default());
    assert_eq!(config.routes.len(), 2);
    assert_eq!(config.routes[0].display_name(0), "all");
    assert_eq!(config.routes[1].display_name(1), "route-2");
    assert!(matches!(config.routes[1].filter, Some(Filter::All(ref f)) if f.len() == 2));
}

#[test]
fn empty_config_is_valid_with_defaults() {
    let config = load("").unwrap();
    assert_eq!(config.admin.listen.to_string(), "127.0.0.1:9600");
    assert!(config.sources.is_empty() && config.sinks.is_empty() && config.routes.is_empty());
}

#[test]
fn reports_all_problems_of_the_brief_together() {
    let text = r#"
[sources.web]
binding = "http"
lisen = "127.0.0.1:8080"

[sinks.hook]
binding = "http"

[[routes]]
from = ["web"]
filter = { regex = "x" }
to = ["hook"]

[[routes]]
from = ["web"]
to = ["nope"]
"#;
    assert_eq!(
        problems(text),
        [
            "[sources.web] unknown key `lisen` (did you mean `listen`?)",
            "[sinks.hook] url: missing field",
            "[routes.1] filter: unknown dialect `regex` (expected one of exact, prefix, suffix, all, any, not, sql)",
            "[routes.2] to: unknown sink `nope` (declared sinks: hook)",
        ]
    );
}

#[test]
fn top_level_admin_and_runtime_problems() {
    let text = "sink = 1\nfoo = 2\n[admin]\nlisten = \"nowhere\"\n[runtime]\nchannel_capacity = 0\nmax_hop = 3\n";
    assert_eq!(
        problems(text),
        [
            "unknown top-level key `foo` (expected one of admin, runtime, sources, sinks, routes)",
            "unknown top-level key `sink` (did you mean `sinks`?)",
            "[admin] listen: invalid socket address syntax",
            "[runtime] unknown key `max_hop` (did you mean `max_hops`?)",
            "[runtime] channel_capacity: must be at least 1",
        ]
    );
}

#[test]
fn source_and_sink_table_problems() {
    use crate::registry::{ALL_SINK_BINDINGS, SINK_BINDINGS};
    // A real binding this build leaves out (there is none in a build with every
    // binding feature; `kafka` then stands in and is simply known).
    let missing = ALL_SINK_BINDINGS
        .iter()
        .find(|(name, _)| !SINK_BINDINGS.contains(name))
        .copied();
    let (left_out, left_out_problem) = match missing {
        Some((name, feature)) => (
            name,
            format!(
                "[sinks.k] binding: binding `{name}` is not available here (this build was \
                 compiled without the `{feature}` feature)"
            ),
        ),
        None => ("kafka", "[sinks.k] brokers: missing field".to_owned()),
    };
    let text = format!(
        r#"
sources = {{ a = 1 }}
[sinks.k]
binding = "{left_out}"
[sinks.m]
binding = "stdot"
[sinks.n]
url = "x"
[sinks.o]
binding = "http"
url = "http://x"
mode = "binry"
timeout_ms = "5s"
retry = {{ attempts = 0, initial_backoff_ms = 0, max_backof_ms = 1 }}
max_in_flight = 0
"#
    );
    let known = SINK_BINDINGS.join(", ");
    assert_eq!(
        problems(&text),
        [
            "[sources.a] expected a table, found a number".to_owned(),
            left_out_problem,
            format!(
                "[sinks.m] binding: unknown binding `stdot` (did you mean `stdout`? this build \
                 knows: {known})"
            ),
            "[sinks.n] binding: missing field".to_owned(),
            "[sinks.o] retry: unknown key `max_backof_ms` (did you mean `max_backoff_ms`?)"
                .to_owned(),
            "[sinks.o] mode: unknown value `binry` (expected one of binary, structured)".to_owned(),
            "[sinks.o] timeout_ms: expected a non-negative integer, found string \"5s\"".to_owned(),
        ]
    );
}

#[test]
fn retry_and_in_flight_bounds() {
    let text = r#"
[sinks.o]
binding = "stdout"
retry = { attempts = 0, initial_backoff_ms = 0 }
max_in_flight = 0
[sinks.p]
binding = "stdout"
retry = { initial_backoff_ms = 500, max_backoff_ms = 100 }
"#;
    assert_eq!(
        problems(text),
        [
            "[sinks.o] retry.attempts: must be at least 1 (it counts the first try)",
            "[sinks.o] retry.initial_backoff_ms: must be greater than 0",
            "[sinks.o] max_in_flight: must be at least 1",
            "[sinks.p] retry.max_backoff_ms: must be at least retry.initial_backoff_ms (500)",
        ]
    );
}

#[test]
fn route_references_and_names() {
    let text = r#"
[sources.web]
binding = "http"
listen = "127.0.0.1:1"
dead_letter = "dlx"
[sinks.out]
binding = "stdout"
[sinks.broken]
binding = "http"
[[routes]]
name = "a"
from = []
to = []
[[routes]]
name = "a"
from = ["wbe", "web", "web"]
to = ["out", "broken", "gone", "gone"]
dead_letter = "dlq"
[[routes]]
from = ["web"]
to = ["out"]
extra = 1
[[routes]]
name = "route-3"
from = ["web"]
to = ["out"]
"#;
    assert_eq!(
        problems(text),
        [
            "[sinks.broken] url: missing field",
            "[routes.3] unknown key `extra` (expected one of dead_letter, filter, from, name, to)",
            "[sources.web] dead_letter: unknown sink `dlx` (declared sinks: broken, out)",
            "[routes.1] from: must name at least one source",
            "[routes.1] to: must name at least one sink",
            "[routes.2] from: `web` is listed twice",
            "[routes.2] to: `gone` is listed twice",
            "[routes.2] from: unknown source `wbe` (did you mean `web`?)",
            "[routes.2] to: unknown sink `gone` (declared sinks: broken, out)",
            "[routes.2] dead_letter: unknown sink `dlq` (declared sinks: broken, out)",
            "[routes.2] name: `a` is already the name of routes.1",
            "[routes.4] name: `route-3` is already the name of routes.3",
        ]
    );
}

#[test]
fn route_shapes() {
    let cases = [
        ("routes = 1", "[routes] expected a list of routes ([[routes]] in TOML), found a number"),
        ("routes = [1]", "[routes.1] expected a table, found a number"),
        ("[[routes]]\nto = [\"x\"]\n", "[routes.1] from: missing field"),
        (
            "[[routes]]\nfrom = \"web\"\nto = []\n",
            "[routes.1] from: expected a list, found string \"web\"",
        ),
        (
            "[[routes]]\nfrom = []\nto = []\nfilter = { exact = { Type = \"x\" } }\n",
            "[routes.1] filter.exact: `Type` is not a valid attribute name (lowercase letters a-z and digits 0-9 only)",
        ),
        (
            "[[routes]]\nfrom = []\nto = []\nfilter = { sql = \"type = 'x'\" }\n",
            "[routes.1] filter: the sql dialect is not supported yet",
        ),
    ];
    for (text, want) in cases {
        let got = problems(text);
        assert!(got.iter().any(|p| p == want), "{text:?}: {got:#?}");
    }
    let known = crate::registry::SOURCE_BINDINGS.join(", ");
    assert_eq!(
        problems("[sources.\"my web\"]\nbinding = \"nats2\"\n"),
        [format!(
            "[sources.\"my web\"] binding: unknown binding `nats2` (this build knows: {known})"
        )]
    );
}

#[test]
fn substitution_feeds_validation() {
    let text = "[sources.web]\nbinding = \"http\"\nlisten = \"127.0.0.1:${PORT:-8080}\"\n\
                auth_token = \"${TOKEN}\"\n";
    let lookup = |name: &str| Ok((name == "TOKEN").then(|| "t0k".to_string()));
    let config = load_str_with(text, Format::Toml, lookup).unwrap();
    match &config.sources["web"].settings {
        crate::registry::SourceSettings::Http(http) => {
            assert_eq!(http.listen.port(), 8080);
            assert_eq!(http.auth_token.as_deref(), Some("t0k"));
        }
        #[allow(unreachable_patterns)] // only HTTP in a build without other bindings
        other => panic!("expected an HTTP source, got {other:?}"),
    }
    assert_eq!(
        problems(text),
        ["line 4: environment variable `TOKEN` is not set (write ${TOKEN:-default} to give it a default)"]
    );
}

#[test]
fn yaml_and_json_validate_alike() {
    let yaml = "sources:\n  web:\n    binding: http\n    lisen: \"127.0.0.1:1\"\n";
    let json = r#"{"sources": {"web": {"binding": "http", "lisen": "127.0.0.1:1"}}}"#;
    for (text, format) in [(yaml, Format::Yaml), (json, Format::Json)] {
        let errors = load_str_with(text, format, |_: &str| Ok(None)).unwrap_err();
        let got: Vec<String> = errors.into_iter().map(|p| p.to_string()).collect();
        assert_eq!(
            got,
            ["[sources.web] unknown key `lisen` (did you mean `listen`?)",],
            "{format:?}"
        );
    }
}
