// @ts-check
// The signed-in session, shared by the screens: the last `SessionStatus` from the Rust side.
// Screens read it synchronously and re-render on `cw-session-change`.

import { sessionStatus } from './api.js';

const EVENT = 'cw-session-change';
/**
 * @typedef {{ signed_in: boolean, demo: boolean, portal_url: string | null, offline: boolean, me: any }} Session
 * (`SessionStatus` of docs/app-commands.md; `me` is the portal's `/me` answer)
 */
/** @type {Session} */
let current = { signed_in: false, demo: false, portal_url: null, offline: false, me: null };

/**
 * The current `SessionStatus`.
 * @returns {Session}
 */
export function session() {
  return current;
}

/**
 * Replaces the session (after sign-in, sign-out or a refresh) and tells the screens.
 * @param {Partial<Session> | null | undefined} status
 */
export function setSession(status) {
  current = { signed_in: false, demo: false, portal_url: null, offline: false, me: null, ...(status ?? {}) };
  window.dispatchEvent(new CustomEvent(EVENT, { detail: current }));
}

/**
 * Records the account's new preferences (as `PATCH /me` answered) without telling the screens:
 * a session change re-routes and rebuilds the shown screen, which would throw away the
 * "saved" line of the Settings section that just changed them. No other screen shows them.
 * @param {import('./types/contract').Preferences} preferences
 */
export function updatePreferences(preferences) {
  if (current.me) current = { ...current, me: { ...current.me, preferences } };
}

/** @type {Promise<import('./types/contract').CaseList> | null} */
let bootCases = null;

/**
 * Keeps the cached case list asked for at start-up, beside the session, for the home screen.
 * Its refusal (signed out) is handled here, so an unused one reports nothing.
 * @param {Promise<import('./types/contract').CaseList>} read
 */
export function setBootCases(read) {
  read.catch(() => {});
  bootCases = read;
}

/**
 * The start-up read of the cached case list, once; null after that (or after a session change).
 * @returns {Promise<import('./types/contract').CaseList> | null}
 */
export function takeBootCases() {
  const read = bootCases;
  bootCases = null;
  return read;
}

/**
 * Asks the Rust side for the session; on failure the app is signed out (and says why).
 * @returns {Promise<{ ok: true } | { ok: false, error: any }>}
 */
export async function refreshSession() {
  try {
    setSession(await sessionStatus());
    return { ok: true };
  } catch (error) {
    setSession(null);
    return { ok: false, error };
  }
}

/**
 * Calls `listener` on every session change; returns an unsubscribe function.
 * @param {(event: Event) => void} listener
 * @returns {() => void}
 */
export function onSessionChange(listener) {
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}

const CONNECTIVITY = 'cw-connectivity-change';

/**
 * Records whether the last answer came from the cache because the portal is unreachable
 * (`offline` in the answers of cases_list, case_get, kb_search, kb_sync_status). Only the
 * header's indicator listens: the screens are not rebuilt.
 * @param {unknown} offline
 */
export function setOffline(offline) {
  const value = Boolean(offline);
  if (current.offline === value) return;
  current = { ...current, offline: value };
  window.dispatchEvent(new CustomEvent(CONNECTIVITY, { detail: value }));
}

/**
 * Calls `listener` when the connectivity changes; returns an unsubscribe function.
 * @param {(event: Event) => void} listener
 * @returns {() => void}
 */
export function onConnectivityChange(listener) {
  window.addEventListener(CONNECTIVITY, listener);
  return () => window.removeEventListener(CONNECTIVITY, listener);
}

/**
 * The contract's time zone (IANA), or null.
 * @returns {string | null}
 */
export function contractZone() {
  return current.me?.calendar?.time_zone ?? null;
}

/**
 * The contract's entitlements, or null.
 * @returns {any}
 */
export function entitlements() {
  return current.me?.entitlements ?? null;
}

/**
 * True when the signed-in user is the organisation's key contact.
 * @returns {boolean}
 */
export function isKeyContact() {
  return Boolean(current.me?.user?.key_contact);
}

/**
 * Marks the session as signed out when a command says the session is gone.
 * @param {any} error
 * @returns {boolean} true when it did
 */
export function handleAuthError(error) {
  if (error && (error.code === 'unauthorized' || error.code === 'not_signed_in')) {
    setSession(null);
    window.location.hash = '#/welcome';
    return true;
  }
  return false;
}
