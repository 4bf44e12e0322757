// @ts-check
// <cw-home>: the organisation, what its contract includes, and its cases split into
// "waiting on us" / "waiting on you", each open case with its initial-response countdown.
//
// Start-up waits for no network round trip: the cached list (`cases_cached`) is drawn first,
// then the portal's (`cases_list`) replaces it when it answers.

import { casesCached, casesList, onCasesChanged, outboxDiscard, outboxSendNow } from '../api.js';
import { badge, errorBox, h, loading, severityPill, statusPill } from '../dom.js';
import { has, onLanguageChange, t } from '../i18n.js';
import { formRules } from '../form-rules.js';
import { isOpen, splitCases } from '../lib/cases.js';
import { contractZone, handleAuthError, onSessionChange, session, setOffline, takeBootCases } from '../state.js';
import { localZone } from '../time.js';
import { instantLine } from '../lib/zones.js';
import './deadline-bar.js';

const REFRESH_MS = 60_000;

/** @typedef {import('./deadline-bar.js').DeadlineBar} DeadlineBar */

/** The home screen. */
class HomeScreen extends HTMLElement {
  /** @type {any} the `cases_list` answer */
  answer = null;
  /** @type {any} */
  error = null;
  /** @type {(() => void)[]} */
  offs = [];
  /** @type {ReturnType<typeof setInterval> | undefined} */
  timer = undefined;
  sending = false;
  /** @type {string | null} what "Send now" reported */
  sendResult = null;
  /** @type {string | null} the queued case whose removal awaits confirmation */
  confirming = null;

  connectedCallback() {
    this.offs = [onLanguageChange(() => this.render()), onSessionChange(() => this.render())];
    this.render();
    this.loadCached().finally(() => this.load());
    this.timer = setInterval(() => this.load(), REFRESH_MS);
    this.offs.push(onCasesChanged(() => this.load()));
  }

  disconnectedCallback() {
    clearInterval(this.timer);
    for (const off of this.offs) off();
  }

  /** The cached list, drawn before the portal answers (nothing cached: the spinner stays). */
  async loadCached() {
    try {
      const cached = await (takeBootCases() ?? casesCached(true));
      // The portal's answer may have come first; never replace it with the older copy.
      if (this.answer) return;
      if (cached.cases.length || cached.queued.length) {
        this.answer = cached;
        if (this.isConnected) this.render();
        performance.mark('cw:cases-cached');
      }
    } catch (error) {
      // The portal's answer (or its error) follows anyway.
      if (handleAuthError(error)) return;
    }
  }

  async load() {
    try {
      this.answer = await casesList(true);
      this.error = null;
      setOffline(this.answer.offline);
    } catch (error) {
      if (handleAuthError(error)) return;
      this.error = error;
    }
    if (this.isConnected) this.render();
  }

  render() {
    const me = session().me;
    this.replaceChildren(h('div', { class: 'home' }, this.organisation(me), this.cases()));
  }

  /**
   * The organisation and what its contract includes.
   * @param {any} me the portal's `/me`
   */
  organisation(me) {
    const org = me?.organisation;
    const contract = me?.contract;
    const ent = me?.entitlements;
    const cal = me?.calendar;
    /**
     * @param {string} label
     * @param {import('../dom.js').Child} value
     * @param {string} [testid]
     */
    const fact = (label, value, testid) =>
      h('div', { class: 'fact' }, h('dt', { text: label }), h('dd', { dataset: testid ? { testid } : {} }, value));
    const level = ent?.support_level ?? contract?.support_level;
    const kind = ent?.support_kind ?? contract?.support_kind;
    const facts = h(
      'dl',
      { class: 'facts facts--grid' },
      fact(
        t('home.level'),
        [
          level ? (has(`level.${level}`) ? t(`level.${level}`) : level) : t('calc.none'),
          contract
            ? h('span', {
                class: 'fact__sub',
                text: `${t(`deployment.${contract.deployment}`)} · ${t(`subscription.${contract.subscription}`)}`,
              })
            : null,
        ],
        'home-support-level',
      ),
      fact(
        t('home.kind'),
        [
          kind ? t(`kind.${kind}`) : t('calc.none'),
          kind ? h('span', { class: 'fact__sub', text: t(`kind.${kind}.help`) }) : null,
        ],
        'home-support-kind',
      ),
      fact(
        t('home.callback'),
        [
          ent ? (ent.phone_callback ? t('common.yes') : t('common.no')) : t('calc.none'),
          ent ? h('span', { class: 'fact__sub', text: ent.phone_callback ? t('home.callback.yes') : t('home.callback.no') }) : null,
        ],
        'home-callback',
      ),
      fact(
        t('home.hours'),
        cal
          ? [
              h('span', { class: 'mono', text: cal.hours }),
              h('span', {
                class: 'fact__sub',
                text:
                  cal.time_zone +
                  (cal.time_zone !== localZone() ? ` · ${t('home.yourZone', { zone: localZone() })}` : '') +
                  (cal.holidays?.length ? ` · ${t('home.holidays', { n: cal.holidays.length })}` : ''),
              }),
            ]
          : t('calc.none'),
        'home-hours',
      ),
    );
    return h(
      'section',
      { class: 'card org' },
      h(
        'div',
        { class: 'org__head' },
        h(
          'div',
          {},
          h('h1', { dataset: { testid: 'home-organisation' } }, org?.name ?? t('home.noOrg'), session().demo || org?.demo ? [' ', badge(t('common.demo'), 'demo')] : null),
          me?.user ? h('p', { class: 'muted', text: t('home.signedInAs', { name: me.user.name, email: me.user.email }) }) : null,
        ),
        h('a', { class: 'btn btn--primary', href: '#/new-case', dataset: { testid: 'new-case' }, text: t('nav.newCase') }),
      ),
      facts,
    );
  }

