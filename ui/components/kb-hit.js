// @ts-check
// A knowledge-base search hit as a card, and an article as an element: shared by the KB screen
// (`<cw-kb>`) and the case wizard's "similar articles" panel, so an article looks the same
// wherever it is found.

import { badge, h, setTrustedHtml } from '../dom.js';
import { t } from '../i18n.js';
import { markedFragment } from '../lib/sanitize.js';
import { instantLine } from '../lib/zones.js';
import { localZone } from '../time.js';

/** How long typing pauses before a search runs (the local index answers in milliseconds). */
export const SEARCH_DEBOUNCE_MS = 40;

/** @typedef {import('../types/contract').KbHitView} KbHit */
/** @typedef {import('../types/contract').KbArticleView} KbArticle */

/**
 * A search hit as a result card: a button that opens it, and optional `extra` below.
 * @param {KbHit} hit
 * @param {{ testid: string, onopen: (hit: KbHit) => void, selected?: boolean, extra?: Node | null }} options
 * @returns {HTMLElement}
 */
export function hitCard(hit, { testid, onopen, selected = false, extra = null }) {
  return h(
    'li',
    { class: `kb-hit${selected ? ' kb-hit--selected' : ''}` },
    h(
      'button',
      { type: 'button', class: 'kb-hit__open', dataset: { testid, articleId: hit.id }, onclick: () => onopen(hit) },
      h(
        'span',
        { class: 'kb-hit__title' },
        markedFragment(hit.title_html ?? hit.title),
        ' ',
        hit.kind === 'known-issue' ? badge(t('kb.kind.known-issue'), 'warn') : badge(t(`kb.kind.${hit.kind}`)),
        ' ',
        badge(hit.locale === 'zh-CN' ? '中文' : 'EN', 'neutral', { lang: hit.locale }),
      ),
      h('span', { class: 'kb-hit__snippet', lang: hit.locale }, markedFragment(hit.snippet_html ?? '')),
    ),
    extra,
  );
}

/**
 * An article as an element: title, meta, and the body the Rust side sanitised.
 * @param {KbArticle} article
 * @returns {HTMLElement}
 */
export function articleView(article) {
  const body = h('div', { class: 'article__body prose', lang: article.locale, dataset: { testid: 'kb-article-body' } });
  setTrustedHtml(body, article.body_html);
  return h(
    'article',
    { class: 'article', lang: article.locale, dataset: { testid: 'kb-article' } },
    h('h2', { class: 'article__title', text: article.title }),
    h(
      'p',
      { class: 'article__meta muted' },
      t(`kb.kind.${article.kind}`),
      ` · ${article.product}${article.versions?.length ? ` ${article.versions.join(', ')}` : ''}`,
      article.updated_at ? ` · ${t('kb.updated', { when: instantLine(article.updated_at, localZone(), t) })}` : '',
    ),
    article.offline_copy ? h('p', { class: 'notice', dataset: { testid: 'kb-offline-copy' }, text: t('kb.offlineCopy') }) : null,
    body,
  );
}
