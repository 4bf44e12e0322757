//! Sign-in and sign-out for one profile, and the calls that keep its cache fresh.
//!
//! A [`Session`] ties a profile's API client, cache and secret store together. The refresh
//! token goes to the [`SecretStore`] and nowhere else; the access token stays in memory and is
//! renewed from the refresh token on demand, so a restart (or each CLI command) resumes the
//! session without asking for the password. Signing out revokes the session on the server and
//! deletes the token from the keyring, even when the server cannot be reached.

use crate::api::{ApiClient, ApiConfig, CaseQuery};
use crate::cache::Cache;
use crate::error::{ClientError, ErrorBody, Result};
use crate::kb_sync::LocalKb;
use crate::outbox::{self, FlushReport};
use crate::profile::{Dirs, Profile};
use crate::secrets::SecretStore;
use serde::Serialize;
use std::sync::Arc;

/// A profile's engine: API client, cache and secrets.
pub struct Session {
    /// The profile.
    pub profile: Profile,
    /// The base directories.
    pub dirs: Dirs,
    /// The API client.
    pub api: ApiClient,
    /// The profile's cache.
    pub cache: Arc<Cache>,
    secrets: Arc<dyn SecretStore>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

/// What sign-out did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogoutReport {
    /// True when the server revoked the session.
    pub revoked_on_server: bool,
    /// Why the server could not revoke it (the local token is deleted anyway).
    pub server_error: Option<ErrorBody>,
}

/// What [`Session::sync_cases`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CaseSyncReport {
    /// Cases fetched.
    pub cases: usize,
    /// Comments fetched (of open cases).
    pub comments: usize,
}

impl Session {
    /// Opens a profile with default timeouts (no network needed).
    pub fn open(dirs: &Dirs, profile: Profile, secrets: Arc<dyn SecretStore>) -> Result<Session> {
        let config = ApiConfig::new(profile.portal.clone());
        Session::open_with(dirs, profile, secrets, config)
    }

    /// Opens a profile with explicit API settings (`config.base_url` is replaced by the
    /// profile's portal).
    pub fn open_with(
        dirs: &Dirs,
        profile: Profile,
        secrets: Arc<dyn SecretStore>,
        mut config: ApiConfig,
    ) -> Result<Session> {
        config.base_url = profile.portal.clone();
        let cache = Arc::new(Cache::open_profile(dirs, &profile)?);
        let api = ApiClient::new(config, secrets.clone(), profile.secret_key())?;
        Ok(Session {
            profile,
            dirs: dirs.clone(),
            api,
            cache,
            secrets,
        })
    }

    /// Opens the profile signed in last.
    pub fn current(dirs: &Dirs, secrets: Arc<dyn SecretStore>) -> Result<Session> {
        let profile = dirs.current_profile()?.ok_or_else(|| {
            ClientError::NotSignedIn("not signed in; run `casewatch login` first".into())
        })?;
        Session::open(dirs, profile, secrets)
    }

    /// Signs in with the profile's account: stores the refresh token in the secret store,
    /// caches `GET /me`, and makes this the current profile.
    pub async fn login(&self, password: &str) -> Result<()> {
        self.api.login(&self.profile.account, password).await?;
        let me = self.api.me().await?;
        self.cache.set_me(&me)?;
        self.dirs.set_current_profile(&self.profile)?;
        Ok(())
    }

    /// True when a refresh token is stored for this profile.
    pub fn is_signed_in(&self) -> Result<bool> {
        Ok(self.secrets.get(&self.profile.secret_key())?.is_some())
    }

    /// Signs out: revokes the session on the server (best effort) and deletes the refresh
    /// token from the secret store (always).
    pub async fn logout(&self) -> Result<LogoutReport> {
        let key = self.profile.secret_key();
        let report = if self.secrets.get(&key)?.is_none() {
            LogoutReport {
                revoked_on_server: false,
                server_error: None,
            }
        } else {
            match self.api.logout().await {
                Ok(()) => LogoutReport {
                    revoked_on_server: true,
                    server_error: None,
                },
                Err(e) => LogoutReport {
                    revoked_on_server: false,
                    server_error: Some(e.body()),
                },
            }
        };
        self.secrets.delete(&key)?;
        self.api.forget_access_token();
        if self.dirs.current_profile()?.as_ref() == Some(&self.profile) {
            self.dirs.clear_current_profile()?;
        }
        Ok(report)
    }

    /// Refreshes the cached account, cases, and the comments of open cases.
    pub async fn sync_cases(&self) -> Result<CaseSyncReport> {
        let me = self.api.me().await?;
        self.cache.set_me(&me)?;
        let cases = self.api.all_cases(&CaseQuery::default()).await?;
        self.cache.upsert_cases(&cases)?;
        let mut report = CaseSyncReport {
            cases: cases.len(),
            comments: 0,
        };
        for case in cases.iter().filter(|c| c.status.is_open()) {
            let comments = self.api.comments(case.number).await?.comments;
            report.comments += comments.len();
            self.cache.upsert_comments(&comments)?;
        }
        Ok(report)
    }

    /// Sends what waits in the outbox.
    pub async fn flush_outbox(&self) -> Result<FlushReport> {
        outbox::flush(&self.api, &self.cache).await
    }

    /// Opens the profile's local knowledge-base index.
    pub fn local_kb(&self) -> Result<LocalKb> {
        LocalKb::open(&self.dirs.profile_cache(&self.profile).join("kb"))
    }
}
