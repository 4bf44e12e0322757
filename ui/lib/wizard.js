// @ts-check
// The new-case wizard as a pure state machine: which steps there are, what each step needs
// before the user may go on, and how a draft becomes the `NewCase` the outbox sends. The
// component (components/wizard/) renders; this module decides.
//
// The rules themselves are the core's. Limits, case types, environments and whether `impact`
// is required arrive as `ctx.rules` (the `case_form_rules` answer); which severities are
// allowed arrives as `ctx.allowedSeverities` (`severity_choices`). The checks here only spare
// the user a round trip: the core checks the case again when it is filed, and its answer wins.

import { wallInputToInstant } from './zones.js';

/** @typedef {import('../form-rules.js').FormRules} FormRules */
/** @typedef {import('../types/contract').WizardDraft} WizardDraft */
/** @typedef {import('../types/contract').Commands['outbox_submit_case']['args']} Submission */
/** @typedef {import('../types/contract').NewCase} NewCase */
/**
 * A callback window as typed (wall times in the user's zone, possibly empty).
 * @typedef {import('../types/contract').WindowText} WallWindow
 */
/**
 * The draft the wizard edits: the stored `WizardDraft`, except that the product version is
 * `version_text` (the draft's own `version` is its format number).
 * @typedef {Omit<WizardDraft, 'product_version'> & { version_text: string }} Draft
 * @typedef {{ rules?: FormRules | null, allowedSeverities?: number[] | null, nowMs?: number, zone?: string | null }} StepContext
 */

/**
 * Characters as the core counts them (Unicode scalar values, not UTF-16 units).
 * @param {string} text
 * @returns {number}
 */
function chars(text) {
  return [...text].length;
}

/**
 * True when the wizard must show the SPEC §6 note: advice asked under break/fix only. Which
 * types ask for advice is the core's answer (`advisory_types` of the form rules).
 * @param {string} type
 * @param {string | null | undefined} supportKind
 * @param {{ advisory_types: readonly string[] }} rules
 * @returns {boolean}
 */
export function needsAdvisoryNote(type, supportKind, rules) {
  return rules.advisory_types.includes(type) && supportKind === 'break-fix';
}

/**
 * The steps, in order; the callback step only when the contract includes phone callbacks.
 * @param {{ phoneCallback: boolean }} options
 * @returns {string[]}
 */
export function wizardSteps({ phoneCallback }) {
  const steps = ['type', 'subject', 'environment', 'severity', 'situation'];
  if (phoneCallback) steps.push('callback');
  steps.push('review');
  return steps;
}

/**
 * An empty draft (version 1 of the `WizardDraft` of docs/app-commands.md).
 * @returns {Draft}
 */
export function emptyDraft() {
  return {
    version: 1,
    step: 'type',
    type: '',
    subject: '',
    environment: 'production',
    product: '',
    version_text: '',
    severity: null,
    situation: '',
    impact: '',
    maintenance_start: '',
    maintenance_end: '',
    callbacks: [],
    attachments: [],
  };
}

/**
 * A stored draft merged over the defaults (unknown or missing fields become defaults).
 * @param {any} stored
 * @returns {Draft}
 */
export function restoreDraft(stored) {
  const draft = /** @type {Record<string, any>} */ (emptyDraft());
  if (!stored || typeof stored !== 'object') return emptyDraft();
  for (const key of Object.keys(draft)) {
    if (key in stored && stored[key] !== undefined && stored[key] !== null) draft[key] = stored[key];
  }
  // The contract names the product version `version`; the draft's own schema number is `version`
  // too, so the product version travels as `product_version` and is read back here.
  if (typeof stored.product_version === 'string') draft.version_text = stored.product_version;
  draft.version = 1;
  if (!Array.isArray(draft.callbacks)) draft.callbacks = [];
  if (!Array.isArray(draft.attachments)) draft.attachments = [];
  return /** @type {Draft} */ (draft);
}

/**
 * The JSON stored by `draft_save` (`WizardDraft`).
 * @param {Draft} draft
 * @returns {WizardDraft}
 */
export function draftToStored(draft) {
  const { version_text: productVersion, ...rest } = draft;
  return { ...rest, version: 1, product_version: productVersion };
}

/**
 * True when the draft holds anything the user typed or chose.
 * @param {Draft | null | undefined} draft
 * @returns {boolean}
 */
export function draftHasContent(draft) {
  return Boolean(
    draft &&
      (draft.type ||
        draft.subject.trim() ||
        draft.product.trim() ||
        draft.situation.trim() ||
        draft.impact.trim() ||
        draft.callbacks.length ||
        draft.attachments.length),
  );
}

/**
 * The severity to preselect given the core's choices: keep an allowed one, else 3, else the lowest allowed.
 * @param {number | null} current
 * @param {number[] | null | undefined} allowed
 * @returns {number | null}
 */
export function pickSeverity(current, allowed) {
  if (!allowed) return current;
  if (current !== null && allowed.includes(current)) return current;
  if (allowed.includes(3)) return 3;
  return allowed.length ? allowed[allowed.length - 1] : null;
}

/**
 * The parameters the problem texts need (`{max}`, `{line}`, `{text}`: the core's limits).
 * @param {FormRules | null | undefined} rules
 * @returns {Record<string, number>}
 */
export function problemParams(rules) {
  return rules ? { max: rules.subject_max, line: rules.line_max, text: rules.text_max } : {};
}

/**
 * What keeps the user on `step`: a list of i18n keys (empty when they may go on).
 * @param {string} step
 * @param {Draft} draft
 * @param {StepContext} [ctx]
 * @returns {string[]}
 */
