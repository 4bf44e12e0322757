// @ts-check
// <cw-language-switch>: the language menu in the header.
//
// Light DOM on purpose (as for every Casewatch component): the global stylesheet applies, and
// WebDriver finds the `data-testid` elements with ordinary CSS selectors.

import { LANGUAGES, language, onLanguageChange, setLanguage, t } from '../i18n.js';

/** The language menu element. */
class LanguageSwitch extends HTMLElement {
  /** @type {HTMLSelectElement | null} */
  select = null;
  /** @type {HTMLElement | null} */
  caption = null;
  /** @type {(() => void) | null} */
  unsubscribe = null;

  connectedCallback() {
    if (!this.select) this.build();
    this.render();
    this.unsubscribe = onLanguageChange(() => this.render());
  }

  build() {
    const label = document.createElement('label');
    label.className = 'language-switch';
    const caption = document.createElement('span');
    caption.className = 'language-switch__caption';
    this.caption = caption;
    const select = document.createElement('select');
    select.dataset.testid = 'settings-language';
    for (const { code, label: name } of LANGUAGES) {
      const option = document.createElement('option');
      option.value = code;
      option.textContent = name;
      option.lang = code;
      select.append(option);
    }
    select.value = language();
    select.addEventListener('change', () => setLanguage(select.value));
    label.append(caption, select);
    this.append(label);
    this.select = select;
  }

  disconnectedCallback() {
    if (this.unsubscribe) this.unsubscribe();
    this.unsubscribe = null;
  }

  render() {
    if (!this.caption || !this.select) return;
    this.caption.textContent = t('settings.language');
    this.select.value = language();
    this.select.setAttribute('aria-label', t('settings.language'));
  }
}

customElements.define('cw-language-switch', LanguageSwitch);
