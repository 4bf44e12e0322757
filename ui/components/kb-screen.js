// @ts-check
// <cw-kb>: the knowledge base. Searches the local index on every keystroke (debounced 40 ms,
// stale answers dropped), shows highlighted snippets (re-parsed: text and <mark> only), filters
// by language and known issues, opens an article (HTML rendered and sanitised in Rust), and
// shows the sync state with a progress bar and an offline indicator. Hit cards and the article
// view are ./kb-hit.js, shared with the case wizard.

import { KB_OPEN_EVENT, takeKbArticle } from '../open-screen.js';
import { kbArticle, kbSearch, kbSyncNow, kbSyncStatus } from '../api.js';
import { badge, errorBox, h, loading } from '../dom.js';
import { onLanguageChange, t } from '../i18n.js';
import { debounce, latest } from '../lib/latest.js';
import { instantLine } from '../lib/zones.js';
import { handleAuthError, session, setOffline } from '../state.js';
import { localZone } from '../time.js';
import { SEARCH_DEBOUNCE_MS, articleView, hitCard } from './kb-hit.js';

/** @typedef {import('./kb-hit.js').KbHit} KbHit */

/** The knowledge-base screen. */
class KbScreen extends HTMLElement {
  query = '';
  locale = '';
  knownOnly = false;
  /** @type {KbHit[] | null} */
  hits = null;
  offline = false;
  /** @type {any} */
  searchError = null;
  /** @type {any} the open article, or `{id, loading}` / `{id, error}` */
  article = null;
  /** @type {any} the `kb_sync_status` answer */
  sync = null;
  /** @type {any} */
  syncError = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  pollTimer = undefined;
  /** @type {(() => void)[]} */
  offs = [];
  /** @type {HTMLElement | null} */
  syncEl = null;
  /** @type {HTMLElement | null} */
  resultsEl = null;
  /** @type {HTMLElement | null} */
  articleEl = null;
  nextSearch = latest();
  nextArticle = latest();
  search = debounce(() => this.runSearch(), SEARCH_DEBOUNCE_MS);

  connectedCallback() {
    this.build();
    this.offs = [onLanguageChange(() => this.build())];
    this.poll();
    // D2: an article asked for by a casewatch://kb/<id> link (../open-screen.js).
    const openAsked = () => {
      const id = takeKbArticle();
      if (id) this.open(/** @type {KbHit} */ (/** @type {unknown} */ ({ id })));
    };
    window.addEventListener(KB_OPEN_EVENT, openAsked);
    this.offs.push(() => window.removeEventListener(KB_OPEN_EVENT, openAsked));
    openAsked();
  }

  disconnectedCallback() {
    clearTimeout(this.pollTimer);
    this.search.cancel();
    for (const off of this.offs) off();
  }

  async poll() {
    try {
      this.sync = await kbSyncStatus();
      this.syncError = null;
      setOffline(this.sync.offline);
    } catch (error) {
      if (handleAuthError(error)) return;
      this.syncError = error;
    }
    if (!this.isConnected) return;
    this.renderSync();
    this.pollTimer = setTimeout(() => this.poll(), this.sync?.state === 'syncing' ? 1000 : 10_000);
  }

