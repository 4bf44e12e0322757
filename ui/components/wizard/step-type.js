// @ts-check
// Step 1, "What do you need?": the case type, from the core's list of types.

import { h } from '../../dom.js';
import { formRules } from '../../form-rules.js';
import { t } from '../../i18n.js';
import { advisoryNote, choice } from './fields.js';

/** @typedef {import('./case-wizard.js').CaseWizard} CaseWizard */

/** The case-type step. */
export class TypeStep {
  /** @param {CaseWizard} wiz */
  constructor(wiz) {
    this.wiz = wiz;
  }

  /** @returns {HTMLElement} */
  view() {
    const wiz = this.wiz;
    return h(
      'div',
      { class: 'stack' },
      h('h2', { text: t('wizard.type.q') }),
      h(
        'div',
        { class: 'choices', role: 'radiogroup' },
        (formRules()?.case_types ?? []).map((type) =>
          choice({
            name: 'case-type',
            value: type,
            checked: wiz.draft.type === type,
            testid: `wizard-type-${type}`,
            title: t(`type.${type}`),
            help: t(`type.${type}.help`),
            onpick: () => {
              wiz.draft.type = type;
              wiz.changed();
              wiz.render();
            },
          }),
        ),
      ),
      advisoryNote(wiz.draft),
    );
  }
}
