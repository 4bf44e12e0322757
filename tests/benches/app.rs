//! App benchmark (issues 5 and 12): time from process start to the case list, and resident memory
//! of all the app's processes after start-up and after an idle period — for Casewatch and, as the
//! floor no Tauri app on this machine can go under, for a bare Tauri window with an empty page
//! (`scripts/bare-window`, the same Tauri). A program, not a test: run it with
//! `scripts/bench-app.sh`, which builds both in release mode and provides the X display, the
//! D-Bus session and an unlocked throw-away keyring.
//!
//! The bare window is measured first, the same way (started through `tauri-driver` with empty
//! XDG directories; "first content" is its page's body), including its idle period, and is
//! quit before Casewatch starts: PSS divides shared pages between every process mapping them,
//! so two apps running at once would each look smaller.
//!
//! Method. A support centre (`casewatch-server`, demo data) runs in this process on
//! 127.0.0.1:0 with a temporary data directory. The release app is started through
//! `tauri-driver` with fixed XDG directories (kept across launches) and a keyring service of its
//! own, signs in once by URL as admin@acme.example, and is quit. Then, `BENCH_RUNS` times, the
//! app is started again: the session is restored from the keyring and the home screen lists the
//! cases. For each start the program records
//!
//! - the instant just before the WebDriver new-session request (which makes WebKitWebDriver
//!   spawn the app), and the app process's own start time from `/proc/<pid>/stat`;
//! - the instant `[data-testid=case-row]` is first seen (polled every 10 ms over WebDriver);
//! - the page's own Navigation Timing marks, to split the time into "process start → page
//!   navigation starts" (Tauri setup, WebKit web process start) and "navigation → case list"
//!   (loading the UI, restoring the session, first cases call, rendering).
//!
//! Memory is the sum of VmRSS (`/proc/<pid>/status`) and of PSS (`/proc/<pid>/smaps_rollup`,
//! which splits shared pages between the processes sharing them, so it does not count the
//! WebKit libraries three times) over the app process and all its descendants
//! (WebKitWebProcess, WebKitNetworkProcess and anything in between), a few seconds after the
//! case list appears, and, on the last start, again after `BENCH_IDLE_SECS` of idling.
//!
//! Environment: `BARE_WINDOW_BINARY` (default `target/release/bare-window`; `BENCH_BARE=0`
//! skips it), `BENCH_RUNS` (default 5), `BENCH_IDLE_SECS` (default 600),
//! `BENCH_SETTLE_SECS` (default 3: pause between the case list appearing and the first memory
//! sample), `CASEWATCH_APP_BINARY` (default `target/release/casewatch-app`), `BENCH_SMAPS_DIR`
//! (if set, each process's `/proc/<pid>/smaps` after start-up is saved there).

use std::fs::{self, File};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use casewatch_server::{serve, PasswordCost, ServerConfig};
use casewatch_tests::app::{native_driver, target_dir, tauri_driver};
use casewatch_tests::procs::{comm, find_descendant, start_time, tree};
use casewatch_tests::webdriver::{Client, Session};
use casewatch_tests::{e2e_error, Result};
use serde_json::{json, Value};

/// Upper bound of one WebDriver request (session creation starts the app).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a start may take before the run is declared failed.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Seconds since boot (`/proc/uptime`, 10 ms resolution), the clock of `/proc/<pid>/stat`.
fn uptime() -> Result<f64> {
    let text = fs::read_to_string("/proc/uptime")?;
    text.split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| e2e_error!("unreadable /proc/uptime: {text:?}"))
}

fn kib_field(text: &str, field: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Memory of one process: (command name, RSS KiB, PSS KiB).
fn memory_of(pid: u32) -> Option<(String, u64, u64)> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rollup = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    Some((
        comm(pid),
        kib_field(&status, "VmRSS:"),
        kib_field(&rollup, "Pss:"),
    ))
}

/// Memory of the app and its descendants.
struct Memory {
    processes: Vec<(u32, String, u64, u64)>,
}

impl Memory {
    fn sample(app_pid: u32) -> Memory {
        let processes = tree(app_pid)
            .into_iter()
            .filter_map(|pid| memory_of(pid).map(|(name, rss, pss)| (pid, name, rss, pss)))
            .collect();
        Memory { processes }
    }

    fn rss_mib(&self) -> f64 {
        self.processes.iter().map(|p| p.2).sum::<u64>() as f64 / 1024.0
    }

    fn pss_mib(&self) -> f64 {
        self.processes.iter().map(|p| p.3).sum::<u64>() as f64 / 1024.0
    }

