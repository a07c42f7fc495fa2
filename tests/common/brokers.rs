//! Private broker instances on ports of their own, for tests that stop, kill and
//! restart a broker without disturbing the shared ones (and the tests using them).
//! Each keeps its state in a temp folder, so a restart finds its sessions, topics,
//! records and committed offsets again.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Which broker a [`PrivateBroker`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Mosquitto with persistence and no cap on queued QoS 1 messages.
    Mosquitto,
    /// tansu with SQLite storage (`--storage-engine sqlite://DIR/tansu.db`).
    Tansu,
}

pub struct PrivateBroker {
    pub kind: Kind,
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl PrivateBroker {
    /// Starts a new instance and waits until it listens.
    pub fn start(kind: Kind) -> PrivateBroker {
        let mut broker = PrivateBroker {
            kind,
            port: super::free_port(),
            dir: tempfile::tempdir().expect("broker dir"),
            child: None,
        };
        broker.restart();
        broker
    }

    /// `mqtt://127.0.0.1:PORT` or `127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        match self.kind {
            Kind::Mosquitto => format!("mqtt://127.0.0.1:{}", self.port),
            Kind::Tansu => format!("127.0.0.1:{}", self.port),
        }
    }

    /// Starts the broker again on the same port and state (after `kill`/`stop`).
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "broker already running");
        let log = std::fs::File::create(self.dir.path().join("broker.log")).expect("log");
        let mut command = self.command();
        command
            .current_dir(self.dir.path())
            .stdout(Stdio::from(log.try_clone().expect("log")))
            .stderr(Stdio::from(log));
        self.child = Some(command.spawn().expect("spawn private broker"));
        self.wait_listening();
    }

    /// SIGKILL: the broker gets no chance to save anything.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM and wait: a clean broker shutdown.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let pid = nix::unistd::Pid::from_raw(child.id() as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
            let _ = child.wait();
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("broker.log")).unwrap_or_default()
    }

    fn command(&self) -> Command {
        match self.kind {
            Kind::Mosquitto => {
                let conf = self.dir.path().join("mosquitto.conf");
                let data = self.dir.path().join("data");
                std::fs::create_dir_all(&data).expect("mosquitto data dir");
                // `user root`: started as root, Mosquitto would otherwise switch to
                // its own user, which cannot write the test's state folder (run as
                // anyone else, the setting has no effect).
                let text = format!(
                    "listener {port} 127.0.0.1\nallow_anonymous true\nuser root\npersistence true\n\
                     persistence_location {data}/\nautosave_interval 1\n\
                     max_queued_messages 0\nmax_inflight_messages 0\n",
                    port = self.port,
                    data = data.display()
                );
                std::fs::write(&conf, text).expect("mosquitto.conf");
                let mut command = Command::new(mosquitto_binary());
                command.arg("-c").arg(conf);
                command
            }
            Kind::Tansu => {
                let listener = format!("tcp://127.0.0.1:{}", self.port);
                let mut command = Command::new(tansu_binary());
                command
                    .args(["broker", "--kafka-listener-url", &listener])
                    .args(["--kafka-advertised-listener-url", &listener])
                    .args(["--storage-engine", "sqlite://tansu.db"]);
                command
            }
        }
    }

    fn wait_listening(&mut self) {
        let end = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("{:?} exited ({status}): {}", self.kind, self.log());
                }
            }
            assert!(
                Instant::now() < end,
                "{:?} did not listen on {}: {}",
                self.kind,
                self.port,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for PrivateBroker {
    fn drop(&mut self) {
        self.kill();
    }
}

fn mosquitto_binary() -> PathBuf {
    which("mosquitto").unwrap_or_else(|| PathBuf::from("/usr/sbin/mosquitto"))
}

/// tansu as `scripts/brokers.sh` installs it (`cargo install`), else on PATH.
pub fn tansu_binary() -> PathBuf {
    which("tansu").unwrap_or_else(|| {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
            .unwrap_or_default();
        home.join("bin/tansu")
    })
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| PathBuf::from(dir).join(name))
        .find(|p| p.is_file())
}
