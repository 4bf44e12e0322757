// @ts-check
// The case-form rules, as the core states them (`casewatch_core::case_form::form_rules`, read
// through the `case_form_rules` command): limits, case types, environments, whether `impact`
// is required, and the severities' names and definitions in both languages.
//
// Why here and not in the UI's own tables: the UI used to hold copies of these, and the copies
// drifted from the core's (severity 4 had two Chinese names). Now the UI asks once, at start,
// and every screen reads the answer from this module. The answer does not depend on the
// session, so it is valid signed in or out, for the life of the window.

import { caseFormRules } from './api.js';
import { language, t } from './i18n.js';

/** @typedef {import('./types/contract').FormRules} FormRules */
/** @typedef {import('./types/contract').SeverityText} SeverityText */

/** @type {FormRules | null} */
let rules = null;
/** @type {Promise<FormRules> | null} */
let pending = null;

/**
 * Loads the rules once (again after a failure); resolves to them or rejects with `{code, message}`.
 * @returns {Promise<FormRules>}
 */
export function loadFormRules() {
  if (rules) return Promise.resolve(rules);
  if (!pending) {
    pending = caseFormRules()
      .then((answer) => {
        rules = answer;
        return answer;
      })
      .finally(() => {
        pending = null;
      });
  }
  return pending;
}

/**
 * The rules, or null before `loadFormRules` resolved.
 * @returns {FormRules | null}
 */
export function formRules() {
  return rules;
}

/**
 * The severity numbers the core knows, most severe first.
 * @returns {number[]}
 */
export function severityNumbers() {
  return rules ? rules.severities.map((s) => s.severity) : [];
}

/**
 * @param {number} severity
 * @returns {SeverityText | undefined}
 */
function severityText(severity) {
  return rules?.severities.find((s) => s.severity === Number(severity));
}

/**
 * A severity's short label in `lang` (default: the active language): "1 · Urgent".
 * @param {number} severity
 * @param {string} [lang]
 * @returns {string}
 */
export function severityLabel(severity, lang = language()) {
  const name = severityText(severity)?.name;
  if (!name) return t('severity.number', { n: severity });
  return t('severity.label', { n: severity, name: lang === 'zh-CN' ? name['zh-CN'] : name.en });
}

/**
 * What a severity means, in `lang` (default: the active language); empty when unknown.
 * @param {number} severity
 * @param {string} [lang]
 * @returns {string}
 */
export function severityDefinition(severity, lang = language()) {
  const definition = severityText(severity)?.definition;
  if (!definition) return '';
  return lang === 'zh-CN' ? definition['zh-CN'] : definition.en;
}
