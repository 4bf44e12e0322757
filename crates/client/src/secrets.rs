//! Refresh tokens live in the OS keyring and nowhere else.
//!
//! A refresh token is a long-lived credential; writing it to a file or the cache would leave it
//! readable by anything that can read the user's home. [`KeyringStore`] keeps it in the OS
//! secret store: the Secret Service (gnome-keyring, KWallet) on Linux and the BSDs, the Keychain
//! on macOS, the Credential Manager on Windows. `Cargo.toml` enables one keyring backend per
//! target, because without a backend feature keyring 3 silently falls back to an in-memory mock
//! and the sign-in would not survive a restart. The [`SecretStore`] trait lets unit tests use
//! [`MemoryStore`] instead.

use crate::error::{ClientError, Result};
use std::collections::HashMap;
use std::sync::Mutex;

/// A place for one refresh token per profile.
pub trait SecretStore: Send + Sync {
    /// The token stored for `profile`, if any.
    fn get(&self, profile: &str) -> Result<Option<String>>;
    /// Stores (or replaces) the token for `profile`.
    fn set(&self, profile: &str, token: &str) -> Result<()>;
    /// Deletes the token for `profile`; deleting a missing token is not an error.
    fn delete(&self, profile: &str) -> Result<()>;
}

/// The service name under which Casewatch stores its keyring entries.
pub const KEYRING_SERVICE: &str = "casewatch";

/// The OS keyring.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl Default for KeyringStore {
    fn default() -> Self {
        KeyringStore::new()
    }
}

impl KeyringStore {
    /// Entries under the service [`KEYRING_SERVICE`].
    pub fn new() -> KeyringStore {
        KeyringStore::with_service(KEYRING_SERVICE)
    }

    /// Entries under another service name (tests use a unique one).
    pub fn with_service(service: impl Into<String>) -> KeyringStore {
        KeyringStore {
            service: service.into(),
        }
    }

    fn entry(&self, profile: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, profile).map_err(keyring_error)
    }
}

fn keyring_error(e: keyring::Error) -> ClientError {
    ClientError::Secrets(format!("the OS keyring failed: {e}"))
}

impl SecretStore for KeyringStore {
    fn get(&self, profile: &str) -> Result<Option<String>> {
        match self.entry(profile)?.get_password() {
            Ok(token) => Ok(Some(token)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, profile: &str, token: &str) -> Result<()> {
        self.entry(profile)?
            .set_password(token)
            .map_err(keyring_error)
    }

    fn delete(&self, profile: &str) -> Result<()> {
        match self.entry(profile)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

/// Tokens in memory: for tests, never for the app.
#[derive(Debug, Default)]
pub struct MemoryStore {
    tokens: Mutex<HashMap<String, String>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, profile: &str) -> Result<Option<String>> {
        Ok(self.lock().get(profile).cloned())
    }

    fn set(&self, profile: &str, token: &str) -> Result<()> {
        self.lock().insert(profile.to_string(), token.to_string());
        Ok(())
    }

    fn delete(&self, profile: &str) -> Result<()> {
        self.lock().remove(profile);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trips() {
        let s = MemoryStore::new();
        assert_eq!(s.get("p").unwrap(), None);
        s.set("p", "t1").unwrap();
        s.set("p", "t2").unwrap();
        assert_eq!(s.get("p").unwrap().as_deref(), Some("t2"));
        assert_eq!(s.get("q").unwrap(), None);
        s.delete("p").unwrap();
        s.delete("p").unwrap();
        assert_eq!(s.get("p").unwrap(), None);
    }

    /// The real Secret Service backend. `make test` runs the suite inside dbus-run-session
    /// with an unlocked gnome-keyring (scripts/test-session.sh); without a session bus this
    /// test fails rather than pass without testing anything.
    #[test]
    fn os_keyring_round_trips() {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "no D-Bus session bus: run the tests with `make test` (it starts dbus-run-session \
             and an unlocked gnome-keyring via scripts/test-session.sh)"
        );
        let service = format!("casewatch-test-{}", crate::profile::random_id());
        let profile = "admin@acme.example http://127.0.0.1:1";
        KeyringStore::with_service(&service)
            .set(profile, "refresh-token-1")
            .unwrap();
        // A new instance must see it: the in-memory mock keyring would not.
        let again = KeyringStore::with_service(&service);
        assert_eq!(
            again.get(profile).unwrap().as_deref(),
            Some("refresh-token-1")
        );
        again.delete(profile).unwrap();
        assert_eq!(
            KeyringStore::with_service(&service).get(profile).unwrap(),
            None
        );
    }
}
