// @ts-check
// <cw-case-wizard>: opening a case, one question at a time. This is the controller: it holds
// the draft, saves it as the user types (and restores it on the next visit), moves between
// steps, and submits through the outbox. What each step shows is its own module:
//
//   type → subject (live knowledge-base suggestions; "this solved it" files nothing) →
//   environment, product, version → severity (the core's choices and the expected due time) →
//   situation, impact, attachments → callback windows (phone support only) → review.
//
// Step order and validation are lib/wizard.js (pure, unit-tested); the limits and choices it
// checks against are the core's form rules (form-rules.js).

import { draftDiscard, draftLoad, draftSave, outboxSubmitCase, productsList, attachmentUnstage } from '../../api.js';
import { errorBox, errorText, h, loading } from '../../dom.js';
import { formRules, loadFormRules } from '../../form-rules.js';
import { onLanguageChange, t } from '../../i18n.js';
import { debounce } from '../../lib/latest.js';
import {
  draftHasContent,
  draftToStored,
  emptyDraft,
  firstIncompleteStep,
  nextStep,
  previousStep,
  problemParams,
  restoreDraft,
  resumeStep,
  stepProblems,
  toSubmission,
  wizardSteps,
} from '../../lib/wizard.js';
import { entitlements, handleAuthError } from '../../state.js';
import { localZone } from '../../time.js';
import { finishedView } from './finished.js';
import { footer, restoredNotice, stepper } from './frame.js';
import { CallbackStep } from './step-callback.js';
import { EnvironmentStep } from './step-environment.js';
import { ReviewStep } from './step-review.js';
import { SeverityStep } from './step-severity.js';
import { SituationStep } from './step-situation.js';
import { SubjectStep } from './step-subject.js';
import { TypeStep } from './step-type.js';

/** @typedef {import('../../lib/wizard.js').Draft} Draft */
/** @typedef {import('./finished.js').Finished} Finished */
/** @typedef {import('../kb-hit.js').KbHit} KbHit */
/**
 * A step module: draws its question; may load what it needs when entered, fill parts of its
 * view after it is in the document, and stop timers when the wizard goes away.
 * @typedef {{ view(): HTMLElement, enter?(): void, mounted?(): void, dispose?(): void }} Step
 */

const SAVE_DEBOUNCE_MS = 300;

/** The new-case wizard element. */
export class CaseWizard extends HTMLElement {
  /** @type {Draft} */
  draft = emptyDraft();
  /** @type {string[]} the steps this contract's wizard has */
  steps = wizardSteps({ phoneCallback: false });
  step = 'type';
  ready = false;
  /** @type {string | boolean | null} when the restored draft was saved */
  restored = null;
  /** @type {string[]} i18n keys of what keeps the user on this step */
  problems = [];
  /** @type {Finished | null} */
  finished = null;
  submitting = false;
  /** @type {any} */
  submitError = null;
  /** @type {any} */
  rulesError = null;
  /** @type {'pending' | { saved_at: string } | { error: any } | null} */
  saveState = null;
  /** @type {{ name: string, versions?: string[] }[]} */
  products = [];
  /** @type {HTMLElement | null} */
  footerStatus = null;
  /** @type {(() => void) | null} */
  off = null;
  parts = {
    type: new TypeStep(this),
    subject: new SubjectStep(this),
    environment: new EnvironmentStep(this),
    severity: new SeverityStep(this),
    situation: new SituationStep(this),
    callback: new CallbackStep(this),
    review: new ReviewStep(this),
  };
  save = debounce(() => this.saveNow(), SAVE_DEBOUNCE_MS);

  connectedCallback() {
    this.steps = wizardSteps({ phoneCallback: Boolean(entitlements()?.phone_callback) });
    this.step = this.steps[0];
    this.off = onLanguageChange(() => this.render());
    this.render();
    productsList()
      .then((answer) => {
        this.products = answer.products ?? [];
        if (this.isConnected && this.step === 'environment') this.render();
      })
      .catch(() => {});
    draftLoad()
      .then((answer) => {
        if (answer?.draft) {
          const draft = restoreDraft(answer.draft);
          if (draftHasContent(draft)) {
            this.draft = draft;
            this.step = resumeStep(this.steps, draft.step);
            this.restored = answer.saved_at ?? true;
          }
        }
      })
      .catch((error) => {
        handleAuthError(error);
      })
      .then(() => loadFormRules())
      .catch((error) => {
        this.rulesError = error;
      })
      .finally(() => {
        this.ready = true;
        if (!this.isConnected) return;
        this.enterStep();
      });
  }

  disconnectedCallback() {
    for (const part of Object.values(this.parts)) /** @type {Step} */ (part).dispose?.();
    if (this.off) this.off();
    // Leaving the wizard keeps the draft: save what was typed last.
    if (this.ready && !this.finished && draftHasContent(this.draft)) {
      this.save.cancel();
      this.saveNow();
    }
  }

  /** @returns {Step} the module of the current step */
  currentPart() {
    return /** @type {Record<string, Step>} */ (this.parts)[this.step];
  }

