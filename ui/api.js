// @ts-check
// The only door from the UI to the Rust side.
//
// Why a wrapper: every command failure reaches the components in one shape, `{code, message}`,
// whether it is a rule the core enforces, arguments Tauri could not deserialise, or the page
// running outside the app (no `window.__TAURI__`). Components then need one error renderer.
//
// The argument and result types come from `./types/contract.d.ts`, generated from the Rust
// types (src-tauri/contract/commands.rs lists the commands), so `tsc` checks every call below
// and every use of an answer against what Rust really sends.

/** @typedef {import('./types/contract').Commands} Commands */
/** @typedef {import('./types/contract').CommandName} CommandName */
/** @template {CommandName} K @typedef {import('./types/contract').InvokeArgs<K>} InvokeArgs */
/** @typedef {import('./types/contract').CommandError} CommandError */
/** @typedef {import('./types/contract').Case} Case */
/** @typedef {import('./types/contract').CasePatch} CasePatch */
/** @typedef {import('./types/contract').Window} Window */
/** @typedef {import('./types/contract').NewContact} NewContact */
/** @typedef {import('./types/contract').MailPreference} MailPreference */
/** @typedef {import('./types/contract').WizardDraft} WizardDraft */
/** @typedef {import('./types/contract').Settings} Settings */
/** @typedef {import('./types/contract').SlaRequest} SlaRequest */
/** @typedef {import('./types/contract').EntitlementsRequest} EntitlementsRequest */
/** @typedef {import('./types/contract').StagedAttachment} StagedAttachment */

/**
 * The Tauri global the webview gets (`app.withGlobalTauri`); absent outside the app.
 * @typedef {{
 *   core?: { invoke: (command: string, args?: unknown, options?: { headers?: Record<string, string> }) => Promise<unknown> },
 *   event?: { listen: (event: string, handler: (event: unknown) => void) => Promise<() => void> },
 * }} TauriGlobal
 */

/** @returns {TauriGlobal | undefined} */
function tauri() {
  return /** @type {{ __TAURI__?: TauriGlobal }} */ (/** @type {unknown} */ (window)).__TAURI__;
}

/**
 * Calls the Tauri command `command` with its arguments object (none for commands without
 * arguments); resolves to its result and rejects with `{code, message}`.
 * @type {<K extends CommandName>(command: K, ...args: InvokeArgs<K>) => Promise<Commands[K]['result']>}
 */
export const invoke = async (command, ...args) => {
  const core = tauri()?.core;
  if (!core || typeof core.invoke !== 'function') {
    throw { code: 'no_backend', message: 'window.__TAURI__ is not available' };
  }
  try {
    return /** @type {any} */ (await core.invoke(command, args[0]));
  } catch (error) {
    throw normaliseError(error);
  }
};

/**
 * @param {unknown} error
 * @returns {CommandError}
 */
function normaliseError(error) {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    const message = 'message' in error ? error.message : '';
    return { code: error.code, message: String(message ?? '') };
  }
  // Tauri reports arguments it cannot deserialise as a plain string.
  return { code: 'invalid_request', message: String(error) };
}

/**
 * Computes the deadline quote for a case (`casewatch_core::quote::SlaRequest`).
 * @param {SlaRequest} request
 */
export function slaQuote(request) {
  return invoke('sla_quote', { request });
}

/**
 * Describes what a contract includes (`casewatch_core::quote::EntitlementsRequest`).
 * @param {EntitlementsRequest} request
 */
export function entitlements(request) {
  return invoke('entitlements', { request });
}

// ---------------------------------------------------------------------------------------------
// The desktop commands of docs/app-commands.md. Argument keys are sent exactly as documented.
// ---------------------------------------------------------------------------------------------

export const sessionStatus = () => invoke('session_status');
/**
 * @param {string} portal_url
 * @param {string} email
 * @param {string} password
 */
export const login = (portal_url, email, password) => invoke('login', { portal_url, email, password });
export const demoAccounts = () => invoke('demo_accounts');
/** @param {string} email */
export const demoStart = (email) => invoke('demo_start', { email });
export const logout = () => invoke('logout');

export const casesList = (include_closed = false) => invoke('cases_list', { include_closed });
/** The cached case list at once (no portal round trip): the home screen's first paint. */
export const casesCached = (include_closed = false) => invoke('cases_cached', { include_closed });
/** @param {number} number */
export const caseGet = (number) => invoke('case_get', { number });
/**
 * @param {number} number
 * @param {string} body
 * @param {string[]} [attachment_ids]
 */
export const caseReply = (number, body, attachment_ids = []) =>
  invoke('case_reply', { number, body, attachment_ids });
/**
 * @param {number} number
 * @param {CasePatch} patch
 */
export const caseUpdate = (number, patch) => invoke('case_update', { number, patch });
/**
 * @param {number} number
 * @param {Window[]} windows
 */
export const caseCallback = (number, windows) => invoke('case_callback', { number, windows });
/** @param {string} id */
export const attachmentOpen = (id) => invoke('attachment_open', { id });

/** The new-case form's rules (limits, choices, severity texts), from the core. */
export const caseFormRules = () => invoke('case_form_rules');
/** @param {string} environment */
export const severityChoices = (environment) => invoke('severity_choices', { environment });
/**
 * @param {number} severity
 * @param {string} environment
 */
export const caseDeadlinePreview = (severity, environment) =>
  invoke('case_deadline_preview', { severity, environment });
