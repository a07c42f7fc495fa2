//! The `ferry` binary: parses the command line, loads the config and either reports
//! on it (`validate`) or runs the gateway until a signal (`run`).
//!
//! Exit codes: 0 success (valid config; graceful shutdown), 1 invalid config or a
//! runtime failure, 2 bad command line (clap's own).

mod cli;

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser as _;
use ferry::config::{Config, ConfigErrors};
use ferry::runtime::Running;
use tokio::signal::unix::{signal, Signal, SignalKind};
use tracing::{error, info, warn};

use cli::{Cli, Command, LogFormat};

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli::init_logging(cli.log_format);
    match cli.command {
        Command::Validate(args) => validate(&args.config),
        Command::Run(args) => run(&args.config, cli.log_format),
    }
}

/// `ferry validate`: every problem on stderr (exit 1), or a summary on stdout.
fn validate(path: &Path) -> ExitCode {
    match ferry::config::load(path) {
        Ok(config) => {
            println!(
                "ok: {} sources, {} sinks, {} routes",
                config.sources.len(),
                config.sinks.len(),
                config.routes.len()
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            // Like a compiler: one `file: problem` line each, so editors and grep
            // can use them.
            for problem in errors.problems() {
                eprintln!("{}: {problem}", path.display());
            }
            ExitCode::FAILURE
        }
    }
}

/// `ferry run`: load, start, serve until a signal or the runtime ends.
fn run(path: &Path, log_format: LogFormat) -> ExitCode {
    let config = match ferry::config::load(path) {
        Ok(config) => config,
        Err(errors) => {
            report_config_errors(path, &errors, log_format);
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            error!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(serve(config));
    // Tasks still blocked (a stdin read, a stuck write) must not hold the exit.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            error!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Config problems at `run`: plain lines in text mode (as `validate` prints them),
/// one log record each in JSON mode so log collectors keep them.
fn report_config_errors(path: &Path, errors: &ConfigErrors, log_format: LogFormat) {
    for problem in errors.problems() {
        match log_format {
            LogFormat::Text => eprintln!("{}: {problem}", path.display()),
            LogFormat::Json => error!(config = %path.display(), %problem, "invalid config"),
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let mut signals = Signals::new().context("cannot listen for SIGINT/SIGTERM")?;
    let (sources, sinks, routes) = (
        config.sources.len(),
        config.sinks.len(),
        config.routes.len(),
    );
    let running = ferry::runtime::start(config)
        .await
        .context("cannot start the gateway")?;
    info!(
        admin = %running.admin_addr(),
        sources, sinks, routes,
        "ferry is running"
    );
    supervise(running, &mut signals).await
}

/// Runs until a signal (then shuts down gracefully; a second signal exits at once)
/// or until the gateway ends by itself (a source failing).
async fn supervise(running: Running, signals: &mut Signals) -> anyhow::Result<()> {
    let stop = running.stop_handle();
    let wait = running.wait();
    tokio::pin!(wait);
    tokio::select! {
        result = &mut wait => return result.context("the gateway stopped"),
        name = signals.recv() => {
            info!("{name}: shutting down; in-flight events get runtime.shutdown_grace_ms to settle");
            stop.cancel();
        }
    }
    tokio::select! {
        result = &mut wait => {
            result.context("the gateway failed while stopping")?;
            info!("stopped");
            Ok(())
        }
        name = signals.recv() => {
            warn!("{name} again: exiting without waiting for in-flight events");
            anyhow::bail!("interrupted during shutdown")
        }
    }
}

/// SIGINT and SIGTERM, whichever comes first.
struct Signals {
    interrupt: Signal,
    terminate: Signal,
}

impl Signals {
    fn new() -> std::io::Result<Self> {
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    /// The next signal's name.
    async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
}
