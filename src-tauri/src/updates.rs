//! App updates: the vendor's signed packages, found through the support portal.
//!
//! Why through the portal: the workstations that run Casewatch already reach the vendor's support
//! centre, which publishes the update manifest (`latest.json`, tauri-plugin-updater's format) and
//! the packages under `/desktop-updates/` (`casewatch server --desktop-updates <dir>`). So the
//! feed is `<portal>/desktop-updates/latest.json` of the portal the user signed in to, and no
//! update address is built into the app.
//!
//! Why it is safe: the manifest is not trusted. Every package carries a minisign signature that
//! tauri-plugin-updater checks against the public key in `tauri.conf.json`
//! (`plugins.updater.pubkey`, whose private half only the vendor holds), and
//! `requireSignedVersion` binds the signature to the announced version, so neither a tampered
//! package nor an older package sold as a newer one is installed. The plugin installs `.deb` and
//! `.rpm` packages with the system's package manager (`pkexec dpkg -i` / `rpm -U`).
//!
//! The functions take an [`UpdaterBuilder`] rather than building one, so the tests run the
//! plugin's real check, download and verification with a key pair of their own.

use serde::{Deserialize, Serialize};
use tauri::Url;
use tauri_plugin_updater::{Error as UpdaterError, Update, UpdaterBuilder};

use crate::error::AppError;

/// Where a portal publishes the desktop app's update manifest.
pub const FEED_PATH: &str = "desktop-updates/latest.json";

/// `UpdateCheck` of the contract: the running version and what the portal offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UpdateCheck {
    /// The version of the running app, e.g. `0.1.0`.
    pub current_version: String,
    /// A newer version the portal offers, or `None` when the app is up to date.
    pub available: Option<AvailableUpdate>,
}

/// A newer version announced by the update manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AvailableUpdate {
    /// Its version, e.g. `0.2.0`.
    pub version: String,
    /// The release notes, as the vendor wrote them (plain text).
    pub notes: Option<String>,
    /// When it was published (RFC 3339), if the manifest says.
    pub date: Option<String>,
}

/// `UpdateInstalled` of the contract: the version now installed (the running app is still the
/// old one until it restarts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UpdateInstalled {
    /// The version the package manager installed.
    pub version: String,
}

/// The update feed of `portal_url`, or `update_no_portal` when there is no portal to ask.
pub fn feed_url(portal_url: Option<&str>) -> Result<Url, AppError> {
    let Some(portal) = portal_url.map(str::trim).filter(|p| !p.is_empty()) else {
        return Err(AppError::new(
            "update_no_portal",
            "updates come from your support portal: sign in to it first (the demo portal \
             publishes none)",
        ));
    };
    let base = if portal.ends_with('/') {
        portal.to_owned()
    } else {
        format!("{portal}/")
    };
    Url::parse(&base)
        .and_then(|base| base.join(FEED_PATH))
        .map_err(|err| {
            AppError::new(
                "update_no_portal",
                format!("the portal address {portal} is not a valid URL ({err})"),
            )
        })
}

/// Asks the feed configured in `builder` whether a newer version exists.
///
/// Returns the answer for the UI and, when there is one, the update to [`download`].
pub async fn check(
    builder: UpdaterBuilder,
    current_version: &str,
) -> Result<(UpdateCheck, Option<Update>), AppError> {
    let updater = builder.build().map_err(error)?;
    let update = updater.check().await.map_err(error)?;
    let available = update.as_ref().map(|u| AvailableUpdate {
        version: u.version.clone(),
        notes: u.body.clone().filter(|n| !n.trim().is_empty()),
        // As the manifest wrote it (RFC 3339): the UI formats it in the user's language.
        date: u
            .raw_json
            .get("pub_date")
            .and_then(|d| d.as_str())
            .map(str::to_owned),
    });
    Ok((
        UpdateCheck {
            current_version: current_version.to_owned(),
            available,
        },
        update,
    ))
}

/// Downloads the update's package and verifies its signature; only verified bytes come back.
pub async fn download(update: &Update) -> Result<Vec<u8>, AppError> {
    update.download(|_, _| {}, || {}).await.map_err(error)
}

/// Installs verified package bytes with the system's package manager (it asks for the
/// administrator's password through polkit).
pub fn install(update: &Update, bytes: &[u8]) -> Result<UpdateInstalled, AppError> {
    update.install(bytes).map_err(error)?;
    Ok(UpdateInstalled {
        version: update.version.clone(),
    })
}

/// The plugin's error as `{code, message}`: what went wrong, in words an admin can act on.
pub fn error(err: UpdaterError) -> AppError {
    tracing::warn!(error = %err, "update failed");
    match err {
        UpdaterError::Minisign(_)
        | UpdaterError::Base64(_)
        | UpdaterError::SignatureUtf8(_)
        | UpdaterError::SignedVersionMismatch { .. }
        | UpdaterError::MissingSignedVersion => AppError::new(
            "update_signature_invalid",
            format!(
                "the downloaded update was refused: its signature does not match the vendor's \
                 key, so it may have been tampered with; nothing was installed ({err})"
            ),
        ),
        UpdaterError::InsecureTransportProtocol => AppError::new(
            "update_insecure",
            "updates are only fetched over https; this portal's address is http",
        ),
        UpdaterError::Reqwest(_) | UpdaterError::Network(_) | UpdaterError::ReleaseNotFound => {
            AppError::new(
                "update_unreachable",
                format!("the portal's update feed could not be read ({err}); try again later"),
            )
        }
        UpdaterError::Serialization(_)
        | UpdaterError::Semver(_)
        | UpdaterError::UrlParse(_)
        | UpdaterError::TargetNotFound(_)
        | UpdaterError::TargetsNotFound(_) => AppError::new(
            "update_feed_invalid",
            format!("the portal's update manifest has no usable package for this system ({err})"),
        ),
        UpdaterError::AuthenticationFailed => AppError::new(
            "update_not_installed",
            "installing the update needs an administrator's password; it was not given",
        ),
        UpdaterError::InvalidUpdaterFormat
        | UpdaterError::DebInstallFailed
        | UpdaterError::PackageInstallFailed => AppError::new(
            "update_not_installed",
            format!("the package manager did not install the update ({err})"),
        ),
        other => AppError::new("update_failed", format!("the update failed: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feed_is_under_the_portal() {
        let feed = feed_url(Some("https://support.example.com")).expect("a portal");
        assert_eq!(
            feed.as_str(),
            "https://support.example.com/desktop-updates/latest.json"
        );
        let feed = feed_url(Some("https://example.com/support/")).expect("a portal");
        assert_eq!(
            feed.as_str(),
            "https://example.com/support/desktop-updates/latest.json"
        );
    }

    #[test]
    fn without_a_portal_the_user_is_told_to_sign_in() {
        let err = feed_url(None).expect_err("no portal");
        assert_eq!(err.code, "update_no_portal");
        assert!(err.message.contains("sign in"), "{}", err.message);
        assert_eq!(
            feed_url(Some("not a url")).expect_err("bad").code,
            "update_no_portal"
        );
    }
}