  cases() {
    if (this.error && !this.answer) return h('section', { class: 'card' }, errorBox(this.error, { title: t('home.casesFailed') }));
    if (!this.answer) return h('section', { class: 'card' }, loading());
    const { waitingOnUs, waitingOnYou, done } = splitCases(this.answer.cases);
    /**
     * @param {any[]} cases
     * @param {string} testid
     * @param {string} title
     * @param {string} emptyKey
     * @param {string} hint
     */
    const list = (cases, testid, title, emptyKey, hint) =>
      h(
        'section',
        { class: 'card case-list', dataset: { testid } },
        h('h2', { class: 'case-list__title' }, title, ' ', h('span', { class: 'count', text: String(cases.length) })),
        h('p', { class: 'muted case-list__hint', text: hint }),
        cases.length
          ? h('ul', { class: 'case-rows' }, cases.map((c) => h('li', {}, this.row(c))))
          : h('p', { class: 'empty', text: t(emptyKey) }),
      );
    return h(
      'div',
      { class: 'cases' },
      this.answer.offline ? h('p', { class: 'notice', dataset: { testid: 'offline' }, text: t('common.offlineCached') }) : null,
      this.queued(),
      h(
        'div',
        { class: 'cases__grid' },
        list(waitingOnUs, 'case-list-waiting-on-us', t('home.waitingOnUs'), 'home.emptyUs', t('home.waitingOnUs.hint')),
        list(waitingOnYou, 'case-list-waiting-on-you', t('home.waitingOnYou'), 'home.emptyYou', t('home.waitingOnYou.hint')),
      ),
      done.length
        ? h(
            'details',
            { class: 'card case-list case-list--done' },
            h('summary', {}, t('home.done'), ' ', h('span', { class: 'count', text: String(done.length) })),
            h('ul', { class: 'case-rows' }, done.map((c) => h('li', {}, this.row(c)))),
          )
        : null,
    );
  }

  /** New cases still in the outbox: filed here, not yet (or never) accepted by the portal. */
  queued() {
    const items = this.answer.queued ?? [];
    if (!items.length) return null;
    const pending = items.some((/** @type {any} */ q) => q.state === 'pending');
    return h(
      'section',
      { class: 'card case-list case-list--queued', dataset: { testid: 'case-list-queued' } },
      h(
        'div',
        { class: 'case-list__head' },
        h('h2', { class: 'case-list__title' }, t('home.queued'), ' ', h('span', { class: 'count', text: String(items.length) })),
        pending
          ? h('button', {
              type: 'button',
              class: 'btn btn--small',
              disabled: !!this.sending,
              dataset: { testid: 'outbox-send-now' },
              text: this.sending ? t('home.queued.sending') : t('home.queued.sendNow'),
              onclick: () => this.sendNow(),
            })
          : null,
      ),
      h('p', { class: 'muted case-list__hint', text: t('home.queued.hint') }),
      this.sendResult ? h('p', { class: 'notice', dataset: { testid: 'outbox-send-result' }, text: this.sendResult }) : null,
      h('ul', { class: 'case-rows' }, items.map((/** @type {any} */ q) => h('li', {}, this.queuedRow(q)))),
    );
  }

