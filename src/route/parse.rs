//! Building a [`Filter`] from a route's `filter` value, checking it as the
//! Subscriptions API asks (an invalid filter refuses the subscription, here the
//! config) and reporting every problem with its path (`filter.all[1].exact`).
//!
//! Parsed by hand rather than with serde so that an unknown dialect, an empty list
//! and a bad attribute name each get their own plain message.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::filter::Filter;
use crate::config::deserialize::KeyProblem;
use crate::config::suggest::did_you_mean;

/// Parses and checks a filter; `Err` lists every problem found, keyed by path from
/// `filter`.
pub fn parse_filter(value: &Value) -> Result<Filter, Vec<KeyProblem>> {
    let mut problems = Vec::new();
    match parse_at(value, "filter", &mut problems) {
        Some(filter) if problems.is_empty() => Ok(filter),
        _ => Err(problems),
    }
}

fn problem(problems: &mut Vec<KeyProblem>, path: &str, message: impl Into<String>) {
    problems.push(KeyProblem {
        key: Some(path.to_owned()),
        message: message.into(),
    });
}

fn parse_at(value: &Value, path: &str, problems: &mut Vec<KeyProblem>) -> Option<Filter> {
    let dialects = Filter::DIALECTS.join(", ");
    let Value::Object(map) = value else {
        let found = describe(value);
        problem(
            problems,
            path,
            format!("expected a table with one dialect ({dialects}), found {found}"),
        );
        return None;
    };
    let mut entries = map.iter();
    let (dialect, inner) = match (entries.next(), map.len()) {
        (Some(entry), 1) => entry,
        (None, _) => {
            problem(
                problems,
                path,
                format!("empty filter (expected one dialect: {dialects})"),
            );
            return None;
        }
        (Some(_), n) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            let message = format!(
                "a filter has exactly one dialect, found {n}: {} (combine filters with `all`)",
                keys.join(", ")
            );
            problem(problems, path, message);
            return None;
        }
    };
    let inner_path = format!("{path}.{dialect}");
    match dialect.as_str() {
        "exact" => parse_attributes(inner, &inner_path, problems).map(Filter::Exact),
        "prefix" => parse_attributes(inner, &inner_path, problems).map(Filter::Prefix),
        "suffix" => parse_attributes(inner, &inner_path, problems).map(Filter::Suffix),
        "all" => parse_list(inner, &inner_path, problems).map(Filter::All),
        "any" => parse_list(inner, &inner_path, problems).map(Filter::Any),
        "not" => parse_at(inner, &inner_path, problems).map(|f| Filter::Not(Box::new(f))),
        "sql" => {
            problem(problems, path, "the sql dialect is not supported yet");
            None
        }
        other => {
            let message = match did_you_mean(other, Filter::DIALECTS) {
                Some(close) => format!("unknown dialect `{other}` (did you mean `{close}`?)"),
                None => format!("unknown dialect `{other}` (expected one of {dialects})"),
            };
            problem(problems, path, message);
            None
        }
    }
}

/// `exact`, `prefix`, `suffix`: a non-empty table of attribute name to non-empty
/// string.
fn parse_attributes(
    value: &Value,
    path: &str,
    problems: &mut Vec<KeyProblem>,
) -> Option<BTreeMap<String, String>> {
    let Some(map) = value.as_object() else {
        let found = describe(value);
        problem(
            problems,
            path,
            format!("expected a table of attribute = \"value\", found {found}"),
        );
        return None;
    };
    if map.is_empty() {
        problem(problems, path, "needs at least one attribute");
        return None;
    }
    let before = problems.len();
    let attrs = check_attributes(map, path, problems);
    (problems.len() == before).then_some(attrs)
}

fn check_attributes(
    map: &Map<String, Value>,
    path: &str,
    problems: &mut Vec<KeyProblem>,
) -> BTreeMap<String, String> {
    let mut attrs = BTreeMap::new();
    for (name, value) in map {
        if name.is_empty() {
            problem(problems, path, "attribute names must not be empty");
            continue;
        }
        if !valid_attribute_name(name) {
            problem(
                problems,
                path,
                format!("`{name}` is not a valid attribute name (lowercase letters a-z and digits 0-9 only)"),
            );
            continue;
        }
        let key = format!("{path}.{name}");
        match value {
            Value::String(s) if s.is_empty() => problem(problems, &key, "value must not be empty"),
            Value::String(s) => {
                attrs.insert(name.clone(), s.clone());
            }
            Value::Number(_) | Value::Bool(_) => problem(
                problems,
                &key,
                format!(
                    "expected a string, found {} (write \"{value}\")",
                    describe(value)
                ),
            ),
            other => problem(
                problems,
                &key,
                format!("expected a string, found {}", describe(other)),
            ),
        }
    }
    attrs
}