export function stepProblems(step, draft, ctx = {}) {
  const rules = ctx.rules;
  if (!rules) return step === 'review' ? [] : ['wizard.err.rulesLoading'];
  const problems = [];
  switch (step) {
    case 'type':
      if (!(/** @type {string[]} */ (rules.case_types)).includes(draft.type)) problems.push('wizard.err.type');
      break;
    case 'subject':
      if (!draft.subject.trim()) problems.push('wizard.err.subject');
      else if (chars(draft.subject.trim()) > rules.subject_max) problems.push('wizard.err.subjectLong');
      break;
    case 'environment':
      if (!(/** @type {string[]} */ (rules.environments)).includes(draft.environment)) problems.push('wizard.err.environment');
      if (!draft.product.trim()) problems.push('wizard.err.product');
      if (!draft.version_text.trim()) problems.push('wizard.err.version');
      if (chars(draft.product.trim()) > rules.line_max || chars(draft.version_text.trim()) > rules.line_max) {
        problems.push('wizard.err.lineLong');
      }
      break;
    case 'severity': {
      const allowed = ctx.allowedSeverities;
      if (!allowed) problems.push('wizard.err.severityLoading');
      else if (draft.severity === null || !allowed.includes(draft.severity)) problems.push('wizard.err.severity');
      break;
    }
    case 'situation':
      if (!draft.situation.trim()) problems.push('wizard.err.situation');
      if (rules.impact_required && !draft.impact.trim()) problems.push('wizard.err.impact');
      if (chars(draft.situation.trim()) > rules.text_max || chars(draft.impact.trim()) > rules.text_max) {
        problems.push('wizard.err.textLong');
      }
      if (draft.type === 'maintenance-notice') {
        const start = wallInputToInstant(draft.maintenance_start, ctx.zone ?? undefined);
        const end = wallInputToInstant(draft.maintenance_end, ctx.zone ?? undefined);
        if (!start || !end) problems.push('wizard.err.maintenance');
        else if (Date.parse(end) <= Date.parse(start)) problems.push('wizard.err.windowOrder');
      }
      break;
    case 'callback': {
      const now = ctx.nowMs ?? Date.now();
      for (const w of draft.callbacks) {
        const start = wallInputToInstant(w.start, ctx.zone ?? undefined);
        const end = wallInputToInstant(w.end, ctx.zone ?? undefined);
        if (!start || !end) {
          problems.push('wizard.err.callbackIncomplete');
        } else if (Date.parse(end) <= Date.parse(start)) {
          problems.push('wizard.err.windowOrder');
        } else if (Date.parse(end) <= now) {
          // The core's rule (docs/rules.md): a window that has already ended is refused; one
          // that has started but not ended is still a window the vendor can call in.
          problems.push('wizard.err.callbackPast');
        }
      }
      break;
    }
    default:
      break;
  }
  return [...new Set(problems)];
}

/**
 * The step after `step`, or `step` itself with the problems that keep the user there.
 * @param {string[]} steps
 * @param {string} step
 * @param {Draft} draft
 * @param {StepContext} ctx
 * @returns {{ step: string, problems: string[] }}
 */
export function nextStep(steps, step, draft, ctx) {
  const problems = stepProblems(step, draft, ctx);
  const i = steps.indexOf(step);
  if (problems.length || i === -1 || i === steps.length - 1) return { step, problems };
  return { step: steps[i + 1], problems: [] };
}

/**
 * The step before `step` (the first step stays).
 * @param {string[]} steps
 * @param {string} step
 * @returns {string}
 */
export function previousStep(steps, step) {
  const i = steps.indexOf(step);
  return i > 0 ? steps[i - 1] : steps[0];
}

/**
 * The first step (in order) that still has problems, or null when the draft is complete.
 * @param {string[]} steps
 * @param {Draft} draft
 * @param {StepContext} ctx
 * @returns {string | null}
 */
export function firstIncompleteStep(steps, draft, ctx) {
  for (const step of steps) {
    if (stepProblems(step, draft, ctx).length) return step;
  }
  return null;
}

/**
 * A restored draft's step, if the wizard has it; else the first step.
 * @param {string[]} steps
 * @param {string} step
 * @returns {string}
 */
export function resumeStep(steps, step) {
  return steps.includes(step) ? step : steps[0];
}

/**
 * The `outbox_submit_case` arguments for a complete draft: `{ case: NewCase, attachment_ids,
 * callback_windows }`. Wall times are read in `zone` (the user's).
 * The draft's choices were checked against the core's lists (`stepProblems`), hence the casts.
 * @param {Draft} draft
 * @param {{ zone?: string, phoneCallback: boolean }} options
 * @returns {Submission}
 */
export function toSubmission(draft, { zone, phoneCallback }) {
  /** @param {string} wall */
  const instant = (wall) => /** @type {string} */ (wallInputToInstant(wall, zone));
  const maintenance =
    draft.type === 'maintenance-notice'
      ? { start: instant(draft.maintenance_start), end: instant(draft.maintenance_end) }
      : null;
  return {
    case: {
      type: /** @type {NewCase['type']} */ (draft.type),
      subject: draft.subject.trim(),
      severity: /** @type {number} */ (draft.severity),
      environment: /** @type {NewCase['environment']} */ (draft.environment),
      product: draft.product.trim(),
      version: draft.version_text.trim(),
      situation: draft.situation.trim(),
      impact: draft.impact.trim(),
      maintenance_window: maintenance,
      cc: [],
    },
    attachment_ids: draft.attachments.map((a) => a.staged_id),
    callback_windows: phoneCallback ? draft.callbacks.map((w) => ({ start: instant(w.start), end: instant(w.end) })) : [],
  };
}
