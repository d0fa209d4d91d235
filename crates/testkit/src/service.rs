//! The real `vigie run` as the desktop app's and the notifier's tests start it: loopback ports,
//! temporary folders, a local upstream, and stop and restart with the same folders and ports.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::free_port;

/// How long the service may take to say it filters.
const START: Duration = Duration::from_secs(30);

/// The `vigie` service on loopback ports with temporary folders; stopped (SIGTERM) when dropped.
#[derive(Debug)]
pub struct Vigie {
    bin: PathBuf,
    child: Option<Child>,
    /// Its DNS listener.
    pub dns: SocketAddr,
    page: SocketAddr,
    upstream: SocketAddr,
    /// Its configuration folder (`settings.toml`, `lists/`).
    pub config: PathBuf,
    /// Its data folder (journal, feeds).
    pub data: PathBuf,
    /// Its runtime folder, where the API socket is.
    pub runtime: PathBuf,
    _dirs: tempfile::TempDir,
    stdout: Arc<Mutex<String>>,
    /// More arguments of `vigie run`, kept for a restart.
    extra: Vec<String>,
}

impl Vigie {
    /// `bin run` forwarding to `upstream`, with `settings` as its `settings.toml` if given.
    pub fn start(bin: PathBuf, upstream: SocketAddr, settings: Option<&str>) -> Vigie {
        Vigie::start_with(bin, upstream, settings, &[])
    }

    /// With more arguments of `vigie run` (such as `--feed-url`).
    pub fn start_with(
        bin: PathBuf,
        upstream: SocketAddr,
        settings: Option<&str>,
        extra: &[String],
    ) -> Vigie {
        let dirs = tempfile::tempdir().unwrap();
        let config = dirs.path().join("config");
        let data = dirs.path().join("data");
        std::fs::create_dir_all(config.join("lists")).unwrap();
        std::fs::create_dir_all(&data).unwrap();
        if let Some(s) = settings {
            std::fs::write(config.join("settings.toml"), s).unwrap();
        }
        let mut v = Vigie {
            bin,
            child: None,
            dns: SocketAddr::from(([127, 0, 0, 1], free_port())),
            page: SocketAddr::from(([127, 0, 0, 1], free_port())),
            upstream,
            config,
            data,
            runtime: dirs.path().join("run"),
            _dirs: dirs,
            stdout: Arc::new(Mutex::new(String::new())),
            extra: extra.to_vec(),
        };
        v.restart();
        v
    }

    /// Starts the service (again) and waits until it says it filters.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "vigie is already running");
        self.stdout.lock().unwrap().clear();
        let mut child = Command::new(&self.bin)
            .arg("run")
            .arg("--config-dir")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(&self.data)
            .arg("--runtime-dir")
            .arg(&self.runtime)
            .arg("--listen")
            .arg(self.dns.to_string())
            .arg("--upstream")
            .arg(self.upstream.to_string())
            .arg("--block-page")
            .arg(self.page.to_string())
            .args(&self.extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("vigie starts");
        collect(child.stdout.take().unwrap(), self.stdout.clone());
        self.child = Some(child);
        let start = Instant::now();
        while !self
            .stdout
            .lock()
            .unwrap()
            .contains("Vigie is filtering DNS")
        {
            assert!(
                start.elapsed() < START,
                "vigie did not start: {}",
                self.stdout.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the service with SIGTERM and waits for it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }

    /// A client of the service's local API.
    pub fn client(&self) -> vigie_localapi::Client {
        vigie_localapi::Client::new(self.runtime.join(vigie_localapi::SOCKET_NAME))
    }
}

impl Drop for Vigie {
    fn drop(&mut self) {
        self.stop();
    }
}

/// SIGTERM, then wait up to 10 s (SIGKILL after that).
pub fn terminate(child: &mut Child) {
    signal(child.id(), "TERM");
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Sends a signal (`"TERM"`, `"STOP"`…) to one process by its id.
pub fn signal(pid: u32, name: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status();
}

/// Appends each line of a stream to a shared string, on a thread of its own.
pub fn collect(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let mut s = into.lock().unwrap();
            s.push_str(&line);
            s.push('\n');
        }
    });
}
