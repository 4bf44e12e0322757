// @ts-check
// <cw-alert-controls>: the settings screen's "keep alerts running" part — start at login (the
// app then runs hidden in the tray after a restart), "Do not disturb until …" and the muted
// cases. All three are kept by the Rust side; severity-1 deadline alerts come regardless.

import { autostartGet, autostartSet, caseMute, quietGet, quietSet } from '../api.js';
import { errorBox, h } from '../dom.js';
import { onLanguageChange, t } from '../i18n.js';
import { DND_CHOICES, dndUntil } from '../lib/quiet.js';

/** @typedef {import('../types/contract').Quiet} Quiet */
/** @typedef {import('../types/contract').AutostartStatus} AutostartStatus */

class AlertControls extends HTMLElement {
  /** @type {Quiet | null} */
  quiet = null;
  /** @type {AutostartStatus | null} */
  autostart = null;
  /** @type {any} */
  error = null;
  /** @type {(() => void) | null} */
  off = null;

  connectedCallback() {
    this.off = onLanguageChange(() => this.render());
    this.render();
    Promise.all([quietGet(), autostartGet()])
      .then(([quiet, autostart]) => {
        this.quiet = quiet;
        this.autostart = autostart;
      })
      .catch((error) => {
        this.error = error;
      })
      .finally(() => this.isConnected && this.render());
  }

  disconnectedCallback() {
    if (this.off) this.off();
  }

  /** @param {() => Promise<void>} action */
  async run(action) {
    try {
      await action();
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    if (this.isConnected) this.render();
  }

  render() {
    const quiet = this.quiet;
    const until = quiet?.until ? new Date(quiet.until) : null;
    const muted = quiet?.muted_cases ?? [];
    this.replaceChildren(
      h(
        'div',
        { class: 'stack' },
      h(
        'label',
        { class: 'inline-field' },
        h('input', {
          type: 'checkbox',
          checked: Boolean(this.autostart?.enabled),
          disabled: !this.autostart,
          dataset: { testid: 'settings-autostart' },
          onchange: (/** @type {Event} */ e) => {
            const on = /** @type {HTMLInputElement} */ (e.target).checked;
            this.run(async () => {
              this.autostart = await autostartSet(on);
            });
          },
        }),
        h('span', { text: t('settings.autostart') }),
      ),
      h('p', { class: 'hint', text: t('settings.autostart.note') }),
      h(
        'label',
        { class: 'field' },
        h('span', { text: t('settings.dnd') }),
        h(
          'select',
          {
            dataset: { testid: 'settings-dnd' },
            disabled: !quiet,
            onchange: (/** @type {Event} */ e) => {
              const choice = /** @type {HTMLSelectElement} */ (e.target).value;
              this.run(async () => {
                const next = { until: choice === 'off' ? null : dndUntil(choice, new Date()), muted_cases: muted };
                this.quiet = await quietSet(next);
              });
            },
          },
          h('option', { value: 'off', selected: !until, text: until ? t('settings.dnd.until', { time: until.toLocaleString() }) : t('settings.dnd.off') }),
          until ? h('option', { value: 'off', text: t('settings.dnd.off') }) : null,
          DND_CHOICES.map((c) => h('option', { value: c, text: t(`settings.dnd.${c === 'tomorrow' ? 'tomorrow' : `${c}h`}`) })),
        ),
      ),
      h('p', { class: 'hint', text: t('settings.dnd.note') }),
      h('h3', { text: t('settings.muted') }),
      muted.length
        ? h(
            'ul',
            { class: 'stack', dataset: { testid: 'settings-muted' } },
            muted.map((/** @type {number} */ n) =>
              h(
                'li',
                {},
                h('a', { href: `#/case/${n}`, text: t('settings.muted.case', { n }) }),
                ' ',
                h('button', {
                  type: 'button',
                  class: 'btn btn--small btn--ghost',
                  dataset: { testid: `settings-unmute-${n}` },
                  text: t('settings.muted.unmute'),
                  onclick: () =>
                    this.run(async () => {
                      this.quiet = await caseMute(n, false);
                    }),
                }),
              ),
            ),
          )
        : h('p', { class: 'muted', text: t('common.none') }),
      this.error ? errorBox(this.error, { title: t('settings.saveFailed') }) : null,
      ),
    );
  }
}

customElements.define('cw-alert-controls', AlertControls);
