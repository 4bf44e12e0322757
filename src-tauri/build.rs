//! Build script: lets tauri-build embed the configuration and generate the ACL.
//!
//! The app manifest lists the app's own commands so tauri-build generates one
//! `allow-<command>` / `deny-<command>` permission each. Without a manifest every command would be
//! reachable from any window; with it, `capabilities/main.json` decides exactly which ones the
//! main window may call.

/// The Tauri commands the app defines; keep in sync with `generate_handler!` in `src/lib.rs`.
const COMMANDS: &[&str] = &["sla_quote", "entitlements"];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
