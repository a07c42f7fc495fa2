//! Typed parsing of one config table, with serde's messages reworded for people and
//! as many problems per table as can be found in one pass.
//!
//! serde stops at the first error. To report every unknown key of a table at once,
//! [`deserialize`] removes the offending key and tries again (tables are small, and
//! each retry removes a key, so this ends). A missing field ends the search: serde
//! only reports it once every present key was accepted.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

use super::suggest::{did_you_mean, unknown_name};

/// A problem with one key of a table (or the table itself when `key` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyProblem {
    /// Dotted path inside the table, `[i]` for list positions (`retry`, `topics[1]`).
    pub key: Option<String>,
    pub message: String,
}

impl std::fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.key {
            Some(key) => write!(f, "{key}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Deserializes `value` into `T`, collecting every unknown key and the first other
/// problem of each key. `extra_keys` are keys a caller split off beforehand (the
/// common keys of a source or sink): they are offered as suggestions too.
pub fn deserialize<T: DeserializeOwned>(
    value: Value,
    extra_keys: &[&str],
) -> Result<T, Vec<KeyProblem>> {
    match deserialize_partial(value, extra_keys) {
        (Some(parsed), problems) if problems.is_empty() => Ok(parsed),
        (_, problems) => Err(problems),
    }
}

/// Like [`deserialize`], but also returns the value parsed once the offending keys
/// were left out, when there is one, so later checks (references between tables)
/// can still run on it.
pub fn deserialize_partial<T: DeserializeOwned>(
    mut value: Value,
    extra_keys: &[&str],
) -> (Option<T>, Vec<KeyProblem>) {
    let mut problems: Vec<KeyProblem> = Vec::new();
    // Full paths of keys offered as "did you mean": not reported again as missing.
    let mut suggested: Vec<String> = Vec::new();
    loop {
        let error = match serde_path_to_error::deserialize::<_, T>(value.clone()) {
            Ok(parsed) => return (Some(parsed), problems),
            Err(error) => error,
        };
        let mut segments: Vec<Segment> = error.path().iter().cloned().collect();
        let message = error.inner().to_string();
        if let Some((field, expected)) = unknown_field(&message) {
            // The path ends with the unknown key itself; the problem belongs to
            // the table holding it.
            let mut path = map_keys(&segments);
            if path.last().map(String::as_str) == Some(field) {
                segments.pop();
            } else {
                path.push(field.to_owned());
            }
            let key = join_path(&segments);
            if let Some(close) = did_you_mean(field, &expected) {
                suggested.push(child_path(&key, close));
            }
            // The split-off keys live at the top of the table only.
            let extra = if key.is_none() { extra_keys } else { &[] };
            problems.push(KeyProblem {
                key,
                message: unknown_key_message(field, &expected, extra),
            });
            if !remove(&mut value, &path) {
                return (None, problems);
            }
            continue;
        }
        let key = join_path(&segments);
        if let Some(field) = missing_field(&message) {
            let full = child_path(&key, field);
            // Already reported: under this key (removed after a bad value), or as
            // the likely meaning of a misspelt key (`lisen` → `listen`).
            let reported = problems
                .iter()
                .any(|p| p.key.as_deref() == Some(full.as_str()));
            if !reported && !suggested.contains(&full) {
                problems.push(KeyProblem {
                    key: Some(full),
                    message: "missing field".into(),
                });
            }
            return (None, problems);
        }
        problems.push(KeyProblem {
            key: key.clone(),
            message: reword(&message),
        });
        // Drop the first key of the path so the remaining keys get checked too.
        let first = map_keys(&segments).into_iter().take(1).collect::<Vec<_>>();
        if first.is_empty() || !remove(&mut value, &first) {
            return (None, problems);
        }
    }
}

/// `parent.child`, or `child` at the top of the table.
fn child_path(parent: &Option<String>, child: &str) -> String {
    match parent {
        Some(parent) => format!("{parent}.{child}"),
        None => child.to_owned(),
    }
}

/// `a.b[2].c`, or `None` for the table itself.
fn join_path(segments: &[Segment]) -> Option<String> {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The leading run of map keys of a path (removal only walks tables).
fn map_keys(segments: &[Segment]) -> Vec<String> {
    segments
        .iter()
        .map_while(|s| match s {
            Segment::Map { key } => Some(key.clone()),
            _ => None,
        })
        .collect()
}

/// Removes the key at `path` (tables only); false when there was nothing to remove.
fn remove(value: &mut Value, path: &[String]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut table = value;
    for key in parents {
        match table.get_mut(key.as_str()) {
            Some(inner) => table = inner,
            None => return false,
        }
    }
    table
        .as_object_mut()
        .is_some_and(|map| map.remove(last.as_str()).is_some())
}

/// `unknown field `x`, expected one of `a`, `b`` → (`x`, [a, b]).
fn unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).collect();
    Some((field, expected))
}

/// `missing field `x`` → `x`.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

/// `unknown key `lisen` (did you mean `listen`?)`, or the list of known keys.
pub fn unknown_key_message(key: &str, expected: &[&str], extra_keys: &[&str]) -> String {
    let mut known: Vec<&str> = extra_keys.iter().chain(expected).copied().collect();
    known.sort_unstable();
    known.dedup();
    if known.is_empty() {
        return format!("unknown key `{key}` (this table takes no keys)");
    }
    unknown_name("key", key, &known)
}

/// Rewords serde's type messages (`invalid type: string "x", expected u64`) into
/// `expected a non-negative integer, found string "x"`; others pass unchanged.
pub fn reword(message: &str) -> String {
    let typed = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "));
    if let Some((found, expected)) = typed.and_then(|m| m.rsplit_once(", expected ")) {
        return format!("expected {}, found {found}", type_name(expected));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        if let Some((value, expected)) = rest.split_once('`') {
            let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            return format!(
                "unknown value `{value}` (expected one of {})",
                names.join(", ")
            );
        }
    }
    message.to_owned()
}

/// serde's and Rust's type names in the words a config author uses.
fn type_name(expected: &str) -> String {
    let name = match expected {
        "u8" => "an integer from 0 to 255",
        "u16" => "an integer from 0 to 65535",
        "u32" => "an integer from 0 to 4294967295",
        "u64" | "usize" | "u128" => "a non-negative integer",
        "i8" | "i16" | "i32" | "i64" | "isize" | "i128" => "an integer",
        "f32" | "f64" => "a number",
        "a sequence" => "a list",
        "a map" => "a table",
        "a boolean" => "true or false",
        other if other.starts_with("struct ") => "a table",
        other => other,
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // fields are only deserialized
    struct Sample {
        listen: String,
        #[serde(default)]
        max: u64,
        #[serde(default)]
        retry: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        attempts: u32,
    }

    fn problems(value: Value) -> Vec<String> {
        deserialize::<Sample>(value, &["binding"])
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn reports_every_unknown_key_and_a_bad_value() {
        let got = problems(json!({
            "listen": "x", "lisen": 1, "binding2": 2, "zzzzzz": 3, "max": "big",
        }));
        assert_eq!(
            got,
            [
                "unknown key `binding2` (did you mean `binding`?)",
                "unknown key `lisen` (did you mean `listen`?)",
                "max: expected a non-negative integer, found string \"big\"",
                "unknown key `zzzzzz` (expected one of binding, listen, max, retry)",
            ]
        );
    }

    #[test]
    fn nested_and_missing() {
        // The missing field a misspelt key stands for is not reported twice.
        let got = problems(json!({ "retry": { "attemps": 3 } }));
        assert_eq!(
            got,
            ["retry: unknown key `attemps` (did you mean `attempts`?)",]
        );
        let got = problems(json!({ "listen": "a", "retry": { "tries": 3 } }));
        assert_eq!(
            got,
            [
                "retry: unknown key `tries` (expected one of attempts)",
                "retry.attempts: missing field",
            ]
        );
        assert_eq!(problems(json!({})), ["listen: missing field"]);
        assert_eq!(
            problems(json!({ "listen": 5 })),
            ["listen: expected a string, found integer `5`"]
        );
    }

    #[test]
    fn accepts_valid_tables() {
        let parsed = deserialize::<Sample>(json!({ "listen": "a", "max": 3 }), &[]);
        assert_eq!(parsed.map(|s| s.max).ok(), Some(3));
    }

    #[test]
    fn rewords_serde_messages() {
        let cases = [
            (
                "invalid type: string \"1\", expected u32",
                "expected an integer from 0 to 4294967295, found string \"1\"",
            ),
            (
                "invalid type: map, expected a sequence",
                "expected a list, found map",
            ),
            (
                "invalid value: integer `-1`, expected usize",
                "expected a non-negative integer, found integer `-1`",
            ),
            (
                "unknown variant `bin`, expected `binary` or `structured`",
                "unknown value `bin` (expected one of binary, structured)",
            ),
            (
                "invalid socket address syntax",
                "invalid socket address syntax",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(reword(input), want);
        }
    }
}
