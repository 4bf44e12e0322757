// @ts-check
// <cw-case-mute number="N">: the case screen's "Mute alerts for this case" switch. Severity-1
// deadline alerts still come (the Rust side's rule); the switch says so.

import { caseMute, quietGet } from '../api.js';
import { errorBox, h } from '../dom.js';
import { onLanguageChange, t } from '../i18n.js';

class CaseMute extends HTMLElement {
  muted = false;
  /** @type {any} */
  error = null;
  /** @type {(() => void) | null} */
  off = null;

  get number() {
    return Number(this.getAttribute('number'));
  }

  connectedCallback() {
    this.off = onLanguageChange(() => this.render());
    this.render();
    quietGet()
      .then((quiet) => {
        this.muted = quiet.muted_cases.includes(this.number);
      })
      .catch((error) => {
        this.error = error;
      })
      .finally(() => this.isConnected && this.render());
  }

  disconnectedCallback() {
    if (this.off) this.off();
  }

  /** @param {boolean} muted */
  async set(muted) {
    try {
      const quiet = await caseMute(this.number, muted);
      this.muted = quiet.muted_cases.includes(this.number);
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    if (this.isConnected) this.render();
  }

  render() {
    this.replaceChildren(
      h(
        'div',
        { class: 'stack' },
      h(
        'label',
        { class: 'inline-field' },
        h('input', {
          type: 'checkbox',
          checked: this.muted,
          dataset: { testid: 'case-mute' },
          onchange: (/** @type {Event} */ e) => this.set(/** @type {HTMLInputElement} */ (e.target).checked),
        }),
        h('span', { text: t('case.mute') }),
      ),
      h('p', { class: 'muted', text: t('case.mute.note') }),
      this.error ? errorBox(this.error, { title: t('settings.saveFailed') }) : null,
      ),
    );
  }
}

customElements.define('cw-case-mute', CaseMute);
