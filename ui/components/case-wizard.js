// <cw-case-wizard>: opening a case, one question at a time.
//
// type → subject (with live knowledge-base suggestions and a "this solved it" exit that files
// nothing) → environment, product, version → severity (the core's allowed choices; refused ones
// visible but disabled with the reason; the expected due time of the chosen one) → situation,
// seriousness, attachments → callback windows (only with phone support) → review → submit
// through the outbox. The draft is saved as the user types and restored on the next visit.
// Step order and validation live in lib/wizard.js.

import {
  attachmentStage,
  attachmentUnstage,
  caseDeadlinePreview,
  draftDiscard,
  draftLoad,
  draftSave,
  kbArticle,
  kbSearch,
  outboxSubmitCase,
  productsList,
  severityChoices,
} from '../api.js';
import { badge, errorBox, errorText, h, loading, targetText } from '../dom.js';
import { language, onLanguageChange, t } from '../i18n.js';
import { debounce, latest } from '../lib/latest.js';
import { formRules, loadFormRules, severityDefinition, severityLabel } from '../form-rules.js';
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
import { dueLines, windowLines, wallInputToInstant } from '../lib/zones.js';
import { contractZone, entitlements, handleAuthError, session } from '../state.js';
import { localZone } from '../time.js';
import { SEARCH_DEBOUNCE_MS, articleView, hitCard } from './kb-screen.js';

const SAVE_DEBOUNCE_MS = 300;

class CaseWizard extends HTMLElement {
  connectedCallback() {
    this.draft = emptyDraft();
    this.steps = wizardSteps({ phoneCallback: Boolean(entitlements()?.phone_callback) });
    this.step = this.steps[0];
    this.ready = false;
    this.restored = null;
    this.problems = [];
    this.choices = null;
    this.choicesError = null;
    this.preview = null;
    this.hits = null;
    this.expanded = null;
    this.finished = null;
    this.submitting = false;
    this.submitError = null;
    this.saveState = null;
    this.uploads = [];
    this.products = [];
    this.nextSuggest = latest();
    this.nextChoices = latest();
    this.nextPreview = latest();
    this.suggest = debounce(() => this.runSuggest(), SEARCH_DEBOUNCE_MS);
    this.save = debounce(() => this.saveNow(), SAVE_DEBOUNCE_MS);
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
    this.suggest.cancel();
    if (this.off) this.off();
    // Leaving the wizard keeps the draft: save what was typed last.
    if (this.ready && !this.finished && draftHasContent(this.draft)) {
      this.save.cancel();
      this.saveNow();
    }
  }

  ctx() {
    return {
      rules: formRules(),
      allowedSeverities: this.choices ? this.choices.filter((c) => c.allowed).map((c) => c.severity) : null,
      zone: localZone(),
      nowMs: Date.now(),
    };
  }

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

  /** Work a step needs when it is shown (suggestions, the core's severity choices). */
  enterStep() {
    this.problems = [];
    this.render();
    if (this.step === 'subject' && this.draft.subject.trim()) this.runSuggest();
    if (this.step === 'severity' || this.step === 'review') this.loadChoices();
  }

