// @ts-check
// The last step: everything the user entered, the expected due time, and the submit error if
// filing failed. Submitting itself is the controller's (it may send the user back to a step).

import { errorBox, h } from '../../dom.js';
import { severityLabel } from '../../form-rules.js';
import { t } from '../../i18n.js';
import { wallInputToInstant, windowLines } from '../../lib/zones.js';
import { contractZone } from '../../state.js';
import { localZone } from '../../time.js';
import { advisoryNote } from './fields.js';

/** @typedef {import('./case-wizard.js').CaseWizard} CaseWizard */

/** The review step. */
export class ReviewStep {
  /** @param {CaseWizard} wiz */
  constructor(wiz) {
    this.wiz = wiz;
  }

  /** The preview needs the core's severity choices (and may change the severity). */
  enter() {
    this.wiz.parts.severity.loadChoices();
  }

  mounted() {
    this.wiz.parts.severity.renderPreview();
  }

  /** @returns {HTMLElement} */
  view() {
    const wiz = this.wiz;
    const d = wiz.draft;
    /**
     * @param {string} label
     * @param {string | Node} value
     */
    const row = (label, value) => h('div', { class: 'fact' }, h('dt', { text: label }), h('dd', {}, value));
    const zone = contractZone();
    /**
     * A wall-time window as one line in the user's zone, or "—" when incomplete.
     * @param {string} start
     * @param {string} end
     */
    const windowText = (start, end) => {
      const s = wallInputToInstant(start);
      const e = wallInputToInstant(end);
      return s && e ? windowLines(s, e, zone, t).local : '—';
    };
    return h(
      'div',
      { class: 'stack' },
      h('h2', { text: t('wizard.review.q') }),
      advisoryNote(d),
      h(
        'dl',
        { class: 'facts review' },
        row(t('wizard.review.type'), d.type ? t(`type.${d.type}`) : '—'),
        row(t('wizard.subject'), d.subject),
        row(t('wizard.review.where'), `${t(`environment.${d.environment}`)} · ${d.product} ${d.version_text}`),
        row(t('wizard.review.severity'), d.severity ? severityLabel(d.severity) : '—'),
        row(t('wizard.situation'), h('span', { class: 'pre', text: d.situation })),
        row(t('wizard.impact'), h('span', { class: 'pre', text: d.impact })),
        d.type === 'maintenance-notice' ? row(t('wizard.review.maintenance'), windowText(d.maintenance_start, d.maintenance_end)) : null,
        row(t('wizard.attachments'), d.attachments.length ? d.attachments.map((a) => a.filename).join(', ') : t('common.none')),
        wiz.steps.includes('callback') ? row(t('wizard.review.callbacks'), this.callbacks()) : null,
      ),
      wiz.parts.severity.previewBox(),
      wiz.submitError ? errorBox(wiz.submitError, { title: t('wizard.submitFailed'), testid: 'wizard-error' }) : null,
    );
  }

  /** @returns {string | HTMLElement} */
  callbacks() {
    const callbacks = this.wiz.draft.callbacks;
    if (!callbacks.length) return t('wizard.review.noCallback');
    const zone = contractZone();
    return h(
      'ul',
      { class: 'plain' },
      callbacks.map((w) => {
        const s = wallInputToInstant(w.start);
        const e = wallInputToInstant(w.end);
        if (!s || !e) return h('li', { text: '—' });
        const l = windowLines(s, e, zone, t);
        return h('li', {}, l.local, zone && zone !== localZone() ? h('span', { class: 'muted block', text: l.contract }) : null);
      }),
    );
  }
}
