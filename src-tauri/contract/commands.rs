// The one list of the desktop app's Tauri commands: name, arguments, result type, and what each
// does. Everything else that names the commands is derived from it or checked against it:
//
// - `build.rs` includes this file to tell tauri-build which commands exist (one `allow-<name>`
//   permission each);
// - `tests/contract.rs` includes it to generate `ui/types/contract.d.ts` (the TypeScript
//   declarations of every argument and result type, through ts-rs, plus the `Commands` map),
//   `capabilities/main.json` and the command table of `docs/app-commands.md`, and to check that
//   `generate_handler!` in `src/lib.rs`, `ui/api.js` and `tests/ui-mock/mock-backend.js` name
//   exactly these commands.
//
// After changing it: `CASEWATCH_BLESS=1 cargo test -p casewatch-app --test contract` rewrites the
// generated files; then `make tsc` shows which UI code no longer fits.
//
// Syntax (a `macro_rules!` input, so that both includers can read it without a parser):
//   /// One line saying what the command does, for the docs and the JSDoc.
//   name(arg: RustType, ...) -> RustResultType;
//   name(raw) -> Result;          the arguments are a raw byte body (`Uint8Array`)
// Types are written from the test's point of view: `api::` is casewatch-api, `domain::` is
// casewatch-core, `desk::` is casewatch-client's desk layer, `app::` the app's own; `()` is `null`.

