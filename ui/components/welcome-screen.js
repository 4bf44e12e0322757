// @ts-check
// <cw-welcome>: the first-run screen. Either sign in to the organisation's support portal, or
// explore the embedded demo portal (clearly labelled DEMO) as one of its demo accounts.

import { demoAccounts, demoStart, login, passwordResetRequest } from '../api.js';
import { errorBox, h } from '../dom.js';
import { language, onLanguageChange, t } from '../i18n.js';
import { demoOffer } from '../lib/demo-offer.js';
import { session, setSession } from '../state.js';

/**
 * A demo account's description in the UI language (English when missing).
 * @param {string | Record<string, string> | null | undefined} description
 * @returns {string}
 */
function describe(description) {
  if (!description || typeof description !== 'object') return description || '';
  return description[language()] || description.en || '';
}

/** @typedef {'portal' | 'email' | 'password'} FormKey */

/** The first-run screen: sign in, or try a demo account. */
class WelcomeScreen extends HTMLElement {
  /** @type {import('../lib/demo-offer.js').DemoOffer} what the demo card offers */
  offer = { kind: 'loading' };
  /** @type {string | null} the demo account chosen */
  selected = null;
  /** @type {'login' | 'demo' | 'reset' | null} */
  busy = null;
  /** @type {{ where: 'login' | 'demo' | 'reset', error: any } | null} */
  error = null;
  /** the address a set-password link was asked for (shown until the next attempt) */
  resetFor = '';
  form = { portal: '', email: '', password: '' };
  /** @type {(() => void) | null} */
  unsubscribe = null;

  connectedCallback() {
    this.form = {
      portal: session().portal_url ?? '',
      email: '',
      password: '',
    };
    this.unsubscribe = onLanguageChange(() => this.render());
    this.render();
    demoAccounts()
      .then((answer) => {
        this.offer = demoOffer({ answer });
        this.selected = answer.accounts?.[0]?.email ?? null;
      })
      .catch((error) => {
        this.offer = demoOffer({ error });
      })
      .finally(() => this.render());
  }

  disconnectedCallback() {
    if (this.unsubscribe) this.unsubscribe();
  }

  /** @param {Event} event */
  async signIn(event) {
    event.preventDefault();
    this.busy = 'login';
    this.error = null;
    this.render();
    try {
      const status = await login(this.form.portal.trim(), this.form.email.trim(), this.form.password);
      this.form.password = '';
      setSession(status);
      window.location.hash = '#/home';
    } catch (error) {
      this.error = { where: 'login', error };
    } finally {
      this.busy = null;
      if (this.isConnected) this.render();
    }
  }

  /** "Forgot password?": the portal mails a set-password link to the address typed in. */
  async forgotPassword() {
    this.busy = 'reset';
    this.error = null;
    this.resetFor = '';
    this.render();
    try {
      const email = this.form.email.trim();
      await passwordResetRequest(this.form.portal.trim(), email);
      this.resetFor = email;
    } catch (error) {
      this.error = { where: 'reset', error };
    } finally {
      this.busy = null;
      if (this.isConnected) this.render();
    }
  }

  async startDemo() {
    if (!this.selected) return;
    this.busy = 'demo';
    this.error = null;
    this.render();
    try {
      setSession(await demoStart(this.selected));
      window.location.hash = '#/home';
    } catch (error) {
      this.error = { where: 'demo', error };
    } finally {
      this.busy = null;
      if (this.isConnected) this.render();
    }
  }

