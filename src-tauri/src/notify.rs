//! Native notifications that act: clicking a deadline or reply notification, or its "Open
//! case" button, shows the window at that case.
//!
//! On Linux the app speaks `org.freedesktop.Notifications` itself over the session bus (zbus):
//! the notification plugin sends no click events on the desktop. Each `Notify` carries the
//! actions `default` (a click on the body) and `open` ("Open case"); the notification id it
//! answers is remembered with its case, and one listener on the `ActionInvoked` signal turns a
//! click into [`crate::links::open`]. When there is no session bus or no notification server,
//! the notification goes through tauri-plugin-notification instead (no click then), and on the
//! other platforms always.
//!
//! What is shown at all is decided before this module: the user's quiet settings
//! (`casewatch_client::desk::alerts::Quiet`) filter the alerts in [`crate::background`].

use std::collections::HashMap;
use std::sync::Mutex;

use tauri::AppHandle;
use tauri_plugin_notification::NotificationExt;

/// The notification's action that opens its case (besides `default`, a click on the body).
pub const OPEN_ACTION: &str = "open";

/// How many sent notifications are remembered for their clicks (older ones just do nothing).
const REMEMBERED: usize = 256;

/// One notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The title (summary).
    pub title: String,
    /// The body.
    pub body: String,
    /// The case a click opens.
    pub case_number: Option<i64>,
    /// The label of the "Open case" action, in the user's language.
    pub open_label: String,
}

/// The app's notifier (managed state): the bus connection, once made, and which case each
/// shown notification belongs to.
#[derive(Default)]
pub struct Notifier {
    #[cfg(target_os = "linux")]
    bus: tokio::sync::OnceCell<Option<zbus::Connection>>,
    cases: Mutex<HashMap<u32, i64>>,
}

impl Notifier {
    fn remember(&self, id: u32, case: i64) {
        let mut cases = self.cases.lock().unwrap_or_else(|e| e.into_inner());
        if cases.len() >= REMEMBERED {
            // Notification ids grow; the smallest are the oldest.
            if let Some(oldest) = cases.keys().min().copied() {
                cases.remove(&oldest);
            }
        }
        cases.insert(id, case);
    }

    fn case_of(&self, id: u32) -> Option<i64> {
        self.cases
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .copied()
    }

    fn forget(&self, id: u32) {
        self.cases
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }
}

/// Shows `note`; a click on it (where the desktop reports clicks) opens its case.
pub async fn show(app: &AppHandle, note: Note) {
    tracing::info!(title = %note.title, "notification");
    #[cfg(target_os = "linux")]
    match linux::show(app, &note).await {
        Ok(()) => return,
        Err(e) => tracing::warn!("notification over D-Bus: {e}; using the plain notification"),
    }
    if let Err(e) = app
        .notification()
        .builder()
        .title(&note.title)
        .body(&note.body)
        .show()
    {
        tracing::warn!("notification: {e}");
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::HashMap;

    use futures_util::StreamExt;
    use tauri::{AppHandle, Manager};
    use zbus::zvariant::Value;
    use zbus::{Connection, MatchRule, MessageStream};

    use super::{Note, Notifier, OPEN_ACTION};
    use crate::links::{self, OpenTarget};

    const SERVICE: &str = "org.freedesktop.Notifications";
    const PATH: &str = "/org/freedesktop/Notifications";

    /// The session bus, connected once; `None` when there is none (then every notification
    /// takes the plugin's way).
    async fn bus(app: &AppHandle) -> Option<Connection> {
        let notifier = app.state::<Notifier>();
        notifier
            .bus
            .get_or_init(|| async {
                match Connection::session().await {
                    Ok(conn) => {
                        listen(app.clone(), conn.clone()).await;
                        Some(conn)
                    }
                    Err(e) => {
                        tracing::warn!("no D-Bus session bus for notifications: {e}");
                        None
                    }
                }
            })
            .await
            .clone()
    }

    pub(super) async fn show(app: &AppHandle, note: &Note) -> zbus::Result<()> {
        let Some(conn) = bus(app).await else {
            return Err(zbus::Error::Failure("no session bus".into()));
        };
        // Pairs of (key, label): ActionInvoked reports the key; `default` is a click on the body.
        let actions: Vec<&str> = match note.case_number {
            Some(_) => vec![
                "default",
                note.open_label.as_str(),
                OPEN_ACTION,
                note.open_label.as_str(),
            ],
            None => Vec::new(),
        };
        let mut hints: HashMap<&str, Value> = HashMap::new();
        hints.insert("desktop-entry", Value::from("casewatch-app"));
        let reply = conn
            .call_method(
                Some(SERVICE),
                PATH,
                Some(SERVICE),
                "Notify",
                &(
                    "Casewatch",
                    0u32,
                    "",
                    note.title.as_str(),
                    note.body.as_str(),
                    actions,
                    hints,
                    -1i32,
                ),
            )
            .await?;
        let id: u32 = reply.body().deserialize()?;
        if let Some(case) = note.case_number {
            app.state::<Notifier>().remember(id, case);
        }
        Ok(())
    }

    /// Subscribes to `ActionInvoked` and `NotificationClosed` before the first notification is
    /// sent, so no click is missed.
    async fn listen(app: AppHandle, conn: Connection) {
        let rule = match MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(SERVICE)
            .and_then(|b| b.path(PATH))
            .map(|b| b.build())
        {
            Ok(rule) => rule,
            Err(e) => {
                tracing::warn!("notification clicks will not be heard: {e}");
                return;
            }
        };
        let mut stream = match MessageStream::for_match_rule(rule, &conn, None).await {
            Ok(stream) => stream,
            Err(e) => {
                tracing::warn!("notification clicks will not be heard: {e}");
                return;
            }
        };
        tauri::async_runtime::spawn(async move {
            while let Some(message) = stream.next().await {
                let Ok(message) = message else { continue };
                let header = message.header();
                let member = header.member().map(|m| m.as_str().to_owned());
                let notifier = app.state::<Notifier>();
                match member.as_deref() {
                    Some("ActionInvoked") => {
                        let Ok((id, action)) = message.body().deserialize::<(u32, String)>() else {
                            continue;
                        };
                        tracing::info!(id, %action, "notification clicked");
                        if action != "default" && action != OPEN_ACTION {
                            continue;
                        }
                        if let Some(number) = notifier.case_of(id) {
                            links::open(&app, OpenTarget::Case { number });
                        }
                    }
                    Some("NotificationClosed") => {
                        if let Ok((id, _reason)) = message.body().deserialize::<(u32, u32)>() {
                            notifier.forget(id);
                        }
                    }
                    _ => {}
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_notifications_are_forgotten_first() {
        let notifier = Notifier::default();
        for id in 1..=(REMEMBERED as u32 + 1) {
            notifier.remember(id, i64::from(id) * 10);
        }
        assert_eq!(notifier.case_of(1), None);
        assert_eq!(notifier.case_of(2), Some(20));
        notifier.forget(2);
        assert_eq!(notifier.case_of(2), None);
    }
}
