//! The embedded demo portal: the support-centre server with its demonstration data, started
//! on loopback the first time someone signs in to it and stopped when that session ends.
//!
//! It is the whole server linked into the app, so it sits behind the `demo` cargo feature
//! (on by default). Without the feature the app still builds, and the demo commands answer
//! `demo_unavailable` instead. The list of demo accounts is the server's
//! (`casewatch_server::demo_accounts`); the app only reshapes it for the UI.

use std::path::PathBuf;

use serde::Serialize;

use crate::error::AppError;

/// A text in both of the UI's languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BilingualText {
    /// English.
    pub en: String,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    #[cfg_attr(feature = "ts", ts(rename = "zh-CN"))]
    pub zh_cn: String,
}

/// A demo account on the sign-in screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DemoAccount {
    /// Sign-in e-mail address.
    pub email: String,
    /// The contact's name.
    pub name: String,
    /// The organisation's name.
    pub organisation: String,
    /// The organisation's key contact.
    pub key_contact: bool,
    /// `cloud` or `self-managed`.
    pub deployment: casewatch_core::Deployment,
    /// The subscription.
    pub subscription: casewatch_core::Subscription,
    /// What the account shows off.
    pub description: BilingualText,
}

/// `demo_accounts` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DemoAccounts {
    /// In the order the sign-in screen lists them.
    pub accounts: Vec<DemoAccount>,
}

/// `demo_unavailable`: this build has no embedded demo portal.
pub fn unavailable() -> AppError {
    AppError::new(
        "demo_unavailable",
        "this build of Casewatch has no demo portal (built without the `demo` feature)",
    )
}

/// The demo portal of the app (started on demand).
pub struct DemoPortal {
    #[cfg_attr(not(feature = "demo"), allow(dead_code))]
    data_dir: PathBuf,
    #[cfg(feature = "demo")]
    server: tokio::sync::Mutex<Option<casewatch_server::RunningServer>>,
}

impl DemoPortal {
    /// A portal that would keep its data in `data_dir`.
    pub fn new(data_dir: PathBuf) -> DemoPortal {
        DemoPortal {
            data_dir,
            #[cfg(feature = "demo")]
            server: tokio::sync::Mutex::new(None),
        }
    }
}

#[cfg(feature = "demo")]
impl DemoPortal {
    /// The demo accounts.
    pub fn accounts() -> Result<DemoAccounts, AppError> {
        let accounts = casewatch_server::demo_accounts()
            .into_iter()
            .map(|a| DemoAccount {
                email: a.email,
                name: a.name.to_owned(),
                organisation: a.organisation.to_owned(),
                key_contact: a.key_contact,
                deployment: a.deployment,
                subscription: a.subscription,
                description: BilingualText {
                    en: a.description.en.to_owned(),
                    zh_cn: a.description.zh_cn.to_owned(),
                },
            })
            .collect();
        Ok(DemoAccounts { accounts })
    }

    /// The password of every demo account.
    pub fn password() -> &'static str {
        casewatch_server::DEMO_PASSWORD
    }

    /// Starts the portal unless it runs; answers its base URL.
    pub async fn start(&self) -> Result<String, AppError> {
        let mut server = self.server.lock().await;
        if let Some(running) = server.as_ref() {
            return Ok(running.base_url());
        }
        let mut config =
            casewatch_server::ServerConfig::new(([127, 0, 0, 1], 0).into(), &self.data_dir);
        config.demo = true;
        let running = casewatch_server::serve(config)
            .await
            .map_err(|e| AppError::new("storage", format!("demo portal: {e}")))?;
        let url = running.base_url();
        tracing::info!(%url, "demo portal started");
        *server = Some(running);
        Ok(url)
    }

    /// Stops the portal if it runs.
    pub async fn stop(&self) {
        if let Some(running) = self.server.lock().await.take() {
            if let Err(e) = running.shutdown().await {
                tracing::warn!("demo portal shutdown: {e}");
            }
        }
    }
}

#[cfg(not(feature = "demo"))]
impl DemoPortal {
    /// The demo accounts: none in this build.
    pub fn accounts() -> Result<DemoAccounts, AppError> {
        Err(unavailable())
    }

    /// No password: there is no demo portal.
    pub fn password() -> &'static str {
        ""
    }

    /// Refused: there is no demo portal in this build.
    pub async fn start(&self) -> Result<String, AppError> {
        Err(unavailable())
    }

    /// Nothing runs.
    pub async fn stop(&self) {}
}

#[cfg(all(test, feature = "demo"))]
mod tests {
    use super::*;

    #[test]
    fn the_accounts_are_the_servers_with_both_languages() {
        let list = DemoPortal::accounts().expect("the demo feature is on");
        assert_eq!(list.accounts.len(), 5);
        assert_eq!(list.accounts[0].email, "admin@acme.example");
        assert!(list
            .accounts
            .iter()
            .all(|a| !a.description.zh_cn.is_empty()));
        let json = serde_json::to_value(&list).expect("serialises");
        assert!(json["accounts"][0]["description"]["zh-CN"].is_string());
        assert_eq!(json["accounts"][3]["deployment"], "self-managed");
    }
}

#[cfg(all(test, not(feature = "demo")))]
mod without_the_demo_feature {
    use super::*;

    #[tokio::test]
    async fn the_demo_commands_say_the_demo_is_unavailable() {
        assert_eq!(DemoPortal::accounts().unwrap_err().code, "demo_unavailable");
        let portal = DemoPortal::new(std::env::temp_dir());
        assert_eq!(portal.start().await.unwrap_err().code, "demo_unavailable");
    }
}