export const productsList = () => invoke('products_list');
/** @param {string} staged_id */
export const attachmentUnstage = (staged_id) => invoke('attachment_unstage', { staged_id });
/** @param {WizardDraft} draft */
export const draftSave = (draft) => invoke('draft_save', { draft });
export const draftLoad = () => invoke('draft_load');
export const draftDiscard = () => invoke('draft_discard');
/** @param {Commands['outbox_submit_case']['args']} submission */
export const outboxSubmitCase = (submission) => invoke('outbox_submit_case', submission);
/** @param {string} url */
export const linkOpen = (url) => invoke('link_open', { url });
export const outboxSendNow = () => invoke('outbox_send_now');
/** @param {string} outbox_id */
export const outboxDiscard = (outbox_id) => invoke('outbox_discard', { outbox_id });

/**
 * Sends a file's bytes as a raw IPC body (no base64).
 * @param {File} file
 * @returns {Promise<StagedAttachment>}
 */
export async function attachmentStage(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const core = tauri()?.core;
  if (!core || typeof core.invoke !== 'function') {
    throw { code: 'no_backend', message: 'window.__TAURI__ is not available' };
  }
  try {
    return /** @type {Commands['attachment_stage']['result']} */ (
      await core.invoke('attachment_stage', bytes, {
        headers: {
          'x-filename': encodeURIComponent(file.name),
          'x-content-type': file.type || 'application/octet-stream',
        },
      })
    );
  } catch (error) {
    throw normaliseError(error);
  }
}

/**
 * @param {string} query
 * @param {string | null} locale
 * @param {boolean} known_issues_only
 * @param {number} [limit]
 */
export const kbSearch = (query, locale, known_issues_only, limit = 20) =>
  invoke('kb_search', { query, locale, known_issues_only, limit });
/** @param {string} id */
export const kbArticle = (id) => invoke('kb_article', { id });
export const kbSyncStatus = () => invoke('kb_sync_status');
export const kbSyncNow = () => invoke('kb_sync_now');

export const contactsList = () => invoke('contacts_list');
/** @param {NewContact} contact */
export const contactAdd = (contact) => invoke('contact_add', { contact });
/** @param {number} id */
export const contactRemove = (id) => invoke('contact_remove', { id });
/** @param {MailPreference} mail which case mail the account receives from the portal */
export const mailPreferenceSet = (mail) => invoke('mail_preference_set', { mail });
/**
 * @param {string} portal_url
 * @param {string} email
 */
export const passwordResetRequest = (portal_url, email) => invoke('password_reset_request', { portal_url, email });

export const settingsGet = () => invoke('settings_get');
/** @param {Settings} settings */
export const settingsSet = (settings) => invoke('settings_set', { settings });
/** The language, whether a tray icon is shown, the log folder: local, answered at once. */
export const appSettings = () => invoke('app_settings');
/** @param {string} language `en` or `zh-CN`: the window, the tray and notifications follow it. */
export const setLanguageCommand = (language) => invoke('set_language', { language });
export const logsOpen = () => invoke('logs_open');
export const appQuit = () => invoke('app_quit');
export const windowHide = () => invoke('window_hide');
/** @param {string} title */
export const windowTitle = (title) => invoke('window_title', { title });

// --- D2: quiet alerts, start at login, screens opened from outside (links, notifications) ---
/** @typedef {import('./types/contract').Quiet} Quiet */
/** @typedef {import('./types/contract').OpenTarget} OpenTarget */
export const quietGet = () => invoke('quiet_get');
/** @param {Quiet} quiet */
export const quietSet = (quiet) => invoke('quiet_set', { quiet });
/** @param {number} number @param {boolean} muted */
export const caseMute = (number, muted) => invoke('case_mute', { number, muted });
export const autostartGet = () => invoke('autostart_get');
/** @param {boolean} enabled */
export const autostartSet = (enabled) => invoke('autostart_set', { enabled });
export const openPending = () => invoke('open_pending');

// --- D1: app updates (Settings, "Check for updates") ---
export const updateCheck = () => invoke('update_check');
export const updateInstall = () => invoke('update_install');

/**
 * Calls `callback` when a casewatch:// link or a notification click asks for a screen.
 * @param {() => void} callback
 * @returns {() => void} stops listening
 */
export function onOpenScreen(callback) {
  const events = tauri()?.event;
  if (!events || typeof events.listen !== 'function') return () => {};
  const pending = events.listen('casewatch://open', () => callback());
  return () => {
    pending.then((stop) => stop(), () => {});
  };
}
// --- end D2 ---

/**
 * Calls `callback` when the user closes the window and no tray icon could bring it back (the
 * Rust side then waits for `appQuit` or `windowHide`). Returns a function that stops listening.
 * @param {() => void} callback
 * @returns {() => void}
 */
export function onCloseRequested(callback) {
  const events = tauri()?.event;
  if (!events || typeof events.listen !== 'function') return () => {};
  const pending = events.listen('casewatch://close-requested', () => callback());
  return () => {
    pending.then((unlisten) => unlisten()).catch(() => {});
  };
}

/**
 * Calls `callback` whenever the Rust side's background refresh finds that cases or their
 * threads changed (a new engineer reply, a status change). Returns a function that stops
 * listening. Outside the app (no event API) it does nothing.
 * @param {() => void} callback
 * @returns {() => void}
 */
export function onCasesChanged(callback) {
  const events = tauri()?.event;
  if (!events || typeof events.listen !== 'function') return () => {};
  const pending = events.listen('casewatch://cases-changed', () => callback());
  return () => {
    pending.then((unlisten) => unlisten()).catch(() => {});
  };
}
