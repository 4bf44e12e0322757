// @ts-check
// <cw-case-view number="42">: one case. Its facts, the initial-response countdown, the public
// thread (comment bodies rendered and sanitised in Rust), attachments, a reply box, and the
// actions a contact may take (the side panel, ./case-side.js): change the severity, mark solved
// or close, request a callback.

import { attachmentStage, attachmentUnstage, caseCallback, caseGet, caseReply, caseUpdate, onCasesChanged, severityChoices } from '../api.js';
import { badge, errorBox, errorText, h, loading, setTrustedHtml, severityPill, statusPill } from '../dom.js';
import { onLanguageChange, t } from '../i18n.js';
import { formRules } from '../form-rules.js';
import { isOpen } from '../lib/cases.js';
import { instantLine, wallInputToInstant } from '../lib/zones.js';
import { contractZone, handleAuthError, setOffline } from '../state.js';
import { localZone } from '../time.js';
import { attachmentItem, sidePanel } from './case-side.js';
import './deadline-bar.js';

const REFRESH_MS = 60_000;

/** @typedef {import('./deadline-bar.js').DeadlineBar} DeadlineBar */
/** @typedef {{ name: string, busy: boolean, staged?: { staged_id: string }, error?: any }} ReplyFile */

/** One case's page. */
class CaseView extends HTMLElement {
  /** @type {any} the `case_get` answer */
  answer = null;
  /** @type {any} */
  error = null;
  reply = '';
  /** @type {ReplyFile[]} */
  replyFiles = [];
  /** @type {{ busy?: boolean, done?: string, error?: any } | null} */
  replyState = null;
  /** @type {{ busy?: string, done?: string, error?: any, what?: string } | null} */
  action = null;
  /** @type {{ start: string, end: string }[]} callback windows being typed */
  windows = [{ start: '', end: '' }];
  /** @type {number[] | null} the severities the core allows for this case */
  allowedSeverities = null;
  /** @type {string | null} the environment the allowed severities were asked for */
  choicesKey = null;
  /** @type {(() => void) | null} */
  off = null;
  /** @type {(() => void) | null} */
  stopListening = null;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  timer = undefined;

  connectedCallback() {
    this.off = onLanguageChange(() => this.render());
    this.render();
    this.load();
    this.timer = setInterval(() => this.load(), REFRESH_MS);
    this.stopListening = onCasesChanged(() => this.load());
  }

  disconnectedCallback() {
    clearInterval(this.timer);
    if (this.off) this.off();
    if (this.stopListening) this.stopListening();
  }

  get number() {
    return Number(this.getAttribute('number'));
  }

  async load() {
    try {
      this.answer = await caseGet(this.number);
      this.error = null;
      setOffline(this.answer.offline);
      this.loadSeverityChoices(this.answer.case);
    } catch (error) {
      if (handleAuthError(error)) return;
      this.error = error;
    }
    if (this.isConnected) this.render();
  }

  /**
   * Which severities the core allows for this case (`severity_choices`), asked once per
   * environment; until the answer is in, the contract's list stands in.
   * @param {{ environment: string }} c
   */
  async loadSeverityChoices(c) {
    const key = c.environment;
    if (this.choicesKey === key) return;
    this.choicesKey = key;
    try {
      const answer = await severityChoices(c.environment);
      /** @type {{ severity: number, allowed: boolean }[]} */
      const choices = answer.choices ?? [];
      this.allowedSeverities = choices.filter((x) => x.allowed).map((x) => x.severity);
    } catch {
      this.allowedSeverities = null;
      return;
    }
    if (this.isConnected && this.answer) this.render();
  }

  async sendReply() {
    const body = this.reply.trim();
    if (!body) return;
    this.replyState = { busy: true };
    this.render();
    try {
      const ids = this.replyFiles.flatMap((f) => (f.staged ? [f.staged.staged_id] : []));
      const answer = await caseReply(this.number, body, ids);
      this.reply = '';
      this.replyFiles = [];
      this.replyState = { done: answer.state };
      await this.load();
    } catch (error) {
      this.replyState = { error };
    }
    if (this.isConnected) this.render();
  }