  render() {
    const bind = (/** @type {FormKey} */ key) => (/** @type {Event} */ event) => {
      this.form[key] = /** @type {HTMLInputElement} */ (event.target).value;
    };
    const loginCard = h(
      'section',
      { class: 'card welcome__card' },
      h('h2', { text: t('welcome.login.title') }),
      h('p', { class: 'muted', text: t('welcome.login.intro') }),
      h(
        'form',
        { class: 'stack', novalidate: true, onsubmit: (/** @type {Event} */ e) => this.signIn(e) },
        h(
          'label',
          { class: 'field' },
          h('span', { class: 'field__label', text: t('welcome.login.portal') }),
          h('input', {
            type: 'url',
            name: 'portal',
            autocomplete: 'url',
            spellcheck: 'false',
            placeholder: 'https://support.example.com',
            value: this.form.portal,
            dataset: { testid: 'login-portal' },
            oninput: bind('portal'),
          }),
        ),
        h(
          'label',
          { class: 'field' },
          h('span', { class: 'field__label', text: t('welcome.login.email') }),
          h('input', {
            type: 'email',
            name: 'email',
            autocomplete: 'username',
            value: this.form.email,
            dataset: { testid: 'login-email' },
            oninput: bind('email'),
          }),
        ),
        h(
          'label',
          { class: 'field' },
          h('span', { class: 'field__label', text: t('welcome.login.password') }),
          h('input', {
            type: 'password',
            name: 'password',
            autocomplete: 'current-password',
            value: this.form.password,
            dataset: { testid: 'login-password' },
            oninput: bind('password'),
          }),
        ),
        this.error?.where === 'login' ? errorBox(this.error.error, { title: t('welcome.login.failed') }) : null,
        this.error?.where === 'reset' ? errorBox(this.error.error, { title: t('welcome.reset.failed') }) : null,
        this.resetFor ? h('p', { class: 'notice notice--info', role: 'status', dataset: { testid: 'login-reset-sent' }, text: t('welcome.reset.sent', { email: this.resetFor }) }) : null,
        h(
          'div',
          { class: 'actions' },
          h('button', {
            type: 'submit',
            class: 'btn btn--primary',
            disabled: this.busy !== null,
            dataset: { testid: 'login-submit' },
            text: this.busy === 'login' ? t('welcome.login.busy') : t('welcome.login.submit'),
          }),
          h('button', {
            type: 'button',
            class: 'btn btn--ghost',
            disabled: this.busy !== null,
            dataset: { testid: 'login-forgot' },
            text: t('welcome.reset.ask'),
            onclick: () => this.forgotPassword(),
          }),
        ),
      ),
    );

    const offer = this.offer;
    let accounts;
    if (offer.kind === 'unavailable') {
      accounts = h('p', { class: 'notice', dataset: { testid: 'demo-unavailable' }, text: t('welcome.demo.unavailable') });
    } else if (offer.kind !== 'accounts') {
      accounts = h('p', { class: 'muted', text: t('common.loading') });
    } else {
      accounts = h(
        'div',
        { class: 'demo-accounts', role: 'radiogroup', 'aria-label': t('welcome.demo.accounts') },
        offer.accounts.map((account) =>
          h(
            'label',
            { class: `choice${this.selected === account.email ? ' choice--selected' : ''}` },
            h('input', {
              type: 'radio',
              name: 'demo-account',
              value: account.email,
              checked: this.selected === account.email,
              dataset: { testid: 'demo-account' },
              onchange: () => {
                this.selected = account.email;
                this.render();
              },
            }),
            h(
              'span',
              { class: 'choice__body' },
              h(
                'span',
                { class: 'choice__title' },
                account.name,
                account.key_contact ? h('span', { class: 'badge badge--accent', text: t('contacts.key') }) : null,
              ),
              h('span', {
                class: 'choice__meta',
                text: `${account.organisation} · ${t(`deployment.${account.deployment}`)} · ${t(`subscription.${account.subscription}`)}`,
              }),
              describe(account.description) ? h('span', { class: 'choice__desc', text: describe(account.description) }) : null,
              h('span', { class: 'choice__meta mono', text: account.email }),
            ),
          ),
        ),
      );
    }

    // A build without the demo has no demo card at all (see lib/demo-offer.js).
    const demoCard = offer.kind === 'none' ? null : h(
      'section',
      { class: 'card welcome__card welcome__card--demo' },
      h(
        'h2',
        {},
        h('span', { class: 'badge badge--demo', text: t('common.demo') }),
        ' ',
        t('welcome.demo.title'),
      ),
      h('p', { class: 'muted', text: t('welcome.demo.intro') }),
      accounts,
      this.error?.where === 'demo' ? errorBox(this.error.error, { title: t('welcome.demo.failed') }) : null,
      h(
        'div',
        { class: 'actions' },
        h('button', {
          type: 'button',
          class: 'btn btn--demo',
          disabled: this.busy !== null || !this.selected,
          dataset: { testid: 'demo-start' },
          onclick: () => this.startDemo(),
          text: this.busy === 'demo' ? t('welcome.demo.busy') : t('welcome.demo.start'),
        }),
      ),
    );

    this.replaceChildren(
      h(
        'div',
        { class: 'welcome' },
        h(
          'header',
          { class: 'welcome__intro' },
          h('h1', { text: t('welcome.title') }),
          h('p', { class: 'muted', text: t('welcome.intro') }),
        ),
        h('div', { class: 'welcome__grid' }, loginCard, demoCard),
        h(
          'p',
          { class: 'welcome__calc muted' },
          t('welcome.calculator'),
          ' ',
          h('a', { href: '#/calculator', dataset: { testid: 'welcome-calculator' }, text: t('nav.calculator') }),
        ),
      ),
    );
  }
}

customElements.define('cw-welcome', WelcomeScreen);