  /** @returns {import('../../lib/wizard.js').StepContext} */
  ctx() {
    return {
      rules: formRules(),
      allowedSeverities: this.parts.severity.allowed(),
      zone: localZone(),
      nowMs: Date.now(),
    };
  }

  /** The draft changed: clear the problems shown and save soon. */
  changed() {
    this.problems = [];
    this.saveState = 'pending';
    this.renderFooterStatus();
    this.save();
  }

  async saveNow() {
    if (this.finished) return;
    try {
      const answer = await draftSave(draftToStored({ ...this.draft, step: this.step }));
      this.saveState = { saved_at: answer?.saved_at ?? new Date().toISOString() };
    } catch (error) {
      this.saveState = { error };
    }
    this.renderFooterStatus();
  }

  /** Shows the current step and starts the work it needs (suggestions, the core's choices). */
  enterStep() {
    this.problems = [];
    this.render();
    this.currentPart()?.enter?.();
  }

  /** @param {string} step */
  go(step) {
    this.step = step;
    this.save();
    this.enterStep();
    const first = this.querySelector('.wizard__body input, .wizard__body textarea');
    if (first instanceof HTMLElement && this.step !== 'type') first.focus();
  }

  next() {
    const { step, problems } = nextStep(this.steps, this.step, this.draft, this.ctx());
    if (problems.length) {
      this.problems = problems;
      this.render();
      return;
    }
    this.go(step);
  }

  back() {
    this.go(previousStep(this.steps, this.step));
  }

  /**
   * An article answered the question: nothing is filed and the draft is dropped.
   * @param {KbHit} hit
   */
  async solvedIt(hit) {
    this.save.cancel();
    this.finished = { kind: 'solved', title: hit.title };
    try {
      await draftDiscard();
    } catch {
      // Nothing was filed either way; a stale draft is harmless.
    }
    this.render();
  }

  async startOver() {
    this.save.cancel();
    for (const a of this.draft.attachments) attachmentUnstage(a.staged_id).catch(() => {});
    this.draft = emptyDraft();
    this.restored = null;
    this.parts.severity.clear();
    this.parts.subject.reset();
    this.step = this.steps[0];
    try {
      await draftDiscard();
    } catch {
      // A stale draft is overwritten by the next save anyway.
    }
    this.enterStep();
  }

  async submit() {
    const incomplete = firstIncompleteStep(this.steps, this.draft, this.ctx());
    if (incomplete) {
      this.go(incomplete);
      this.problems = stepProblems(incomplete, this.draft, this.ctx());
      this.render();
      return;
    }
    this.submitting = true;
    this.submitError = null;
    this.render();
    try {
      const answer = await outboxSubmitCase(
        toSubmission(this.draft, { zone: localZone(), phoneCallback: this.steps.includes('callback') }),
      );
      this.save.cancel();
      if (answer.state === 'sent' && answer.case) {
        this.finished = { kind: 'sent', case: answer.case };
        window.location.hash = `#/case/${answer.case.number}`;
        return;
      }
      this.finished = { kind: 'queued' };
    } catch (error) {
      if (handleAuthError(error)) return;
      this.submitError = error;
    } finally {
      this.submitting = false;
      if (this.isConnected) this.render();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Rendering: the frame (./frame.js: title, stepper, problems, footer) around the step's view.
  // -------------------------------------------------------------------------------------------

  render() {
    if (this.finished) {
      this.replaceChildren(finishedView(this.finished));
      return;
    }
    this.replaceChildren(
      h(
        'section',
        { class: 'card wizard', dataset: { step: this.step } },
        h(
          'header',
          { class: 'wizard__head' },
          h('h1', { text: t('wizard.title') }),
          this.restored ? restoredNotice(() => this.startOver()) : null,
          stepper(this.steps, this.step),
        ),
        h('div', { class: 'wizard__body' }, this.body()),
        this.problems.length
          ? h(
              'ul',
              { class: 'problems', role: 'alert', dataset: { testid: 'wizard-problems' } },
              this.problems.map((key) => h('li', { text: t(key, problemParams(formRules())) })),
            )
          : null,
        footer(this),
      ),
    );
    this.footerStatus = /** @type {HTMLElement | null} */ (this.querySelector('[data-testid="wizard-draft-status"]'));
    this.renderFooterStatus();
    if (this.ready && formRules()) this.currentPart()?.mounted?.();
  }

  /** @returns {HTMLElement} */
  body() {
    if (!this.ready) return loading();
    if (!formRules()) return errorBox(this.rulesError ?? { code: 'unknown', message: '' }, { title: t('wizard.rules.failed') });
    return this.currentPart().view();
  }

  renderFooterStatus() {
    if (!this.footerStatus) return;
    const s = this.saveState;
    let text = '';
    if (s === 'pending') text = t('wizard.saving');
    else if (s && 'error' in s) text = t('wizard.saveFailed', { reason: errorText(s.error) });
    else if (s && 'saved_at' in s) text = t('wizard.saved');
    this.footerStatus.textContent = text;
  }
}

customElements.define('cw-case-wizard', CaseWizard);
