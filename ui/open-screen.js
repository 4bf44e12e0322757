// @ts-check
// Screens opened from outside the window: a casewatch:// link (also one given to a second
// launch) or a click on a notification. The Rust side shows the window, keeps the target until
// it is taken (`open_pending`) and sends `casewatch://open`; here the target becomes a hash
// route, so the page itself never navigates away from the app.

import { onOpenScreen, openPending } from './api.js';

/** @typedef {import('./types/contract').OpenTarget} OpenTarget */

/** @type {string | null} the article the knowledge-base screen should open */
let kbArticle = null;

/** The event the knowledge-base screen listens to when an article is asked for while it shows. */
export const KB_OPEN_EVENT = 'cw-kb-open';

/**
 * The article asked for, once (the knowledge-base screen opens it).
 * @returns {string | null}
 */
export function takeKbArticle() {
  const id = kbArticle;
  kbArticle = null;
  return id;
}

/** @param {OpenTarget | null} target */
function show(target) {
  if (!target) return;
  if (target.screen === 'case') {
    window.location.hash = `#/case/${target.number}`;
  } else if (target.screen === 'kb') {
    kbArticle = target.id;
    if (window.location.hash === '#/kb') window.dispatchEvent(new CustomEvent(KB_OPEN_EVENT));
    else window.location.hash = '#/kb';
  }
}

function takePending() {
  openPending().then(show, (error) => console.warn('no screen to open', error));
}

/** Starts listening, and opens what was asked for before the page was ready. */
export function startOpenScreen() {
  onOpenScreen(takePending);
  takePending();
}
