//! Build script: lets tauri-build embed the configuration and generate the ACL.
//!
//! The app manifest lists the app's own commands so tauri-build generates one
//! `allow-<command>` / `deny-<command>` permission each. Without a manifest every command would be
//! reachable from any window; with it, `capabilities/main.json` decides exactly which ones the
//! main window may call.

/// The Tauri commands the app defines; keep in sync with `generate_handler!` in `src/lib.rs`.
const COMMANDS: &[&str] = &[
    "sla_quote",
    "entitlements",
    "session_status",
    "login",
    "demo_accounts",
    "demo_start",
    "logout",
    "cases_list",
    "case_get",
    "case_reply",
    "case_update",
    "case_callback",
    "attachment_stage",
    "attachment_unstage",
    "attachment_open",
    "severity_choices",
    "case_deadline_preview",
    "products_list",
    "draft_save",
    "draft_load",
    "draft_discard",
    "outbox_submit_case",
    "outbox_send_now",
    "outbox_discard",
    "kb_search",
    "kb_article",
    "kb_sync_status",
    "kb_sync_now",
    "contacts_list",
    "contact_add",
    "contact_remove",
    "link_open",
    "settings_get",
    "settings_set",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