    /// Copies each process's `/proc/<pid>/smaps` to `dir` (`BENCH_SMAPS_DIR`), for finding
    /// out where the memory goes.
    fn save_smaps(&self, dir: &std::path::Path, label: &str) {
        let _ = fs::create_dir_all(dir);
        for (pid, name, _, _) in &self.processes {
            if let Ok(text) = fs::read_to_string(format!("/proc/{pid}/smaps")) {
                let _ = fs::write(dir.join(format!("{label}-{name}-{pid}.smaps")), text);
            }
        }
    }

    fn describe(&self) -> String {
        self.processes
            .iter()
            .map(|(pid, name, rss, pss)| {
                format!(
                    "{name}[{pid}] RSS {:.1} MiB PSS {:.1} MiB",
                    *rss as f64 / 1024.0,
                    *pss as f64 / 1024.0
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One running app, started through its own tauri-driver.
struct Launch {
    driver: Child,
    driver_pid: u32,
    session: Option<Session>,
}

impl Launch {
    fn session(&self) -> &Session {
        self.session.as_ref().expect("a session")
    }

    fn signal_group(&self, signal: &str) -> bool {
        Command::new("kill")
            .arg(format!("-{signal}"))
            .arg("--")
            .arg(format!("-{}", self.driver_pid))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    fn exists(&self, selector: &str) -> Result<bool> {
        let found = self.session().execute(
            "return !!document.querySelector(arguments[0]);",
            vec![json!(selector)],
        )?;
        Ok(found.as_bool().unwrap_or(false))
    }

    fn wait_for(&self, selector: &str, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.exists(selector).unwrap_or(false) {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(50));
        }
        Err(e2e_error!("{selector} did not appear within {timeout:?}"))
    }

    fn set_value(&self, testid: &str, value: &str) -> Result<()> {
        let script = "const [id, value] = arguments;\
            const el = document.querySelector(`[data-testid=\"${id}\"]`);\
            if (!el) return null;\
            el.value = value;\
            el.dispatchEvent(new Event('input', { bubbles: true }));\
            el.dispatchEvent(new Event('change', { bubbles: true }));\
            return el.value;";
        let result = self
            .session()
            .execute(script, vec![json!(testid), json!(value)])?;
        if result.as_str() != Some(value) {
            return Err(e2e_error!("{testid} did not take {value:?}: {result}"));
        }
        Ok(())
    }

    fn click(&self, testid: &str) -> Result<()> {
        let element = self
            .session()
            .find(&format!("[data-testid=\"{testid}\"]"))?;
        self.session().click(&element)
    }
}

impl Drop for Launch {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            let _ = session.delete();
        }
        self.signal_group("TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let reaped = !matches!(self.driver.try_wait(), Ok(None));
            if reaped && !self.signal_group("0") {
                break;
            }
            if Instant::now() >= deadline {
                self.signal_group("KILL");
                let _ = self.driver.wait();
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Timings of one start, in milliseconds.
#[derive(Debug, Clone, Copy)]
struct Start {
    /// New-session request → case list seen.
    from_request: f64,
    /// App process start → case list seen (10 ms resolution).
    from_process: f64,
    /// App process start → the page's navigation start.
    to_navigation: f64,
    /// Navigation start → DOMContentLoaded end.
    to_dom_loaded: f64,
    /// Navigation start → case list seen.
    navigation_to_list: f64,
}

/// What to start and what counts as its first content.
struct Target {
    binary: PathBuf,
    /// Its name in `/proc/<pid>/comm`.
    process: &'static str,
    /// The CSS selector whose presence is the first content.
    ready: &'static str,
}

/// The figures of one program: its starts, its memory after each, and after idling.
struct Figures {
    starts: Vec<Start>,
    after_start: Vec<Memory>,
    idle_sample: Option<Memory>,
}

struct Bench {
    app: PathBuf,
    driver: PathBuf,
    native: PathBuf,
    xdg: PathBuf,
    keyring_service: String,
    logs: PathBuf,
}

impl Bench {
    /// Starts tauri-driver and returns once it answers; the app is not started yet.
    fn driver(&self, label: &str) -> Result<(Launch, Client)> {
        let first = TcpListener::bind("127.0.0.1:0")?;
        let second = TcpListener::bind("127.0.0.1:0")?;
        let (port, native_port) = (first.local_addr()?.port(), second.local_addr()?.port());
        drop((first, second));
        let log = File::create(self.logs.join(format!("bench-app-{label}.log")))?;
        let driver = Command::new(&self.driver)
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .arg("--native-driver")
            .arg(&self.native)
            .env("XDG_DATA_HOME", self.xdg.join("data"))
            .env("XDG_CONFIG_HOME", self.xdg.join("config"))
            .env("XDG_CACHE_HOME", self.xdg.join("cache"))
            .env("CASEWATCH_KEYRING_SERVICE", &self.keyring_service)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .map_err(|e| e2e_error!("cannot start {}: {e}", self.driver.display()))?;
        let driver_pid = driver.id();
        let launch = Launch {
            driver,
            driver_pid,
            session: None,
        };
        let client = Client::new(format!("http://127.0.0.1:{port}"), REQUEST_TIMEOUT);
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(100)).is_ok()
                && client.is_ready()
            {
                return Ok((launch, client));
            }
            if Instant::now() >= deadline {
                return Err(e2e_error!("tauri-driver did not become ready"));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn open(&self, launch: &mut Launch, client: &Client) -> Result<()> {
        self.open_binary(launch, client, &self.app)
    }

    fn open_binary(&self, launch: &mut Launch, client: &Client, binary: &Path) -> Result<()> {
        let capabilities = json!({
            "alwaysMatch": { "tauri:options": { "application": binary } }
        });
        launch.session = Some(client.new_session(capabilities)?);
        Ok(())
    }

    /// First launch: sign in by URL so the refresh token is in the keyring.
    fn sign_in(&self, portal: &str) -> Result<()> {
        let (mut launch, client) = self.driver("sign-in")?;
        self.open(&mut launch, &client)?;
        launch.wait_for("[data-testid=\"login-submit\"]", Duration::from_secs(30))?;
        launch.set_value("login-portal", portal)?;
        launch.set_value("login-email", "admin@acme.example")?;
        launch.set_value("login-password", "casewatch-demo")?;
        launch.click("login-submit")?;
        launch.wait_for("[data-testid=\"case-row\"]", Duration::from_secs(30))?;
        // Let the first background refresh (cases, knowledge-base sync) finish before quitting.
        thread::sleep(Duration::from_secs(5));
        Ok(())
    }

    /// One timed start of `target`. Returns the launch (still running), the app pid and the
    /// timings.
    fn timed_start_of(&self, label: &str, target: &Target) -> Result<(Launch, u32, Start)> {
        let (mut launch, client) = self.driver(label)?;
        // Pairs of (monotonic instant, seconds since boot, wall clock) taken together.
        let request_uptime = uptime()?;
        let request_wall = epoch_ms();
        let request = Instant::now();
        self.open_binary(&mut launch, &client, &target.binary)?;
        let session_open = request.elapsed();
        let app_pid = find_descendant(launch.driver_pid, target.process)
            .ok_or_else(|| e2e_error!("no {} process under tauri-driver", target.process))?;
        let app_start = start_time(app_pid)
            .ok_or_else(|| e2e_error!("cannot read the start time of {app_pid}"))?;

        let script = "const t = performance.timing;\
            return { ready: !!document.querySelector(arguments[0]),\
                     now: Date.now(), nav: t.navigationStart,\
                     dcl: t.domContentLoadedEventEnd,\
                     marks: performance.getEntriesByType('mark')\
                       .map(m => m.name + ' ' + Math.round(m.startTime) + ' ms').join(', ') };";
        let deadline = request + READY_TIMEOUT;
        let page: Value = loop {
            let answer = launch
                .session()
                .execute(script, vec![json!(target.ready)])
                .unwrap_or(Value::Null);
            if answer["ready"] == true {
                break answer;
            }
            if Instant::now() >= deadline {
                return Err(e2e_error!(
                    "{} did not appear within {READY_TIMEOUT:?} (restored session?)",
                    target.ready
                ));
            }
            thread::sleep(Duration::from_millis(10));
        };
        let seen = request.elapsed();
        let seen_uptime = request_uptime + seen.as_secs_f64();
        // The page's clocks are wall-clock milliseconds; map the process start onto them.
        let app_start_wall = request_wall + (app_start - request_uptime) * 1000.0;
        let as_f64 = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
        let start = Start {
            from_request: seen.as_secs_f64() * 1000.0,
            from_process: (seen_uptime - app_start) * 1000.0,
            to_navigation: as_f64(&page["nav"]) - app_start_wall,
            to_dom_loaded: as_f64(&page["dcl"]) - as_f64(&page["nav"]),
            navigation_to_list: as_f64(&page["now"]) - as_f64(&page["nav"]),
        };
        // The page's own marks (ui/main.js `cw:*`), from navigation start: where the page's
        // part of the time goes.
        if let Some(marks) = page["marks"].as_str().filter(|m| !m.is_empty()) {
            eprintln!("[{label}] page marks: {marks}");
        }
        eprintln!(
            "[{label}] new session answered after {:.0} ms; app pid {app_pid} started {:.0} ms \
             after the request",
            session_open.as_secs_f64() * 1000.0,
            (app_start - request_uptime) * 1000.0
        );
        Ok((launch, app_pid, start))
    }
}

fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

fn summary(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    (sorted[0], median, sorted[n - 1])
}

/// Starts `target` `runs` times, sampling memory after each start and, on the last, after
/// `idle`.
fn measure(
    bench: &Bench,
    target: &Target,
    name: &str,
    runs: usize,
    settle: Duration,
    idle: Duration,
) -> Result<Figures> {
    let mut figures = Figures {
        starts: Vec::new(),
        after_start: Vec::new(),
        idle_sample: None,
    };
    for i in 1..=runs {
        let label = format!("{name}-run-{i}");
        let (launch, app_pid, start) = bench.timed_start_of(&label, target)?;
        eprintln!(
            "[{label}] first content after {:.0} ms from the request, {:.0} ms from process \
             start (process → navigation {:.0} ms, navigation → DOMContentLoaded {:.0} ms, \
             navigation → first content {:.0} ms)",
            start.from_request,
            start.from_process,
            start.to_navigation,
            start.to_dom_loaded,
            start.navigation_to_list
        );
        figures.starts.push(start);
        thread::sleep(settle);
        let memory = Memory::sample(app_pid);
        eprintln!(
            "[{label}] after start-up: RSS {:.1} MiB, PSS {:.1} MiB ({})",
            memory.rss_mib(),
            memory.pss_mib(),
            memory.describe()
        );
        if let Ok(dir) = std::env::var("BENCH_SMAPS_DIR") {
            memory.save_smaps(&PathBuf::from(dir), &label);
        }
        figures.after_start.push(memory);
        if i == runs && !idle.is_zero() {
            eprintln!("[{label}] idling {idle:?}");
            thread::sleep(idle);
            let memory = Memory::sample(app_pid);
            eprintln!(
                "[{label}] after {idle:?} idle: RSS {:.1} MiB, PSS {:.1} MiB ({})",
                memory.rss_mib(),
                memory.pss_mib(),
                memory.describe()
            );
            if let Ok(dir) = std::env::var("BENCH_SMAPS_DIR") {
                memory.save_smaps(&PathBuf::from(dir), &format!("{label}-idle"));
            }
            figures.idle_sample = Some(memory);
        }
        drop(launch);
        // The single-instance lock of the previous app must be gone before the next start.
        thread::sleep(Duration::from_millis(500));
    }
    Ok(figures)
}

/// Prints one program's figures.
fn report(title: &str, first_content: &str, figures: &Figures, idle: Duration) {
    let starts = &figures.starts;
    let column = |f: fn(&Start) -> f64| summary(&starts.iter().map(f).collect::<Vec<_>>());
    println!(
        "\n{title}: start-up over {} starts (ms; min / median / max)",
        starts.len()
    );
    for (name, f) in [
        (
            format!("process start → {first_content}"),
            (|s: &Start| s.from_process) as fn(&Start) -> f64,
        ),
        (format!("new-session request → {first_content}"), |s| {
            s.from_request
        }),
        ("process start → navigation start".to_owned(), |s| {
            s.to_navigation
        }),
        ("navigation → DOMContentLoaded".to_owned(), |s| {
            s.to_dom_loaded
        }),
        (format!("navigation → {first_content}"), |s| {
            s.navigation_to_list
        }),
    ] {
        let (min, median, max) = column(f);
        println!("  {name:<40} {min:>7.0} / {median:>7.0} / {max:>7.0}");
    }
    let rss: Vec<f64> = figures.after_start.iter().map(Memory::rss_mib).collect();
    let pss: Vec<f64> = figures.after_start.iter().map(Memory::pss_mib).collect();
    let (rss_min, rss_median, rss_max) = summary(&rss);
    let (pss_min, pss_median, pss_max) = summary(&pss);
    println!("{title}: memory after start-up (MiB; min / median / max over the starts)");
    println!("  sum of VmRSS {rss_min:>7.1} / {rss_median:>7.1} / {rss_max:>7.1}");
    println!("  sum of PSS   {pss_min:>7.1} / {pss_median:>7.1} / {pss_max:>7.1}");
    if let Some(last) = figures.after_start.last() {
        println!("  last start: {}", last.describe());
    }
    if let Some(memory) = &figures.idle_sample {
        let before = figures.after_start.last().map_or(0.0, Memory::pss_mib);
        println!(
            "{title}: memory after {} s idle (last start): sum of VmRSS {:.1} MiB, sum of PSS \
             {:.1} MiB (PSS growth {:+.1} MiB)",
            idle.as_secs(),
            memory.rss_mib(),
            memory.pss_mib(),
            memory.pss_mib() - before
        );
        println!("  {}", memory.describe());
    }
}

fn run() -> Result<()> {
    let runs = env_u64("BENCH_RUNS", 5).max(1) as usize;
    let idle = Duration::from_secs(env_u64("BENCH_IDLE_SECS", 600));
    let settle = Duration::from_secs(env_u64("BENCH_SETTLE_SECS", 3));
    if std::env::var_os("DISPLAY").map_or(true, |d| d.is_empty()) {
        return Err(e2e_error!(
            "DISPLAY is not set: run the benchmark with scripts/bench-app.sh"
        ));
    }
    let release = |env: &str, name: &str| match std::env::var_os(env) {
        Some(path) => PathBuf::from(path),
        None => target_dir().join("release").join(name),
    };
    let app = release("CASEWATCH_APP_BINARY", "casewatch-app");
    let bare = (std::env::var("BENCH_BARE").as_deref() != Ok("0"))
        .then(|| release("BARE_WINDOW_BINARY", "bare-window"));
    for binary in std::iter::once(&app).chain(bare.as_ref()) {
        if !binary.is_file() {
            return Err(e2e_error!(
                "{} not found: build it with `cargo build --release -p casewatch-app \
                 -p casewatch-bare-window` (scripts/bench-app.sh does)",
                binary.display()
            ));
        }
    }
    let xdg = tempfile::tempdir()?;
    for sub in ["data", "config", "cache"] {
        fs::create_dir_all(xdg.path().join(sub))?;
    }
    let logs = target_dir().join("e2e-logs");
    fs::create_dir_all(&logs)?;
    let bench = Bench {
        app: fs::canonicalize(&app)?,
        driver: tauri_driver()?,
        native: native_driver()?,
        xdg: xdg.path().to_path_buf(),
        keyring_service: format!("casewatch-bench-{}", std::process::id()),
        logs,
    };

    let floor = match &bare {
        Some(binary) => {
            let target = Target {
                binary: fs::canonicalize(binary)?,
                process: "bare-window",
                ready: "body[data-testid=\"bare\"]",
            };
            eprintln!("bare window {}", target.binary.display());
            Some(measure(&bench, &target, "bare", runs, settle, idle)?)
        }
        None => None,
    };

    let runtime = tokio::runtime::Runtime::new()?;
    let server_data = tempfile::tempdir()?;
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), server_data.path());
    config.demo = true;
    config.password_cost = PasswordCost::InsecureFastForTests;
    let server = runtime
        .block_on(serve(config))
        .map_err(|e| e2e_error!("the support centre does not start: {e}"))?;
    let portal = server.base_url();
    eprintln!("support centre on {portal}; app {}", bench.app.display());

    bench.sign_in(&portal)?;
    eprintln!("signed in once; the session is in the keyring");

    let target = Target {
        binary: bench.app.clone(),
        process: "casewatch-app",
        ready: "[data-testid=\"case-row\"]",
    };
    let casewatch = measure(&bench, &target, "casewatch", runs, settle, idle)?;
    runtime
        .block_on(server.shutdown())
        .map_err(|e| e2e_error!("the support centre does not stop: {e}"))?;

    if let Some(floor) = &floor {
        report("Bare Tauri window (the floor)", "page", floor, idle);
    }
    report(
        "Casewatch with a restored session",
        "case list",
        &casewatch,
        idle,
    );
    if let Some(floor) = &floor {
        let median = |f: &Figures| {
            summary(
                &f.after_start
                    .iter()
                    .map(Memory::pss_mib)
                    .collect::<Vec<_>>(),
            )
            .1
        };
        println!(
            "\nCasewatch over the floor: {:+.1} MiB PSS (median after start-up)",
            median(&casewatch) - median(floor)
        );
    }
    Ok(())
}

fn main() {
    // `cargo test --all-targets` runs bench targets without `--bench`: nothing to check there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("bench_app: skipped (run it with scripts/bench-app.sh)");
        return;
    }
    if let Err(err) = run() {
        eprintln!("bench_app: {err}");
        std::process::exit(1);
    }
}
