//! Sign-in, token refresh and sign-out against the real server, with the real OS keyring
//! (`make test` provides an unlocked gnome-keyring on a private session bus).

mod common;

use casewatch_client::{KeyringStore, MemoryStore, SecretStore};
use common::*;
use std::sync::Arc;

fn keyring() -> Arc<KeyringStore> {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session bus: run the tests with `make test` (dbus-run-session + gnome-keyring)"
    );
    Arc::new(KeyringStore::with_service(format!(
        "casewatch-test-{}",
        casewatch_client::profile::random_id()
    )))
}

#[tokio::test]
async fn sign_in_refresh_and_sign_out_use_the_os_keyring() {
    let server = TestServer::start().await;
    let dirs = ClientDirs::new();
    let secrets = keyring();
    let s = session(
        &dirs.dirs,
        &server.url(),
        ACME_ADMIN,
        secrets.clone(),
        fast_config(),
    );
    let key = s.profile.secret_key();

    // Wrong password: unauthorized, nothing stored.
    let err = s.login("not the password").await.unwrap_err();
    assert_eq!(err.code(), "unauthorized");
    assert_eq!(secrets.get(&key).unwrap(), None);

    s.login(DEMO_PASSWORD).await.unwrap();
    let first = secrets
        .get(&key)
        .unwrap()
        .expect("refresh token in the keyring");
    assert_eq!(
        dirs.dirs.current_profile().unwrap().as_ref(),
        Some(&s.profile)
    );
    let me = s.cache.me().unwrap().unwrap();
    assert_eq!(me.user.email, ACME_ADMIN);
    // The token is nowhere on disk.
    let mut stack = vec![dirs.root.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                assert!(
                    !bytes.windows(first.len()).any(|w| w == first.as_bytes()),
                    "refresh token found in {}",
                    path.display()
                );
            }
        }
    }

    // Another process (a new client over the same keyring) starts without an access token:
    // it refreshes, which rotates the refresh token and ends the first client's access token.
    let other = session(
        &dirs.dirs,
        &server.url(),
        ACME_ADMIN,
        secrets.clone(),
        fast_config(),
    );
    assert!(!other.api.has_access_token());
    assert_eq!(other.api.me().await.unwrap().user.email, ACME_ADMIN);
    let second = secrets.get(&key).unwrap().unwrap();
    assert_ne!(first, second, "the refresh token rotates");

    // The first client's access token is now refused (401): it refreshes once and goes on.
    assert!(s.api.has_access_token());
    assert_eq!(s.api.me().await.unwrap().user.email, ACME_ADMIN);
    assert_ne!(secrets.get(&key).unwrap().unwrap(), second);

    // Sign out: revoked on the server, gone from the keyring.
    let report = s.logout().await.unwrap();
    assert!(report.revoked_on_server, "{report:?}");
    assert_eq!(secrets.get(&key).unwrap(), None);
    assert_eq!(
        KeyringStore::clone(&secrets).get(&key).unwrap(),
        None,
        "a fresh keyring handle sees no token either"
    );
    assert_eq!(dirs.dirs.current_profile().unwrap(), None);
    let err = s.api.me().await.unwrap_err();
    assert_eq!(err.code(), "not_signed_in");
    // The other client's access token died with the session.
    let err = other.api.me().await.unwrap_err();
    assert!(
        matches!(err.code(), "not_signed_in" | "unauthorized"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_stolen_old_refresh_token_is_useless_and_offline_is_reported() {
    let mut server = TestServer::start().await;
    let dirs = ClientDirs::new();
    let secrets = Arc::new(MemoryStore::new());
    let s = session(
        &dirs.dirs,
        &server.url(),
        ACME_ADMIN,
        secrets.clone(),
        fast_config(),
    );
    s.login(DEMO_PASSWORD).await.unwrap();
    let key = s.profile.secret_key();
    let old = secrets.get(&key).unwrap().unwrap();
    s.api.refresh().await.unwrap();
    // Put the used token back: the server refuses it.
    secrets.set(&key, &old).unwrap();
    s.api.forget_access_token();
    assert_eq!(s.api.me().await.unwrap_err().code(), "unauthorized");

    server.stop().await;
    let err = s.api.health().await.unwrap_err();
    assert_eq!(err.code(), "offline");
    // Sign-out offline still deletes the local token.
    let report = s.logout().await.unwrap();
    assert!(!report.revoked_on_server);
    assert_eq!(secrets.get(&key).unwrap(), None);
}
