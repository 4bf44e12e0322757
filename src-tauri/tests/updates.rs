//! Updates end to end, without the window: a real support centre serves an update directory
//! (`ServerConfig::desktop_updates`, i.e. `casewatch server --desktop-updates`), the vendor's
//! tool signs the package (`cargo tauri signer`, with a key pair this test makes), and
//! tauri-plugin-updater — the same plugin and the same [`updates`] functions the app's
//! `update_check`/`update_install` commands use — finds the newer version, downloads it and
//! verifies its signature, or refuses it.
//!
//! The app under test is Tauri's mock runtime with this test's configuration: its
//! `plugins.updater.pubkey` is the test key's public half, so the production key in
//! `tauri.conf.json` (whose private half only the vendor holds) is never involved. The endpoint
//! is plain http on 127.0.0.1, which the production configuration refuses
//! (`dangerousInsecureTransportProtocol` is on here only).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use casewatch_app_lib::updates;
use casewatch_server::{serve, PasswordCost, ServerConfig};
use serde_json::json;
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri_plugin_updater::UpdaterExt;

/// The version the mock app runs (`tauri::test::mock_context`).
const RUNNING: &str = "0.1.0";
/// The version the vendor publishes.
const NEWER: &str = "0.2.0";
const PACKAGE: &str = "casewatch_0.2.0_amd64.deb";

/// Runs `cargo tauri signer <args>` (tauri-cli, installed by `make deps`), failing with its
/// output.
fn signer(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(&cargo)
        .args(["tauri", "signer"])
        .args(args)
        // No password on the test key; the variable keeps the tool from prompting for one.
        .env("TAURI_SIGNING_PRIVATE_KEY_PASSWORD", "")
        .env("CI", "true")
        .output()
        .unwrap_or_else(|err| panic!("cannot run `{cargo} tauri signer`: {err}"));
    assert!(
        output.status.success(),
        "`cargo tauri signer {}` failed (is tauri-cli installed? `make deps` installs it):\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A fresh key pair: (private key file, public key as `tauri.conf.json` holds it).
fn key_pair(dir: &Path) -> (PathBuf, String) {
    fs::create_dir_all(dir).expect("key dir");
    let key = dir.join("updater.key");
    signer(&[
        "generate",
        "--ci",
        "--password",
        "",
        "--write-keys",
        &key.to_string_lossy(),
    ]);
    let public = fs::read_to_string(key.with_extension("key.pub")).expect("the public key file");
    (key, public.trim().to_owned())
}

/// Signs `file` for `version` as the vendor's release step does; returns the `.sig` contents.
fn sign(key: &Path, file: &Path, version: &str) -> String {
    signer(&[
        "sign",
        "--private-key-path",
        &key.to_string_lossy(),
        "--password",
        "",
        "--app-version",
        version,
        &file.to_string_lossy(),
    ]);
    let sig = PathBuf::from(format!("{}.sig", file.display()));
    fs::read_to_string(sig).expect("the signature file")
}

/// The manifest the vendor publishes: `version` offering `package` with `signature`.
fn write_manifest(dir: &Path, base: &str, version: &str, signature: &str) {
    let url = format!("{base}/desktop-updates/{PACKAGE}");
    let entry = json!({ "url": url, "signature": signature });
    let manifest = json!({
        "version": version,
        "notes": "Deadline alerts survive a restart.",
        "pub_date": "2026-12-01T04:00:00Z",
        // The packaged app looks for its installer's entry first, then the plain one; the mock
        // app has no bundle type, so it reads the plain one.
        "platforms": {
            "linux-x86_64-deb": entry,
            "linux-x86_64": entry,
        }
    });
    fs::write(
        dir.join("latest.json"),
        serde_json::to_vec_pretty(&manifest).expect("JSON"),
    )
    .expect("write latest.json");
}

/// The mock app, configured to trust `pubkey`.
fn app_trusting(pubkey: &str) -> tauri::App<MockRuntime> {
    let mut context = mock_context(noop_assets());
    context.config_mut().plugins.0.insert(
        "updater".into(),
        json!({
            "pubkey": pubkey,
            "requireSignedVersion": true,
            "dangerousInsecureTransportProtocol": true,
        }),
    );
    mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .expect("the mock app builds")
}

/// One "Check for updates" against `feed`, as the `update_check` command does it.
async fn check_feed(
    app: &tauri::App<MockRuntime>,
    feed: &tauri::Url,
) -> Result<(updates::UpdateCheck, Option<tauri_plugin_updater::Update>), casewatch_app_lib::AppError>
{
    let builder = app
        .handle()
        .updater_builder()
        .endpoints(vec![feed.clone()])
        .expect("endpoints");
    updates::check(builder, RUNNING).await
}

#[test]
fn a_newer_signed_version_is_found_and_verified_and_a_tampered_one_is_refused() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let feed_dir = scratch.path().join("desktop-updates");
    fs::create_dir_all(&feed_dir).expect("feed dir");
    let (key, pubkey) = key_pair(scratch.path());
    // The package's bytes do not matter to the check: only its signature does.
    let package_path = feed_dir.join(PACKAGE);
    let package = b"!<arch>\ncasewatch 0.2.0 stands in for a package here\n".to_vec();
    fs::write(&package_path, &package).expect("write the package");
    let signature = sign(&key, &package_path, NEWER);

    let app = app_trusting(&pubkey);
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(async {
        let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), scratch.path().join("data"));
        config.password_cost = PasswordCost::InsecureFastForTests;
        config.warm_search_index = false;
        config.desktop_updates = Some(feed_dir.clone());
        let server = serve(config).await.expect("the support centre starts");
        let base = server.base_url();
        let base = base.trim_end_matches('/');
        // The app asks the portal it signed in to.
        let feed = updates::feed_url(Some(base)).expect("a feed URL");

        // Nothing newer published yet: up to date.
        write_manifest(&feed_dir, base, RUNNING, &signature);
        let (answer, update) = check_feed(&app, &feed).await.expect("the check answers");
        assert_eq!(answer.current_version, RUNNING);
        assert_eq!(answer.available, None, "0.1.0 is not newer than 0.1.0");
        assert!(update.is_none());

        // The vendor publishes 0.2.0: found, downloaded, signature verified.
        write_manifest(&feed_dir, base, NEWER, &signature);
        let (answer, update) = check_feed(&app, &feed).await.expect("the check answers");
        let available = answer.available.expect("0.2.0 is offered");
        assert_eq!(available.version, NEWER);
        assert_eq!(
            available.notes.as_deref(),
            Some("Deadline alerts survive a restart.")
        );
        assert_eq!(available.date.as_deref(), Some("2026-12-01T04:00:00Z"));
        let update = update.expect("an update to download");
        let bytes = updates::download(&update)
            .await
            .expect("the signed package downloads and verifies");
        assert_eq!(
            bytes, package,
            "the verified bytes are the published package"
        );

        // Someone changes the package on the server: the download is refused.
        let mut tampered = package.clone();
        tampered.extend_from_slice(b"#!/bin/sh\nrm -rf ~\n");
        fs::write(&package_path, &tampered).expect("tamper with the package");
        let (_, update) = check_feed(&app, &feed)
            .await
            .expect("the manifest is unchanged");
        let err = updates::download(&update.expect("still offered"))
            .await
            .expect_err("a tampered package must be refused");
        assert_eq!(err.code, "update_signature_invalid", "{err:?}");
        assert!(
            err.message.contains("refused") && err.message.contains("nothing was installed"),
            "the message says what happened: {}",
            err.message
        );

        // The genuine 0.2.0 package sold as 0.3.0 (a replayed signature): refused too, because
        // the signature names the version it was made for.
        fs::write(&package_path, &package).expect("restore the package");
        write_manifest(&feed_dir, base, "0.3.0", &signature);
        let (answer, update) = check_feed(&app, &feed).await.expect("the check answers");
        assert_eq!(
            answer.available.map(|a| a.version).as_deref(),
            Some("0.3.0")
        );
        let err = updates::download(&update.expect("offered"))
            .await
            .expect_err("a signature for 0.2.0 must not pass for 0.3.0");
        assert_eq!(err.code, "update_signature_invalid", "{err:?}");

        // A portal that publishes no updates: a clear error, not "up to date".
        fs::remove_file(feed_dir.join("latest.json")).expect("unpublish");
        let Err(err) = check_feed(&app, &feed).await else {
            panic!("a portal without latest.json must not answer \"up to date\"");
        };
        assert_eq!(err.code, "update_unreachable", "{err:?}");

        server.shutdown().await.expect("the server stops");
    });
}

