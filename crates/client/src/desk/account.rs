//! Signing in, restoring the last session at start-up, signing out, and the session's status.
//!
//! Both shells sign in the same way: the portal URL is checked on its own first (so a bad
//! URL has its own code, `invalid_portal_url`), a wrong password or an unreachable portal get
//! the codes the sign-in screen explains (`invalid_credentials`, `portal_unreachable`), and a
//! vendor engineer's account is refused: Casewatch is for customers' support contacts.

use std::path::Path;

use casewatch_api::{Me, Role};
use serde::Serialize;

use super::{Desk, DeskError, DeskResult, Home};
use crate::error::ClientError;
use crate::profile::Profile;
use crate::session::LogoutReport;

/// Signed in or not, and as whom: what a shell needs to pick its first screen.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionStatus {
    /// A session exists.
    pub signed_in: bool,
    /// Signed in to the embedded demo portal.
    pub demo: bool,
    /// The portal of the session, else of the last sign-in.
    pub portal_url: Option<String>,
    /// The portal could not be reached at the last attempt.
    pub offline: bool,
    /// The cached account.
    pub me: Option<Me>,
}

impl SessionStatus {
    /// The status without a session; `last_portal` is offered again on the sign-in screen.
    pub fn signed_out(last_portal: Option<String>) -> SessionStatus {
        SessionStatus {
            signed_in: false,
            demo: false,
            portal_url: last_portal,
            offline: false,
            me: None,
        }
    }
}

/// The profile of `email` on `portal_url`, the portal checked on its own first.
pub fn profile_for(portal_url: &str, email: &str) -> DeskResult<Profile> {
    Profile::new(portal_url, "check@portal.invalid")
        .map_err(|e| DeskError::new("invalid_portal_url", e.to_string()))?;
    Ok(Profile::new(portal_url, email)?)
}

/// A portal URL as it is stored and shown: trimmed, without a trailing slash.
pub fn normalise_portal(portal_url: &str) -> String {
    portal_url.trim().trim_end_matches('/').to_owned()
}

impl Desk {
    /// Signs in to `portal_url` as `email`: the refresh token goes to the home's secret store,
    /// the account is cached, and the profile becomes the current one.
    pub async fn sign_in(
        home: &Home,
        portal_url: &str,
        email: &str,
        password: &str,
    ) -> DeskResult<Desk> {
        let profile = profile_for(portal_url, email)?;
        Desk::sign_in_profile(home, profile, password, false).await
    }

    /// Signs in to an embedded demo portal at `base_url`; the profile is marked as a demo one
    /// (see [`Home::demo_marker`]) so that the next start signs it out.
    pub async fn sign_in_demo(
        home: &Home,
        base_url: &str,
        email: &str,
        password: &str,
    ) -> DeskResult<Desk> {
        let profile = Profile::new(base_url, email)?;
        Desk::sign_in_profile(home, profile, password, true).await
    }

    async fn sign_in_profile(
        home: &Home,
        profile: Profile,
        password: &str,
        demo: bool,
    ) -> DeskResult<Desk> {
        let session = home.open_session(profile)?;
        if let Err(e) = session.login(password).await {
            return Err(match e {
                ClientError::Unauthorized(m) => DeskError::new("invalid_credentials", m),
                ClientError::Offline(m) | ClientError::Timeout(m) | ClientError::Protocol(m) => {
                    DeskError::new("portal_unreachable", m)
                }
                other => other.into(),
            });
        }
        let me = session.cache.me()?;
        if me.as_ref().is_some_and(|m| m.user.role == Role::Engineer) {
            let _ = session.logout().await;
            return Err(DeskError::new(
                "forbidden",
                "this is a vendor engineer account; Casewatch is for customer support contacts",
            ));
        }
        if let Some(marker) = &home.demo_marker {
            if demo {
                write_json(marker, &session.profile)?;
            } else {
                let _ = std::fs::remove_file(marker);
            }
        }
        Ok(Desk::new(session, demo))
    }

    /// Reopens the session of the last sign-in (no network): `Ok(None)` when there is no
    /// saved session (nobody signed in, the token is gone, or it was a demo session, whose
    /// portal ended with the last run: it is signed out instead). A failure to look (the
    /// keyring is unavailable, the profile cannot be read) is an error with its own code
    /// (`keyring`, `storage`), not "signed out": a shell that cannot start without a session
    /// says why, and one that can (the app) logs it and shows the sign-in screen.
    pub async fn restore(home: &Home) -> DeskResult<Option<Desk>> {
        let Some(profile) = home.dirs.current_profile()? else {
            return Ok(None);
        };
        let session = home.open_session(profile.clone())?;
        if let Some(marker) = &home.demo_marker {
            let demo_profile: Option<Profile> = std::fs::read(marker)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok());
            if demo_profile.is_some() {
                let _ = std::fs::remove_file(marker);
                if demo_profile.as_ref() == Some(&profile) {
                    let _ = session.logout().await;
                    return Ok(None);
                }
            }
        }
        Ok(session.is_signed_in()?.then(|| Desk::new(session, false)))
    }

    /// Signs out: revokes the session on the portal (best effort), forgets the token (always),
    /// forgets the demo marker, and ends the desk's refresher.
    pub async fn sign_out(&self, home: &Home) -> DeskResult<LogoutReport> {
        self.close();
        if self.demo {
            if let Some(marker) = &home.demo_marker {
                let _ = std::fs::remove_file(marker);
            }
        }
        Ok(self.session.logout().await?)
    }

    /// The session's status as it is now.
    pub fn status(&self) -> DeskResult<SessionStatus> {
        Ok(SessionStatus {
            signed_in: true,
            demo: self.demo,
            portal_url: Some(self.session.profile.portal.clone()),
            offline: self.is_offline(),
            me: self.me()?,
        })
    }
}

/// Writes `value` as JSON to `path`, creating the directory.
pub(crate) fn write_json(path: &Path, value: &impl Serialize) -> DeskResult<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| DeskError::storage(format!("{}: {e}", dir.display())))?;
    }
    let text = serde_json::to_vec_pretty(value).map_err(DeskError::internal)?;
    std::fs::write(path, text).map_err(|e| DeskError::storage(format!("{}: {e}", path.display())))
}
