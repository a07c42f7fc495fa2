//! Settings of the `stdout` and `file` sinks, as written under `[sinks.<name>]`.
//!
//! The common sink keys (`binding`, `retry`, `max_in_flight`) are taken off by the
//! gateway before these types see the table, so any other key is a typo and is
//! refused (`deny_unknown_fields`) rather than silently ignored.

use std::path::PathBuf;

use serde::Deserialize;

/// `binding = "stdout"`: no keys of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StdoutSinkConfig {}

/// `binding = "file"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSinkConfig {
    /// The file events are appended to, one JSON event per line. Created if
    /// missing; its directory must already exist. A relative path is taken from
    /// the working directory of the ferry process.
    pub path: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stdout_takes_no_keys() {
        let cfg: StdoutSinkConfig = serde_json::from_value(json!({})).unwrap();
        assert_eq!(cfg, StdoutSinkConfig {});
        let err = serde_json::from_value::<StdoutSinkConfig>(json!({ "path": "x" })).unwrap_err();
        assert!(err.to_string().contains("unknown field `path`"), "{err}");
    }

    #[test]
    fn file_needs_path_and_refuses_other_keys() {
        let cfg: FileSinkConfig = serde_json::from_value(json!({ "path": "a.jsonl" })).unwrap();
        assert_eq!(cfg.path, PathBuf::from("a.jsonl"));

        let err = serde_json::from_value::<FileSinkConfig>(json!({})).unwrap_err();
        assert!(err.to_string().contains("missing field `path`"), "{err}");

        let err = serde_json::from_value::<FileSinkConfig>(json!({ "path": "a", "fsync": false }))
            .unwrap_err();
        assert!(err.to_string().contains("unknown field `fsync`"), "{err}");
    }
}
