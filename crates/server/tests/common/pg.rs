//! A real PostgreSQL for the tests, started by the tests themselves.
//!
//! Why this shape: the issue asks for the whole server suite on PostgreSQL without assuming
//! anything already running, and `make test` must stay fast. So each test binary starts ONE
//! cluster on first use ([`shared`]) and every test gets its own fresh database in it
//! ([`fresh_database`]); tests that must stop the database under load (the outage test) start
//! a private cluster ([`Cluster::start`]) so they cannot disturb the others.
//!
//! The cluster is Debian's PostgreSQL (`initdb`, `pg_ctl`, `psql` from
//! `/usr/lib/postgresql/<n>/bin` or `pg_config --bindir`), in a temporary directory, on a free
//! loopback port, with its socket in that directory. `initdb` refuses to run as root, so as root
//! every PostgreSQL program runs as the `postgres` user (`runuser -u postgres --`) and the
//! directory is handed to that user.
//!
//! Test binaries never run destructors of statics, and a panic or a kill skips any `Drop`, so
//! the shared cluster is stopped by a watchdog: a small shell process that waits for the test
//! process to end, then runs `pg_ctl stop -m immediate` and removes the directory. It works
//! whether the binary exits, panics or is killed.
//!
//! This file only needs `std`, so other crates' tests use it without a copy:
//! `#[path = "../../server/tests/common/pg.rs"] mod pg;`.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The environment variable choosing the tests' backend: `sqlite` (default) or `postgres`.
pub const BACKEND_VAR: &str = "CASEWATCH_TEST_DATABASE";

/// Whether the tests run on PostgreSQL (`CASEWATCH_TEST_DATABASE=postgres`).
pub fn backend_is_postgres() -> bool {
    matches!(
        std::env::var(BACKEND_VAR).as_deref(),
        Ok("postgres") | Ok("postgresql") | Ok("pg")
    )
}

/// A PostgreSQL cluster in a temporary directory.
pub struct Cluster {
    /// The directory holding the data directory, the socket and the log.
    root: PathBuf,
    /// PostgreSQL's programs.
    bindir: PathBuf,
    /// The TCP port on 127.0.0.1.
    port: u16,
    /// Whether the programs run as the `postgres` user (we are root).
    as_postgres: bool,
    /// Whether dropping this value stops the cluster (private clusters) or a watchdog does
    /// (the shared one, which lives in a static).
    stop_on_drop: bool,
}

static SHARED: OnceLock<Cluster> = OnceLock::new();
static NEXT_DB: AtomicU64 = AtomicU64::new(0);

/// The test binary's shared cluster, started on first use.
pub fn shared() -> &'static Cluster {
    SHARED.get_or_init(|| {
        let mut cluster = Cluster::start();
        // A static is never dropped: the watchdog started by `start` stops it.
        cluster.stop_on_drop = false;
        cluster
    })
}

/// A new empty database in the shared cluster; returns its URL.
pub fn fresh_database() -> String {
    shared().create_database()
}

