//! From the generic tree to [`Config`], table by table, collecting every problem.
//!
//! The top level is read generically; then `[admin]`, `[runtime]`, each
//! `[sources.X]` and `[sinks.X]` (common keys here, the binding's keys through the
//! registry) and each `[[routes]]` entry are parsed on their own, so one bad table
//! never hides the problems of another. Cross-references are checked last
//! ([`super::check`]), on whatever parsed, with the names of every declared table:
//! a sink whose own keys are wrong is still a sink a route may name.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::check::check;
use super::deserialize::{deserialize_partial, KeyProblem};
use super::error::{ConfigErrors, Problem};
use super::model::{
    AdminConfig, Config, RouteConfig, RuntimeConfig, SinkCommon, SinkConfig, SourceCommon,
    SourceConfig,
};
use super::suggest::unknown_name;
use crate::registry;
use crate::route::parse_filter;

/// The tables a config file may have.
pub const TOP_LEVEL_KEYS: &[&str] = &["admin", "runtime", "sources", "sinks", "routes"];

/// What the tables parsed into, with the names of tables that failed to parse, so
/// cross-reference checks neither miss nor invent problems.
pub(super) struct Parsed {
    pub admin: AdminConfig,
    pub runtime: RuntimeConfig,
    pub sources: BTreeMap<String, SourceConfig>,
    pub sinks: BTreeMap<String, SinkConfig>,
    /// Routes whose own keys parsed, with their 0-based position in the file.
    pub routes: Vec<(usize, RouteConfig)>,
    pub source_names: BTreeSet<String>,
    pub sink_names: BTreeSet<String>,
}

/// Validates a parsed config tree: every problem, or the config.
pub fn validate(tree: Value) -> Result<Config, ConfigErrors> {
    let mut problems = Vec::new();
    let Value::Object(mut root) = tree else {
        return Err(ConfigErrors::single(Problem::file(
            "expected a table at the top of the file",
        )));
    };
    for key in root.keys() {
        if !TOP_LEVEL_KEYS.contains(&key.as_str()) {
            problems.push(Problem::file(unknown_name(
                "top-level key",
                key,
                TOP_LEVEL_KEYS,
            )));
        }
    }
    let admin = parse_section::<AdminConfig>(root.remove("admin"), "admin", &mut problems);
    let runtime = parse_section::<RuntimeConfig>(root.remove("runtime"), "runtime", &mut problems);

    let source_tables = named_tables(root.remove("sources"), "sources", &mut problems);
    let source_names = source_tables.iter().map(|(n, _)| n.clone()).collect();
    let sources = parse_named(source_tables, parse_source, &mut problems);
    let sink_tables = named_tables(root.remove("sinks"), "sinks", &mut problems);
    let sink_names = sink_tables.iter().map(|(n, _)| n.clone()).collect();
    let sinks = parse_named(sink_tables, parse_sink, &mut problems);

    let routes = route_entries(root.remove("routes"), &mut problems)
        .into_iter()
        .enumerate()
        .filter_map(|(index, value)| Some((index, parse_route(index, value, &mut problems)?)))
        .collect();

    let parsed = Parsed {
        admin,
        runtime,
        sources,
        sinks,
        routes,
        source_names,
        sink_names,
    };
    problems.extend(check(&parsed));
    if !problems.is_empty() {
        return Err(ConfigErrors::new(problems));
    }
    Ok(Config {
        admin: parsed.admin,
        runtime: parsed.runtime,
        sources: parsed.sources,
        sinks: parsed.sinks,
        routes: parsed.routes.into_iter().map(|(_, r)| r).collect(),
    })
}

/// `[admin]` or `[runtime]`: optional, defaults when absent or unparsable (the
/// problem is reported; the default only lets the other checks go on).
fn parse_section<T: DeserializeOwned + Default>(
    value: Option<Value>,
    table: &str,
    problems: &mut Vec<Problem>,
) -> T {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return T::default();
    };
    let (parsed, found) = deserialize_partial::<T>(value, &[]);
    push_all(problems, table, found);
    parsed.unwrap_or_default()
}

