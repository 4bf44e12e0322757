//! A desktop notification server for the tests: it owns `org.freedesktop.Notifications` on the
//! test's private session bus (the one `dbus-run-session` made), records every `Notify` call
//! with its actions, and clicks a notification by emitting `ActionInvoked` — what GNOME Shell,
//! KDE or dunst do when a person clicks the notification or its button.
//!
//! Why a real server rather than watching the bus ([`crate::portal::NotificationLog`]): a click
//! is a signal from the server about an id the server handed out, so only a server can test
//! that a notification acts. Only one owner of the name can exist on the bus; start at most one
//! per test binary's session (tests that use it hold it for their whole run).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use zbus::blocking::connection::Builder;
use zbus::blocking::Connection;
use zbus::zvariant::OwnedValue;

use crate::{e2e_error, Result};

const NAME: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";

/// One `Notify` call as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notified {
    /// The id the server answered.
    pub id: u32,
    /// The application name.
    pub app_name: String,
    /// The title.
    pub summary: String,
    /// The body.
    pub body: String,
    /// The action keys (`default`, `open`, …), without their labels.
    pub actions: Vec<String>,
    /// The action labels, in the same order.
    pub labels: Vec<String>,
}

struct Server {
    seen: Arc<Mutex<Vec<Notified>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let id = u32::try_from(seen.len()).unwrap_or(u32::MAX - 1) + 1;
        let (keys, labels) = actions
            .chunks(2)
            .map(|pair| (pair[0].clone(), pair.get(1).cloned().unwrap_or_default()))
            .unzip();
        seen.push(Notified {
            id,
            app_name,
            summary,
            body,
            actions: keys,
            labels,
        });
        id
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "casewatch-tests".into(),
            "casewatch".into(),
            "1".into(),
            "1.2".into(),
        )
    }

    fn close_notification(&self, _id: u32) {}
}

/// The running notification server (the name is released when dropped).
pub struct NotificationServer {
    connection: Connection,
    seen: Arc<Mutex<Vec<Notified>>>,
}

impl NotificationServer {
    /// Connects to the session bus and takes the name `org.freedesktop.Notifications`.
    pub fn start() -> Result<NotificationServer> {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            return Err(e2e_error!(
                "DBUS_SESSION_BUS_ADDRESS is not set: run the tests with `make e2e`"
            ));
        }
        let seen = Arc::new(Mutex::new(Vec::new()));
        let server = Server { seen: seen.clone() };
        let connection = Builder::session()
            .and_then(|b| b.name(NAME))
            .and_then(|b| b.serve_at(PATH, server))
            .and_then(|b| b.build())
            .map_err(|e| e2e_error!("cannot own {NAME} on the session bus: {e}"))?;
        Ok(NotificationServer { connection, seen })
    }

    /// Every notification received so far.
    pub fn notifications(&self) -> Vec<Notified> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits for a notification whose title contains `text`.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> Result<Notified> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(found) = self
                .notifications()
                .into_iter()
                .find(|n| n.summary.contains(text))
            {
                return Ok(found);
            }
            if Instant::now() >= deadline {
                return Err(e2e_error!(
                    "timed out after {timeout:?} waiting for a notification titled {text:?}; \
                     received: {:?}",
                    self.notifications()
                        .iter()
                        .map(|n| &n.summary)
                        .collect::<Vec<_>>()
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Clicks: emits `ActionInvoked(id, action)` as a desktop does.
    pub fn invoke(&self, id: u32, action: &str) -> Result<()> {
        self.connection
            .emit_signal(None::<&str>, PATH, NAME, "ActionInvoked", &(id, action))
            .map_err(|e| e2e_error!("cannot emit ActionInvoked: {e}"))
    }
}