casewatch_commands! {
    /// The deadline calculator: the initial-response deadline of a case, from typed-in contract and calendar.
    sla_quote(request: domain::quote::SlaRequest) -> domain::quote::SlaQuote;
    /// What a contract (typed in) includes: support level, severities, callbacks, targets.
    entitlements(request: domain::quote::EntitlementsRequest) -> domain::quote::EntitlementsQuote;

    /// Whether someone is signed in (restored at start-up), to whom, and whether the portal answers.
    session_status() -> desk::account::SessionStatus;
    /// Signs in to a portal; the tokens go to the OS keyring.
    login(portal_url: String, email: String, password: String) -> desk::account::SessionStatus;
    /// The demonstration accounts the first screen offers (from the server's demo module).
    demo_accounts() -> app::demo::DemoAccounts;
    /// Starts the embedded demo portal and signs in as one of its accounts.
    demo_start(email: String) -> desk::account::SessionStatus;
    /// Signs out: revokes the session, forgets the tokens, stops a demo portal.
    logout() -> ();

    /// The cases, their deadlines now, and the new cases still in the outbox.
    cases_list(include_closed: bool) -> desk::thread::CaseList;
    /// The cached cases at once, without asking the portal (the home screen's first paint).
    cases_cached(include_closed: bool) -> desk::thread::CaseList;
    /// One case with its thread (comments rendered to sanitised HTML) and attachments.
    case_get(number: i64) -> app::commands::cases::CaseView;
    /// Replies on a case through the outbox (queued while offline), with staged attachments.
    case_reply(number: i64, body: String, attachment_ids: Vec<String>) -> app::commands::cases::ReplyView;
    /// Changes a case's severity or status.
    case_update(number: i64, patch: api::CasePatch) -> api::Case;
    /// Requests phone callbacks in the given windows.
    case_callback(number: i64, windows: Vec<api::Window>) -> api::Callback;

    /// Stages a file's bytes for a new case or a reply (headers `x-filename`, `x-content-type`).
    attachment_stage(raw) -> desk::attachments::StagedAttachment;
    /// Drops a staged file.
    attachment_unstage(staged_id: String) -> ();
    /// Downloads an attachment and opens it with the desktop's viewer.
    attachment_open(id: String) -> desk::attachments::SavedAttachment;

    /// The new-case form's rules: limits, case types, environments, severity names and definitions.
    case_form_rules() -> domain::case_form::FormRules;
    /// Severities 1–4 for the signed-in contract: allowed or refused (with the refusal), and targets.
    severity_choices(environment: String, case_type: Option<String>) -> desk::form::SeverityChoices;
    /// When a case created now at this severity would be due.
    case_deadline_preview(severity: u8, environment: String) -> desk::form::DeadlinePreview;
    /// Product and version suggestions for the wizard (from the knowledge base).
    products_list() -> desk::products::ProductList;
    /// Saves the wizard's draft locally.
    draft_save(draft: desk::drafts::WizardDraft) -> desk::drafts::DraftSaved;
    /// The saved wizard draft, if any.
    draft_load() -> desk::drafts::DraftLoaded;
    /// Forgets the saved wizard draft.
    draft_discard() -> ();
    /// Files a new case: core's checks, outbox, send (or queue while offline), attachments, callback.
    outbox_submit_case(case: api::NewCase, attachment_ids: Vec<String>, callback_windows: Vec<api::Window>) -> desk::filing::FilingOutcome;
    /// Sends the outbox now instead of at the next refresh.
    outbox_send_now() -> desk::filing::SendReport;
    /// Removes a new case the portal refused from the outbox.
    outbox_discard(outbox_id: String) -> ();

    /// Searches the local knowledge-base index (answers offline).
    kb_search(query: String, locale: Option<String>, known_issues_only: bool, limit: Option<usize>) -> app::commands::kb::KbSearchView;
    /// One article, rendered to sanitised HTML (the index's plain copy while offline).
    kb_article(id: String) -> app::commands::kb::KbArticleView;
    /// Progress of the knowledge-base sync.
    kb_sync_status() -> desk::kb::KbSyncStatus;
    /// Starts a knowledge-base sync and answers its status.
    kb_sync_now() -> desk::kb::KbSyncStatus;

    /// The organisation's support contacts (key contact only).
    contacts_list() -> api::ContactList;
    /// Registers a support contact (key contact only).
    contact_add(contact: api::NewContact) -> api::ContactCreated;
    /// Removes a support contact (key contact only).
    contact_remove(id: i64) -> ();
    /// Which case mail the signed-in account receives from the portal: all, mine or none.
    mail_preference_set(mail: api::MailPreference) -> api::Preferences;
    /// Asks a portal to mail a set-password link to an address (the same answer whether or not it has an account).
    password_reset_request(portal_url: String, email: String) -> ();

    /// Opens an http(s) or mailto link in the desktop's browser.
    link_open(url: String) -> ();
    /// The app's settings.
    settings_get() -> app::commands::settings::Settings;
    /// Stores the app's settings and answers them as stored.
    settings_set(settings: app::commands::settings::Settings) -> app::commands::settings::Settings;
    /// The app's language, whether a tray icon is shown, and the log folder (local only, at once).
    app_settings() -> app::settings::AppSettingsView;
    /// Switches the one language of window, tray menu and notifications, and stores it.
    set_language(language: String) -> app::settings::AppSettingsView;
    /// Opens the folder of the app's log files in the desktop's file manager.
    logs_open() -> ();
    /// Quits the app: the window closes and the deadline alerts stop.
    app_quit() -> ();
    /// Hides the window and keeps the deadline alerts running.
    window_hide() -> ();
    /// Sets the native window's title (it follows the screen shown).
    window_title(title: String) -> ();
    /// "Do not disturb until …" and the muted cases (severity-1 deadlines come regardless).
    quiet_get() -> desk::alerts::Quiet;
    /// Replaces the quiet settings and answers them as stored.
    quiet_set(quiet: desk::alerts::Quiet) -> desk::alerts::Quiet;
    /// Mutes or unmutes one case's alerts.
    case_mute(number: i64, muted: bool) -> desk::alerts::Quiet;
    /// Whether the app starts at login (hidden in the tray), and whether the user was asked.
    autostart_get() -> app::commands::autostart::AutostartStatus;
    /// Turns start at login on or off (the one-time question counts as answered).
    autostart_set(enabled: bool) -> app::commands::autostart::AutostartStatus;
    /// The screen a casewatch:// link or a notification click asked for before the UI listened, once.
    open_pending() -> Option<app::links::OpenTarget>;

    /// The running version and whether the signed-in portal offers a newer one (Settings, "Check for updates").
    update_check() -> app::updates::UpdateCheck;
    /// Downloads the newer version, verifies its signature with the built-in key and installs it (polkit asks for an administrator).
    update_install() -> app::updates::UpdateInstalled;
}
