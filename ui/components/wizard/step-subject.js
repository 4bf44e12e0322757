// @ts-check
// Step 2, the subject, with live suggestions from the local knowledge base: a matching article
// can be read in place, and "this solved it" ends the wizard without filing anything.

import { kbArticle, kbSearch } from '../../api.js';
import { errorBox, h, loading } from '../../dom.js';
import { formRules } from '../../form-rules.js';
import { t } from '../../i18n.js';
import { debounce, latest } from '../../lib/latest.js';
import { SEARCH_DEBOUNCE_MS, articleView, hitCard } from '../kb-hit.js';
import { boundInput, field } from './fields.js';

/** @typedef {import('./case-wizard.js').CaseWizard} CaseWizard */
/** @typedef {import('../kb-hit.js').KbHit} KbHit */

/** How many similar articles the wizard offers. */
const SUGGESTIONS = 5;

/** The subject step and its similar-articles panel. */
export class SubjectStep {
  /** @param {CaseWizard} wiz */
  constructor(wiz) {
    this.wiz = wiz;
    /** @type {KbHit[] | null} */
    this.hits = null;
    /** @type {any} the open article, `{id, loading}` or `{id, error}` while it is not in */
    this.expanded = null;
    /** @type {HTMLElement | null} */
    this.suggestionsEl = null;
    this.nextSuggest = latest();
    this.suggest = debounce(() => this.runSuggest(), SEARCH_DEBOUNCE_MS);
  }

  /** Suggestions for a subject restored or typed earlier. */
  enter() {
    if (this.wiz.draft.subject.trim()) this.runSuggest();
  }

  dispose() {
    this.suggest.cancel();
  }

  reset() {
    this.hits = null;
    this.expanded = null;
  }

  /** @returns {HTMLElement} */
  view() {
    this.suggestionsEl = h('div', { class: 'suggestions', 'aria-live': 'polite' });
    return h(
      'div',
      { class: 'stack' },
      field(
        'wizard.subject',
        boundInput(this.wiz, 'subject', {
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
  }

  mounted() {
    this.renderSuggestions();
  }

  async runSuggest() {
    const query = this.wiz.draft.subject.trim();
    if (!query) {
      this.hits = null;
      this.renderSuggestions();
      return;
    }
    const outcome = await this.nextSuggest(() => kbSearch(query, null, false, SUGGESTIONS));
    if (!outcome.fresh || !this.wiz.isConnected) return;
    this.hits = outcome.error ? [] : outcome.value.hits ?? [];
    this.renderSuggestions();
  }

  /** @param {KbHit} hit */
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

  renderSuggestions() {
    const el = this.suggestionsEl;
    if (!el || !el.isConnected) return;
    if (!this.hits || !this.hits.length) {
      const typed = this.hits && this.wiz.draft.subject.trim();
      el.replaceChildren(h('p', { class: 'muted', text: t(typed ? 'wizard.suggest.none' : 'wizard.suggest.hint') }));
      return;
    }
    el.replaceChildren(
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
              h('button', {
                type: 'button',
                class: 'btn btn--small btn--ok',
                dataset: { testid: 'wizard-solved' },
                text: t('wizard.suggest.solved'),
                onclick: () => this.wiz.solvedIt(hit),
              }),
            ),
          });
        }),
      ),
    );
  }
}
