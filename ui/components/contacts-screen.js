// @ts-check
// <cw-contacts>: the key contact's list of the organisation's support contacts (SPEC §8):
// register a contact (the portal mails them an invitation to choose a password, or, when it
// sends no mail, an initial password is shown once), remove one (not the key contact).

import { contactAdd, contactRemove, contactsList } from '../api.js';
import { badge, errorBox, h, loading } from '../dom.js';
import { onLanguageChange, t } from '../i18n.js';
import { dateIn } from '../lib/zones.js';
import { handleAuthError } from '../state.js';
import { localZone } from '../time.js';

/** @typedef {'name' | 'email'} FormKey */
/** @typedef {(key: FormKey) => (e: Event) => void} Bind */

/** The key contact's contacts screen. */
class ContactsScreen extends HTMLElement {
  /** @type {any[] | null} */
  contacts = null;
  /** @type {any} */
  error = null;
  form = { name: '', email: '' };
  /** @type {any} the contact just added (with its one-time password) */
  added = null;
  /** @type {any} */
  addError = null;
  /** @type {number | null} the contact whose removal awaits confirmation */
  confirming = null;
  busy = false;
  /** @type {(() => void) | null} */
  off = null;

  connectedCallback() {
    this.off = onLanguageChange(() => this.render());
    this.render();
    this.load();
  }

  disconnectedCallback() {
    if (this.off) this.off();
  }

  async load() {
    try {
      this.contacts = (await contactsList()).contacts ?? [];
      this.error = null;
    } catch (error) {
      if (handleAuthError(error)) return;
      this.error = error;
    }
    if (this.isConnected) this.render();
  }

  /** @param {Event} event */
  async add(event) {
    event.preventDefault();
    this.busy = true;
    this.addError = null;
    this.render();
    try {
      this.added = await contactAdd({ name: this.form.name.trim(), email: this.form.email.trim(), password: null });
      this.form = { name: '', email: '' };
      await this.load();
    } catch (error) {
      this.addError = error;
    }
    this.busy = false;
    if (this.isConnected) this.render();
  }

  /** @param {{ id: number }} contact */
  async removeContact(contact) {
    this.busy = true;
    this.render();
    try {
      await contactRemove(contact.id);
      this.confirming = null;
      this.error = null;
      await this.load();
    } catch (error) {
      this.error = error;
    }
    this.busy = false;
    if (this.isConnected) this.render();
  }

  render() {
    let list;
    if (this.error && !this.contacts) list = errorBox(this.error, { title: t('contacts.failed') });
    else if (this.error) list = [errorBox(this.error, { title: t('contacts.removeFailed') }), this.table()];
    else if (!this.contacts) list = loading();
    else list = this.table();
    /** @type {Bind} */
    const bind = (key) => (e) => {
      this.form[key] = /** @type {HTMLInputElement} */ (e.target).value;
    };
    const addForm = this.addForm(bind);
    this.replaceChildren(
      h('div', { class: 'contacts stack' }, h('section', { class: 'card' }, h('h1', { text: t('contacts.title') }), h('p', { class: 'muted', text: t('contacts.intro') }), list), addForm),
    );
  }

  table() {
    return h(
      'table',
      { class: 'table', dataset: { testid: 'contacts-list' } },
      h('thead', {}, h('tr', {}, h('th', { text: t('contacts.name') }), h('th', { text: t('contacts.email') }), h('th', { text: t('contacts.since') }), h('th', {}))),
      h(
        'tbody',
        {},
        (this.contacts ?? []).map((c) =>
          h(
            'tr',
            { dataset: { testid: 'contact-row', email: c.email } },
            h('td', {}, c.name, c.key_contact ? [' ', badge(t('contacts.key'), 'accent')] : null),
            h('td', { class: 'mono', text: c.email }),
            h('td', { class: 'muted', text: dateIn(c.created_at, localZone()) }),
            h(
              'td',
              { class: 'table__actions' },
              c.key_contact
                ? h('span', { class: 'muted small', text: t('contacts.keyCannotRemove') })
                : this.confirming === c.id
                  ? [
                      h('span', { class: 'small', text: t('contacts.confirm', { name: c.name }) }),
                      ' ',
                      h('button', { type: 'button', class: 'btn btn--small btn--danger', disabled: this.busy, dataset: { testid: 'contact-remove-confirm' }, text: t('common.remove'), onclick: () => this.removeContact(c) }),
                      ' ',
                      h('button', { type: 'button', class: 'btn btn--small btn--ghost', text: t('common.cancel'), onclick: () => { this.confirming = null; this.render(); } }),
                    ]
                  : h('button', { type: 'button', class: 'btn btn--small btn--ghost', dataset: { testid: 'contact-remove' }, text: t('common.remove'), onclick: () => { this.confirming = c.id; this.render(); } }),
            ),
          ),
        ),
      ),
    );
  }

  /** @param {Bind} bind */
  addForm(bind) {
    return h(
      'form',
      { class: 'card stack', novalidate: true, onsubmit: (/** @type {Event} */ e) => this.add(e) },
      h('h2', { text: t('contacts.add') }),
      h('p', { class: 'muted', text: t('contacts.add.intro') }),
      h(
        'div',
        { class: 'field-row' },
        h('label', { class: 'field' }, h('span', { class: 'field__label', text: t('contacts.name') }), h('input', { type: 'text', value: this.form.name, dataset: { testid: 'contact-name' }, oninput: bind('name') })),
        h('label', { class: 'field' }, h('span', { class: 'field__label', text: t('contacts.email') }), h('input', { type: 'email', value: this.form.email, dataset: { testid: 'contact-email' }, oninput: bind('email') })),
      ),
      this.addError ? errorBox(this.addError, { title: t('contacts.addFailed') }) : null,
      this.added
        ? h(
            'div',
            { class: 'notice notice--info', dataset: { testid: 'contact-added' } },
            this.added.invitation_sent
              ? t('contacts.invited', { name: this.added.contact.name, email: this.added.contact.email })
              : t('contacts.added', { name: this.added.contact.name }),
            this.added.initial_password
              ? [' ', t('contacts.password'), ' ', h('code', { class: 'secret', text: this.added.initial_password })]
              : null,
          )
        : null,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn--primary', disabled: this.busy, dataset: { testid: 'contact-add' }, text: t('contacts.add.submit') })),
    );
  }
}

customElements.define('cw-contacts', ContactsScreen);