  /** @param {any} q an outbox entry (`QueuedCase`) */
  queuedRow(q) {
    const c = q.case;
    const failed = q.state === 'failed';
    const confirming = this.confirming === q.outbox_id;
    return h(
      'div',
      { class: `case-row case-row--queued${failed ? ' case-row--failed' : ''}`, dataset: { testid: 'queued-case-row', outboxId: q.outbox_id, state: q.state } },
      h(
        'div',
        { class: 'case-row__top' },
        severityPill(c.severity),
        h('span', { class: 'case-row__subject', text: c.subject }),
        badge(failed ? t('home.queued.failed') : t('home.queued.pending'), failed ? 'danger' : 'warn'),
      ),
      h(
        'div',
        { class: 'case-row__meta' },
        h('span', { class: 'muted', text: `${t(`type.${c.type}`)} · ${c.product} ${c.version} · ${t(`environment.${c.environment}`)} · ${instantLine(q.queued_at, localZone(), t)}` }),
        q.attempts ? h('span', { class: 'muted', text: t('home.queued.attempts', { n: q.attempts }) }) : null,
      ),
      failed && q.last_error ? h('p', { class: 'case-row__error', dataset: { testid: 'queued-case-error' }, text: `${q.last_error.message} (${q.last_error.code})` }) : null,
      failed
        ? h(
            'div',
            { class: 'case-row__actions' },
            confirming ? h('span', { class: 'muted', text: t('home.queued.removeConfirm') }) : null,
            h('button', {
              type: 'button',
              class: confirming ? 'btn btn--small btn--danger' : 'btn btn--small btn--ghost',
              dataset: { testid: confirming ? 'queued-remove-confirm' : 'queued-remove' },
              text: t('home.queued.remove'),
              onclick: () => (confirming ? this.discard(q.outbox_id) : this.confirmRemove(q.outbox_id)),
            }),
            confirming ? h('button', { type: 'button', class: 'btn btn--small btn--ghost', text: t('common.cancel'), onclick: () => this.confirmRemove(null) }) : null,
          )
        : null,
    );
  }

  /** @param {string | null} id the entry to confirm, or null to cancel */
  confirmRemove(id) {
    this.confirming = id;
    this.render();
  }

  async sendNow() {
    this.sending = true;
    this.sendResult = null;
    this.render();
    try {
      const report = await outboxSendNow();
      setOffline(report.offline);
      if (report.offline) this.sendResult = t('home.queued.stillOffline');
    } catch (error) {
      if (handleAuthError(error)) return;
      this.sendResult = /** @type {any} */ (error)?.message ?? String(error);
    }
    this.sending = false;
    await this.load();
  }

  /** @param {string} id */
  async discard(id) {
    this.confirming = null;
    try {
      await outboxDiscard(id);
    } catch (error) {
      if (handleAuthError(error)) return;
      this.sendResult = /** @type {any} */ (error)?.message ?? String(error);
    }
    await this.load();
  }

  /** @param {any} c a case */
  row(c) {
    const open = isOpen(c, formRules());
    const bar = /** @type {DeadlineBar} */ (document.createElement('cw-deadline-bar'));
    bar.setAttribute('compact', '');
    bar.data = {
      deadline: c.deadline,
      due_at: c.due_at,
      as_of: this.answer.as_of,
      target: c.target,
      best_effort: c.best_effort,
      first_response_at: c.first_response_at,
      zone: contractZone(),
    };
    return h(
      'a',
      { class: 'case-row', href: `#/case/${c.number}`, dataset: { testid: 'case-row', caseNumber: String(c.number) } },
      h(
        'div',
        { class: 'case-row__top' },
        severityPill(c.severity),
        h('span', { class: 'case-row__number', text: `#${c.number}` }),
        h('span', { class: 'case-row__subject', text: c.subject }),
        open ? null : statusPill(c.status),
      ),
      h(
        'div',
        { class: 'case-row__meta' },
        h('span', { class: 'muted', text: `${t(`type.${c.type}`)} · ${c.product} ${c.version} · ${t(`environment.${c.environment}`)}` }),
        open ? statusPill(c.status) : null,
      ),
      open ? bar : null,
    );
  }
}

customElements.define('cw-home', HomeScreen);
