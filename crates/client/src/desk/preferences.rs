//! The account's settings that live on the portal rather than on this computer: which case
//! mail it receives, the language of that mail and the time zone mail shows deadlines in
//! (issue 11); and asking for a set-password link when the password is forgotten.
//!
//! Why the shells push the language and zone themselves: a contact chooses the language once,
//! in the app, and reads mail in it too; the computer's zone is the one they live in. So each
//! sign-in and each change of language sends both ([`Desk::sync_account`]), best effort: the
//! portal may be offline, and nothing on this computer depends on it.

use casewatch_api::{Locale, MailPreference, Preferences, PreferencesUpdate};

use super::account::profile_for;
use super::{Desk, DeskError, DeskResult};
use crate::api::{ApiClient, ApiConfig};
use crate::error::ClientError;

/// The computer's time zone as an IANA name: `$TZ` when it names one (how a user or a test
/// overrides it), else the system's setting; `None` when neither is known.
pub fn local_time_zone() -> Option<String> {
    let from_env = std::env::var("TZ")
        .ok()
        .map(|z| z.trim_start_matches(':').to_owned())
        .filter(|z| z.parse::<chrono_tz::Tz>().is_ok());
    from_env.or_else(|| {
        iana_time_zone::get_timezone()
            .ok()
            .filter(|z| z.parse::<chrono_tz::Tz>().is_ok())
    })
}

impl Desk {
    /// Changes the account's mail settings on the portal and keeps the cached account in step;
    /// answers the settings as the portal stored them.
    pub async fn set_preferences(&self, update: &PreferencesUpdate) -> DeskResult<Preferences> {
        let stored = self.session.api.set_preferences(update).await?;
        if let Some(mut me) = self.session.cache.me()? {
            me.preferences = Some(stored.clone());
            self.session.cache.set_me(&me)?;
        }
        Ok(stored)
    }

    /// Which case mail the account receives (`all`, `mine`, `none`).
    pub async fn set_mail_preference(&self, mail: MailPreference) -> DeskResult<Preferences> {
        self.set_preferences(&PreferencesUpdate {
            mail: Some(mail),
            ..PreferencesUpdate::default()
        })
        .await
    }

    /// Sends the app's language and the computer's time zone to the account, so mail comes in
    /// the language and zone the person uses here. Best effort: a failure is logged and
    /// answered `None`, since the next sign-in or language change tries again.
    pub async fn sync_account(&self, locale: Locale) -> Option<Preferences> {
        let update = PreferencesUpdate {
            locale: Some(locale),
            mail: None,
            time_zone: local_time_zone(),
        };
        match self.set_preferences(&update).await {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::info!(error = %e, "the account's language and zone were not updated");
                None
            }
        }
    }
}

/// Asks `portal_url` to mail a set-password link to `email`. The portal answers the same
/// whether or not the address has an account, so success means "asked", not "sent".
pub async fn request_password_reset(portal_url: &str, email: &str) -> DeskResult<()> {
    let profile = profile_for(portal_url, email)?;
    let api = ApiClient::new(
        ApiConfig::new(profile.portal.clone()),
        std::sync::Arc::new(crate::MemoryStore::new()),
        "password-reset",
    )?;
    api.request_password_reset(email)
        .await
        .map_err(|e| match e {
            ClientError::Offline(m) | ClientError::Timeout(m) | ClientError::Protocol(m) => {
                DeskError::new("portal_unreachable", m)
            }
            other => other.into(),
        })
}