  async syncNow() {
    try {
      this.sync = await kbSyncNow();
    } catch (error) {
      this.syncError = error;
    }
    this.renderSync();
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => this.poll(), 500);
  }

  async runSearch() {
    const query = this.query.trim();
    if (!query) {
      this.hits = null;
      this.searchError = null;
      this.renderResults();
      return;
    }
    const outcome = await this.nextSearch(() => kbSearch(query, this.locale || null, this.knownOnly, 20));
    if (!outcome.fresh || !this.isConnected) return;
    if (outcome.error) {
      this.searchError = outcome.error;
    } else {
      this.hits = outcome.value.hits ?? [];
      this.offline = Boolean(outcome.value.offline);
      this.searchError = null;
    }
    this.renderResults();
  }

  /** @param {KbHit} hit */
  async open(hit) {
    this.article = { id: hit.id, loading: true };
    this.renderResults();
    this.renderArticle();
    const outcome = await this.nextArticle(() => kbArticle(hit.id));
    if (!outcome.fresh || !this.isConnected) return;
    this.article = outcome.error ? { id: hit.id, error: outcome.error } : outcome.value;
    this.renderArticle();
  }

  /** The vendor's community forum, when the portal names one (SPEC §9), with its caveat. */
  community() {
    const url = session().me?.community_url;
    if (!url) return null;
    return h(
      'aside',
      { class: 'card kb__community', dataset: { testid: 'kb-community' } },
      h('h2', { text: t('kb.community.title') }),
      h('p', {}, t('kb.community.text'), ' ', h('a', { href: url, dataset: { testid: 'kb-community-link' }, text: t('kb.community.link') })),
      h('p', { class: 'notice', text: t('kb.community.caution') }),
    );
  }

  build() {
    const input = h('input', {
      type: 'search',
      class: 'kb__input',
      value: this.query,
      placeholder: t('kb.placeholder'),
      'aria-label': t('kb.search'),
      autocomplete: 'off',
      spellcheck: 'false',
      dataset: { testid: 'kb-search-input' },
      oninput: (/** @type {Event} */ e) => {
        this.query = /** @type {HTMLInputElement} */ (e.target).value;
        this.search();
      },
    });
    const localeSelect = /** @type {HTMLSelectElement} */ (h(
      'select',
      {
        dataset: { testid: 'kb-filter-language' },
        onchange: (/** @type {Event} */ e) => {
          this.locale = /** @type {HTMLSelectElement} */ (e.target).value;
          this.runSearch();
        },
      },
      h('option', { value: '', text: t('kb.lang.all') }),
      h('option', { value: 'en', text: 'English' }),
      h('option', { value: 'zh-CN', text: '简体中文' }),
    ));
    localeSelect.value = this.locale;
    const known = h('input', {
      type: 'checkbox',
      checked: this.knownOnly,
      dataset: { testid: 'kb-filter-known-issues' },
      onchange: (/** @type {Event} */ e) => {
        this.knownOnly = /** @type {HTMLInputElement} */ (e.target).checked;
        this.runSearch();
      },
    });
    this.syncEl = h('div', { class: 'kb-sync', dataset: { testid: 'kb-sync' }, 'aria-live': 'polite' });
    this.resultsEl = h('div', { class: 'kb__results' });
    this.articleEl = h('div', { class: 'kb__article card' });
    this.replaceChildren(
      h(
        'div',
        { class: 'kb' },
        h(
          'section',
          { class: 'card kb__search' },
          h('div', { class: 'kb__head' }, h('h1', { text: t('kb.title') }), this.syncEl),
          input,
          h(
            'div',
            { class: 'kb__filters' },
            h('label', { class: 'inline-field' }, h('span', { text: t('kb.lang') }), localeSelect),
            h('label', { class: 'inline-field' }, known, h('span', { text: t('kb.knownOnly') })),
          ),
        ),
        h('div', { class: 'kb__body' }, this.resultsEl, this.articleEl),
        this.community(),
      ),
    );
    this.renderSync();
    this.renderResults();
    this.renderArticle();
    if (this.query) this.runSearch();
    input.focus();
  }

  renderSync() {
    if (!this.syncEl) return;
    const s = this.sync;
    const children = [];
    if (this.syncError && !s) {
      children.push(h('span', { class: 'muted', text: t('kb.sync.unknown') }));
    } else if (s) {
      if (s.offline) children.push(badge(t('common.offline'), 'warn', { dataset: { testid: 'offline' } }));
      if (s.state === 'syncing') {
        const total = s.total ?? 0;
        children.push(
          h('span', { class: 'kb-sync__text', text: total ? t('kb.sync.progress', { done: s.done, total }) : t('kb.sync.running') }),
          h('progress', {
            class: 'bar kb-sync__bar',
            max: String(total || 1),
            ...(total ? { value: String(Math.min(s.done, total)) } : {}),
            dataset: { testid: 'kb-sync-progress' },
          }),
        );
      } else {
        const when = s.last_synced_at ? instantLine(s.last_synced_at, localZone(), t) : t('kb.sync.never');
        children.push(
          h('span', { class: 'kb-sync__text', text: t('kb.sync.idle', { n: s.article_count, when }) }),
        );
        if (s.state === 'error') children.push(badge(t('kb.sync.error'), 'danger', { title: s.error?.message ?? '' }));
        children.push(
          h('button', {
            type: 'button',
            class: 'btn btn--small',
            disabled: s.offline,
            dataset: { testid: 'kb-sync-now' },
            onclick: () => this.syncNow(),
            text: t('kb.sync.now'),
          }),
        );
      }
    }
    this.syncEl.replaceChildren(...children);
  }

  renderResults() {
    if (!this.resultsEl) return;
    let content;
    if (this.searchError) {
      content = errorBox(this.searchError, { title: t('kb.searchFailed') });
    } else if (this.hits === null) {
      content = h('p', { class: 'empty', text: t('kb.hint') });
    } else if (!this.hits.length) {
      content = h('p', { class: 'empty', dataset: { testid: 'kb-no-results' }, text: t('kb.noResults') });
    } else {
      content = h(
        'ul',
        { class: 'kb-hits', 'aria-label': t('kb.results') },
        this.hits.map((hit) =>
          hitCard(hit, { testid: 'kb-result', selected: this.article?.id === hit.id, onopen: (x) => this.open(x) }),
        ),
      );
    }
    const count = this.hits?.length
      ? h('p', { class: 'muted kb__count', text: t('kb.count', { n: this.hits.length }) })
      : null;
    this.resultsEl.replaceChildren(...(count ? [count, content] : [content]));
  }

  renderArticle() {
    if (!this.articleEl) return;
    const a = this.article;
    this.articleEl.hidden = !a;
    if (!a) {
      this.articleEl.replaceChildren();
      return;
    }
    const close = h('button', {
      type: 'button',
      class: 'btn btn--ghost btn--small kb__close',
      text: t('common.close'),
      onclick: () => {
        this.article = null;
        this.renderArticle();
        this.renderResults();
      },
    });
    let body;
    if (a.loading) body = loading();
    else if (a.error) body = errorBox(a.error, { title: t('kb.articleFailed') });
    else body = articleView(a);
    this.articleEl.replaceChildren(close, body);
  }
}

customElements.define('cw-kb', KbScreen);