/// Where PostgreSQL's programs are: `pg_config --bindir`, else the newest
/// `/usr/lib/postgresql/<n>/bin` holding `initdb`.
fn find_bindir() -> PathBuf {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        if out.status.success() {
            let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if dir.join("initdb").exists() {
                return dir;
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b).unwrap_or_else(|| {
        panic!(
            "PostgreSQL is not installed (no initdb in pg_config --bindir or \
             /usr/lib/postgresql/*/bin); run scripts/install-deps.sh"
        )
    })
}

/// A port that was free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn is_root() -> bool {
    // Reading our own uid without libc: /proc/self/status has "Uid:\t<real>\t<effective>…".
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

impl Cluster {
    /// Starts a private cluster, stopped when the value is dropped. Panics (failing the test)
    /// with PostgreSQL's own output when it cannot start.
    pub fn start() -> Cluster {
        let bindir = find_bindir();
        let as_postgres = is_root();
        let root = std::env::temp_dir().join(format!(
            "casewatch-pg-{}-{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("create the cluster directory");
        if as_postgres {
            let uid_gid = Command::new("id")
                .args(["-u", "postgres"])
                .output()
                .ok()
                .and_then(|o| String::from_utf8(o.stdout).ok())
                .and_then(|s| s.trim().parse::<u32>().ok())
                .expect("a postgres user (Debian's postgresql package creates it)");
            std::os::unix::fs::chown(&root, Some(uid_gid), None)
                .expect("hand the cluster directory to postgres");
        }
        let mut cluster = Cluster {
            root,
            bindir,
            port: 0,
            as_postgres,
            stop_on_drop: true,
        };
        let data = cluster.data_dir();
        cluster.run_checked(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        // The port is free when chosen but could be taken before PostgreSQL binds it: retry.
        let mut last = String::new();
        for _ in 0..5 {
            cluster.port = free_port();
            match cluster.try_start() {
                Ok(()) => {
                    // Drop covers a panicking test; the watchdog covers a killed binary.
                    cluster.watch_this_process();
                    return cluster;
                }
                Err(e) => last = e,
            }
        }
        panic!("PostgreSQL did not start: {last}");
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of a database in this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates a new empty database and returns its URL.
    pub fn create_database(&self) -> String {
        let name = format!("t_{}", NEXT_DB.fetch_add(1, Ordering::Relaxed));
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// Runs SQL with `psql` in a database; panics with psql's output on failure.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let port = self.port.to_string();
        let out = self
            .command("psql")
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                self.root.to_str().unwrap(),
                "-p",
                &port,
                "-U",
                "postgres",
                "-d",
                database,
                "-c",
                sql,
            ])
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "psql {sql:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Stops the cluster the way an operator would for maintenance (`pg_ctl stop -m fast`):
    /// connections are cut, the instance shuts down cleanly.
    pub fn stop_fast(&self) {
        let data = self.data_dir();
        self.run_checked(
            "pg_ctl",
            &["stop", "-D", data.to_str().unwrap(), "-m", "fast", "-w"],
        );
    }

    /// Starts the cluster again on the same port (after [`Cluster::stop_fast`]).
    pub fn restart(&self) {
        if let Err(e) = self.try_start() {
            panic!("PostgreSQL did not start again: {e}");
        }
    }

    fn try_start(&self) -> Result<(), String> {
        let data = self.data_dir();
        let log = self.root.join("postgres.log");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 \
             -c fsync=off -c full_page_writes=off",
            self.port,
            self.root.display()
        );
        let out = self
            .command("pg_ctl")
            .args([
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
            ])
            .output()
            .map_err(|e| format!("cannot run pg_ctl: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{}{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                std::fs::read_to_string(&log).unwrap_or_default()
            ))
        }
    }

    /// A PostgreSQL program, run as `postgres` when we are root.
    fn command(&self, program: &str) -> Command {
        let path = self.bindir.join(program);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        // The postgres user cannot enter the test's working directory under /root.
        cmd.current_dir(&self.root).stdin(Stdio::null());
        cmd
    }

    fn run_checked(&self, program: &str, args: &[&str]) {
        let out = self
            .command(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The shell command that stops this cluster at once and removes its directory.
    fn teardown_script(&self) -> String {
        let pg_ctl = self.bindir.join("pg_ctl");
        let stop = if self.as_postgres {
            format!("runuser -u postgres -- '{}'", pg_ctl.display())
        } else {
            format!("'{}'", pg_ctl.display())
        };
        format!(
            "cd / ; {stop} stop -D '{}' -m immediate -w >/dev/null 2>&1; rm -rf '{}'",
            self.data_dir().display(),
            self.root.display()
        )
    }

    /// Starts the watchdog that tears the cluster down once this process has gone, however
    /// it ends.
    fn watch_this_process(&self) {
        let script = format!(
            "while kill -0 {} 2>/dev/null; do sleep 0.5; done; {}",
            std::process::id(),
            self.teardown_script()
        );
        let mut watchdog = Command::new("sh")
            .args(["-c", &script])
            .current_dir("/")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the PostgreSQL watchdog");
        // Reaped by a thread of its own, so it never becomes a zombie should it end early;
        // normally it outlives this process.
        std::thread::spawn(move || {
            let _ = watchdog.wait();
        });
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.stop_on_drop {
            let _ = Command::new("sh")
                .args(["-c", &self.teardown_script()])
                .current_dir("/")
                .status();
        }
    }
}
