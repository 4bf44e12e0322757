// @ts-check
// Step 4, the severity. The core decides which severities this case may have
// (`severity_choices`): refused ones stay visible but disabled, with the core's reason. The
// names and definitions are the core's too (form rules), shown in both languages. Below the
// choices, the expected due time of the chosen one (`case_deadline_preview`); the review step
// shows the same preview.

import { caseDeadlinePreview, severityChoices } from '../../api.js';
import { errorBox, errorText, h, loading, targetText } from '../../dom.js';
import { severityDefinition, severityLabel } from '../../form-rules.js';
import { language, t } from '../../i18n.js';
import { latest } from '../../lib/latest.js';
import { pickSeverity } from '../../lib/wizard.js';
import { dueLines } from '../../lib/zones.js';
import { contractZone } from '../../state.js';
import { choice } from './fields.js';

/** @typedef {import('./case-wizard.js').CaseWizard} CaseWizard */
/**
 * @typedef {{ severity: number, allowed: boolean, target?: any, best_effort?: any, refusal?: { code: string, message?: string } | null }} SeverityChoice
 */

/** The severity step; also owns the core's choices and the due-time preview. */
export class SeverityStep {
  /** @param {CaseWizard} wiz */
  constructor(wiz) {
    this.wiz = wiz;
    /** @type {SeverityChoice[] | null} */
    this.choices = null;
    /** @type {any} */
    this.choicesError = null;
    /** @type {any} the `case_deadline_preview` answer, or `{error}` */
    this.preview = null;
    /** @type {HTMLElement | null} */
    this.previewEl = null;
    this.nextChoices = latest();
    this.nextPreview = latest();
  }

  /** The severities the core allowed, or null while they are not known. */
  allowed() {
    return this.choices ? this.choices.filter((c) => c.allowed).map((c) => c.severity) : null;
  }

  /** Forget the choices (the environment changed). */
  reset() {
    this.choices = null;
  }

  /** Forget everything (starting over). */
  clear() {
    this.choices = null;
    this.preview = null;
  }

  enter() {
    this.loadChoices();
  }

  async loadChoices() {
    const draft = this.wiz.draft;
    const outcome = await this.nextChoices(() => severityChoices(draft.environment));
    if (!outcome.fresh || !this.wiz.isConnected) return;
    if (outcome.error) {
      this.choices = null;
      this.choicesError = outcome.error;
    } else {
      this.choices = outcome.value.choices ?? [];
      this.choicesError = null;
      const picked = pickSeverity(draft.severity, this.allowed());
      if (picked !== draft.severity) {
        draft.severity = picked;
        this.wiz.changed();
      }
    }
    this.wiz.render();
    this.loadPreview();
  }

  async loadPreview() {
    const draft = this.wiz.draft;
    const severity = draft.severity;
    if (!severity) {
      this.preview = null;
      return;
    }
    const outcome = await this.nextPreview(() => caseDeadlinePreview(severity, draft.environment));
    if (!outcome.fresh || !this.wiz.isConnected) return;
    this.preview = outcome.error ? { error: outcome.error } : outcome.value;
    this.renderPreview();
  }

  /** @returns {HTMLElement} */
  view() {
    const wiz = this.wiz;
    if (this.choicesError) return errorBox(this.choicesError, { title: t('wizard.severity.failed') });
    if (!this.choices) return loading();
    const other = language() === 'en' ? 'zh-CN' : 'en';
    return h(
      'div',
      { class: 'stack' },
      h('h2', { text: t('wizard.severity.q') }),
      h('p', { class: 'muted', text: t('wizard.severity.intro', { environment: t(`environment.${wiz.draft.environment}`) }) }),
      h(
        'div',
        { class: 'choices', role: 'radiogroup' },
        this.choices.map((c) =>
          choice({
            name: 'severity',
            value: String(c.severity),
            checked: wiz.draft.severity === c.severity,
            testid: `wizard-severity-${c.severity}`,
            title: severityLabel(c.severity),
            help: severityDefinition(c.severity),
            onpick: () => {
              wiz.draft.severity = c.severity;
              wiz.changed();
              wiz.render();
              this.loadPreview();
            },
            disabled: !c.allowed,
            extra: [
              h('span', { class: 'choice__desc choice__desc--other', lang: other, text: severityDefinition(c.severity, other) }),
              c.allowed ? this.targetLine(c) : this.refusalLine(c),
            ],
          }),
        ),
      ),
      this.previewBox('wizard-due-preview'),
    );
  }

  /**
   * @param {SeverityChoice} c
   * @returns {HTMLElement}
   */
  targetLine(c) {
    let text = t('deadline.noTarget');
    if (c.target) text = t('wizard.severity.target', { target: targetText(c.target) });
    else if (c.best_effort) text = t('deadline.bestEffort', { target: targetText(c.best_effort) });
    return h('span', { class: 'choice__target', text });
  }

  /**
   * @param {SeverityChoice} c
   * @returns {HTMLElement}
   */
  refusalLine(c) {
    return h(
      'span',
      { class: 'choice__reason', dataset: { testid: `wizard-severity-${c.severity}-reason` } },
      t('wizard.severity.refused', { reason: errorText(c.refusal) }),
      c.refusal?.message ? h('span', { class: 'choice__detail', text: c.refusal.message }) : null,
    );
  }

  /**
   * The element the due-time preview is drawn into (filled after mounting).
   * @param {string} [testid]
   * @returns {HTMLElement}
   */
  previewBox(testid) {
    const el = h('div', { class: 'preview', dataset: testid ? { testid } : undefined, 'aria-live': 'polite' });
    this.previewEl = el;
    return el;
  }

  mounted() {
    this.renderPreview();
  }

  renderPreview() {
    const el = this.previewEl;
    if (!el || !el.isConnected) return;
    const p = this.preview;
    /** @type {(Node | null)[]} */
    let children;
    if (!p) children = [];
    else if (p.error) children = [errorBox(p.error, { title: t('wizard.preview.failed') })];
    else if (p.due_at) {
      const lines = dueLines(p.due_at, p.time_zone ?? contractZone(), t);
      children = [
        h('strong', { text: t('wizard.preview.title', { severity: severityLabel(p.severity) }) }),
        h('span', { class: 'muted', text: ` ${targetText(p.target)}` }),
        h(
          'ul',
          { class: 'preview__lines' },
          lines.map((l) =>
            h('li', {}, h('span', { class: 'deadline__tag', text: t(`deadline.${l.kind}`) }), ` ${l.time} `, h('span', { class: 'muted', text: l.zone })),
          ),
        ),
        p.target && p.target.unit.startsWith('business') ? h('p', { class: 'hint', text: t('wizard.preview.note') }) : null,
      ];
    } else if (p.best_effort) children = [h('span', { text: t('deadline.bestEffort', { target: targetText(p.best_effort) }) })];
    else children = [h('span', { text: t('deadline.noTarget') })];
    el.replaceChildren(.../** @type {Node[]} */ (children.filter(Boolean)));
  }
}
