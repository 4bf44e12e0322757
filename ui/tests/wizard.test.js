import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  draftHasContent,
  draftToStored,
  emptyDraft,
  firstIncompleteStep,
  needsAdvisoryNote,
  nextStep,
  pickSeverity,
  previousStep,
  problemParams,
  restoreDraft,
  resumeStep,
  stepProblems,
  toSubmission,
  wizardSteps,
} from '../lib/wizard.js';

// A `case_form_rules` answer as the core sends it. The wizard holds no copy of these: every
// test below hands them in, and the limits are deliberately not the core's real ones so a
// hidden copy in the UI would show.
const RULES = {
  subject_max: 200,
  line_max: 100,
  text_max: 20000,
  case_types: ['problem', 'feature-request', 'how-to', 'account-change', 'maintenance-notice'],
  environments: ['production', 'non-production'],
  impact_required: true,
  advisory_types: ['how-to', 'feature-request'],
  severities: [1, 2, 3, 4].map((n) => ({ severity: n, name: { en: `N${n}`, 'zh-CN': `Z${n}` }, definition: { en: `D${n}`, 'zh-CN': `E${n}` } })),
};
const NOW = Date.parse('2026-03-09T08:00:00Z');
const ctx = { rules: RULES, allowedSeverities: [1, 2, 3], zone: 'Europe/Berlin', nowMs: NOW };

function complete() {
  return {
    ...emptyDraft(),
    type: 'problem',
    subject: 'Nodes drop out',
    environment: 'production',
    product: 'Orbit',
    version_text: '8.2.1',
    severity: 2,
    situation: 'Since 09:40 …',
    impact: 'Orders stop',
    callbacks: [{ start: '2026-03-10T09:00', end: '2026-03-10T11:00' }],
  };
}

test('the callback step exists only with phone callback', () => {
  assert.deepEqual(wizardSteps({ phoneCallback: true }), ['type', 'subject', 'environment', 'severity', 'situation', 'callback', 'review']);
  assert.deepEqual(wizardSteps({ phoneCallback: false }), ['type', 'subject', 'environment', 'severity', 'situation', 'review']);
});

test('each step keeps the user until it is answered', () => {
  const steps = wizardSteps({ phoneCallback: true });
  const draft = emptyDraft();
  assert.deepEqual(nextStep(steps, 'type', draft, ctx), { step: 'type', problems: ['wizard.err.type'] });
  draft.type = 'problem';
  assert.deepEqual(nextStep(steps, 'type', draft, ctx), { step: 'subject', problems: [] });
  assert.deepEqual(stepProblems('subject', draft, ctx), ['wizard.err.subject']);
  draft.subject = 'x'.repeat(201);
  assert.deepEqual(stepProblems('subject', draft, ctx), ['wizard.err.subjectLong']);
  assert.deepEqual(stepProblems('environment', draft, ctx), ['wizard.err.product', 'wizard.err.version']);
  assert.deepEqual(stepProblems('situation', draft, ctx), ['wizard.err.situation', 'wizard.err.impact']);
  assert.equal(previousStep(steps, 'subject'), 'type');
  assert.equal(previousStep(steps, 'type'), 'type');
});

test('severity: only what the core allowed', () => {
  const draft = { ...complete(), severity: 4 };
  assert.deepEqual(stepProblems('severity', draft, ctx), ['wizard.err.severity']);
  assert.deepEqual(stepProblems('severity', draft, { ...ctx, allowedSeverities: null }), ['wizard.err.severityLoading']);
  assert.deepEqual(stepProblems('severity', draft, { ...ctx, allowedSeverities: [4] }), []);
  assert.equal(pickSeverity(1, [2, 3]), 3, 'non-production: 1 refused, default 3');
  assert.equal(pickSeverity(null, [4]), 4, 'development: only 4');
  assert.equal(pickSeverity(2, [1, 2, 3]), 2);
  assert.equal(pickSeverity(2, []), null);
});

test('the wizard enforces the limits and choices it is given, not its own', () => {
  const draft = complete();
  const short = { ...ctx, rules: { ...RULES, subject_max: 10, line_max: 3, text_max: 5 } };
  assert.deepEqual(stepProblems('subject', draft, ctx), []);
  assert.deepEqual(stepProblems('subject', draft, short), ['wizard.err.subjectLong'], '14 characters > 10');
  assert.deepEqual(stepProblems('subject', { ...draft, subject: '案件标题十个字符啊啊' }, short), [], 'characters, not bytes');
  assert.deepEqual(stepProblems('environment', draft, short), ['wizard.err.lineLong']);
  assert.deepEqual(stepProblems('situation', draft, short), ['wizard.err.textLong']);
  const fewer = { ...ctx, rules: { ...RULES, case_types: ['problem'], environments: ['production'] } };
  assert.deepEqual(stepProblems('type', { ...draft, type: 'how-to' }, fewer), ['wizard.err.type']);
  assert.deepEqual(stepProblems('environment', { ...draft, environment: 'non-production' }, fewer), ['wizard.err.environment']);
  assert.deepEqual(problemParams(short.rules), { max: 10, line: 3, text: 5 });
});