/// Parses each named table, keeping those that parsed.
fn parse_named<T>(
    tables: Vec<(String, Value)>,
    parse: fn(&str, Value, &mut Vec<Problem>) -> Option<T>,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, T> {
    tables
        .into_iter()
        .filter_map(|(name, value)| Some((parse(&name, value, problems)?, name)))
        .map(|(parsed, name)| (name, parsed))
        .collect()
}

/// `[sources]` / `[sinks]`: a table of named tables.
fn named_tables(
    value: Option<Value>,
    kind: &str,
    problems: &mut Vec<Problem>,
) -> Vec<(String, Value)> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(map)) => map.into_iter().collect(),
        Some(other) => {
            problems.push(Problem::table(
                kind,
                format!(
                    "expected a table of named {kind} ([{kind}.NAME]), found {}",
                    kind_of(&other)
                ),
            ));
            Vec::new()
        }
    }
}

/// `[[routes]]`: a list of tables.
fn route_entries(value: Option<Value>, problems: &mut Vec<Problem>) -> Vec<Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(other) => {
            problems.push(Problem::table(
                "routes",
                format!(
                    "expected a list of routes ([[routes]] in TOML), found {}",
                    kind_of(&other)
                ),
            ));
            Vec::new()
        }
    }
}

fn parse_source(name: &str, value: Value, problems: &mut Vec<Problem>) -> Option<SourceConfig> {
    let table = table_name("sources", name);
    let (common, rest) = split_common(name, value, &table, SourceCommon::KEYS, "source", problems)?;
    let (common, found) = deserialize_partial::<SourceCommon>(common, &[]);
    push_all(problems, &table, found);
    let common = common?;
    match registry::parse_source_detailed(&common.binding, rest) {
        Ok(settings) => Some(SourceConfig {
            binding: common.binding,
            dead_letter: common.dead_letter,
            settings,
        }),
        Err(found) => {
            push_all(problems, &table, found);
            None
        }
    }
}

fn parse_sink(name: &str, value: Value, problems: &mut Vec<Problem>) -> Option<SinkConfig> {
    let table = table_name("sinks", name);
    let (common, rest) = split_common(name, value, &table, SinkCommon::KEYS, "sink", problems)?;
    let (common, found) = deserialize_partial::<SinkCommon>(common, &[]);
    push_all(problems, &table, found);
    let common = common?;
    match registry::parse_sink_detailed(&common.binding, rest) {
        Ok(settings) => Some(SinkConfig {
            binding: common.binding,
            retry: common.retry,
            max_in_flight: common.max_in_flight,
            settings,
        }),
        Err(found) => {
            push_all(problems, &table, found);
            None
        }
    }
}

/// Splits a source or sink table into its common keys and the binding's keys.
fn split_common(
    name: &str,
    value: Value,
    table: &str,
    common_keys: &[&str],
    noun: &str,
    problems: &mut Vec<Problem>,
) -> Option<(Value, Value)> {
    if name.is_empty() {
        problems.push(Problem::table(
            table,
            format!("a {noun} name must not be empty"),
        ));
    }
    let fields = as_table(value, table, problems)?;
    let (common, rest): (Map<String, Value>, Map<String, Value>) = fields
        .into_iter()
        .partition(|(key, _)| common_keys.contains(&key.as_str()));
    Some((Value::Object(common), Value::Object(rest)))
}

fn parse_route(index: usize, value: Value, problems: &mut Vec<Problem>) -> Option<RouteConfig> {
    let table = format!("routes.{}", index + 1);
    let mut fields = as_table(value, &table, problems)?;
    // The filter is parsed by hand for clearer messages; a bad one leaves the route
    // without a filter so its references are still checked.
    let filter = fields
        .remove("filter")
        .and_then(|value| match parse_filter(&value) {
            Ok(filter) => Some(filter),
            Err(found) => {
                push_all(problems, &table, found);
                None
            }
        });
    let (route, found) = deserialize_partial::<RouteConfig>(Value::Object(fields), &["filter"]);
    push_all(problems, &table, found);
    let mut route = route?;
    route.filter = filter;
    Some(route)
}

fn as_table(value: Value, table: &str, problems: &mut Vec<Problem>) -> Option<Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map),
        other => {
            problems.push(Problem::table(
                table,
                format!("expected a table, found {}", kind_of(&other)),
            ));
            None
        }
    }
}

fn push_all(problems: &mut Vec<Problem>, table: &str, found: Vec<KeyProblem>) {
    problems.extend(found.into_iter().map(|p| Problem {
        table: Some(table.to_owned()),
        key: p.key,
        message: p.message,
    }));
}

/// `sources.web`, or `sources."my source"` when the name is not a bare TOML key.
pub fn table_name(kind: &str, name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        format!("{kind}.{name}")
    } else {
        format!("{kind}.{name:?}")
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}
