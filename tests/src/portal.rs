//! What the scenarios against the real demo portal need besides the window: the portal's HTTP
//! API as the vendor engineer sees it, and a record of the desktop notifications the app sends.
//!
//! Notifications: tauri-plugin-notification reports success even when no notification server
//! listens, so its return value proves nothing. [`NotificationLog`] runs `dbus-monitor` on the
//! test's session bus (the one `dbus-run-session` created, shared with the app) and records
//! every `org.freedesktop.Notifications.Notify` call the app makes, whether or not a server
//! answers it.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::{e2e_error, Result};

/// The demo portal's engineer and the password of every demo account.
pub const ENGINEER: (&str, &str) = ("engineer@vendor.example", "casewatch-demo");

/// The `Notify` calls seen on the session bus, as `dbus-monitor` prints them.
pub struct NotificationLog {
    child: Child,
    text: Arc<Mutex<String>>,
}

impl NotificationLog {
    /// Starts watching; returns once the monitor is attached to the bus.
    pub fn start() -> Result<NotificationLog> {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            return Err(e2e_error!(
                "DBUS_SESSION_BUS_ADDRESS is not set: run the tests with `make e2e`"
            ));
        }
        let mut child = Command::new("dbus-monitor")
            .args([
                "--session",
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e2e_error!("cannot start dbus-monitor: {e}"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| e2e_error!("dbus-monitor has no stdout"))?;
        let text = Arc::new(Mutex::new(String::new()));
        let sink = text.clone();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let mut text = sink.lock().unwrap_or_else(|e| e.into_inner());
                text.push_str(&line);
                text.push('\n');
            }
        });
        let log = NotificationLog { child, text };
        // The monitor announces itself (NameAcquired / NameLost of its own connection) once it
        // is attached; only calls after that are seen.
        log.wait_for("dbus-monitor to attach", Duration::from_secs(10), |t| {
            !t.is_empty()
        })?;
        Ok(log)
    }

    /// Everything recorded so far.
    pub fn text(&self) -> String {
        self.text.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The summaries (titles) of the `Notify` calls seen so far.
    pub fn summaries(&self) -> Vec<String> {
        // Notify(app_name, replaces_id, app_icon, summary, body, …): the summary is the third
        // string argument of each call.
        let text = self.text();
        text.split("member=Notify")
            .skip(1)
            .filter_map(|call| {
                call.lines()
                    .filter_map(|l| l.trim().strip_prefix("string \""))
                    .nth(2)
                    .map(|s| s.trim_end_matches('"').to_owned())
            })
            .collect()
    }

    /// Polls until `done` holds for the recorded text.
    pub fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&str) -> bool,
    ) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let text = self.text();
            if done(&text) {
                return Ok(text);
            }
            if Instant::now() >= deadline {
                return Err(e2e_error!(
                    "timed out after {timeout:?} waiting for {what}; notifications seen: {:?}",
                    self.summaries()
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for NotificationLog {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The portal's API, signed in as one account.
pub struct Portal {
    base: String,
    token: String,
    agent: ureq::Agent,
}

impl Portal {
    /// Signs in to the portal at `base` (e.g. `http://127.0.0.1:41234`).
    pub fn login(base: &str, email: &str, password: &str) -> Result<Portal> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .proxy(None)
            .build()
            .into();
        let mut portal = Portal {
            base: base.trim_end_matches('/').to_owned(),
            token: String::new(),
            agent,
        };
        let tokens = portal.call(
            "POST",
            "/auth/login",
            Some(json!({ "email": email, "password": password })),
        )?;
        portal.token = tokens["access_token"]
            .as_str()
            .ok_or_else(|| e2e_error!("login as {email}: no access token in {tokens}"))?
            .to_owned();
        Ok(portal)
    }

    /// `POST /agent/cases/{number}/reply` (engineers only).
    pub fn engineer_reply(&self, number: i64, body: &str) -> Result<Value> {
        self.call(
            "POST",
            &format!("/agent/cases/{number}/reply"),
            Some(json!({ "body": body, "solve": false })),
        )
    }

    /// One API call under `/api/v1`; a 4xx/5xx answer is an error with the problem body.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let url = format!("{}/api/v1{path}", self.base);
        let auth = format!("Bearer {}", self.token);
        let mut response = match method {
            "GET" => self.agent.get(&url).header("Authorization", &auth).call()?,
            "POST" => self
                .agent
                .post(&url)
                .header("Authorization", &auth)
                .send_json(body.unwrap_or_else(|| json!({})))?,
            other => return Err(e2e_error!("unsupported method {other}")),
        };
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string()?;
        if status >= 400 {
            return Err(e2e_error!("{method} {path}: HTTP {status}: {text}"));
        }
        if text.is_empty() {
            return Ok(Value::Null);
        }
        Ok(serde_json::from_str(&text)?)
    }
}