test('impact is required when the core says so', () => {
  const draft = { ...complete(), impact: '  ' };
  assert.deepEqual(stepProblems('situation', draft, ctx), ['wizard.err.impact']);
  assert.deepEqual(stepProblems('situation', draft, { ...ctx, rules: { ...RULES, impact_required: false } }), []);
});

test('without the rules no step lets the user on', () => {
  const steps = wizardSteps({ phoneCallback: false });
  const noRules = { ...ctx, rules: null };
  assert.deepEqual(stepProblems('type', complete(), noRules), ['wizard.err.rulesLoading']);
  assert.equal(firstIncompleteStep(steps, complete(), noRules), 'type');
});

test('callback windows: the core refuses a window that has ended, not one that has started', () => {
  const draft = complete();
  // NOW is 09:00 in Berlin: a window from 08:30 to 10:00 is under way, still callable.
  draft.callbacks = [{ start: '2026-03-09T08:30', end: '2026-03-09T10:00' }];
  assert.deepEqual(stepProblems('callback', draft, ctx), []);
  draft.callbacks = [{ start: '2026-03-09T08:00', end: '2026-03-09T09:00' }];
  assert.deepEqual(stepProblems('callback', draft, ctx), ['wizard.err.callbackPast'], 'ends now: refused');
});

test('callback windows must be complete, ordered and in the future', () => {
  const draft = complete();
  assert.deepEqual(stepProblems('callback', draft, ctx), []);
  draft.callbacks = [{ start: '2026-03-10T11:00', end: '2026-03-10T09:00' }];
  assert.deepEqual(stepProblems('callback', draft, ctx), ['wizard.err.windowOrder']);
  draft.callbacks = [{ start: '2026-03-01T09:00', end: '2026-03-01T10:00' }, { start: '', end: '' }];
  assert.deepEqual(stepProblems('callback', draft, ctx), ['wizard.err.callbackPast', 'wizard.err.callbackIncomplete']);
  draft.callbacks = [];
  assert.deepEqual(stepProblems('callback', draft, ctx), [], 'no callback is fine');
});

test('maintenance notices need their window', () => {
  const draft = { ...complete(), type: 'maintenance-notice' };
  assert.deepEqual(stepProblems('situation', draft, ctx), ['wizard.err.maintenance']);
  draft.maintenance_start = '2026-03-14T22:00';
  draft.maintenance_end = '2026-03-15T06:00';
  assert.deepEqual(stepProblems('situation', draft, ctx), []);
});

test('submission: NewCase, staged attachments, callback windows in UTC', () => {
  const draft = { ...complete(), attachments: [{ staged_id: 's1', filename: 'a.log', size: 3 }] };
  const steps = wizardSteps({ phoneCallback: true });
  assert.equal(firstIncompleteStep(steps, draft, ctx), null);
  const sub = toSubmission(draft, { zone: 'Europe/Berlin', phoneCallback: true });
  assert.deepEqual(sub, {
    case: {
      type: 'problem',
      subject: 'Nodes drop out',
      severity: 2,
      environment: 'production',
      product: 'Orbit',
      version: '8.2.1',
      situation: 'Since 09:40 …',
      impact: 'Orders stop',
      maintenance_window: null,
      cc: [],
    },
    attachment_ids: ['s1'],
    callback_windows: [{ start: '2026-03-10T08:00:00Z', end: '2026-03-10T10:00:00Z' }],
  });
  assert.deepEqual(toSubmission(draft, { zone: 'UTC', phoneCallback: false }).callback_windows, []);
});

test('drafts round-trip through storage and resume on their step', () => {
  const draft = { ...complete(), step: 'situation' };
  const stored = JSON.parse(JSON.stringify(draftToStored(draft)));
  assert.equal(stored.version, 1);
  assert.equal(stored.product_version, '8.2.1');
  const back = restoreDraft(stored);
  assert.deepEqual(back, draft);
  assert.equal(resumeStep(wizardSteps({ phoneCallback: false }), 'callback'), 'type');
  assert.equal(resumeStep(wizardSteps({ phoneCallback: false }), 'situation'), 'situation');
  assert.deepEqual(restoreDraft(null), emptyDraft());
  assert.equal(draftHasContent(emptyDraft()), false);
  assert.equal(draftHasContent(back), true);
});

test('the advisory note: an advisory type (the core says which) under break/fix only', () => {
  assert.equal(needsAdvisoryNote('how-to', 'break-fix', RULES), true);
  assert.equal(needsAdvisoryNote('how-to', 'advisory', RULES), false);
  assert.equal(needsAdvisoryNote('problem', 'break-fix', RULES), false);
  // The list is the core's, not a copy in the UI: a type the rules name gets the note too.
  assert.equal(needsAdvisoryNote('feature-request', 'break-fix', RULES), true);
});