#[test]
fn a_package_signed_with_another_key_is_refused() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let (_, trusted) = key_pair(&scratch.path().join("trusted"));
    let (other_key, _) = key_pair(&scratch.path().join("other"));
    let feed_dir = scratch.path().join("desktop-updates");
    fs::create_dir_all(&feed_dir).expect("feed dir");
    let package_path = feed_dir.join(PACKAGE);
    fs::write(&package_path, b"!<arch>\nnot from the vendor\n").expect("write the package");
    let signature = sign(&other_key, &package_path, NEWER);

    let app = app_trusting(&trusted);
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(async {
        let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), scratch.path().join("data"));
        config.password_cost = PasswordCost::InsecureFastForTests;
        config.warm_search_index = false;
        config.desktop_updates = Some(feed_dir.clone());
        let server = serve(config).await.expect("the support centre starts");
        let base = server.base_url();
        let base = base.trim_end_matches('/');
        write_manifest(&feed_dir, base, NEWER, &signature);
        let builder = app
            .handle()
            .updater_builder()
            .endpoints(vec![updates::feed_url(Some(base)).expect("feed")])
            .expect("endpoints");
        let (_, update) = updates::check(builder, RUNNING)
            .await
            .expect("the check answers");
        let err = updates::download(&update.expect("0.2.0 is offered"))
            .await
            .expect_err("another key's signature must be refused");
        assert_eq!(err.code, "update_signature_invalid", "{err:?}");
        server.shutdown().await.expect("the server stops");
    });
}
