// @ts-check
// Step 6 (contracts with phone support only): callback windows, typed in the user's time and
// shown again in the contract's zone when that differs.

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { wallInputToInstant, windowLines } from '../../lib/zones.js';
import { contractZone } from '../../state.js';
import { localZone } from '../../time.js';
import { field } from './fields.js';

/** @typedef {import('./case-wizard.js').CaseWizard} CaseWizard */

/** The callback-windows step. */
export class CallbackStep {
  /** @param {CaseWizard} wiz */
  constructor(wiz) {
    this.wiz = wiz;
  }

  /** @returns {HTMLElement} */
  view() {
    const wiz = this.wiz;
    const list = h('ol', { class: 'windows' });
    const renderList = () => list.replaceChildren(...wiz.draft.callbacks.map((w, i) => this.windowItem(w, i, renderList)));
    renderList();
    return h(
      'div',
      { class: 'stack' },
      h('h2', { text: t('wizard.callback.q') }),
      h('p', { class: 'muted', text: t('wizard.callback.intro', { zone: localZone() }) }),
      list,
      h('button', {
        type: 'button',
        class: 'btn',
        dataset: { testid: 'wizard-callback-add' },
        text: t('wizard.callback.add'),
        onclick: () => {
          wiz.draft.callbacks.push({ start: '', end: '' });
          wiz.changed();
          renderList();
        },
      }),
      h('p', { class: 'hint', text: t('wizard.callback.how') }),
    );
  }

  /**
   * One window: start and end inputs, the window in both zones, a remove button.
   * @param {import('../../lib/wizard.js').WallWindow} w
   * @param {number} i
   * @param {() => void} renderList
   * @returns {HTMLElement}
   */
  windowItem(w, i, renderList) {
    const wiz = this.wiz;
    const zone = contractZone();
    const start = wallInputToInstant(w.start);
    const end = wallInputToInstant(w.end);
    const lines = start && end ? windowLines(start, end, zone, t) : null;
    /** @param {'start' | 'end'} key */
    const bind = (key) => (/** @type {Event} */ e) => {
      w[key] = /** @type {HTMLInputElement} */ (e.target).value;
      wiz.changed();
    };
    return h(
      'li',
      { class: 'window' },
      h(
        'div',
        { class: 'field-row' },
        field('wizard.callback.start', h('input', { type: 'datetime-local', value: w.start, dataset: { testid: 'wizard-callback-start' }, oninput: bind('start'), onchange: renderList })),
        field('wizard.callback.end', h('input', { type: 'datetime-local', value: w.end, dataset: { testid: 'wizard-callback-end' }, oninput: bind('end'), onchange: renderList })),
      ),
      lines
        ? h(
            'p',
            { class: 'window__zones' },
            h('span', {}, h('span', { class: 'deadline__tag', text: t('deadline.local') }), ` ${lines.local}`),
            zone && zone !== localZone() ? h('span', {}, h('span', { class: 'deadline__tag', text: t('deadline.contract') }), ` ${lines.contract}`) : null,
          )
        : null,
      h('button', {
        type: 'button',
        class: 'btn btn--ghost btn--small',
        text: t('common.remove'),
        onclick: () => {
          wiz.draft.callbacks.splice(i, 1);
          wiz.changed();
          renderList();
        },
      }),
    );
  }
}
