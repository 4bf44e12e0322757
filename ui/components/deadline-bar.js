// @ts-check
// <cw-deadline-bar>: the initial-response countdown of one case.
//
// Set `.data = { deadline, due_at, as_of, target, best_effort, first_response_at, zone }`
// (`deadline` is the core's DeadlineStatus at `as_of`). The bar shows the fraction of the
// target used (business time for business targets, from the core); its colour band comes from
// lib/deadline.js; the text counts down to `due_at` in real time and gives the due time in the
// user's zone and the contract's. A breached deadline is red, full, and says "Overdue".

import { t, onLanguageChange } from '../i18n.js';
import { h, targetText } from '../dom.js';
import { barValue, deadlineAt, deadlineTone } from '../lib/deadline.js';
import { countdownText, formatDuration } from '../lib/duration.js';
import { dueLines } from '../lib/zones.js';

const TICK_MS = 15_000;

/**
 * @typedef {{
 *   deadline: import('../lib/deadline.js').Deadline | null | undefined, due_at?: string | null,
 *   as_of?: string | null, target?: { amount: number, unit: string } | null,
 *   best_effort?: { amount: number, unit: string } | null, first_response_at?: string | null,
 *   zone?: string | null,
 * }} DeadlineBarData
 */

/** The countdown element; give it `.data`. */
export class DeadlineBar extends HTMLElement {
  /** @type {DeadlineBarData | undefined} */
  _data = undefined;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  timer = undefined;
  /** @type {(() => void) | null} */
  unsubscribe = null;

  /** @param {DeadlineBarData | undefined} value */
  set data(value) {
    this._data = value;
    this.render();
  }

  /** @returns {DeadlineBarData | undefined} */
  get data() {
    return this._data;
  }

  connectedCallback() {
    this.dataset.testid = 'deadline-bar';
    this.timer = setInterval(() => this.render(), TICK_MS);
    this.unsubscribe = onLanguageChange(() => this.render());
    this.render();
  }

  disconnectedCallback() {
    clearInterval(this.timer);
    if (this.unsubscribe) this.unsubscribe();
  }

  render() {
    const d = this._data;
    if (!d || !this.isConnected) return;
    const asOf = Date.parse(d.as_of ?? '') || Date.now();
    const deadline = deadlineAt(d.deadline, d.due_at, asOf, Date.now());
    const tone = d.due_at ? deadlineTone(deadline) : 'none';
    this.dataset.tone = tone;
    this.className = `deadline deadline--${tone}${this.hasAttribute('compact') ? ' deadline--compact' : ''}`;

    /** @type {HTMLElement[]} */
    const children = [];
    if (tone === 'none') {
      const text = d.best_effort
        ? t('deadline.bestEffort', { target: targetText(d.best_effort) })
        : t('deadline.noTarget');
      children.push(h('div', { class: 'deadline__label' }, h('span', { class: 'deadline__state', text })));
    } else if (deadline && d.due_at) {
      const value = barValue(deadline);
      const bar = h('progress', {
        class: 'bar deadline__bar',
        max: '1',
        value: String(value),
        'aria-label': t('deadline.aria', { percent: Math.round(value * 100) }),
      });
      let state;
      if (tone === 'responded') {
        state = t('deadline.responded');
      } else if (tone === 'breached') {
        state = t('deadline.breached', { d: formatDuration(-(deadline.remaining_seconds ?? 0), t) });
      } else {
        state = countdownText(deadline.remaining_seconds, t);
      }
      const label = h(
        'div',
        { class: 'deadline__label' },
        tone === 'breached' ? h('span', { class: 'deadline__icon', 'aria-hidden': 'true', text: '!' }) : null,
        h('span', { class: 'deadline__state', dataset: { testid: 'deadline-state' }, text: state }),
        d.target ? h('span', { class: 'deadline__target', text: targetText(d.target) }) : null,
      );
      children.push(label, bar);
      if (!this.hasAttribute('compact') || tone !== 'responded') {
        const lines = dueLines(d.due_at, d.zone, t);
        children.push(
          h(
            'div',
            { class: 'deadline__due' },
            lines.map((line) =>
              h(
                'span',
                { class: `deadline__when deadline__when--${line.kind}` },
                h('span', { class: 'deadline__tag', text: t(`deadline.${line.kind}`) }),
                ` ${line.time} `,
                h('span', { class: 'deadline__zone', text: line.zone }),
              ),
            ),
          ),
        );
      }
    }
    this.replaceChildren(...children);
  }
}

customElements.define('cw-deadline-bar', DeadlineBar);
