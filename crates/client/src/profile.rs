//! Where a profile's files live.
//!
//! One person may use several portals, and several accounts on one portal; each pair gets its
//! own profile so that caches, drafts and keyring entries never mix. The profile's directory
//! name is a readable slug plus a hash of the exact portal URL and account, so it is stable,
//! filesystem-safe and unique. Data that must survive (cases, drafts, outbox, alert ledger)
//! goes under the XDG data dir; the knowledge-base index, which can always be rebuilt from the
//! server, under the XDG cache dir.

use crate::error::{ClientError, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The base directories: `$XDG_DATA_HOME` and `$XDG_CACHE_HOME` (or the platform's
/// equivalents), or explicit ones for tests and embedding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dirs {
    /// Base of durable data.
    pub data: PathBuf,
    /// Base of rebuildable caches.
    pub cache: PathBuf,
}

impl Dirs {
    /// The user's directories (`dirs` honours `XDG_DATA_HOME` and `XDG_CACHE_HOME`).
    pub fn from_env() -> Result<Dirs> {
        let data = dirs::data_dir()
            .ok_or_else(|| ClientError::Storage("no data directory (set XDG_DATA_HOME)".into()))?;
        let cache = dirs::cache_dir().ok_or_else(|| {
            ClientError::Storage("no cache directory (set XDG_CACHE_HOME)".into())
        })?;
        Ok(Dirs::new(data, cache))
    }

    /// Explicit base directories.
    pub fn new(data: impl Into<PathBuf>, cache: impl Into<PathBuf>) -> Dirs {
        Dirs {
            data: data.into(),
            cache: cache.into(),
        }
    }

    fn app_data(&self) -> PathBuf {
        self.data.join("casewatch")
    }

    /// The file naming the profile used last (written at sign-in).
    pub fn current_profile_file(&self) -> PathBuf {
        self.app_data().join("current-profile.json")
    }

    /// The profile signed in last, if any.
    pub fn current_profile(&self) -> Result<Option<Profile>> {
        let path = self.current_profile_file();
        match std::fs::read(&path) {
            Ok(bytes) => {
                let p: Profile = serde_json::from_slice(&bytes).map_err(|e| {
                    ClientError::Storage(format!("{} is damaged: {e}", path.display()))
                })?;
                Ok(Some(Profile::new(&p.portal, &p.account)?))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error(&path, e)),
        }
    }

    /// Remembers `profile` as the current one (atomically).
    pub fn set_current_profile(&self, profile: &Profile) -> Result<()> {
        let path = self.current_profile_file();
        let text =
            serde_json::to_vec_pretty(profile).map_err(|e| ClientError::Storage(e.to_string()))?;
        write_atomically(&path, &text)
    }

    /// Forgets the current profile.
    pub fn clear_current_profile(&self) -> Result<()> {
        let path = self.current_profile_file();
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error(&path, e)),
            _ => Ok(()),
        }
    }

    /// The profile's durable directory (created on demand by the cache).
    pub fn profile_data(&self, profile: &Profile) -> PathBuf {
        self.app_data().join("profiles").join(profile.dir_name())
    }

    /// The profile's cache directory.
    pub fn profile_cache(&self, profile: &Profile) -> PathBuf {
        self.cache
            .join("casewatch")
            .join("profiles")
            .join(profile.dir_name())
    }
}

/// A portal URL and an account on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Profile {
    /// The portal's base URL, e.g. `https://support.example.com` (no trailing slash).
    pub portal: String,
    /// The account's e-mail address, lower-cased.
    pub account: String,
}

impl Profile {
    /// Normalises and checks a portal URL and account.
    pub fn new(portal: &str, account: &str) -> Result<Profile> {
        let portal = portal.trim().trim_end_matches('/').to_string();
        let lower = portal.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {}
            _ => {
                return Err(ClientError::Invalid(format!(
                    "the portal must be an http:// or https:// URL, not '{portal}'"
                )))
            }
        }
        let account = account.trim().to_lowercase();
        if account.is_empty() || !account.contains('@') || account.contains(char::is_whitespace) {
            return Err(ClientError::Invalid(format!(
                "the account must be an e-mail address, not '{account}'"
            )));
        }
        Ok(Profile { portal, account })
    }

    /// The directory name: a readable slug of both parts plus 12 hex digits of their hash.
    pub fn dir_name(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.portal.as_bytes());
        hasher.update([0]);
        hasher.update(self.account.as_bytes());
        let hash = hex::encode(&hasher.finalize()[..6]);
        let host = self
            .portal
            .split_once("://")
            .map_or(self.portal.as_str(), |(_, h)| h);
        let slug: String = format!("{}-{}", self.account, host)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .take(60)
            .collect();
        format!("{slug}-{hash}")
    }

    /// The keyring entry's user name for this profile.
    pub fn secret_key(&self) -> String {
        format!("{} {}", self.account, self.portal)
    }
}

/// Writes a file through a temporary file and a rename, creating the parent directory.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|e| io_error(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io_error(path, e))
}

pub(crate) fn io_error(path: &Path, e: std::io::Error) -> ClientError {
    ClientError::Storage(format!("{}: {e}", path.display()))
}

/// 128 random bits as 32 hex digits (draft ids, idempotency keys).
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // The OS generator is unavailable: fall back to time and address entropy, still unique
        // enough for ids that are also scoped by profile.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let mut hasher = Sha256::new();
        hasher.update(nanos.to_le_bytes());
        hasher.update((&bytes as *const _ as usize).to_le_bytes());
        hasher.update(std::process::id().to_le_bytes());
        bytes.copy_from_slice(&hasher.finalize()[..16]);
    }
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_differ_by_portal_and_account() {
        let a = Profile::new("https://support.example.com/", "Admin@Acme.example").unwrap();
        assert_eq!(a.portal, "https://support.example.com");
        assert_eq!(a.account, "admin@acme.example");
        let b = Profile::new("https://support.example.com", "ops@acme.example").unwrap();
        let c = Profile::new("http://127.0.0.1:8080", "admin@acme.example").unwrap();
        assert_ne!(a.dir_name(), b.dir_name());
        assert_ne!(a.dir_name(), c.dir_name());
        assert!(a
            .dir_name()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert_eq!(
            a.dir_name(),
            Profile::new("https://support.example.com", "admin@acme.example")
                .unwrap()
                .dir_name()
        );
    }

    #[test]
    fn bad_profiles_are_refused() {
        assert!(Profile::new("ftp://x", "a@b").is_err());
        assert!(Profile::new("https://", "a@b").is_err());
        assert!(Profile::new("https://x", "nobody").is_err());
    }

    #[test]
    fn current_profile_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = Dirs::new(dir.path().join("data"), dir.path().join("cache"));
        assert_eq!(dirs.current_profile().unwrap(), None);
        let p = Profile::new("https://x.example", "a@x.example").unwrap();
        dirs.set_current_profile(&p).unwrap();
        assert_eq!(dirs.current_profile().unwrap(), Some(p.clone()));
        assert!(dirs.profile_data(&p).starts_with(dir.path().join("data")));
        assert!(dirs.profile_cache(&p).starts_with(dir.path().join("cache")));
        dirs.clear_current_profile().unwrap();
        assert_eq!(dirs.current_profile().unwrap(), None);
    }

    #[test]
    fn random_ids_are_distinct() {
        assert_ne!(random_id(), random_id());
        assert_eq!(random_id().len(), 32);
    }
}
