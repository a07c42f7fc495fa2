//! Reading a config file: format by extension, `${VAR}` substitution, parsing into a
//! generic tree with the `config` crate, then validation into [`Config`].
//!
//! The `config` crate is used only as a parser of the three formats into one tree.
//! Checked with `config` 0.15: it keeps key case (`Authorization`), keys containing
//! dots (`"linger.ms"`) as single keys, and integers as integers; the tests below
//! hold it to that.

use std::path::Path;

use serde_json::Value;

use super::error::{ConfigErrors, Problem};
use super::model::Config;
use super::substitute::{process_env, substitute, Lookup};
use super::validate::validate;

/// A config file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
    Json,
}

impl Format {
    /// The format for a path's extension: `.toml`, `.yaml`/`.yml`, `.json`
    /// (any case).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "toml" => Some(Format::Toml),
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// Whether `#` starts a comment line (substitution leaves those alone).
    fn has_comment_lines(self) -> bool {
        !matches!(self, Format::Json)
    }

    fn file_format(self) -> config::FileFormat {
        match self {
            Format::Toml => config::FileFormat::Toml,
            Format::Yaml => config::FileFormat::Yaml,
            Format::Json => config::FileFormat::Json,
        }
    }
}

/// Loads and validates the config file at `path`, with variables from the process
/// environment.
pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
    let format = Format::from_path(path).ok_or_else(|| {
        ConfigErrors::single(Problem::file(format!(
            "cannot tell the format of `{}` (expected a .toml, .yaml, .yml or .json file)",
            path.display()
        )))
    })?;
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigErrors::single(Problem::file(format!(
            "cannot read `{}`: {e}",
            path.display()
        )))
    })?;
    load_str(&text, format)
}

/// Loads and validates config text, with variables from the process environment.
pub fn load_str(text: &str, format: Format) -> Result<Config, ConfigErrors> {
    load_str_with(text, format, process_env)
}

/// Loads and validates config text, with variables from `lookup`.
pub fn load_str_with(
    text: &str,
    format: Format,
    lookup: impl Lookup,
) -> Result<Config, ConfigErrors> {
    let tree = parse_str_with(text, format, lookup)?;
    validate(tree)
}

/// Substitutes and parses config text into a generic tree, without validation.
pub fn parse_str_with(
    text: &str,
    format: Format,
    lookup: impl Lookup,
) -> Result<Value, ConfigErrors> {
    let text = substitute(text, format.has_comment_lines(), lookup).map_err(ConfigErrors::new)?;
    parse_tree(&text, format).map_err(ConfigErrors::single)
}

fn parse_tree(text: &str, format: Format) -> Result<Value, Problem> {
    // An empty YAML or JSON document is not a table; treat blank files alike in
    // every format (an empty config is valid, if useless).
    if text.trim().is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    config::Config::builder()
        .add_source(config::File::from_str(text, format.file_format()))
        .build()
        .and_then(|c| c.try_deserialize::<Value>())
        .map_err(|e| Problem::file(syntax_message(&e.to_string())))
}

/// One line for a parser error. The toml parser prints a multi-line snippet
/// (`TOML parse error at line 1, column 9` / source lines / message); keep its
/// position and its last line.
fn syntax_message(raw: &str) -> String {
    let lines: Vec<&str> = raw.lines().filter(|l| !l.trim().is_empty()).collect();
    if let (Some(first), Some(last)) = (lines.first(), lines.last()) {
        if let Some(position) = first.strip_prefix("TOML parse error at ") {
            return format!("syntax error at {position}: {}", last.trim());
        }
    }
    format!("syntax error: {}", lines.join(" "))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn tree(text: &str, format: Format) -> Value {
        parse_str_with(text, format, |_: &str| Ok(None)).unwrap()
    }

    /// The properties the `config` crate must keep for binding options to reach
    /// librdkafka and HTTP headers as written.
    #[test]
    fn keeps_key_case_dotted_keys_and_integers() {
        let want = json!({
            "sinks": { "hook": {
                "headers": { "Authorization": "Bearer x" },
                "options": { "linger.ms": "5" },
                "max_in_flight": 64,
            }}
        });
        let toml = "[sinks.hook]\nheaders = { \"Authorization\" = \"Bearer x\" }\n\
                    options = { \"linger.ms\" = \"5\" }\nmax_in_flight = 64\n";
        let yaml = "sinks:\n  hook:\n    headers:\n      Authorization: Bearer x\n    \
                    options:\n      linger.ms: \"5\"\n    max_in_flight: 64\n";
        let json = r#"{"sinks":{"hook":{"headers":{"Authorization":"Bearer x"},
                    "options":{"linger.ms":"5"},"max_in_flight":64}}}"#;
        assert_eq!(tree(toml, Format::Toml), want);
        assert_eq!(tree(yaml, Format::Yaml), want);
        assert_eq!(tree(json, Format::Json), want);
        assert!(tree(toml, Format::Toml)["sinks"]["hook"]["max_in_flight"].is_u64());
    }

    #[test]
    fn keeps_route_order_and_empty_tables() {
        let toml = "[runtime]\n[[routes]]\nfrom = [\"b\"]\n[[routes]]\nfrom = [\"a\"]\n";
        assert_eq!(
            tree(toml, Format::Toml),
            json!({ "runtime": {}, "routes": [{ "from": ["b"] }, { "from": ["a"] }] })
        );
        assert_eq!(tree("", Format::Yaml), json!({}));
        assert_eq!(tree("  \n", Format::Json), json!({}));
    }

    #[test]
    fn format_by_extension() {
        let cases = [
            ("a.toml", Some(Format::Toml)),
            ("a.yaml", Some(Format::Yaml)),
            ("dir/a.YML", Some(Format::Yaml)),
            ("a.json", Some(Format::Json)),
            ("a.ini", None),
            ("toml", None),
        ];
        for (path, want) in cases {
            assert_eq!(Format::from_path(Path::new(path)), want, "{path}");
        }
    }

    #[test]
    fn syntax_errors_are_one_line_with_position() {
        let err = parse_str_with("[runtime\nx = 1\n", Format::Toml, |_: &str| Ok(None))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "syntax error at line 1, column 9: unclosed table, expected `]`"
        );
        let err = parse_str_with("{\"a\": }", Format::Json, |_: &str| Ok(None)).unwrap_err();
        assert!(err.to_string().starts_with("syntax error: "), "{err}");
        assert!(!err.to_string().contains('\n'));
    }

    #[test]
    fn substitution_happens_before_parsing() {
        let lookup = |name: &str| Ok((name == "PORT").then(|| "8080".to_string()));
        let value = parse_str_with("port = ${PORT}\nq = ${QOS:-1}\n", Format::Toml, lookup);
        assert_eq!(value.unwrap(), json!({ "port": 8080, "q": 1 }));
    }

    #[test]
    fn unreadable_and_unknown_files() {
        let err = load(Path::new("/nonexistent/ferry.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot read `/nonexistent/ferry.toml`"),
            "{err}"
        );
        let err = load(Path::new("ferry.ini")).unwrap_err().to_string();
        assert!(err.starts_with("cannot tell the format"), "{err}");
    }
}
