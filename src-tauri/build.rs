//! Build script: lets tauri-build embed the configuration and generate the ACL.
//!
//! The app manifest lists the app's own commands so tauri-build generates one
//! `allow-<command>` / `deny-<command>` permission each. Without a manifest every command would be
//! reachable from any window; with it, `capabilities/main.json` decides exactly which ones the
//! main window may call.
//!
//! The command names come from `contract/commands.rs`, the one list of the app's commands (the
//! contract test checks `generate_handler!`, the capability file, the UI and the docs against
//! it), so a command cannot be added here and forgotten there.

/// Reads the command list, keeping only the names: the argument and result types are for the
/// contract test, which can resolve them (a build script cannot see the crate's dependencies).
macro_rules! casewatch_commands {
    ($( $(#[doc = $doc:literal])* $name:ident ( $($args:tt)* ) -> $result:ty ; )*) => {
        &[$(stringify!($name)),*]
    };
}

/// The Tauri commands the app defines.
const COMMANDS: &[&str] = include!("contract/commands.rs");

fn main() {
    println!("cargo:rerun-if-changed=contract/commands.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
