//! End to end: `ferry validate` as a user runs it, on the built binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FERRY: &str = env!("CARGO_BIN_EXE_ferry");

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Runs `ferry validate --config PATH` with `env` added to a clean set of
/// variables (so a FERRY_CONFIG or FERRY_PORT on the machine cannot leak in).
fn validate(path: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(FERRY);
    command
        .args(["validate", "--config"])
        .arg(path)
        .env_remove("FERRY_CONFIG")
        .env_remove("FERRY_PORT")
        .env_remove("FERRY_SINK");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run the ferry binary")
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write the config");
    path
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn accepts_both_quickstarts() {
    for file in ["config/quickstart.toml", "config/quickstart.yaml"] {
        let output = validate(&repo_file(file), &[]);
        assert_eq!(output.status.code(), Some(0), "{file}: {}", stderr(&output));
        assert_eq!(
            stdout(&output),
            "ok: 1 sources, 1 sinks, 1 routes\n",
            "{file}"
        );
    }
}

#[test]
fn reports_every_problem_naming_table_and_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        &dir,
        "bad.toml",
        r#"
[sources.web]
binding = "http"
listen = "127.0.0.1:8080"
lisen = "127.0.0.1:8081"

[sinks.printer]
binding = "stdout"

[[routes]]
from = ["web"]
filter = { regex = { type = "com\\..*" } }
to = ["printer"]

[[routes]]
from = ["web"]
to = ["nope"]
"#,
    );
    let output = validate(&path, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "", "problems go to stderr only");
    let shown = path.display();
    let want = format!(
        "{shown}: [sources.web] unknown key `lisen` (did you mean `listen`?)\n\
         {shown}: [routes.1] filter: unknown dialect `regex` (expected one of exact, prefix, suffix, all, any, not, sql)\n\
         {shown}: [routes.2] to: unknown sink `nope` (declared sinks: printer)\n"
    );
    assert_eq!(stderr(&output), want);
}

#[test]
fn substitutes_variables_with_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        &dir,
        "vars.toml",
        r#"
[sources.web]
binding = "http"
listen = "127.0.0.1:${FERRY_PORT:-8080}"

[sinks.out]
binding = "${FERRY_SINK}"

[[routes]]
from = ["web"]
to = ["out"]
"#,
    );
    let output = validate(&path, &[("FERRY_SINK", "stdout")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "ok: 1 sources, 1 sinks, 1 routes\n");

    // The set value wins over the default; a bad one is then reported as such.
    let output = validate(&path, &[("FERRY_SINK", "stdout"), ("FERRY_PORT", "eighty")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("[sources.web] listen: invalid socket address syntax"),
        "{}",
        stderr(&output)
    );

    // Unset without a default: a problem naming the variable and its line.
    let output = validate(&path, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "{}: line 7: environment variable `FERRY_SINK` is not set \
             (write ${{FERRY_SINK:-default}} to give it a default)\n",
            path.display()
        )
    );
}

#[test]
fn accepts_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        &dir,
        "ferry.json",
        r#"{
  "admin": { "listen": "127.0.0.1:9600" },
  "sources": { "webhook": { "binding": "http", "listen": "127.0.0.1:8080", "path": "/" } },
  "sinks": {
    "printer": { "binding": "stdout" },
    "hook": { "binding": "http", "url": "http://127.0.0.1:9000/in",
              "headers": { "Authorization": "Bearer x" } }
  },
  "routes": [
    { "from": ["webhook"], "to": ["printer"] },
    { "from": ["webhook"], "to": ["hook"],
      "filter": { "any": [ { "prefix": { "type": "com.example." } }, { "exact": { "subject": "x" } } ] } }
  ]
}"#,
    );
    let output = validate(&path, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "ok: 1 sources, 2 sinks, 2 routes\n");
}

#[test]
fn unreadable_file_and_bad_syntax_fail_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.toml");
    let output = validate(&missing, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("cannot read"),
        "{}",
        stderr(&output)
    );

    let path = write(&dir, "broken.toml", "[sources.web\nbinding = \"http\"\n");
    let output = validate(&path, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("syntax error at line 1"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn version_and_usage() {
    let output = Command::new(FERRY)
        .arg("--version")
        .output()
        .expect("run ferry");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        format!("ferry {}\n", env!("CARGO_PKG_VERSION"))
    );
    let output = Command::new(FERRY)
        .args(["validate"])
        .env_remove("FERRY_CONFIG")
        .output()
        .expect("run ferry");
    assert_eq!(
        output.status.code(),
        Some(2),
        "a missing --config is a usage error"
    );
}

#[test]
fn the_shipped_example_configs_validate() {
    let output = validate(&repo_file("config/iot-to-kafka.toml"), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "ok: 1 sources, 2 sinks, 1 routes\n");
}

/// The README's config reference is a real, valid config: docs cannot drift.
#[test]
fn the_readme_config_reference_validates() {
    let readme = std::fs::read_to_string(repo_file("README.md")).expect("README.md");
    let start = readme
        .find("```toml\n[admin]")
        .expect("the README's config block");
    let body = &readme[start + "```toml\n".len()..];
    let block = &body[..body.find("```").expect("end of the config block")];
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(&dir, "readme.toml", block);
    let output = validate(&path, &[("FERRY_TOKEN", "t"), ("HOOK_TOKEN", "h")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}
