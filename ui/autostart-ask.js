// @ts-check
// After the first sign-in, the app asks once whether to keep deadline alerts running after a
// restart (start at login, hidden in the tray). "Yes" is the first and suggested answer. The
// question is a banner above the screen, not a modal dialog: it never blocks the work the user
// signed in for. Either answer is final (`autostart_set` marks it asked); Settings can change it.

import { autostartGet, autostartSet } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

let asking = false;
/** @type {HTMLElement | null} the question on screen */
let shown = null;

/**
 * Takes the question off the screen unanswered (after a sign-out: the welcome screen is no
 * place for it); it comes again after the next sign-in.
 */
export function withdrawAutostartAsk() {
  if (!shown) return;
  shown.remove();
  shown = null;
  asking = false;
}

/**
 * Shows the question above `anchor` unless it was answered already.
 * @param {HTMLElement} anchor the screen area the banner goes above
 */
export async function askAutostartOnce(anchor) {
  if (asking) return;
  asking = true;
  let status;
  try {
    status = await autostartGet();
  } catch (error) {
    console.warn('start at login unknown', error);
    asking = false;
    return;
  }
  if (status.asked) {
    asking = false;
    return;
  }
  /** @param {boolean} on */
  const answer = (on) => {
    autostartSet(on)
      .catch((error) => console.warn('start at login not changed', error))
      .finally(() => {
        banner.remove();
        if (shown === banner) shown = null;
        asking = false;
      });
  };
  const banner = h(
    'section',
    { class: 'card notice stack', role: 'region', 'aria-label': t('autostart.ask.title'), dataset: { testid: 'autostart-ask' } },
    h('h2', { text: t('autostart.ask.title') }),
    h('p', { text: t('autostart.ask.text') }),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'btn btn--primary', dataset: { testid: 'autostart-ask-yes' }, text: t('autostart.ask.yes'), onclick: () => answer(true) }),
      h('button', { type: 'button', class: 'btn btn--ghost', dataset: { testid: 'autostart-ask-no' }, text: t('autostart.ask.no'), onclick: () => answer(false) }),
    ),
  );
  anchor.before(banner);
  shown = banner;
}
