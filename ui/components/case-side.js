// @ts-check
// The side panel of <cw-case-view>: what a contact may do with a case (change the severity,
// mark it solved or close it, request a callback) and the case's attachments. The severities
// offered are the core's (form rules); which of them are allowed is the core's answer to
// `severity_choices`, asked by the view.

import './case-mute.js';
import { attachmentOpen } from '../api.js';
import { errorBox, h } from '../dom.js';
import { severityLabel, severityNumbers } from '../form-rules.js';
import { t } from '../i18n.js';
import { windowLines } from '../lib/zones.js';
import { contractZone, entitlements, session } from '../state.js';
import { localZone } from '../time.js';

/** @typedef {any} CaseView the <cw-case-view> element (action, windows, answer, patch, requestCallback, render) */

/**
 * An attachment as a list item: its name opens it with the desktop's viewer.
 * @param {CaseView} view
 * @param {{ id: string, filename: string, size: number, uploaded_by?: { name: string } | null }} a
 * @returns {HTMLElement}
 */
export function attachmentItem(view, a) {
  return h(
    'li',
    { class: 'attachment' },
    h('button', {
      type: 'button',
      class: 'btn btn--link',
      dataset: { testid: 'case-attachment' },
      text: a.filename,
      onclick: () => attachmentOpen(a.id).catch((error) => {
        view.action = { error, what: 'attachment' };
        view.render();
      }),
    }),
    h('span', { class: 'muted', text: ` ${Math.max(1, Math.round(a.size / 1024))} KiB · ${a.uploaded_by?.name ?? ''}` }),
  );
}

/**
 * The side panel: severity, solve and close; callback windows (phone support only); all the
 * case's attachments.
 * @param {CaseView} view
 * @param {any} c the case
 * @returns {HTMLElement}
 */
export function sidePanel(view, c) {
  const ent = entitlements();
  const closed = c.status === 'closed';
  const allowed = view.allowedSeverities ?? ent?.severities ?? severityNumbers();
  const numbers = severityNumbers();
  const options = (numbers.length ? numbers : [c.severity]).map((n) =>
    h('option', {
      value: String(n),
      disabled: !allowed.includes(n),
      selected: c.severity === n,
      text: severityLabel(n),
    }),
  );
  const sevSelect = /** @type {HTMLSelectElement} */ (h('select', { dataset: { testid: 'case-severity' }, disabled: closed }, options));
  const busy = Boolean(view.action?.busy);
  const actionError = view.action?.error ? errorBox(view.action.error, { title: t('case.actionFailed') }) : null;
  const allAttachments = view.answer.attachments ?? [];
  const zone = contractZone();
  const callbackPart =
    ent?.phone_callback && !closed
      ? h(
          'section',
          { class: 'card side__card' },
          h('h2', { text: t('case.callback') }),
          c.callback_windows?.length
            ? h(
                'ul',
                { class: 'plain windows-list', dataset: { testid: 'case-callback-windows' } },
                c.callback_windows.map((/** @type {{ start: string, end: string }} */ w) => {
                  const l = windowLines(w.start, w.end, zone, t);
                  return h('li', {}, l.local, zone && zone !== localZone() ? h('span', { class: 'muted block', text: l.contract }) : null);
                }),
              )
            : h('p', { class: 'muted', text: t('case.callback.none') }),
          view.windows.map((/** @type {{ start: string, end: string }} */ w) =>
            h(
              'div',
              { class: 'field-row' },
              h('label', { class: 'field' }, h('span', { class: 'field__label', text: t('wizard.callback.start') }), h('input', { type: 'datetime-local', value: w.start, dataset: { testid: 'case-callback-start' }, oninput: (/** @type {Event} */ e) => (w.start = /** @type {HTMLInputElement} */ (e.target).value) })),
              h('label', { class: 'field' }, h('span', { class: 'field__label', text: t('wizard.callback.end') }), h('input', { type: 'datetime-local', value: w.end, dataset: { testid: 'case-callback-end' }, oninput: (/** @type {Event} */ e) => (w.end = /** @type {HTMLInputElement} */ (e.target).value) })),
            ),
          ),
          h('p', { class: 'hint', text: t('case.callback.hint', { zone: localZone() }) }),
          h('button', { type: 'button', class: 'btn', disabled: busy, dataset: { testid: 'case-callback-submit' }, text: t('case.callback.request'), onclick: () => view.requestCallback() }),
          view.action?.done === 'callback' ? h('p', { class: 'ok-text', text: t('case.callback.done') }) : null,
        )
      : null;
  return h(
    'aside',
    { class: 'side' },
    h(
      'section',
      { class: 'card side__card' },
      h('h2', { text: t('case.manage') }),
      h(
        'label',
        { class: 'field' },
        h('span', { class: 'field__label', text: t('case.severity') }),
        sevSelect,
      ),
      h('button', {
        type: 'button',
        class: 'btn btn--small',
        disabled: busy || closed,
        dataset: { testid: 'case-severity-apply' },
        text: t('case.severity.apply'),
        onclick: () => {
          const n = Number(sevSelect.value);
          if (n !== c.severity) view.patch({ severity: n }, 'severity');
        },
      }),
      h('p', { class: 'hint', text: t('case.severity.note') }),
      h(
        'div',
        { class: 'actions actions--wrap' },
        c.status !== 'solved' && !closed
          ? h('button', { type: 'button', class: 'btn btn--small', disabled: busy, dataset: { testid: 'case-solve' }, text: t('case.solve'), onclick: () => view.patch({ status: 'solved' }, 'status') })
          : null,
        !closed
          ? h('button', { type: 'button', class: 'btn btn--small btn--ghost', disabled: busy, dataset: { testid: 'case-close' }, text: t('case.close'), onclick: () => view.patch({ status: 'closed' }, 'status') })
          : null,
      ),
      actionError,
    ),
    callbackPart,
    // D2: muting this case's alerts (./case-mute.js).
    h('section', { class: 'card side__card' }, h('h2', { text: t('case.alerts') }), h('cw-case-mute', { number: String(c.number) })),
    h(
      'section',
      { class: 'card side__card' },
      h('h2', { text: t('case.attachments') }),
      allAttachments.length ? h('ul', { class: 'attachment-list' }, allAttachments.map((/** @type {any} */ a) => attachmentItem(view, a))) : h('p', { class: 'muted', text: t('common.none') }),
    ),
    session().demo ? h('p', { class: 'muted small', text: t('case.demoNote') }) : null,
  );
}
