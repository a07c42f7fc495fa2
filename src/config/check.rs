//! Checks across tables and on values serde cannot judge: references between
//! routes, sources and sinks, unique route names, and numeric bounds.

use std::collections::{BTreeMap, BTreeSet};

use super::error::Problem;
use super::model::{RetryConfig, RouteConfig};
use super::suggest::did_you_mean;
use super::validate::{table_name, Parsed};

/// Every problem across the parsed tables.
pub(super) fn check(parsed: &Parsed) -> Vec<Problem> {
    let mut problems = Vec::new();
    if parsed.runtime.channel_capacity < 1 {
        problems.push(Problem::key(
            "runtime",
            "channel_capacity",
            "must be at least 1",
        ));
    }
    for (name, source) in &parsed.sources {
        if let Some(dead_letter) = &source.dead_letter {
            let table = table_name("sources", name);
            check_sink_ref(parsed, &table, "dead_letter", dead_letter, &mut problems);
        }
    }
    for (name, sink) in &parsed.sinks {
        let table = table_name("sinks", name);
        check_retry(&table, &sink.retry, &mut problems);
        if sink.max_in_flight < 1 {
            problems.push(Problem::key(&table, "max_in_flight", "must be at least 1"));
        }
    }
    for (index, route) in &parsed.routes {
        check_route(parsed, *index, route, &mut problems);
    }
    check_route_names(&parsed.routes, &mut problems);
    problems
}

fn check_retry(table: &str, retry: &RetryConfig, problems: &mut Vec<Problem>) {
    if retry.attempts < 1 {
        problems.push(Problem::key(
            table,
            "retry.attempts",
            "must be at least 1 (it counts the first try)",
        ));
    }
    if retry.initial_backoff_ms == 0 {
        problems.push(Problem::key(
            table,
            "retry.initial_backoff_ms",
            "must be greater than 0",
        ));
    }
    if retry.max_backoff_ms < retry.initial_backoff_ms {
        problems.push(Problem::key(
            table,
            "retry.max_backoff_ms",
            format!(
                "must be at least retry.initial_backoff_ms ({})",
                retry.initial_backoff_ms
            ),
        ));
    }
}

fn check_route(parsed: &Parsed, index: usize, route: &RouteConfig, problems: &mut Vec<Problem>) {
    let table = format!("routes.{}", index + 1);
    if route.from.is_empty() {
        problems.push(Problem::key(
            &table,
            "from",
            "must name at least one source",
        ));
    }
    if route.to.is_empty() {
        problems.push(Problem::key(&table, "to", "must name at least one sink"));
    }
    for (key, names) in [("from", &route.from), ("to", &route.to)] {
        for duplicate in duplicates(names) {
            problems.push(Problem::key(
                &table,
                key,
                format!("`{duplicate}` is listed twice"),
            ));
        }
    }
    for source in unique(&route.from) {
        if !parsed.source_names.contains(source) {
            let message = unknown_reference("source", source, &parsed.source_names);
            problems.push(Problem::key(&table, "from", message));
        }
    }
    for sink in unique(&route.to) {
        check_sink_ref(parsed, &table, "to", sink, problems);
    }
    if let Some(dead_letter) = &route.dead_letter {
        check_sink_ref(parsed, &table, "dead_letter", dead_letter, problems);
    }
    if route.name.as_deref() == Some("") {
        problems.push(Problem::key(
            &table,
            "name",
            "must not be empty (leave it out for route-<index>)",
        ));
    }
}

fn check_sink_ref(
    parsed: &Parsed,
    table: &str,
    key: &str,
    sink: &str,
    problems: &mut Vec<Problem>,
) {
    if !parsed.sink_names.contains(sink) {
        problems.push(Problem::key(
            table,
            key,
            unknown_reference("sink", sink, &parsed.sink_names),
        ));
    }
}

/// Route names (given, or `route-<index>`) name metrics and log lines: they must
/// be unique.
fn check_route_names(routes: &[(usize, RouteConfig)], problems: &mut Vec<Problem>) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, route) in routes {
        let name = route.display_name(*index);
        if let Some(first) = seen.get(&name) {
            problems.push(Problem::key(
                format!("routes.{}", index + 1),
                "name",
                format!("`{name}` is already the name of routes.{}", first + 1),
            ));
        } else {
            seen.insert(name, *index);
        }
    }
}

/// `unknown sink `nope` (did you mean `hook`?)`, or the declared names.
fn unknown_reference(noun: &str, name: &str, declared: &BTreeSet<String>) -> String {
    let names: Vec<&str> = declared.iter().map(String::as_str).collect();
    if names.is_empty() {
        return format!("unknown {noun} `{name}` (no {noun}s are declared)");
    }
    match did_you_mean(name, &names) {
        Some(close) => format!("unknown {noun} `{name}` (did you mean `{close}`?)"),
        None => format!(
            "unknown {noun} `{name}` (declared {noun}s: {})",
            names.join(", ")
        ),
    }
}

/// The names in order, each once (a repeated unknown name is reported once).
fn unique(names: &[String]) -> impl Iterator<Item = &String> {
    let mut seen = BTreeSet::new();
    names.iter().filter(move |n| seen.insert(n.as_str()))
}

/// Each name that occurs more than once, reported once.
fn duplicates(names: &[String]) -> BTreeSet<&str> {
    let mut seen = BTreeSet::new();
    names
        .iter()
        .filter(|n| !seen.insert(n.as_str()))
        .map(String::as_str)
        .collect()
}
