// The new-case wizard as a pure state machine: which steps there are, what each step needs
// before the user may go on, and how a draft becomes the `NewCase` the outbox sends. The
// component (components/case-wizard.js) renders; this module decides. The severity rules
// themselves are the core's: the wizard only knows which severities the core allowed
// (`severity_choices`), never why.

import { wallInputToInstant } from './zones.js';

export const CASE_TYPES = ['problem', 'feature-request', 'how-to', 'account-change', 'maintenance-notice'];
export const ENVIRONMENTS = ['production', 'non-production'];
export const SUBJECT_MAX = 200;

/** Case types that ask for advice rather than a fix (SPEC §6): `how-to`. */
export function isAdvisoryType(type) {
  return type === 'how-to';
}

/** True when the wizard must show the SPEC §6 note: advice asked under break/fix only. */
export function needsAdvisoryNote(type, supportKind) {
  return isAdvisoryType(type) && supportKind === 'break-fix';
}

/** The steps, in order; the callback step only when the contract includes phone callbacks. */
export function wizardSteps({ phoneCallback }) {
  const steps = ['type', 'subject', 'environment', 'severity', 'situation'];
  if (phoneCallback) steps.push('callback');
  steps.push('review');
  return steps;
}

/** An empty draft (version 1 of the `WizardDraft` of docs/app-commands.md). */
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

/** A stored draft merged over the defaults (unknown or missing fields become defaults). */
export function restoreDraft(stored) {
  const draft = emptyDraft();
  if (!stored || typeof stored !== 'object') return draft;
  for (const key of Object.keys(draft)) {
    if (key in stored && stored[key] !== undefined && stored[key] !== null) draft[key] = stored[key];
  }
  // The contract names the product version `version`; the draft's own schema number is `version`
  // too, so the product version travels as `product_version` and is read back here.
  if (typeof stored.product_version === 'string') draft.version_text = stored.product_version;
  draft.version = 1;
  if (!Array.isArray(draft.callbacks)) draft.callbacks = [];
  if (!Array.isArray(draft.attachments)) draft.attachments = [];
  return draft;
}

/** The JSON stored by `draft_save` (`WizardDraft`). */
export function draftToStored(draft) {
  const { version_text: productVersion, ...rest } = draft;
  return { ...rest, version: 1, product_version: productVersion };
}

/** True when the draft holds anything the user typed or chose. */
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

/** The severity to preselect given the core's choices: keep an allowed one, else 3, else the lowest allowed. */
export function pickSeverity(current, allowed) {
  if (allowed.includes(current)) return current;
  if (allowed.includes(3)) return 3;
  return allowed.length ? allowed[allowed.length - 1] : null;
}

/**
 * What keeps the user on `step`: a list of i18n keys (empty when they may go on).
 * `ctx`: `{ allowedSeverities: number[] | null, nowMs, zone }`.
 */
export function stepProblems(step, draft, ctx = {}) {
  const problems = [];
  switch (step) {
    case 'type':
      if (!CASE_TYPES.includes(draft.type)) problems.push('wizard.err.type');
      break;
    case 'subject':
      if (!draft.subject.trim()) problems.push('wizard.err.subject');
      else if ([...draft.subject.trim()].length > SUBJECT_MAX) problems.push('wizard.err.subjectLong');
      break;
    case 'environment':
      if (!ENVIRONMENTS.includes(draft.environment)) problems.push('wizard.err.environment');
      if (!draft.product.trim()) problems.push('wizard.err.product');
      if (!draft.version_text.trim()) problems.push('wizard.err.version');
      break;
    case 'severity': {
      const allowed = ctx.allowedSeverities;
      if (!allowed) problems.push('wizard.err.severityLoading');
      else if (!allowed.includes(draft.severity)) problems.push('wizard.err.severity');
      break;
    }
    case 'situation':
      if (!draft.situation.trim()) problems.push('wizard.err.situation');
      if (!draft.impact.trim()) problems.push('wizard.err.impact');
      if (draft.type === 'maintenance-notice') {
        const start = wallInputToInstant(draft.maintenance_start, ctx.zone);
        const end = wallInputToInstant(draft.maintenance_end, ctx.zone);
        if (!start || !end) problems.push('wizard.err.maintenance');
        else if (Date.parse(end) <= Date.parse(start)) problems.push('wizard.err.windowOrder');
      }
      break;
    case 'callback': {
      const now = ctx.nowMs ?? Date.now();
      for (const w of draft.callbacks) {
        const start = wallInputToInstant(w.start, ctx.zone);
        const end = wallInputToInstant(w.end, ctx.zone);
        if (!start || !end) {
          problems.push('wizard.err.callbackIncomplete');
        } else if (Date.parse(end) <= Date.parse(start)) {
          problems.push('wizard.err.windowOrder');
        } else if (Date.parse(start) < now) {
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

/** The step after `step`, or `step` itself with the problems that keep the user there. */
export function nextStep(steps, step, draft, ctx) {
  const problems = stepProblems(step, draft, ctx);
  const i = steps.indexOf(step);
  if (problems.length || i === -1 || i === steps.length - 1) return { step, problems };
  return { step: steps[i + 1], problems: [] };
}

/** The step before `step` (the first step stays). */
export function previousStep(steps, step) {
  const i = steps.indexOf(step);
  return i > 0 ? steps[i - 1] : steps[0];
}

/** The first step (in order) that still has problems, or null when the draft is complete. */
export function firstIncompleteStep(steps, draft, ctx) {
  for (const step of steps) {
    if (stepProblems(step, draft, ctx).length) return step;
  }
  return null;
}

/** A restored draft's step, if the wizard has it; else the first step. */
export function resumeStep(steps, step) {
  return steps.includes(step) ? step : steps[0];
}

/**
 * The `outbox_submit_case` arguments for a complete draft: `{ case: NewCase, attachment_ids,
 * callback_windows }`. Wall times are read in `zone` (the user's).
 */
export function toSubmission(draft, { zone, phoneCallback }) {
  const maintenance =
    draft.type === 'maintenance-notice'
      ? {
          start: wallInputToInstant(draft.maintenance_start, zone),
          end: wallInputToInstant(draft.maintenance_end, zone),
        }
      : null;
  return {
    case: {
      type: draft.type,
      subject: draft.subject.trim(),
      severity: draft.severity,
      environment: draft.environment,
      product: draft.product.trim(),
      version: draft.version_text.trim(),
      situation: draft.situation.trim(),
      impact: draft.impact.trim(),
      maintenance_window: maintenance,
      cc: [],
    },
    attachment_ids: draft.attachments.map((a) => a.staged_id),
    callback_windows: phoneCallback
      ? draft.callbacks.map((w) => ({
          start: wallInputToInstant(w.start, zone),
          end: wallInputToInstant(w.end, zone),
        }))
      : [],
  };
}