/// `all`, `any`: a non-empty list of filters.
fn parse_list(value: &Value, path: &str, problems: &mut Vec<KeyProblem>) -> Option<Vec<Filter>> {
    let Some(items) = value.as_array() else {
        let found = describe(value);
        problem(
            problems,
            path,
            format!("expected a list of filters, found {found}"),
        );
        return None;
    };
    if items.is_empty() {
        problem(problems, path, "needs at least one filter");
        return None;
    }
    // Parse every element, even after a failure, to report all problems.
    let parsed: Vec<Option<Filter>> = items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_at(item, &format!("{path}[{i}]"), problems))
        .collect();
    parsed.into_iter().collect()
}

/// Attribute names per the CloudEvents spec: `[a-z0-9]+`.
fn valid_attribute_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// A value's kind, for messages.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a table".into(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_every_dialect() {
        let value = json!({ "all": [
            { "exact": { "type": "order.created" } },
            { "not": { "suffix": { "source": "/test" } } },
            { "any": [ { "prefix": { "subject": "a", "region": "eu" } } ] },
        ]});
        let want = Filter::All(vec![
            Filter::Exact(attrs(&[("type", "order.created")])),
            Filter::Not(Box::new(Filter::Suffix(attrs(&[("source", "/test")])))),
            Filter::Any(vec![Filter::Prefix(attrs(&[
                ("subject", "a"),
                ("region", "eu"),
            ]))]),
        ]);
        assert_eq!(parse_filter(&value), Ok(want));
    }

    #[test]
    fn reports_each_problem_with_its_path() {
        let cases = [
            (json!({ "regex": "x" }), vec![
                "filter: unknown dialect `regex` (expected one of exact, prefix, suffix, all, any, not, sql)",
            ]),
            (json!({ "exct": { "type": "x" } }), vec!["filter: unknown dialect `exct` (did you mean `exact`?)"]),
            (json!({ "sql": "type = 'x'" }), vec!["filter: the sql dialect is not supported yet"]),
            (json!({}), vec!["filter: empty filter (expected one dialect: exact, prefix, suffix, all, any, not, sql)"]),
            (json!({ "exact": { "type": "a" }, "prefix": { "id": "b" } }), vec![
                "filter: a filter has exactly one dialect, found 2: exact, prefix (combine filters with `all`)",
            ]),
            (json!({ "exact": {} }), vec!["filter.exact: needs at least one attribute"]),
            (json!({ "prefix": { "Type": "a" } }), vec![
                "filter.prefix: `Type` is not a valid attribute name (lowercase letters a-z and digits 0-9 only)",
            ]),
            (json!({ "suffix": { "": "a" } }), vec!["filter.suffix: attribute names must not be empty"]),
            (json!({ "exact": { "type": "" } }), vec!["filter.exact.type: value must not be empty"]),
            (json!({ "exact": { "sequence": 5 } }), vec![
                "filter.exact.sequence: expected a string, found number 5 (write \"5\")",
            ]),
            (json!({ "exact": "type" }), vec![
                "filter.exact: expected a table of attribute = \"value\", found string \"type\"",
            ]),
            (json!({ "all": [] }), vec!["filter.all: needs at least one filter"]),
            (json!({ "any": { "exact": { "id": "1" } } }), vec!["filter.any: expected a list of filters, found a table"]),
            (json!({ "any": [ { "exact": { "id": "" } }, { "nott": {} } ] }), vec![
                "filter.any[0].exact.id: value must not be empty",
                "filter.any[1]: unknown dialect `nott` (did you mean `not`?)",
            ]),
            (json!({ "not": { "not": [] } }), vec![
                "filter.not.not: expected a table with one dialect (exact, prefix, suffix, all, any, not, sql), found a list",
            ]),
            (json!("type"), vec![
                "filter: expected a table with one dialect (exact, prefix, suffix, all, any, not, sql), found string \"type\"",
            ]),
        ];
        for (value, want) in cases {
            let got: Vec<String> = parse_filter(&value)
                .unwrap_err()
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_eq!(got, want, "{value}");
        }
    }
}
