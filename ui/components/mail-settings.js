// @ts-check
// <cw-mail-settings>: which case mail the signed-in account receives from the support centre —
// every case of the organisation, only the cases it opened or is copied on, or none (invitations
// and password resets always come). Kept on the portal (`PATCH /me`), so it holds on every
// computer; the language of that mail follows the app's language by itself.

import { mailPreferenceSet } from '../api.js';
import { errorBox, h } from '../dom.js';
import { onLanguageChange, t } from '../i18n.js';
import { onSessionChange, session, updatePreferences } from '../state.js';

/** @typedef {import('../types/contract').MailPreference} MailPreference */

/** @type {MailPreference[]} */
const CHOICES = ['all', 'mine', 'none'];

class MailSettings extends HTMLElement {
  /** @type {any} */
  error = null;
  saved = false;
  busy = false;
  /** @type {Array<() => void>} */
  offs = [];

  connectedCallback() {
    this.offs = [onLanguageChange(() => this.render()), onSessionChange(() => this.render())];
    this.render();
  }

  disconnectedCallback() {
    this.offs.forEach((off) => off());
  }

  /** @param {MailPreference} mail */
  async choose(mail) {
    this.busy = true;
    this.saved = false;
    this.error = null;
    this.render();
    try {
      const preferences = await mailPreferenceSet(mail);
      updatePreferences(preferences);
      this.saved = true;
    } catch (error) {
      this.error = error;
    }
    this.busy = false;
    if (this.isConnected) this.render();
  }

  render() {
    /** @type {MailPreference} */
    const chosen = session().me?.preferences?.mail ?? 'mine';
    this.replaceChildren(
      h('p', { class: 'muted', text: t('settings.mail.intro') }),
      h(
        'fieldset',
        { class: 'stack', disabled: this.busy, 'aria-label': t('settings.mail') },
        CHOICES.map((choice) =>
          h(
            'label',
            { class: 'inline-field' },
            h('input', {
              type: 'radio',
              name: 'mail-preference',
              value: choice,
              checked: chosen === choice,
              dataset: { testid: `settings-mail-${choice}` },
              onchange: () => this.choose(choice),
            }),
            h('span', { text: t(`settings.mail.${choice}`) }),
          ),
        ),
      ),
      ...(this.error ? [errorBox(this.error, { title: t('settings.saveFailed') })] : []),
      ...(this.saved
        ? [h('p', { class: 'ok-text small', dataset: { testid: 'settings-mail-saved' }, text: t('settings.saved') })]
        : []),
    );
  }
}

customElements.define('cw-mail-settings', MailSettings);
