//! Starting, driving and stopping the Casewatch app under test.
//!
//! [`App::launch`] does what a tester would do by hand: find the built app and `tauri-driver`,
//! start the driver on free ports, wait until it answers, open a session (which starts the app),
//! and wait until the UI has rendered. Dropping the [`App`] ends the session and kills the driver's
//! whole process group, so no WebKitWebDriver or app process outlives a test, even a failed one.
//!
//! Sessions are serialised by a process-wide lock: two app windows at once would only compete for
//! the machine's two cores and make timings flaky. Each session gets fresh XDG directories, so
//! state the app stores (language choice, WebKit storage) never leaks between tests or runs.

use std::fs::{self, File};
use std::io::Read as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::webdriver::{Client, Element, Session};
use crate::{e2e_error, E2eError, Result};

/// How long the driver may take to accept connections and answer `/status`.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(30);
/// Upper bound for one WebDriver request (session creation starts the app, so it is generous).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the UI may take to render its first screen after the session opens.
const UI_READY_TIMEOUT: Duration = Duration::from_secs(30);
/// Default wait for the UI to show an expected result.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(15);
/// Pause between two polls of a condition.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

static SESSION_LOCK: Mutex<()> = Mutex::new(());

/// Options for one launch of the app.
#[derive(Debug, Clone, Default)]
pub struct Options {
    time_zone: Option<String>,
    state_dir: Option<PathBuf>,
    env: Vec<(String, String)>,
    application: Option<PathBuf>,
    args: Vec<String>,
}

impl Options {
    /// Runs the app with the `TZ` environment variable set to `zone`, i.e. as a person whose
    /// computer is in that time zone.
    pub fn time_zone(mut self, zone: impl Into<String>) -> Self {
        self.time_zone = Some(zone.into());
        self
    }

    /// Keeps the app's XDG directories under `dir` instead of a fresh directory, and leaves them
    /// in place when the app ends, so a second launch with the same `dir` is a restart of the
    /// same installation (profile, cache, outbox). The keyring is the test session's.
    pub fn state_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.state_dir = Some(dir.into());
        self
    }

    /// Starts the app at `path` (for example the one a package installed in `/usr/bin`)
    /// instead of the build under test ([`app_binary`]).
    pub fn application(mut self, path: impl Into<PathBuf>) -> Self {
        self.application = Some(path.into());
        self
    }

    /// Passes `arg` on the app's command line (for example `--background`, as a start at login).
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Sets an environment variable for the app (for example a `PATH` that puts a recording
    /// stand-in for `xdg-open` first).
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Cargo's target directory: `CARGO_TARGET_DIR` if set, else `<workspace>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                workspace_root().join(dir)
            }
        }
        _ => workspace_root().join("target"),
    }
}

/// Where scenario screenshots go: `<workspace>/target/e2e-screenshots`.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("e2e-screenshots")
}

/// The app binary under test: `CASEWATCH_APP_BINARY` if set, else `target/debug/casewatch-app`.
pub fn app_binary() -> Result<PathBuf> {
    let path = match std::env::var_os("CASEWATCH_APP_BINARY") {
        Some(path) => PathBuf::from(path),
        None => target_dir().join("debug").join("casewatch-app"),
    };
    if !path.is_file() {
        return Err(e2e_error!(
            "app binary {} not found: build it first with `cargo build -p casewatch-app` \
             (`make test` does this before running the tests)",
            path.display()
        ));
    }
    Ok(fs::canonicalize(&path)?)
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// `tauri-driver`: `TAURI_DRIVER` if set, else on `PATH`, else `~/.cargo/bin/tauri-driver`.
pub fn tauri_driver() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return Ok(PathBuf::from(path));
    }
    if let Some(path) = find_on_path("tauri-driver") {
        return Ok(path);
    }
    if let Some(home) = std::env::var_os("HOME") {
        let path = Path::new(&home).join(".cargo/bin/tauri-driver");
        if path.is_file() {
            return Ok(path);
        }
    }
    Err(e2e_error!(
        "tauri-driver not found: run `make deps` (scripts/install-deps.sh installs it)"
    ))
}

/// WebKitGTK's WebDriver: `WEBKIT_WEBDRIVER` if set, else `/usr/bin/WebKitWebDriver`.
pub fn native_driver() -> Result<PathBuf> {
    let path = std::env::var_os("WEBKIT_WEBDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/WebKitWebDriver"));
    if !path.is_file() {
        return Err(e2e_error!(
            "{} not found: run `make deps` (it installs webkit2gtk-driver)",
            path.display()
        ));
    }
    Ok(path)
}

