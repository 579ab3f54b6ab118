//! Running the `halo` binary against a fake HaloPSA server: a rig holding
//! the server (on its own runtime, so tests block on the process freely),
//! a scratch directory for the config file, and runs bounded in time.
#![allow(dead_code)] // each test file uses a different subset

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use halopsa_fake::{FakeHalo, FakeHaloBuilder};

/// The longest a single run of `halo` may take in a test.
pub const RUN_LIMIT: Duration = Duration::from_secs(60);

/// The client secret of every rig: tests check it never reaches the output.
pub const SECRET: &str = "cli-s3cret-never-shown";
pub const CLIENT_ID: &str = "cli-client";

/// A fake server and a scratch directory; both go when dropped.
pub struct Rig {
    pub halo: FakeHalo,
    pub dir: Scratch,
    runtime: tokio::runtime::Runtime,
}

impl Rig {
    /// A fake with `tickets` tickets and the rig's credentials.
    pub fn new(tickets: usize) -> Rig {
        Rig::with(FakeHalo::builder().tickets(tickets))
    }

    pub fn with(builder: FakeHaloBuilder) -> Rig {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let halo = runtime
            .block_on(builder.credentials(CLIENT_ID, SECRET).start())
            .expect("the fake starts");
        Rig {
            halo,
            dir: Scratch::new(),
            runtime,
        }
    }

    /// `halo` with the fake's `HALOPSA_*` variables.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = halo(&self.dir, args);
        command
            .env("HALOPSA_BASE_URL", self.halo.base_url())
            .env("HALOPSA_TENANT", self.halo.tenant())
            .env("HALOPSA_CLIENT_ID", CLIENT_ID)
            .env("HALOPSA_CLIENT_SECRET", SECRET);
        command
    }

    /// Runs `halo args` to its end, with nothing on stdin.
    pub fn run(&self, args: &[&str]) -> Run {
        run(self.command(args), None)
    }

    /// Runs `halo args` with `stdin` piped in.
    pub fn run_with(&self, args: &[&str], stdin: &str) -> Run {
        run(self.command(args), Some(stdin))
    }

    /// The stored record as the fake holds it.
    pub fn record(&self, path: &str, id: i64) -> Option<serde_json::Value> {
        self.halo.record(path, id)
    }
}

/// `halo args`, with no `HALOPSA_*` variable from the test's environment
/// and the config file in `dir`.
pub fn halo(dir: &Scratch, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_halo"));
    command.args(args);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("HALOPSA_") {
            command.env_remove(name);
        }
    }
    command.env("HALOPSA_CONFIG", dir.config());
    command
}

/// What a run printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts success and returns stdout.
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "halo failed: {self:#?}");
        &self.stdout
    }
}

/// Runs `command` to its end (at most [`RUN_LIMIT`]), `stdin` piped in.
pub fn run(mut command: Command, stdin: Option<&str>) -> Run {
    command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("halo starts");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(text.as_bytes()).expect("stdin is written");
    }
    finish(child, RUN_LIMIT)
}

/// Waits for `child` at most `limit`, then kills it and fails.
pub fn finish(mut child: Child, limit: Duration) -> Run {
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let (done, wait) = mpsc::channel();
    let id = child.id();
    let waiter = std::thread::spawn(move || {
        let status = child.wait();
        let _ = done.send(());
        status
    });
    if wait.recv_timeout(limit).is_err() {
        // The child is owned by the waiter: end it by its id.
        let _ = Command::new("kill").arg("-9").arg(id.to_string()).status();
        panic!("halo (pid {id}) ran longer than {limit:?}");
    }
    let status = waiter.join().expect("waited").expect("halo ends");
    let (stdout, stderr) = (
        stdout.join().expect("stdout"),
        stderr.join().expect("stderr"),
    );
    Run {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

/// A directory of its own under the system's temporary directory.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new() -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "halo-cli-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("scratch directory");
        Scratch(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Where `halo` keeps its profiles in tests.
    pub fn config(&self) -> PathBuf {
        self.0.join("halo").join("config.yaml")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