  /** @param {File[]} files */
  async addReplyFiles(files) {
    for (const file of files) {
      /** @type {ReplyFile} */
      const entry = { name: file.name, busy: true };
      this.replyFiles.push(entry);
      this.render();
      try {
        entry.staged = await attachmentStage(file);
      } catch (error) {
        entry.error = error;
      }
      entry.busy = false;
      if (this.isConnected) this.render();
    }
  }

  /**
   * @param {Partial<import('../types/contract').CasePatch>} change what changes; the fields left
   *   out stay as they are (they arrive as `None`: the patch stays as small as the change)
   * @param {string} what which action, for its busy/done/error state
   */
  async patch(change, what) {
    const patch = /** @type {import('../types/contract').CasePatch} */ (change);
    this.action = { busy: what };
    this.render();
    try {
      const updated = await caseUpdate(this.number, patch);
      this.answer = { ...this.answer, case: updated, as_of: new Date().toISOString() };
      this.action = { done: what };
      this.load();
    } catch (error) {
      this.action = { error, what };
    }
    if (this.isConnected) this.render();
  }

  async requestCallback() {
    /** @type {import('../types/contract').Window[]} */
    const windows = [];
    for (const w of this.windows) {
      const start = wallInputToInstant(w.start);
      const end = wallInputToInstant(w.end);
      if (!start || !end || Date.parse(end) <= Date.parse(start)) {
        this.action = { error: { code: 'invalid_window', message: '' }, what: 'callback' };
        this.render();
        return;
      }
      windows.push({ start, end });
    }
    this.action = { busy: 'callback' };
    this.render();
    try {
      await caseCallback(this.number, windows);
      this.windows = [{ start: '', end: '' }];
      this.action = { done: 'callback' };
      await this.load();
    } catch (error) {
      this.action = { error, what: 'callback' };
    }
    if (this.isConnected) this.render();
  }

