//! `${VAR}` substitution from the environment, applied to the raw file text before
//! it is parsed, so a variable can stand anywhere (a string, a number, a key).
//!
//! Rules (the same as Docker Compose, so the syntax is familiar):
//! - `${NAME}`: the variable's value; an unset variable is a problem naming it and
//!   its line. A variable set to the empty string gives the empty string.
//! - `${NAME:-default}`: the value when set and non-empty, else `default` (taken
//!   literally up to the first `}`; `${NAME:-}` allows an empty value).
//! - `$$` is a literal `$` (write `$${NAME}` to keep `${NAME}` in a value).
//! - Any other `$` is kept as is, so `$share/group/topic` needs no escaping.
//! - `NAME` is `[A-Za-z_][A-Za-z0-9_]*`; anything else after `${` is a problem.
//! - In TOML and YAML, lines whose first non-blank character is `#` are comments and
//!   are copied untouched: a commented-out `${TOKEN}` must not demand a variable.
//!
//! Values are inserted as they are, without quoting: a value containing a quote or a
//! backslash must be valid text where it lands.

use super::error::Problem;

/// Where variable values come from: `Ok(None)` for an unset variable, `Err` with a
/// reason for one that is set but unusable (not UTF-8).
pub trait Lookup: Fn(&str) -> Result<Option<String>, String> {}

impl<F: Fn(&str) -> Result<Option<String>, String>> Lookup for F {}

/// Looks variables up in the process environment.
pub fn process_env(name: &str) -> Result<Option<String>, String> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err("is not valid UTF-8".into()),
    }
}

/// Substitutes every `${...}` in `text`; returns every problem found if any.
/// `comment_lines`: skip lines starting with `#` (TOML, YAML; not JSON).
pub fn substitute(
    text: &str,
    comment_lines: bool,
    lookup: impl Lookup,
) -> Result<String, Vec<Problem>> {
    let mut out = String::with_capacity(text.len());
    let mut problems = Vec::new();
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if comment_lines && line.trim_start().starts_with('#') {
            out.push_str(line);
            continue;
        }
        substitute_line(line, index + 1, &lookup, &mut out, &mut problems);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn substitute_line(
    line: &str,
    line_no: usize,
    lookup: &impl Lookup,
    out: &mut String,
    problems: &mut Vec<Problem>,
) {
    let mut rest = line;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            rest = match expand(body, line_no, lookup, out, problems) {
                Some(consumed) => &body[consumed..],
                // Malformed: reported; skip the rest of the line so one mistake
                // gives one problem.
                None => "",
            };
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
}

/// Expands one `${...}` whose text after `${` is `body`. Returns how many bytes of
/// `body` it used (through the closing `}`), or `None` when it is malformed.
fn expand(
    body: &str,
    line_no: usize,
    lookup: &impl Lookup,
    out: &mut String,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let Some(close) = body
        .find(['}', '\n'])
        .filter(|&i| body[i..].starts_with('}'))
    else {
        problems.push(Problem::file(format!(
            "line {line_no}: `${{` without a closing `}}` (write `$${{` for a literal `${{`)"
        )));
        return None;
    };
    let inner = &body[..close];
    let (name, default) = match inner.split_once(":-") {
        Some((name, default)) => (name, Some(default)),
        None => (inner, None),
    };
    if !valid_name(name) {
        problems.push(Problem::file(format!(
            "line {line_no}: `${{{inner}}}` is not a variable reference \
             (expected ${{NAME}} or ${{NAME:-default}}, NAME of letters, digits and _)"
        )));
        return Some(close + 1);
    }
    match (lookup(name), default) {
        (Ok(Some(value)), Some(default)) if value.is_empty() => out.push_str(default),
        (Ok(Some(value)), _) => out.push_str(&value),
        (Ok(None), Some(default)) => out.push_str(default),
        (Ok(None), None) => problems.push(Problem::file(format!(
            "line {line_no}: environment variable `{name}` is not set \
             (write ${{{name}:-default}} to give it a default)"
        ))),
        (Err(reason), _) => problems.push(Problem::file(format!(
            "line {line_no}: environment variable `{name}` {reason}"
        ))),
    }
    Some(close + 1)
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Result<Option<String>, String> {
        Ok(match name {
            "TOKEN" => Some("s3cret".into()),
            "EMPTY" => Some(String::new()),
            "PORT" => Some("8080".into()),
            _ => None,
        })
    }

    fn sub(text: &str) -> Result<String, Vec<String>> {
        substitute(text, true, env).map_err(|p| p.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn substitutes_and_escapes() {
        let cases = [
            ("a = \"${TOKEN}\"", "a = \"s3cret\""),
            ("port = ${PORT}", "port = 8080"),
            ("a = \"${MISSING:-dflt}\"", "a = \"dflt\""),
            ("a = \"${EMPTY:-dflt}\"", "a = \"dflt\""),
            ("a = \"${EMPTY}\"", "a = \"\""),
            ("a = \"${MISSING:-}\"", "a = \"\""),
            ("a = \"${TOKEN:-x}\"", "a = \"s3cret\""),
            ("a = \"$${TOKEN}\"", "a = \"${TOKEN}\""),
            ("a = \"$$\"", "a = \"$\""),
            ("t = \"$share/g/t\"", "t = \"$share/g/t\""),
            ("a = \"x$\"", "a = \"x$\""),
            ("a = \"${MISSING:-a:-b}\"", "a = \"a:-b\""),
            (
                "a = \"${TOKEN}${PORT}\"\nb = 1\n",
                "a = \"s3cret8080\"\nb = 1\n",
            ),
            ("# token = \"${MISSING}\"\n", "# token = \"${MISSING}\"\n"),
            ("  # $$ stays\n", "  # $$ stays\n"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(sub(input).as_deref(), Ok(want), "input {input:?}");
        }
    }

    #[test]
    fn json_has_no_comment_lines() {
        let out = substitute("# ${PORT}", false, env);
        assert_eq!(out.as_deref(), Ok("# 8080"));
    }

    #[test]
    fn reports_every_unset_variable_with_its_line() {
        let errors = sub("a = 1\nb = \"${NOPE}\"\nc = \"${ALSO_NOPE}\"").unwrap_err();
        assert_eq!(
            errors,
            [
                "line 2: environment variable `NOPE` is not set (write ${NOPE:-default} to give it a default)",
                "line 3: environment variable `ALSO_NOPE` is not set (write ${ALSO_NOPE:-default} to give it a default)",
            ]
        );
    }

    #[test]
    fn reports_malformed_references() {
        let cases = [
            ("a = \"${TOKEN\"\n", "line 1: `${` without a closing `}`"),
            (
                "a = \"${1X}\"",
                "line 1: `${1X}` is not a variable reference",
            ),
            ("a = \"${}\"", "line 1: `${}` is not a variable reference"),
            (
                "a = \"${A B}\"",
                "line 1: `${A B}` is not a variable reference",
            ),
        ];
        for (input, want) in cases {
            let errors = sub(input).unwrap_err();
            assert_eq!(errors.len(), 1, "{input:?}: {errors:?}");
            assert!(errors[0].starts_with(want), "{input:?}: {}", errors[0]);
        }
    }

    #[test]
    fn unusable_value_is_reported() {
        let out = substitute("${X}", false, |_: &str| {
            Err("is not valid UTF-8".to_string())
        });
        let errors = out.unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "line 1: environment variable `X` is not valid UTF-8"
        );
    }
}
