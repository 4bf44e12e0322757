// @ts-check
// What the wizard shows when it is done without opening the case page: an article solved the
// problem (nothing was filed), or the case waits in the outbox until the portal is reachable.

import { badge, h } from '../../dom.js';
import { t } from '../../i18n.js';

/**
 * @typedef {{ kind: 'solved', title: string } | { kind: 'queued' } | { kind: 'sent', case: any }} Finished
 */

/**
 * The closing card for `finished`.
 * @param {Finished} finished
 * @returns {HTMLElement}
 */
export function finishedView(finished) {
  const home = h('a', { class: 'btn btn--primary', href: '#/home', text: t('nav.home') });
  if (finished.kind === 'solved') {
    return h(
      'section',
      { class: 'card finished', dataset: { testid: 'wizard-solved-done' } },
      h('h1', { text: t('wizard.solved.title') }),
      h('p', { text: t('wizard.solved.text', { title: finished.title }) }),
      h('div', { class: 'actions' }, home, h('a', { class: 'btn', href: '#/kb', text: t('nav.kb') })),
    );
  }
  return h(
    'section',
    { class: 'card finished', dataset: { testid: 'wizard-queued' } },
    h('h1', {}, badge(t('wizard.queued.badge'), 'warn'), ' ', t('wizard.queued.title')),
    h('p', { text: t('wizard.queued.text') }),
    h('div', { class: 'actions' }, home),
  );
}