  render() {
    if (this.error && !this.answer) {
      this.replaceChildren(h('section', { class: 'card' }, h('a', { href: '#/home', class: 'back', text: t('case.back') }), errorBox(this.error, { title: t('case.failed') })));
      return;
    }
    if (!this.answer) {
      this.replaceChildren(h('section', { class: 'card' }, loading()));
      return;
    }
    const c = this.answer.case;
    const open = isOpen(c, formRules());
    const bar = /** @type {DeadlineBar} */ (document.createElement('cw-deadline-bar'));
    bar.data = {
      deadline: c.deadline,
      due_at: c.due_at,
      as_of: this.answer.as_of,
      target: c.target,
      best_effort: c.best_effort,
      first_response_at: c.first_response_at,
      zone: contractZone(),
    };
    const zone = localZone();
    const head = h(
      'section',
      { class: 'card case-head' },
      h('a', { href: '#/home', class: 'back', text: t('case.back') }),
      h(
        'div',
        { class: 'case-head__title' },
        h('h1', {}, h('span', { class: 'case-head__number', text: `#${c.number}` }), ' ', c.subject),
        h('div', { class: 'case-head__pills' }, severityPill(c.severity), statusPill(c.status), this.answer.offline ? badge(t('common.offline'), 'warn', { dataset: { testid: 'offline' } }) : null),
      ),
      h(
        'p',
        { class: 'muted' },
        `${t(`type.${c.type}`)} · ${t(`environment.${c.environment}`)} · ${c.product} ${c.version} · `,
        t('case.openedBy', { name: c.opened_by?.name ?? '—', when: instantLine(c.created_at, zone, t) }),
        c.assignee ? ` · ${t('case.assignee', { name: c.assignee.name })}` : ` · ${t('case.unassigned')}`,
      ),
      open || c.first_response_at ? bar : null,
    );

    const thread = h(
      'section',
      { class: 'card thread' },
      h('h2', { text: t('case.thread') }),
      h(
        'ol',
        { class: 'comments' },
        h(
          'li',
          { class: 'comment comment--description' },
          h('div', { class: 'comment__head' }, h('strong', { text: c.opened_by?.name ?? '' }), h('span', { class: 'muted', text: instantLine(c.created_at, zone, t) })),
          h('h3', { class: 'comment__label', text: t('wizard.situation') }),
          h('p', { class: 'pre', text: c.situation }),
          c.impact ? h('h3', { class: 'comment__label', text: t('wizard.impact') }) : null,
          c.impact ? h('p', { class: 'pre', text: c.impact }) : null,
        ),
        this.answer.comments.map((/** @type {any} */ m) => {
          const body = h('div', { class: 'comment__body prose' });
          setTrustedHtml(body, m.body_html);
          const engineer = m.author?.role === 'engineer';
          return h(
            'li',
            { class: `comment${engineer ? ' comment--engineer' : ''}${m.pending ? ' comment--pending' : ''}`, dataset: { testid: 'case-comment', commentId: String(m.id) } },
            h(
              'div',
              { class: 'comment__head' },
              h('strong', { text: m.author?.name ?? '' }),
              engineer ? badge(t('case.engineer'), 'accent') : null,
              m.pending ? badge(t('case.pending'), 'warn') : null,
              h('span', { class: 'muted', text: instantLine(m.created_at, zone, t) }),
            ),
            body,
            m.attachments?.length ? h('ul', { class: 'attachment-list' }, m.attachments.map((/** @type {any} */ a) => attachmentItem(this, a))) : null,
          );
        }),
      ),
      c.status === 'closed'
        ? h('p', { class: 'muted', text: t('case.closedNoReply') })
        : h(
            'div',
            { class: 'reply' },
            h(
              'label',
              { class: 'field' },
              h('span', { class: 'field__label', text: t('case.reply') }),
              h('textarea', {
                rows: '4',
                value: this.reply,
                placeholder: t('case.reply.placeholder'),
                dataset: { testid: 'reply-input' },
                oninput: (/** @type {Event} */ e) => {
                  this.reply = /** @type {HTMLTextAreaElement} */ (e.target).value;
                },
              }),
            ),
            h(
              'div',
              { class: 'reply__files' },
              h(
                'label',
                { class: 'btn btn--small' },
                t('case.reply.attach'),
                h('input', {
                  type: 'file',
                  multiple: true,
                  class: 'visually-hidden',
                  dataset: { testid: 'reply-attachments' },
                  onchange: (/** @type {Event} */ e) => {
                    const input = /** @type {HTMLInputElement} */ (e.target);
                    const files = [...(input.files ?? [])];
                    input.value = '';
                    this.addReplyFiles(files);
                  },
                }),
              ),
              this.replyFiles.length
                ? h(
                    'ul',
                    { class: 'attachment-list' },
                    this.replyFiles.map((f) =>
                      h(
                        'li',
                        { class: 'attachment' },
                        h('span', { class: 'attachment__name', text: f.name }),
                        f.busy ? h('span', { class: 'muted', text: t('wizard.uploading') }) : null,
                        f.error ? h('span', { class: 'error-text', text: errorText(f.error) }) : null,
                        h('button', {
                          type: 'button',
                          class: 'btn btn--ghost btn--small',
                          text: t('common.remove'),
                          onclick: () => {
                            this.replyFiles = this.replyFiles.filter((x) => x !== f);
                            if (f.staged) attachmentUnstage(f.staged.staged_id).catch(() => {});
                            this.render();
                          },
                        }),
                      ),
                    ),
                  )
                : null,
            ),
            this.replyState?.error ? errorBox(this.replyState.error, { title: t('case.reply.failed') }) : null,
            this.replyState?.done === 'queued' ? h('p', { class: 'notice', text: t('case.reply.queued') }) : null,
            h(
              'div',
              { class: 'actions' },
              h('button', {
                type: 'button',
                class: 'btn btn--primary',
                disabled: Boolean(this.replyState?.busy),
                dataset: { testid: 'reply-submit' },
                onclick: () => this.sendReply(),
                text: this.replyState?.busy ? t('case.reply.sending') : t('case.reply.send'),
              }),
            ),
          ),
    );

    this.replaceChildren(h('div', { class: 'case' }, head, h('div', { class: 'split case__grid' }, thread, sidePanel(this, c))));
  }
}

customElements.define('cw-case-view', CaseView);
