// @ts-check
// The wizard's frame around the current step: the stepper, the "draft restored" notice and the
// footer (back, draft status, next or submit).

import { h } from '../../dom.js';
import { t } from '../../i18n.js';

/** @typedef {import('./case-wizard.js').CaseWizard} CaseWizard */

/**
 * The numbered list of steps, the current one marked.
 * @param {string[]} steps
 * @param {string} step
 * @returns {HTMLElement}
 */
export function stepper(steps, step) {
  const current = steps.indexOf(step);
  return h(
    'ol',
    { class: 'stepper', 'aria-label': t('wizard.steps') },
    steps.map((name, i) =>
      h(
        'li',
        {
          class: `stepper__step${i === current ? ' stepper__step--current' : ''}${i < current ? ' stepper__step--done' : ''}`,
          'aria-current': i === current ? 'step' : null,
        },
        h('span', { class: 'stepper__n', text: String(i + 1) }),
        h('span', { class: 'stepper__label', text: t(`wizard.step.${name}`) }),
      ),
    ),
  );
}

/**
 * "Your draft was restored", with a way to start over.
 * @param {() => void} onStartOver
 * @returns {HTMLElement}
 */
export function restoredNotice(onStartOver) {
  return h(
    'p',
    { class: 'notice notice--info', dataset: { testid: 'wizard-restored' } },
    t('wizard.restored'),
    ' ',
    h('button', { type: 'button', class: 'btn btn--link', text: t('wizard.startOver'), onclick: onStartOver }),
  );
}

/**
 * Back, the draft's save status (filled by the controller), and next — or submit on the last step.
 * @param {CaseWizard} wiz
 * @returns {HTMLElement}
 */
export function footer(wiz) {
  const isLast = wiz.step === wiz.steps[wiz.steps.length - 1];
  return h(
    'footer',
    { class: 'wizard__footer' },
    h('button', {
      type: 'button',
      class: 'btn btn--ghost',
      disabled: wiz.step === wiz.steps[0] || wiz.submitting,
      dataset: { testid: 'wizard-back' },
      onclick: () => wiz.back(),
      text: t('wizard.back'),
    }),
    h('span', { class: 'wizard__saved muted', dataset: { testid: 'wizard-draft-status' } }),
    isLast
      ? h('button', {
          type: 'button',
          class: 'btn btn--primary',
          disabled: wiz.submitting || !wiz.ready,
          dataset: { testid: 'wizard-submit' },
          onclick: () => wiz.submit(),
          text: wiz.submitting ? t('wizard.submitting') : t('wizard.submit'),
        })
      : h('button', {
          type: 'button',
          class: 'btn btn--primary',
          disabled: !wiz.ready,
          dataset: { testid: 'wizard-next' },
          onclick: () => wiz.next(),
          text: t('wizard.next'),
        }),
  );
}
