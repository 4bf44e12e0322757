// @ts-check
// Step 5, the situation: what happens, how serious it is for the business, the maintenance
// window of a maintenance notice, and attachments (staged in Rust as they are picked, so the
// draft only holds their ids).

import { attachmentStage, attachmentUnstage } from '../../api.js';
import { errorText, h } from '../../dom.js';
import { t } from '../../i18n.js';
import { localZone } from '../../time.js';
import { boundInput, field } from './fields.js';

/** @typedef {import('./case-wizard.js').CaseWizard} CaseWizard */

/**
 * A size as people read it: "512 B", "3.4 KiB", "1.2 MiB".
 * @param {number | undefined} n
 * @returns {string}
 */
export function formatBytes(n) {
  if (n === undefined || !Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The situation step and its attachment list. */
export class SituationStep {
  /** @param {CaseWizard} wiz */
  constructor(wiz) {
    this.wiz = wiz;
    /** @type {{ name: string, busy: boolean, error?: any }[]} files being staged, or that failed */
    this.uploads = [];
    /** @type {HTMLElement | null} */
    this.attachmentsEl = null;
  }

  /** @returns {HTMLElement} */
  view() {
    const wiz = this.wiz;
    this.attachmentsEl = h('div', { class: 'attachments' });
    return h(
      'div',
      { class: 'stack' },
      field(
        'wizard.situation',
        boundInput(wiz, 'situation', { rows: '6', dataset: { testid: 'wizard-situation' }, placeholder: t('wizard.situation.placeholder') }, 'textarea'),
        'wizard.situation.hint',
      ),
      field(
        'wizard.impact',
        boundInput(wiz, 'impact', { rows: '4', dataset: { testid: 'wizard-impact' }, placeholder: t('wizard.impact.placeholder') }, 'textarea'),
        'wizard.impact.hint',
      ),
      wiz.draft.type === 'maintenance-notice' ? this.maintenanceWindow() : null,
      h(
        'div',
        { class: 'field' },
        h('span', { class: 'field__label', text: t('wizard.attachments') }),
        h('span', { class: 'field__hint', text: t('wizard.attachments.hint') }),
        h('input', {
          type: 'file',
          multiple: true,
          dataset: { testid: 'wizard-attachments' },
          /** @param {Event} e */
          onchange: (e) => {
            const input = /** @type {HTMLInputElement} */ (e.target);
            const files = [...(input.files ?? [])];
            input.value = '';
            this.addFiles(files);
          },
        }),
        this.attachmentsEl,
      ),
    );
  }

  /** @returns {HTMLElement} */
  maintenanceWindow() {
    const wiz = this.wiz;
    return h(
      'fieldset',
      {},
      h('legend', { text: t('wizard.maintenance', { zone: localZone() }) }),
      h(
        'div',
        { class: 'field-row' },
        field('wizard.maintenance.start', boundInput(wiz, 'maintenance_start', { type: 'datetime-local', dataset: { testid: 'wizard-maintenance-start' } })),
        field('wizard.maintenance.end', boundInput(wiz, 'maintenance_end', { type: 'datetime-local', dataset: { testid: 'wizard-maintenance-end' } })),
      ),
    );
  }

  mounted() {
    this.renderAttachments();
  }

  /** @param {File[]} files */
  async addFiles(files) {
    for (const file of files) {
      /** @type {{ name: string, busy: boolean, error?: any }} */
      const upload = { name: file.name, busy: true };
      this.uploads.push(upload);
      this.renderAttachments();
      try {
        const staged = await attachmentStage(file);
        this.wiz.draft.attachments.push(staged);
        this.wiz.changed();
        this.uploads.splice(this.uploads.indexOf(upload), 1);
      } catch (error) {
        upload.busy = false;
        upload.error = error;
      }
      this.renderAttachments();
    }
  }

  renderAttachments() {
    const el = this.attachmentsEl;
    if (!el || !el.isConnected) return;
    const draft = this.wiz.draft;
    const items = [
      ...draft.attachments.map((a) =>
        h(
          'li',
          { class: 'attachment' },
          h('span', { class: 'attachment__name', text: a.filename }),
          h('span', { class: 'muted', text: formatBytes(a.size) }),
          h('button', {
            type: 'button',
            class: 'btn btn--ghost btn--small',
            text: t('common.remove'),
            onclick: () => {
              draft.attachments = draft.attachments.filter((x) => x !== a);
              attachmentUnstage(a.staged_id).catch(() => {});
              this.wiz.changed();
              this.renderAttachments();
            },
          }),
        ),
      ),
      ...this.uploads.map((u) =>
        h(
          'li',
          { class: 'attachment' },
          h('span', { class: 'attachment__name', text: u.name }),
          u.busy ? h('span', { class: 'muted', text: t('wizard.uploading') }) : h('span', { class: 'error-text', text: errorText(u.error) }),
        ),
      ),
    ];
    el.replaceChildren(items.length ? h('ul', { class: 'attachment-list' }, items) : '');
  }
}