/// Two distinct free TCP ports on the loopback interface.
fn free_ports() -> Result<(u16, u16)> {
    let first = TcpListener::bind("127.0.0.1:0")?;
    let second = TcpListener::bind("127.0.0.1:0")?;
    Ok((first.local_addr()?.port(), second.local_addr()?.port()))
}

fn sanitise(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The running app, driven through one WebDriver session.
pub struct App {
    scenario: String,
    session: Option<Session>,
    driver: Child,
    driver_pid: u32,
    log_path: PathBuf,
    scratch: PathBuf,
    /// The scratch directory belongs to the caller ([`Options::state_dir`]): not removed.
    keep_scratch: bool,
    _lock: MutexGuard<'static, ()>,
}

impl App {
    /// Starts `tauri-driver`, opens a session on the app and waits for the first screen.
    ///
    /// `scenario` names the log file and screenshots. Fails with a clear message when there is no
    /// display (run the tests with `make test`), or when the app or the drivers are missing.
    pub fn launch(scenario: &str, options: Options) -> Result<App> {
        let display = std::env::var_os("DISPLAY").unwrap_or_default();
        if display.is_empty() {
            return Err(e2e_error!(
                "DISPLAY is not set: the end-to-end tests open the real app window and need an X \
                 server and a D-Bus session. Run them with `make test`, which wraps `cargo test` \
                 in `xvfb-run -a dbus-run-session`."
            ));
        }
        let application = match &options.application {
            Some(path) => path.clone(),
            None => app_binary()?,
        };
        let driver_path = tauri_driver()?;
        let native = native_driver()?;
        let lock = SESSION_LOCK
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());

        let scenario = sanitise(scenario);
        let logs = target_dir().join("e2e-logs");
        fs::create_dir_all(&logs)?;
        let log_path = logs.join(format!("{scenario}.log"));
        let log = File::create(&log_path)?;
        let keep_scratch = options.state_dir.is_some();
        let scratch = match &options.state_dir {
            Some(dir) => dir.clone(),
            None => target_dir()
                .join("e2e-tmp")
                .join(format!("{scenario}-{}", std::process::id())),
        };
        if scratch.exists() && !keep_scratch {
            fs::remove_dir_all(&scratch)?;
        }
        for sub in ["data", "config", "cache"] {
            fs::create_dir_all(scratch.join(sub))?;
        }

        let (port, native_port) = free_ports()?;
        let mut command = Command::new(&driver_path);
        command
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .arg("--native-driver")
            .arg(&native)
            .env("XDG_DATA_HOME", scratch.join("data"))
            .env("XDG_CONFIG_HOME", scratch.join("config"))
            .env("XDG_CACHE_HOME", scratch.join("cache"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            // Own process group: dropping the App signals the driver, WebKitWebDriver and the
            // app together.
            .process_group(0);
        if let Some(zone) = &options.time_zone {
            command.env("TZ", zone);
        }
        command.envs(options.env.iter().map(|(k, v)| (k, v)));
        let driver = command
            .spawn()
            .map_err(|err| e2e_error!("cannot start {}: {err}", driver_path.display()))?;
        let driver_pid = driver.id();

        let mut app = App {
            scenario,
            session: None,
            driver,
            driver_pid,
            log_path,
            scratch,
            keep_scratch,
            _lock: lock,
        };
        let client = Client::new(format!("http://127.0.0.1:{port}"), REQUEST_TIMEOUT);
        app.wait_for_driver(port, &client)?;

        let capabilities = json!({
            "alwaysMatch": { "tauri:options": { "application": application, "args": options.args } }
        });
        let session = client
            .new_session(capabilities)
            .map_err(|err| app.with_log(err))?;
        app.session = Some(session);
        app.wait_for_ui()?;
        Ok(app)
    }

    /// Polls until the driver accepts TCP connections and reports itself ready.
    fn wait_for_driver(&mut self, port: u16, client: &Client) -> Result<()> {
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + DRIVER_START_TIMEOUT;
        loop {
            if let Some(status) = self.driver.try_wait()? {
                return Err(self.with_log(e2e_error!("tauri-driver exited early ({status})")));
            }
            let accepts = TcpStream::connect_timeout(&address, POLL_INTERVAL).is_ok();
            if accepts && client.is_ready() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(self.with_log(e2e_error!(
                    "tauri-driver did not become ready on port {port} within {:?}",
                    DRIVER_START_TIMEOUT
                )));
            }
            thread::sleep(POLL_INTERVAL);
        }
    }

    /// Waits until the page has loaded and the router has shown the first screen (the sign-in
    /// screen without a session).
    fn wait_for_ui(&self) -> Result<()> {
        let script = "return document.readyState === 'complete' \
            && document.body.dataset.ready === 'true' \
            && !!document.querySelector('[data-testid=\"nav-calculator\"]');";
        self.wait_for("the first screen to render", UI_READY_TIMEOUT, || {
            Ok(self
                .session()
                .execute(script, vec![])
                .ok()
                .and_then(|v| v.as_bool())
                .filter(|ready| *ready))
        })
        .map(|_| ())
        .map_err(|err| self.with_log(err))
    }

    /// Appends the tail of the driver log to an error, for diagnosis.
    fn with_log(&self, err: E2eError) -> E2eError {
        let mut text = String::new();
        if let Ok(mut file) = File::open(&self.log_path) {
            let _ = file.read_to_string(&mut text);
        }
        let tail: Vec<&str> = text.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        e2e_error!(
            "{err}\n--- last lines of {} ---\n{}",
            self.log_path.display(),
            tail.join("\n")
        )
    }

    /// The process id of the app itself (a descendant of tauri-driver, started by
    /// WebKitWebDriver).
    pub fn app_pid(&self) -> Result<u32> {
        crate::procs::find_descendant(self.driver_pid, "casewatch-app").ok_or_else(|| {
            e2e_error!(
                "no casewatch-app process under tauri-driver {}",
                self.driver_pid
            )
        })
    }

    /// The app's `XDG_DATA_HOME` (fresh for this launch, removed when the [`App`] is dropped).
    pub fn data_home(&self) -> PathBuf {
        self.scratch.join("data")
    }

    /// The app's `XDG_CONFIG_HOME` (where its XDG autostart entry goes).
    pub fn config_home(&self) -> PathBuf {
        self.scratch.join("config")
    }

    /// The WebDriver session.
    pub fn session(&self) -> &Session {
        self.session
            .as_ref()
            .expect("the session exists for the App's whole life")
    }

    /// The page title.
    pub fn title(&self) -> Result<String> {
        self.session().title()
    }

    /// The element with `data-testid="<id>"`.
    pub fn by_testid(&self, id: &str) -> Result<Element> {
        self.session().find(&format!("[data-testid=\"{id}\"]"))
    }

    /// The visible text of the element `id`, with runs of whitespace collapsed to one space.
    pub fn text(&self, id: &str) -> Result<String> {
        let element = self.by_testid(id)?;
        let text = self.session().text(&element)?;
        Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    /// Whether the element `id` is displayed.
    pub fn is_displayed(&self, id: &str) -> Result<bool> {
        let element = self.by_testid(id)?;
        self.session().is_displayed(&element)
    }

    /// Attribute `name` of the element `id`.
    pub fn attribute(&self, id: &str, name: &str) -> Result<Option<String>> {
        let element = self.by_testid(id)?;
        self.session().attribute(&element, name)
    }

    /// Clicks the element `id`, as a person would.
    pub fn click(&self, id: &str) -> Result<()> {
        let element = self.by_testid(id)?;
        self.session().click(&element)
    }

    /// Opens the deadline calculator through its navigation entry and waits until it has
    /// rendered. The calculator is reachable signed in or not.
    pub fn open_calculator(&self) -> Result<()> {
        self.click("nav-calculator")?;
        self.wait_for("the deadline calculator to render", DEFAULT_WAIT, || {
            Ok(self
                .session()
                .execute(
                    "return !!document.querySelector('cw-deadline-calculator [data-testid=\"calc-result\"]');",
                    vec![],
                )?
                .as_bool()
                .filter(|ready| *ready))
        })
        .map(|_| ())
    }

    /// Sets the value of a form control by script and fires `input` and `change`, as a selection
    /// by a person would. Used for `<select>` and date-time inputs, whose native pickers WebDriver
    /// cannot type into portably. Fails if the control does not accept the value.
    pub fn set_value(&self, id: &str, value: &str) -> Result<()> {
        let script = "const [id, value] = arguments;\
            const el = document.querySelector(`[data-testid=\"${id}\"]`);\
            if (!el) return null;\
            el.focus();\
            el.value = value;\
            el.dispatchEvent(new Event('input', { bubbles: true }));\
            el.dispatchEvent(new Event('change', { bubbles: true }));\
            return el.value;";
        let result = self
            .session()
            .execute(script, vec![json!(id), json!(value)])?;
        match result {
            Value::String(actual) if actual == value => Ok(()),
            Value::Null => Err(e2e_error!("no element with data-testid={id}")),
            other => Err(e2e_error!(
                "{id} did not accept the value {value:?} (it holds {other})"
            )),
        }
    }

    /// Replaces the text of an input by typing, key by key, like a person. Falls back to
    /// [`App::set_value`] when this WebKit refuses keyboard input for the element.
    pub fn type_text(&self, id: &str, text: &str) -> Result<()> {
        let element = self.by_testid(id)?;
        let typed = self.session().clear(&element).and_then(|()| {
            if text.is_empty() {
                Ok(())
            } else {
                self.session().send_keys(&element, text)
            }
        });
        if let Err(err) = typed {
            eprintln!(
                "[{}] typing into {id} failed ({err}); setting it by script",
                self.scenario
            );
            return self.set_value(id, text);
        }
        let actual = self.session().attribute(&element, "value")?;
        let property = self.session().execute(
            "return document.querySelector(`[data-testid=\"${arguments[0]}\"]`).value;",
            vec![json!(id)],
        )?;
        if property.as_str() != Some(text) {
            return Err(e2e_error!(
                "typed {text:?} into {id} but it holds {property} (attribute {actual:?})"
            ));
        }
        Ok(())
    }

    /// Polls `probe` until it yields a value or `timeout` passes.
    pub fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut probe: impl FnMut() -> Result<Option<T>>,
    ) -> Result<T> {
        let deadline = Instant::now() + timeout;
        let mut last_error = None;
        loop {
            match probe() {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => {}
                Err(err) => last_error = Some(err),
            }
            if Instant::now() >= deadline {
                let detail = last_error
                    .map(|e| format!(" (last error: {e})"))
                    .unwrap_or_default();
                return Err(e2e_error!(
                    "timed out after {timeout:?} waiting for {what}{detail}"
                ));
            }
            thread::sleep(POLL_INTERVAL);
        }
    }

    /// Waits until the text of `id` equals `expected` (whitespace collapsed); returns it.
    pub fn wait_for_text(&self, id: &str, expected: &str) -> Result<String> {
        let mut last = String::new();
        let found = self.wait_for(&format!("{id} to show {expected:?}"), DEFAULT_WAIT, || {
            last = self.text(id)?;
            Ok((last == expected).then(|| last.clone()))
        });
        found.map_err(|err| e2e_error!("{err}; it shows {last:?}"))
    }

    /// Saves a PNG screenshot as `target/e2e-screenshots/<name>.png` and returns the path.
    pub fn screenshot(&self, name: &str) -> Result<PathBuf> {
        // WebKit captures the last painted frame: let the latest DOM changes reach the screen.
        self.session().execute_async(
            "const done = arguments[arguments.length - 1];\
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            vec![],
        )?;
        let png = self.session().screenshot()?;
        let dir = screenshot_dir();
        fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{}.png", sanitise(name)));
        fs::write(&path, png)?;
        Ok(path)
    }

    /// Sends `signal` to the driver's process group (driver, WebKitWebDriver, app).
    fn signal_group(&self, signal: &str) -> bool {
        Command::new("kill")
            .arg(format!("-{signal}"))
            .arg("--")
            .arg(format!("-{}", self.driver_pid))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            if let Err(err) = session.delete() {
                eprintln!("[{}] closing the WebDriver session: {err}", self.scenario);
            }
        }
        // Ask politely, then insist: nothing of this session may outlive the test.
        self.signal_group("TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let reaped = !matches!(self.driver.try_wait(), Ok(None));
            // `kill -0` succeeds while any process of the group is left.
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
        if !self.keep_scratch {
            let _ = fs::remove_dir_all(&self.scratch);
        }
    }
}

/// Runs one end-to-end scenario: launches the app, runs `steps`, and on failure saves a
/// screenshot named `<scenario>-failure` before failing the test with the error.
///
/// # Panics
///
/// Panics (failing the test) when the app cannot be launched or a step fails.
pub fn scenario(name: &str, options: Options, steps: impl FnOnce(&App) -> Result<()>) {
    // Screenshots of an earlier run must not pass for this run's.
    for stale in [name.to_owned(), format!("{name}-failure")] {
        let _ = fs::remove_file(screenshot_dir().join(format!("{}.png", sanitise(&stale))));
    }
    let app = match App::launch(name, options) {
        Ok(app) => app,
        Err(err) => panic!("scenario {name}: could not start the app: {err}"),
    };
    if let Err(err) = steps(&app) {
        let shot = app
            .screenshot(&format!("{name}-failure"))
            .map(|path| format!("screenshot: {}", path.display()))
            .unwrap_or_else(|e| format!("no screenshot: {e}"));
        drop(app);
        panic!("scenario {name} failed: {err}\n{shot}");
    }
}
