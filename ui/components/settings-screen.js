// @ts-check
// <cw-settings>: language, deadline alert lead times, the portal and signing out.

import { logout, logsOpen, settingsGet, settingsSet } from '../api.js';
import { errorBox, h, loading } from '../dom.js';
import { language, onLanguageChange, t } from '../i18n.js';
import { formatDuration } from '../lib/duration.js';
import { refreshSession, session, setSession } from '../state.js';
import './language-switch.js';
import './alert-controls.js';
import './app-updates.js'; // D1: version and "Check for updates"
import './mail-settings.js';

/** The lead times offered for deadline alerts, in minutes. */
export const LEAD_TIMES = [480, 240, 120, 60, 30, 15, 0];

/** The settings screen. */
class SettingsScreen extends HTMLElement {
  /** @type {any} the `settings_get` answer (`Settings`) */
  settings = null;
  /** @type {any} */
  error = null;
  /** @type {any} */
  saveError = null;
  saved = false;
  changingPortal = false;
  switcher = document.createElement('cw-language-switch');
  /** @type {(() => void) | null} */
  off = null;

  /** @type {any} why the log folder did not open */
  logsError = null;

  connectedCallback() {
    // The language itself is stored by main.js (`set_language`) on every switch.
    this.off = onLanguageChange(() => this.render());
    this.render();
    settingsGet()
      .then((s) => {
        this.settings = s;
      })
      .catch((error) => {
        this.error = error;
      })
      .finally(() => this.isConnected && this.render());
  }

  disconnectedCallback() {
    if (this.off) this.off();
  }

  /** @param {Record<string, unknown>} change the settings to change */
  async save(change) {
    /** @type {any} */
    // The language is main.js's to store; never write back an older one from this form.
    const next = { ...this.settings, ...change, language: language() };
    this.settings = next;
    this.saved = false;
    try {
      this.settings = await settingsSet(next);
      this.saveError = null;
      this.saved = true;
    } catch (error) {
      this.saveError = error;
    }
    if (this.isConnected) this.render();
  }

  async signOut() {
    try {
      await logout();
    } catch {
      // Signing out locally still forgets the session in the UI.
    }
    // Ask the Rust side again: signed out, but it remembers the portal URL for the next sign-in.
    const { ok } = await refreshSession();
    if (!ok || session().signed_in) setSession({ ...session(), signed_in: false, me: null });
    window.location.hash = '#/welcome';
  }

  // --- D3: language and log files (issue 12 items 6 and 7) ---
  async openLogs() {
    try {
      await logsOpen();
      this.logsError = null;
    } catch (error) {
      this.logsError = error;
    }
    if (this.isConnected) this.render();
  }

  languageSection() {
    return h(
      'section',
      { class: 'card stack' },
      h('h2', { text: t('settings.language') }),
      h('p', { class: 'muted', text: t('settings.language.intro') }),
      this.switcher,
    );
  }

  logsSection() {
    return h(
      'section',
      { class: 'card stack' },
      h('h2', { text: t('settings.logs') }),
      h('p', { class: 'muted', text: t('settings.logs.intro') }),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', dataset: { testid: 'settings-open-logs' }, text: t('settings.logs.open'), onclick: () => this.openLogs() })),
      this.logsError ? errorBox(this.logsError, { title: t('settings.logs.failed') }) : null,
    );
  }
  // --- end D3 ---

  render() {
    const s = this.settings;
    const langSection = this.languageSection();
    let alerts;
    if (this.error) alerts = errorBox(this.error, { title: t('settings.failed') });
    else if (!s) alerts = loading();
    else {
      const lead = new Set(s.alert_lead_minutes ?? []);
      alerts = [
        h(
          'label',
          { class: 'inline-field' },
          h('input', { type: 'checkbox', checked: s.notifications, dataset: { testid: 'settings-notifications' }, onchange: (/** @type {Event} */ e) => this.save({ notifications: /** @type {HTMLInputElement} */ (e.target).checked }) }),
          h('span', { text: t('settings.notifications') }),
        ),
        h(
          'fieldset',
          { class: 'lead-times', disabled: !s.notifications },
          h('legend', { text: t('settings.lead') }),
          LEAD_TIMES.map((m) =>
            h(
              'label',
              { class: 'inline-field' },
              h('input', {
                type: 'checkbox',
                checked: lead.has(m),
                dataset: { testid: `settings-lead-${m}` },
                onchange: (/** @type {Event} */ e) => {
                  /** @type {Set<number>} */
                  const next = new Set(this.settings.alert_lead_minutes ?? []);
                  if (/** @type {HTMLInputElement} */ (e.target).checked) next.add(m);
                  else next.delete(m);
                  this.save({ alert_lead_minutes: [...next].sort((a, b) => b - a) });
                },
              }),
              h('span', { text: m === 0 ? t('settings.lead.at') : t('settings.lead.before', { d: formatDuration(m * 60, t) }) }),
            ),
          ),
        ),
        this.saveError ? errorBox(this.saveError, { title: t('settings.saveFailed') }) : null,
        this.saved ? h('p', { class: 'ok-text small', text: t('settings.saved') }) : null,
      ];
    }
    const portal = session().demo ? t('settings.portal.demo') : session().portal_url ?? s?.portal_url ?? '—';
    const account = h(
      'section',
      { class: 'card stack' },
      h('h2', { text: t('settings.account') }),
      h(
        'dl',
        { class: 'facts' },
        h('div', { class: 'fact' }, h('dt', { text: t('settings.portal') }), h('dd', { class: session().demo ? '' : 'mono', dataset: { testid: 'settings-portal' }, text: portal })),
        session().me?.user
          ? h('div', { class: 'fact' }, h('dt', { text: t('settings.signedInAs') }), h('dd', { text: `${session().me.user.name} <${session().me.user.email}>` }))
          : null,
      ),
      this.changingPortal
        ? h(
            'p',
            { class: 'notice' },
            t('settings.portal.change.confirm'),
            ' ',
            h('button', { type: 'button', class: 'btn btn--small btn--danger', dataset: { testid: 'settings-portal-confirm' }, text: t('settings.signOut'), onclick: () => this.signOut() }),
            ' ',
            h('button', { type: 'button', class: 'btn btn--small btn--ghost', text: t('common.cancel'), onclick: () => { this.changingPortal = false; this.render(); } }),
          )
        : null,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'btn', dataset: { testid: 'settings-portal-change' }, text: t('settings.portal.change'), onclick: () => { this.changingPortal = true; this.render(); } }),
        h('button', { type: 'button', class: 'btn btn--danger', dataset: { testid: 'sign-out' }, text: t('settings.signOut'), onclick: () => this.signOut() }),
      ),
    );
    this.replaceChildren(
      h(
        'div',
        { class: 'settings stack' },
        h('h1', { text: t('settings.title') }),
        langSection,
        h('section', { class: 'card stack' }, h('h2', { text: t('settings.alerts') }), h('p', { class: 'muted', text: t('settings.alerts.intro') }), alerts),
        // D2: start at login, do not disturb, muted cases (./alert-controls.js).
        h('section', { class: 'card stack' }, h('h2', { text: t('settings.keepRunning') }), h('cw-alert-controls')),
        account,
        h('section', { class: 'card stack' }, h('h2', { text: t('settings.mail') }), h('cw-mail-settings')),
        this.logsSection(),
        // --- D1: version and updates (./app-updates.js) ---
        h('section', { class: 'card stack' }, h('h2', { text: t('settings.updates') }), h('cw-app-updates')),
        // --- end D1 ---
      ),
    );
  }
}

customElements.define('cw-settings', SettingsScreen);
