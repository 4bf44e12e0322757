// The only door from the UI to the Rust side.
//
// Why a wrapper: every command failure reaches the components in one shape, `{code, message}`,
// whether it is a rule the core enforces, arguments Tauri could not deserialise, or the page
// running outside the app (no `window.__TAURI__`). Components then need one error renderer.

/** Calls the Tauri command `command` with `args`; rejects with `{code, message}`. */
export async function invoke(command, args) {
  const core = window.__TAURI__ && window.__TAURI__.core;
  if (!core || typeof core.invoke !== 'function') {
    throw { code: 'no_backend', message: 'window.__TAURI__ is not available' };
  }
  try {
    return await core.invoke(command, args);
  } catch (error) {
    throw normaliseError(error);
  }
}

function normaliseError(error) {
  if (error && typeof error === 'object' && typeof error.code === 'string') {
    return { code: error.code, message: String(error.message ?? '') };
  }
  // Tauri reports arguments it cannot deserialise as a plain string.
  return { code: 'invalid_request', message: String(error) };
}

/** Computes the deadline quote for a case (`casewatch_core::quote::SlaRequest`). */
export function slaQuote(request) {
  return invoke('sla_quote', { request });
}

/** Describes what a contract includes (`casewatch_core::quote::EntitlementsRequest`). */
export function entitlements(request) {
  return invoke('entitlements', { request });
}

// ---------------------------------------------------------------------------------------------
// The desktop commands of docs/app-commands.md. Argument keys are sent exactly as documented.
// ---------------------------------------------------------------------------------------------

export const sessionStatus = () => invoke('session_status');
export const login = (portal_url, email, password) => invoke('login', { portal_url, email, password });
export const demoAccounts = () => invoke('demo_accounts');
export const demoStart = (email) => invoke('demo_start', { email });
export const logout = () => invoke('logout');

export const casesList = (include_closed = false) => invoke('cases_list', { include_closed });
export const caseGet = (number) => invoke('case_get', { number });
export const caseReply = (number, body, attachment_ids = []) =>
  invoke('case_reply', { number, body, attachment_ids });
export const caseUpdate = (number, patch) => invoke('case_update', { number, patch });
export const caseCallback = (number, windows) => invoke('case_callback', { number, windows });
export const attachmentOpen = (id) => invoke('attachment_open', { id });

export const severityChoices = (environment, case_type) =>
  invoke('severity_choices', { environment, case_type });
export const caseDeadlinePreview = (severity, environment) =>
  invoke('case_deadline_preview', { severity, environment });
export const productsList = () => invoke('products_list');
export const attachmentUnstage = (staged_id) => invoke('attachment_unstage', { staged_id });
export const draftSave = (draft) => invoke('draft_save', { draft });
export const draftLoad = () => invoke('draft_load');
export const draftDiscard = () => invoke('draft_discard');
export const outboxSubmitCase = (submission) => invoke('outbox_submit_case', submission);
export const linkOpen = (url) => invoke('link_open', { url });
export const outboxSendNow = () => invoke('outbox_send_now');
export const outboxDiscard = (outbox_id) => invoke('outbox_discard', { outbox_id });

/** Sends a file's bytes as a raw IPC body (no base64); resolves to a `StagedAttachment`. */
export async function attachmentStage(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const core = window.__TAURI__ && window.__TAURI__.core;
  if (!core || typeof core.invoke !== 'function') {
    throw { code: 'no_backend', message: 'window.__TAURI__ is not available' };
  }
  try {
    return await core.invoke('attachment_stage', bytes, {
      headers: {
        'x-filename': encodeURIComponent(file.name),
        'x-content-type': file.type || 'application/octet-stream',
      },
    });
  } catch (error) {
    throw normaliseError(error);
  }
}

export const kbSearch = (query, locale, known_issues_only, limit = 20) =>
  invoke('kb_search', { query, locale, known_issues_only, limit });
export const kbArticle = (id) => invoke('kb_article', { id });
export const kbSyncStatus = () => invoke('kb_sync_status');
export const kbSyncNow = () => invoke('kb_sync_now');

export const contactsList = () => invoke('contacts_list');
export const contactAdd = (contact) => invoke('contact_add', { contact });
export const contactRemove = (id) => invoke('contact_remove', { id });

export const settingsGet = () => invoke('settings_get');
export const settingsSet = (settings) => invoke('settings_set', { settings });

/**
 * Calls `callback` whenever the Rust side's background refresh finds that cases or their
 * threads changed (a new engineer reply, a status change). Returns a function that stops
 * listening. Outside the app (no event API) it does nothing.
 */
export function onCasesChanged(callback) {
  const events = window.__TAURI__ && window.__TAURI__.event;
  if (!events || typeof events.listen !== 'function') return () => {};
  const pending = events.listen('casewatch://cases-changed', () => callback());
  return () => {
    pending.then((unlisten) => unlisten()).catch(() => {});
  };
}