  go(step) {
    this.step = step;
    this.save();
    this.enterStep();
    const first = this.querySelector('.wizard__body input, .wizard__body textarea');
    if (first && this.step !== 'type') first.focus();
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

  async loadChoices() {
    const outcome = await this.nextChoices(() => severityChoices(this.draft.environment, this.draft.type || 'problem'));
    if (!outcome.fresh || !this.isConnected) return;
    if (outcome.error) {
      this.choices = null;
      this.choicesError = outcome.error;
    } else {
      this.choices = outcome.value.choices ?? [];
      this.choicesError = null;
      const allowed = this.ctx().allowedSeverities;
      const picked = pickSeverity(this.draft.severity, allowed);
      if (picked !== this.draft.severity) {
        this.draft.severity = picked;
        this.changed();
      }
    }
    this.render();
    this.loadPreview();
  }

  async loadPreview() {
    const severity = this.draft.severity;
    if (!severity) {
      this.preview = null;
      return;
    }
    const outcome = await this.nextPreview(() => caseDeadlinePreview(severity, this.draft.environment));
    if (!outcome.fresh || !this.isConnected) return;
    this.preview = outcome.error ? { error: outcome.error } : outcome.value;
    this.renderPreview();
  }

  async runSuggest() {
    const query = this.draft.subject.trim();
    if (!query) {
      this.hits = null;
      this.renderSuggestions();
      return;
    }
    const outcome = await this.nextSuggest(() => kbSearch(query, null, false, 5));
    if (!outcome.fresh || !this.isConnected) return;
    this.hits = outcome.error ? [] : outcome.value.hits ?? [];
    this.renderSuggestions();
  }

  async expand(hit) {
    if (this.expanded?.id === hit.id) {
      this.expanded = null;
      this.renderSuggestions();
      return;
    }
    this.expanded = { id: hit.id, loading: true };
    this.renderSuggestions();
    try {
      this.expanded = await kbArticle(hit.id);
    } catch (error) {
      this.expanded = { id: hit.id, error };
    }
    this.renderSuggestions();
  }

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
    this.choices = null;
    this.preview = null;
    this.hits = null;
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

  async addFiles(files) {
    for (const file of files) {
      const upload = { name: file.name, busy: true };
      this.uploads.push(upload);
      this.renderAttachments();
      try {
        const staged = await attachmentStage(file);
        this.draft.attachments.push(staged);
        this.changed();
        this.uploads.splice(this.uploads.indexOf(upload), 1);
      } catch (error) {
        upload.busy = false;
        upload.error = error;
      }
      this.renderAttachments();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Rendering
  // -------------------------------------------------------------------------------------------

  render() {
    if (this.finished) {
      this.replaceChildren(this.finishedView());
      return;
    }
    const stepper = h(
      'ol',
      { class: 'stepper', 'aria-label': t('wizard.steps') },
      this.steps.map((step, i) =>
        h(
          'li',
          {
            class: `stepper__step${step === this.step ? ' stepper__step--current' : ''}${
              i < this.steps.indexOf(this.step) ? ' stepper__step--done' : ''
            }`,
            'aria-current': step === this.step ? 'step' : null,
          },
          h('span', { class: 'stepper__n', text: String(i + 1) }),
          h('span', { class: 'stepper__label', text: t(`wizard.step.${step}`) }),
        ),
      ),
    );
    let body = loading();
    if (this.ready && !formRules()) body = errorBox(this.rulesError ?? { code: 'unknown', message: '' }, { title: t('wizard.rules.failed') });
    else if (this.ready) body = this.stepView();
    this.footerStatus = h('span', { class: 'wizard__saved muted', dataset: { testid: 'wizard-draft-status' } });
    const isLast = this.step === this.steps[this.steps.length - 1];
    const footer = h(
      'footer',
      { class: 'wizard__footer' },
      h('button', {
        type: 'button',
        class: 'btn btn--ghost',
        disabled: this.step === this.steps[0] || this.submitting,
        dataset: { testid: 'wizard-back' },
        onclick: () => this.back(),
        text: t('wizard.back'),
      }),
      this.footerStatus,
      isLast
        ? h('button', {
            type: 'button',
            class: 'btn btn--primary',
            disabled: this.submitting || !this.ready,
            dataset: { testid: 'wizard-submit' },
            onclick: () => this.submit(),
            text: this.submitting ? t('wizard.submitting') : t('wizard.submit'),
          })
        : h('button', {
            type: 'button',
            class: 'btn btn--primary',
            disabled: !this.ready,
            dataset: { testid: 'wizard-next' },
            onclick: () => this.next(),
            text: t('wizard.next'),
          }),
    );
    this.replaceChildren(
      h(
        'section',
        { class: 'card wizard', dataset: { step: this.step } },
        h(
          'header',
          { class: 'wizard__head' },
          h('h1', { text: t('wizard.title') }),
          this.restored
            ? h(
                'p',
                { class: 'notice notice--info', dataset: { testid: 'wizard-restored' } },
                t('wizard.restored'),
                ' ',
                h('button', { type: 'button', class: 'btn btn--link', text: t('wizard.startOver'), onclick: () => this.startOver() }),
              )
            : null,
          stepper,
        ),
        h('div', { class: 'wizard__body' }, body),
        this.problems.length
          ? h(
              'ul',
              { class: 'problems', role: 'alert', dataset: { testid: 'wizard-problems' } },
              this.problems.map((key) => h('li', { text: t(key, problemParams(formRules())) })),
            )
          : null,
        footer,
      ),
    );
    this.renderFooterStatus();
    this.renderSuggestions();
    this.renderAttachments();
    this.renderPreview();
  }

  renderFooterStatus() {
    if (!this.footerStatus) return;
    const s = this.saveState;
    let text = '';
    if (s === 'pending') text = t('wizard.saving');
    else if (s?.error) text = t('wizard.saveFailed', { reason: errorText(s.error) });
    else if (s?.saved_at) text = t('wizard.saved');
    this.footerStatus.textContent = text;
  }

  field(labelKey, control, hintKey) {
    return h(
      'label',
      { class: 'field' },
      h('span', { class: 'field__label', text: t(labelKey) }),
      hintKey ? h('span', { class: 'field__hint', text: t(hintKey) }) : null,
      control,
    );
  }

  /** A text control bound to `draft[key]`; `after` runs after each edit. */
  input(key, { after, ...attrs } = {}, tag = 'input') {
    return h(tag, {
      value: this.draft[key],
      ...attrs,
      oninput: (e) => {
        this.draft[key] = e.target.value;
        this.changed();
        if (after) after();
      },
    });
  }

  advisoryNote() {
    const kind = session().me?.contract?.support_kind ?? entitlements()?.support_kind;
    if (!needsAdvisoryNote(this.draft.type, kind)) return null;
    return h('div', { class: 'notice', dataset: { testid: 'wizard-advisory-note' } }, h('strong', { text: t('wizard.advisory.title') }), ' ', t('wizard.advisory.text'));
  }

  stepView() {
    switch (this.step) {
      case 'type':
        return h(
          'div',
          { class: 'stack' },
          h('h2', { text: t('wizard.type.q') }),
          h(
            'div',
            { class: 'choices', role: 'radiogroup' },
            (formRules()?.case_types ?? []).map((type) =>
              this.choice('case-type', type, this.draft.type === type, `wizard-type-${type}`, t(`type.${type}`), t(`type.${type}.help`), () => {
                this.draft.type = type;
                this.changed();
                this.render();
              }),
            ),
          ),
          this.advisoryNote(),
        );
      case 'subject':
        this.suggestionsEl = h('div', { class: 'suggestions', 'aria-live': 'polite' });
        return h(
          'div',
          { class: 'stack' },
          this.field(
            'wizard.subject',
            this.input('subject', {
              type: 'text',
              maxlength: formRules()?.subject_max,
              autocomplete: 'off',
              dataset: { testid: 'wizard-subject' },
              placeholder: t('wizard.subject.placeholder'),
              after: () => this.suggest(),
            }),
            'wizard.subject.hint',
          ),
          this.suggestionsEl,
        );
      case 'environment': {
        const productList = h(
          'datalist',
          { id: 'cw-products' },
          this.products.map((p) => h('option', { value: p.name })),
        );
        const product = this.products.find((p) => p.name === this.draft.product);
        const versionList = h('datalist', { id: 'cw-versions' }, (product?.versions ?? []).map((v) => h('option', { value: v })));
        return h(
          'div',
          { class: 'stack' },
          h('h2', { text: t('wizard.environment.q') }),
          h(
            'div',
            { class: 'choices choices--two', role: 'radiogroup' },
            (formRules()?.environments ?? []).map((env) =>
              this.choice('environment', env, this.draft.environment === env, `wizard-environment-${env}`, t(`environment.${env}`), t(`environment.${env}.help`), () => {
                this.draft.environment = env;
                this.choices = null;
                this.changed();
                this.render();
              }),
            ),
          ),
          h(
            'div',
            { class: 'field-row' },
            this.field('wizard.product', this.input('product', { type: 'text', list: 'cw-products', dataset: { testid: 'wizard-product' }, after: () => this.refreshVersions() })),
            this.field('wizard.version', this.input('version_text', { type: 'text', list: 'cw-versions', dataset: { testid: 'wizard-version' } })),
          ),
          productList,
          versionList,
        );
      }
      case 'severity':
        return this.severityView();
      case 'situation':
        this.attachmentsEl = h('div', { class: 'attachments' });
        return h(
          'div',
          { class: 'stack' },
          this.field('wizard.situation', this.input('situation', { rows: '6', dataset: { testid: 'wizard-situation' }, placeholder: t('wizard.situation.placeholder') }, 'textarea'), 'wizard.situation.hint'),
          this.field('wizard.impact', this.input('impact', { rows: '4', dataset: { testid: 'wizard-impact' }, placeholder: t('wizard.impact.placeholder') }, 'textarea'), 'wizard.impact.hint'),
          this.draft.type === 'maintenance-notice'
            ? h(
                'fieldset',
                {},
                h('legend', { text: t('wizard.maintenance', { zone: localZone() }) }),
                h(
                  'div',
                  { class: 'field-row' },
                  this.field('wizard.maintenance.start', this.input('maintenance_start', { type: 'datetime-local', dataset: { testid: 'wizard-maintenance-start' } })),
                  this.field('wizard.maintenance.end', this.input('maintenance_end', { type: 'datetime-local', dataset: { testid: 'wizard-maintenance-end' } })),
                ),
              )
            : null,
          h(
            'div',
            { class: 'field' },
            h('span', { class: 'field__label', text: t('wizard.attachments') }),
            h('span', { class: 'field__hint', text: t('wizard.attachments.hint') }),
            h('input', {
              type: 'file',
              multiple: true,
              dataset: { testid: 'wizard-attachments' },
              onchange: (e) => {
                const files = [...e.target.files];
                e.target.value = '';
                this.addFiles(files);
              },
            }),
            this.attachmentsEl,
          ),
        );
      case 'callback':
        return this.callbackView();
      case 'review':
        return this.reviewView();
      default:
        return null;
    }
  }

  refreshVersions() {
    const list = this.querySelector('#cw-versions');
    if (!list) return;
    const product = this.products.find((p) => p.name === this.draft.product);
    list.replaceChildren(...(product?.versions ?? []).map((v) => h('option', { value: v })));
  }

  choice(name, value, checked, testid, title, help, onpick, { disabled = false, extra = null } = {}) {
    return h(
      'label',
      { class: `choice${checked ? ' choice--selected' : ''}${disabled ? ' choice--disabled' : ''}` },
      h('input', { type: 'radio', name, value, checked, disabled, dataset: { testid }, onchange: onpick }),
      h('span', { class: 'choice__body' }, h('span', { class: 'choice__title', text: title }), help ? h('span', { class: 'choice__desc', text: help }) : null, extra),
    );
  }

  severityView() {
    if (this.choicesError) return errorBox(this.choicesError, { title: t('wizard.severity.failed') });
    if (!this.choices) return loading();
    const other = language() === 'en' ? 'zh-CN' : 'en';
    this.previewEl = h('div', { class: 'preview', dataset: { testid: 'wizard-due-preview' }, 'aria-live': 'polite' });
    return h(
      'div',
      { class: 'stack' },
      h('h2', { text: t('wizard.severity.q') }),
      h('p', { class: 'muted', text: t('wizard.severity.intro', { environment: t(`environment.${this.draft.environment}`) }) }),
      h(
        'div',
        { class: 'choices', role: 'radiogroup' },
        this.choices.map((c) => {
          const extra = [
            h('span', { class: 'choice__desc choice__desc--other', lang: other, text: severityDefinition(c.severity, other) }),
            c.allowed
              ? h('span', { class: 'choice__target', text: c.target ? t('wizard.severity.target', { target: targetText(c.target) }) : c.best_effort ? t('deadline.bestEffort', { target: targetText(c.best_effort) }) : t('deadline.noTarget') })
              : h('span', { class: 'choice__reason', dataset: { testid: `wizard-severity-${c.severity}-reason` } }, t('wizard.severity.refused', { reason: errorText(c.refusal) }), c.refusal?.message ? h('span', { class: 'choice__detail', text: c.refusal.message }) : null),
          ];
          return this.choice(
            'severity',
            String(c.severity),
            this.draft.severity === c.severity,
            `wizard-severity-${c.severity}`,
            severityLabel(c.severity),
            severityDefinition(c.severity),
            () => {
              this.draft.severity = c.severity;
              this.changed();
              this.render();
              this.loadPreview();
            },
            { disabled: !c.allowed, extra },
          );
        }),
      ),
      this.previewEl,
    );
  }

  renderPreview() {
    if (!this.previewEl || !this.previewEl.isConnected) return;
    const p = this.preview;
    let children;
    if (!p) children = [];
    else if (p.error) children = [errorBox(p.error, { title: t('wizard.preview.failed') })];
    else if (p.due_at) {
      const lines = dueLines(p.due_at, p.time_zone ?? contractZone(), t);
      children = [
        h('strong', { text: t('wizard.preview.title', { severity: severityLabel(p.severity) }) }),
        h('span', { class: 'muted', text: ` ${targetText(p.target)}` }),
        h(
          'ul',
          { class: 'preview__lines' },
          lines.map((l) => h('li', {}, h('span', { class: 'deadline__tag', text: t(`deadline.${l.kind}`) }), ` ${l.time} `, h('span', { class: 'muted', text: l.zone }))),
        ),
        p.target && p.target.unit.startsWith('business') ? h('p', { class: 'hint', text: t('wizard.preview.note') }) : null,
      ];
    } else if (p.best_effort) children = [h('span', { text: t('deadline.bestEffort', { target: targetText(p.best_effort) }) })];
    else children = [h('span', { text: t('deadline.noTarget') })];
    this.previewEl.replaceChildren(...children);
  }

  renderSuggestions() {
    if (!this.suggestionsEl || !this.suggestionsEl.isConnected) return;
    if (!this.hits || !this.hits.length) {
      this.suggestionsEl.replaceChildren(
        this.hits && this.draft.subject.trim() ? h('p', { class: 'muted', text: t('wizard.suggest.none') }) : h('p', { class: 'muted', text: t('wizard.suggest.hint') }),
      );
      return;
    }
    this.suggestionsEl.replaceChildren(
      h('h3', { class: 'suggestions__title', text: t('wizard.suggest.title') }),
      h(
        'ul',
        { class: 'kb-hits' },
        this.hits.map((hit) => {
          const open = this.expanded?.id === hit.id;
          let detail = null;
          if (open) {
            if (this.expanded.loading) detail = loading();
            else if (this.expanded.error) detail = errorBox(this.expanded.error, { title: t('kb.articleFailed') });
            else detail = h('div', { class: 'suggestion__article' }, articleView(this.expanded));
          }
          return hitCard(hit, {
            testid: 'wizard-suggestion',
            selected: open,
            onopen: (x) => this.expand(x),
            extra: h(
              'div',
              { class: 'suggestion__actions' },
              detail,
              h('button', { type: 'button', class: 'btn btn--small btn--ok', dataset: { testid: 'wizard-solved' }, text: t('wizard.suggest.solved'), onclick: () => this.solvedIt(hit) }),
            ),
          });
        }),
      ),
    );
  }

  renderAttachments() {
    if (!this.attachmentsEl || !this.attachmentsEl.isConnected) return;
    const items = [
      ...this.draft.attachments.map((a) =>
        h(
          'li',
          { class: 'attachment' },
          h('span', { class: 'attachment__name', text: a.filename }),
          h('span', { class: 'muted', text: formatBytes(a.size) }),
          h('button', {
            type: 'button',
            class: 'btn btn--ghost btn--small',
            text: t('common.remove'),
            onclick: () => {
              this.draft.attachments = this.draft.attachments.filter((x) => x !== a);
              attachmentUnstage(a.staged_id).catch(() => {});
              this.changed();
              this.renderAttachments();
            },
          }),
        ),
      ),
      ...this.uploads.map((u) =>
        h('li', { class: 'attachment' }, h('span', { class: 'attachment__name', text: u.name }), u.busy ? h('span', { class: 'muted', text: t('wizard.uploading') }) : h('span', { class: 'error-text', text: errorText(u.error) })),
      ),
    ];
    this.attachmentsEl.replaceChildren(items.length ? h('ul', { class: 'attachment-list' }, items) : '');
  }

  callbackView() {
    const zone = contractZone();
    const list = h('ol', { class: 'windows' });
    const renderList = () => {
      list.replaceChildren(
        ...this.draft.callbacks.map((w, i) => {
          const start = wallInputToInstant(w.start);
          const end = wallInputToInstant(w.end);
          const lines = start && end ? windowLines(start, end, zone, t) : null;
          const bind = (key) => (e) => {
            w[key] = e.target.value;
            this.changed();
          };
          return h(
            'li',
            { class: 'window' },
            h(
              'div',
              { class: 'field-row' },
              this.field('wizard.callback.start', h('input', { type: 'datetime-local', value: w.start, dataset: { testid: 'wizard-callback-start' }, oninput: bind('start'), onchange: renderList })),
              this.field('wizard.callback.end', h('input', { type: 'datetime-local', value: w.end, dataset: { testid: 'wizard-callback-end' }, oninput: bind('end'), onchange: renderList })),
            ),
            lines
              ? h(
                  'p',
                  { class: 'window__zones' },
                  h('span', {}, h('span', { class: 'deadline__tag', text: t('deadline.local') }), ` ${lines.local}`),
                  zone && zone !== localZone() ? h('span', {}, h('span', { class: 'deadline__tag', text: t('deadline.contract') }), ` ${lines.contract}`) : null,
                )
              : null,
            h('button', {
              type: 'button',
              class: 'btn btn--ghost btn--small',
              text: t('common.remove'),
              onclick: () => {
                this.draft.callbacks.splice(i, 1);
                this.changed();
                renderList();
              },
            }),
          );
        }),
      );
    };
    renderList();
    return h(
      'div',
      { class: 'stack' },
      h('h2', { text: t('wizard.callback.q') }),
      h('p', { class: 'muted', text: t('wizard.callback.intro', { zone: localZone() }) }),
      list,
      h('button', {
        type: 'button',
        class: 'btn',
        dataset: { testid: 'wizard-callback-add' },
        text: t('wizard.callback.add'),
        onclick: () => {
          this.draft.callbacks.push({ start: '', end: '' });
          this.changed();
          renderList();
        },
      }),
      h('p', { class: 'hint', text: t('wizard.callback.how') }),
    );
  }

  reviewView() {
    const d = this.draft;
    const row = (label, value) => h('div', { class: 'fact' }, h('dt', { text: label }), h('dd', {}, value));
    const zone = contractZone();
    this.previewEl = h('div', { class: 'preview', 'aria-live': 'polite' });
    return h(
      'div',
      { class: 'stack' },
      h('h2', { text: t('wizard.review.q') }),
      this.advisoryNote(),
      h(
        'dl',
        { class: 'facts review' },
        row(t('wizard.review.type'), d.type ? t(`type.${d.type}`) : '—'),
        row(t('wizard.subject'), d.subject),
        row(t('wizard.review.where'), `${t(`environment.${d.environment}`)} · ${d.product} ${d.version_text}`),
        row(t('wizard.review.severity'), d.severity ? severityLabel(d.severity) : '—'),
        row(t('wizard.situation'), h('span', { class: 'pre', text: d.situation })),
        row(t('wizard.impact'), h('span', { class: 'pre', text: d.impact })),
        d.type === 'maintenance-notice'
          ? row(
              t('wizard.review.maintenance'),
              (() => {
                const s = wallInputToInstant(d.maintenance_start);
                const e = wallInputToInstant(d.maintenance_end);
                return s && e ? windowLines(s, e, zone, t).local : '—';
              })(),
            )
          : null,
        row(t('wizard.attachments'), d.attachments.length ? d.attachments.map((a) => a.filename).join(', ') : t('common.none')),
        this.steps.includes('callback')
          ? row(
              t('wizard.review.callbacks'),
              d.callbacks.length
                ? h(
                    'ul',
                    { class: 'plain' },
                    d.callbacks.map((w) => {
                      const s = wallInputToInstant(w.start);
                      const e = wallInputToInstant(w.end);
                      if (!s || !e) return h('li', { text: '—' });
                      const l = windowLines(s, e, zone, t);
                      return h('li', {}, l.local, zone && zone !== localZone() ? h('span', { class: 'muted block', text: l.contract }) : null);
                    }),
                  )
                : t('wizard.review.noCallback'),
            )
          : null,
      ),
      this.previewEl,
      this.submitError ? errorBox(this.submitError, { title: t('wizard.submitFailed'), testid: 'wizard-error' }) : null,
    );
  }

  finishedView() {
    const f = this.finished;
    const home = h('a', { class: 'btn btn--primary', href: '#/home', text: t('nav.home') });
    if (f.kind === 'solved') {
      return h(
        'section',
        { class: 'card finished', dataset: { testid: 'wizard-solved-done' } },
        h('h1', { text: t('wizard.solved.title') }),
        h('p', { text: t('wizard.solved.text', { title: f.title }) }),
        h('div', { class: 'actions' }, home, h('a', { class: 'btn', href: '#/kb', text: t('nav.kb') })),
      );
    }
    return h(
      'section',
      { class: 'card finished', dataset: { testid: 'wizard-queued' } },
      h('h1', {}, badge(t('wizard.queued.badge'), 'warn'), ' ', t('wizard.queued.title')),
      h('p', { text: t('wizard.queued.text') }),
      h('div', { class: 'actions' }, home),
    );
  }
}

function formatBytes(n) {
  if (!Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

customElements.define('cw-case-wizard', CaseWizard);
