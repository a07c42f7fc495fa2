//! The command line: `ferry run`, `ferry validate`, `ferry --version`, and the
//! logging every command shares.
//!
//! Logs always go to stderr: stdout belongs to the `stdout` sink, one event per
//! line, and must never carry anything else.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use tracing_subscriber::filter::{EnvFilter, LevelFilter};

/// A CloudEvents gateway: HTTP, MQTT, Kafka, AMQP and NATS in, routed, and out again.
#[derive(Debug, Parser)]
#[command(name = "ferry", version, about, propagate_version = true)]
pub struct Cli {
    /// Format of the log lines written to stderr (level from RUST_LOG, default info).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gateway until SIGINT or SIGTERM, then shut down gracefully.
    Run(ConfigArg),
    /// Check a config file: print every problem and exit 1, or print a summary.
    Validate(ConfigArg),
}

/// The config file a command reads.
#[derive(Debug, Args)]
pub struct ConfigArg {
    /// Path of the config file: .toml, .yaml, .yml or .json.
    #[arg(long, short = 'c', env = "FERRY_CONFIG", value_name = "PATH")]
    pub config: PathBuf,
}

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Installs the global tracing subscriber: stderr, `RUST_LOG` filter (default
/// `info`; an unparsable directive is skipped rather than fatal).
pub fn init_logging(format: LogFormat) {
    let filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::INFO.into())
        .from_env_lossy();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // `try_init` only fails when a subscriber is already installed, which main
    // never does twice; there is nothing better to do then than keep the first.
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::*;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_commands_and_global_flags() {
        let cli = Cli::try_parse_from(["ferry", "validate", "--config", "a.toml"]).unwrap();
        assert_eq!(cli.log_format, LogFormat::Text);
        assert!(
            matches!(cli.command, Command::Validate(ref a) if a.config.as_path() == std::path::Path::new("a.toml"))
        );

        let cli =
            Cli::try_parse_from(["ferry", "run", "-c", "b.yaml", "--log-format", "json"]).unwrap();
        assert_eq!(cli.log_format, LogFormat::Json);
        assert!(
            matches!(cli.command, Command::Run(ref a) if a.config.as_path() == std::path::Path::new("b.yaml"))
        );

        assert!(Cli::try_parse_from(["ferry", "run", "-c", "b", "--log-format", "xml"]).is_err());
    }
}
