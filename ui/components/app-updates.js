// @ts-check
// <cw-app-updates>: Settings' version line and "Check for updates" (issue 12 item 2). The
// answer comes from the signed-in portal's update feed (`update_check`); installing
// (`update_install`) downloads the package, checks its signature against the key built into the
// app, and hands it to the system's package manager, which asks for an administrator.

import { updateCheck, updateInstall } from '../api.js';
import { errorBox, h } from '../dom.js';
import { onLanguageChange, t } from '../i18n.js';

/** The update section of the settings screen. */
class AppUpdates extends HTMLElement {
  /** @type {string | null} the running version (Tauri's app API; known without network) */
  version = null;
  /** @type {'idle' | 'checking' | 'installing'} */
  busy = 'idle';
  /** @type {any} the last `update_check` answer (`UpdateCheck`) */
  result = null;
  /** @type {any} the version just installed (`UpdateInstalled`) */
  installed = null;
  /** @type {any} the last error `{code, message}` */
  error = null;
  /** @type {(() => void) | null} */
  off = null;

  connectedCallback() {
    this.off = onLanguageChange(() => this.render());
    this.render();
    const app = /** @type {any} */ (window).__TAURI__?.app;
    if (app && typeof app.getVersion === 'function') {
      app
        .getVersion()
        .then((/** @type {string} */ v) => {
          this.version = v;
        })
        .catch(() => {})
        .finally(() => this.isConnected && this.render());
    }
  }

  disconnectedCallback() {
    if (this.off) this.off();
  }

  async check() {
    this.busy = 'checking';
    this.error = null;
    this.installed = null;
    this.render();
    try {
      this.result = await updateCheck();
      this.version = this.result.current_version;
    } catch (error) {
      this.result = null;
      this.error = error;
    }
    this.busy = 'idle';
    if (this.isConnected) this.render();
  }

  async install() {
    this.busy = 'installing';
    this.error = null;
    this.render();
    try {
      this.installed = await updateInstall();
      this.result = null;
    } catch (error) {
      this.error = error;
    }
    this.busy = 'idle';
    if (this.isConnected) this.render();
  }

  /** @returns {HTMLElement | null} what the last check or install found */
  outcome() {
    if (this.busy === 'checking') return h('p', { class: 'muted', role: 'status', dataset: { testid: 'settings-update-result' }, text: t('settings.updates.checking') });
    if (this.busy === 'installing') return h('p', { class: 'muted', role: 'status', dataset: { testid: 'settings-update-result' }, text: t('settings.updates.installing') });
    if (this.error) return errorBox(this.error, { title: t('settings.updates.failed'), testid: 'settings-update-result' });
    if (this.installed) return h('p', { class: 'ok-text', role: 'status', dataset: { testid: 'settings-update-result' }, text: t('settings.updates.installed', { v: this.installed.version }) });
    if (!this.result) return null;
    const available = this.result.available;
    if (!available) return h('p', { class: 'ok-text', role: 'status', dataset: { testid: 'settings-update-result' }, text: t('settings.updates.upToDate') });
    return h(
      'div',
      { class: 'stack', role: 'status', dataset: { testid: 'settings-update-result' } },
      h('p', { text: t('settings.updates.available', { v: available.version }) }),
      available.notes ? h('p', { class: 'muted small', text: available.notes }) : null,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn--primary', dataset: { testid: 'settings-update-install' }, text: t('settings.updates.install'), onclick: () => this.install() })),
    );
  }

  render() {
    this.replaceChildren(
      h('p', { dataset: { testid: 'settings-version' }, text: this.version ? t('settings.updates.version', { v: this.version }) : t('settings.updates.versionUnknown') }),
      h('p', { class: 'muted', text: t('settings.updates.intro') }),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'btn', disabled: this.busy !== 'idle', dataset: { testid: 'settings-check-updates' }, text: t('settings.updates.check'), onclick: () => this.check() }),
      ),
      this.outcome() ?? '',
    );
  }
}

customElements.define('cw-app-updates', AppUpdates);
