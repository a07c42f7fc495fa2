//! Runs the real `ferry` binary as a child process.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use super::wait_for;

pub struct Ferry {
    child: Child,
    pub admin: String,
    pub dir: tempfile::TempDir,
    pub stdout: PathBuf,
    pub stderr: PathBuf,
}

impl Ferry {
    /// Writes `config` (TOML; `{dir}` is replaced by the test's temp folder and
    /// `{admin}` by a free admin address) and starts ferry on it.
    pub fn start(config: &str) -> Ferry {
        let dir = tempfile::tempdir().expect("tempdir");
        let admin = format!("127.0.0.1:{}", super::free_port());
        let text = config
            .replace("{dir}", &dir.path().display().to_string())
            .replace("{admin}", &admin);
        let text = if text.contains("[admin]") {
            text
        } else {
            format!("[admin]\nlisten = \"{admin}\"\n\n{text}")
        };
        let config_path = dir.path().join("ferry.toml");
        std::fs::write(&config_path, text).expect("write config");
        let stdout = dir.path().join("stdout.log");
        let stderr = dir.path().join("stderr.log");
        let child = Command::new(env!("CARGO_BIN_EXE_ferry"))
            .args(["run", "--config"])
            .arg(&config_path)
            .env("RUST_LOG", "info,ferry=debug")
            .stdout(Stdio::from(std::fs::File::create(&stdout).expect("stdout")))
            .stderr(Stdio::from(std::fs::File::create(&stderr).expect("stderr")))
            .spawn()
            .expect("spawn ferry");
        Ferry {
            child,
            admin,
            dir,
            stdout,
            stderr,
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Waits until `/readyz` answers 200.
    pub async fn ready(&mut self) {
        let url = format!("http://{}/readyz", self.admin);
        let client = reqwest::Client::new();
        let stderr = self.stderr.clone();
        wait_for("ferry /readyz", Duration::from_secs(30), || {
            let request = client.get(&url).send();
            let exited = self.child.try_wait().ok().flatten();
            let stderr = stderr.clone();
            async move {
                if let Some(status) = exited {
                    panic!("ferry exited early ({status}): {}", read(&stderr));
                }
                match request.await {
                    Ok(r) if r.status() == 200 => Some(()),
                    _ => None,
                }
            }
        })
        .await
    }

    /// The `/metrics` text.
    pub async fn metrics(&self) -> String {
        let url = format!("http://{}/metrics", self.admin);
        reqwest::get(url)
            .await
            .expect("GET /metrics")
            .text()
            .await
            .expect("metrics body")
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("SIGTERM");
    }

    /// SIGKILL, and waits for the process to be gone: no chance to acknowledge,
    /// flush or commit anything.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the process to exit.
    pub async fn exited(&mut self, deadline: Duration) -> ExitStatus {
        let child = &mut self.child;
        wait_for("ferry to exit", deadline, || {
            let status = child.try_wait().expect("try_wait");
            async move { status }
        })
        .await
    }

    pub fn stderr_text(&self) -> String {
        read(&self.stderr)
    }
}

impl Drop for Ferry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The value of a Prometheus sample line `name{labels} value`, if present.
pub fn metric(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        let (key, value) = l.rsplit_once(' ')?;
        (key == name_and_labels).then(|| value.parse().ok())?
    })
}
