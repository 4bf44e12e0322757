// @ts-check
// Step 3, where the problem is: the environment (from the core's list), the product and its
// version, with the portal's product list as suggestions.

import { h } from '../../dom.js';
import { formRules } from '../../form-rules.js';
import { t } from '../../i18n.js';
import { boundInput, choice, field } from './fields.js';

/** @typedef {import('./case-wizard.js').CaseWizard} CaseWizard */

/** The environment, product and version step. */
export class EnvironmentStep {
  /** @param {CaseWizard} wiz */
  constructor(wiz) {
    this.wiz = wiz;
  }

  /** @returns {HTMLElement} */
  view() {
    const wiz = this.wiz;
    const products = wiz.products;
    const productList = h('datalist', { id: 'cw-products' }, products.map((p) => h('option', { value: p.name })));
    const product = products.find((p) => p.name === wiz.draft.product);
    const versionList = h('datalist', { id: 'cw-versions' }, (product?.versions ?? []).map((v) => h('option', { value: v })));
    return h(
      'div',
      { class: 'stack' },
      h('h2', { text: t('wizard.environment.q') }),
      h(
        'div',
        { class: 'choices choices--two', role: 'radiogroup' },
        (formRules()?.environments ?? []).map((env) =>
          choice({
            name: 'environment',
            value: env,
            checked: wiz.draft.environment === env,
            testid: `wizard-environment-${env}`,
            title: t(`environment.${env}`),
            help: t(`environment.${env}.help`),
            onpick: () => {
              wiz.draft.environment = env;
              // The allowed severities depend on the environment: ask the core again.
              wiz.parts.severity.reset();
              wiz.changed();
              wiz.render();
            },
          }),
        ),
      ),
      h(
        'div',
        { class: 'field-row' },
        field(
          'wizard.product',
          boundInput(wiz, 'product', { type: 'text', list: 'cw-products', dataset: { testid: 'wizard-product' }, after: () => this.refreshVersions() }),
        ),
        field('wizard.version', boundInput(wiz, 'version_text', { type: 'text', list: 'cw-versions', dataset: { testid: 'wizard-version' } })),
      ),
      productList,
      versionList,
    );
  }

  /** The version suggestions follow the product typed. */
  refreshVersions() {
    const list = this.wiz.querySelector('#cw-versions');
    if (!list) return;
    const product = this.wiz.products.find((p) => p.name === this.wiz.draft.product);
    list.replaceChildren(...(product?.versions ?? []).map((v) => h('option', { value: v })));
  }
}
