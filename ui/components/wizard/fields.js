// @ts-check
// Form pieces every wizard step uses: a labelled field, a text control bound to the draft, a
// radio "choice" card, and the SPEC §6 advisory note. Kept apart from the steps so the steps
// read as what they ask, not how a label is built.

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { formRules } from '../../form-rules.js';
import { needsAdvisoryNote } from '../../lib/wizard.js';
import { entitlements, session } from '../../state.js';

/** @typedef {import('./case-wizard.js').CaseWizard} CaseWizard */
/** @typedef {import('../../lib/wizard.js').Draft} Draft */

/**
 * A labelled field: label, optional hint, the control.
 * @param {string} labelKey
 * @param {Node} control
 * @param {string} [hintKey]
 * @returns {HTMLElement}
 */
export function field(labelKey, control, hintKey) {
  return h(
    'label',
    { class: 'field' },
    h('span', { class: 'field__label', text: t(labelKey) }),
    hintKey ? h('span', { class: 'field__hint', text: t(hintKey) }) : null,
    control,
  );
}

/**
 * A text control bound to `draft[key]`; `after` runs after each edit.
 * @param {CaseWizard} wiz
 * @param {'subject' | 'product' | 'version_text' | 'situation' | 'impact' | 'maintenance_start' | 'maintenance_end'} key
 * @param {Record<string, any> & { after?: () => void }} [attrs]
 * @param {'input' | 'textarea'} [tag]
 * @returns {HTMLElement}
 */
export function boundInput(wiz, key, { after, ...attrs } = {}, tag = 'input') {
  return h(tag, {
    value: wiz.draft[key],
    ...attrs,
    /** @param {Event} e */
    oninput: (e) => {
      wiz.draft[key] = /** @type {HTMLInputElement} */ (e.target).value;
      wiz.changed();
      if (after) after();
    },
  });
}

/**
 * A radio choice as a card: title, optional description, optional extra content.
 * @param {{ name: string, value: string, checked: boolean, testid: string, title: string, help?: string | null,
 *   onpick: () => void, disabled?: boolean, extra?: Node | Node[] | null }} options
 * @returns {HTMLElement}
 */
export function choice({ name, value, checked, testid, title, help = null, onpick, disabled = false, extra = null }) {
  return h(
    'label',
    { class: `choice${checked ? ' choice--selected' : ''}${disabled ? ' choice--disabled' : ''}` },
    h('input', { type: 'radio', name, value, checked, disabled, dataset: { testid }, onchange: onpick }),
    h(
      'span',
      { class: 'choice__body' },
      h('span', { class: 'choice__title', text: title }),
      help ? h('span', { class: 'choice__desc', text: help }) : null,
      extra,
    ),
  );
}

/**
 * The SPEC §6 note when advice is asked under a break/fix contract, else null.
 * @param {Draft} draft
 * @returns {HTMLElement | null}
 */
export function advisoryNote(draft) {
  const kind = session().me?.contract?.support_kind ?? entitlements()?.support_kind;
  const rules = formRules();
  if (!rules || !needsAdvisoryNote(draft.type, kind, rules)) return null;
  return h(
    'div',
    { class: 'notice', dataset: { testid: 'wizard-advisory-note' } },
    h('strong', { text: t('wizard.advisory.title') }),
    ' ',
    t('wizard.advisory.text'),
  );
}
