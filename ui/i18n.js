// @ts-check
// The UI's access to the strings catalogue: `ui/i18n/<language>.json`, one flat object per
// language (`{"dotted.key": "text with {placeholder}"}`).
//
// Why JSON files and not a module: the same files are read by the Rust side (tray and
// notification texts under `native.*`, via `include_str!`), so everything the user reads is in
// one catalogue per language. Why one module in front of them: components never hard-code text,
// they ask `t(key)`. Switching language is then one event (`cw-language-change`) that every
// component answers by re-rendering, and a missing translation is easy to spot (the key itself
// is shown).
//
// Plurals: a value is a plain string. Where grammar needs a singular (English), the catalogue
// has a sibling key `<key>.one`, used when the parameter `n` is exactly 1; languages without
// plural forms leave it out.
//
// Loading: the files are fetched (no build step) by `loadStrings()`, which `main.js` awaits
// before the first render; node tests hand in a reader that uses `fs` instead.
//
// Which language: the Rust side keeps the one choice (the tray and the notifications speak it
// too); `main.js` reads it before the first render and stores every switch there. This module
// only holds the active code; until told, it guesses from the browser's language.

/** @typedef {Record<string, string>} Catalogue */
/** @typedef {Record<string, string | number>} Params */
/** @typedef {(key: string, params?: Params) => string} Translate what `t` is, for pure modules that take it */

/** The languages the UI offers, in menu order. */
export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
];

/**
 * The loaded catalogues by language code (empty until `loadStrings` resolves).
 * @type {Record<string, Catalogue>}
 */
export const STRINGS = Object.fromEntries(LANGUAGES.map((l) => [l.code, {}]));

const EVENT = 'cw-language-change';

/**
 * Reads one language's catalogue in the webview: the JSON file next to this module.
 * @param {string} code
 * @returns {Promise<Catalogue>}
 */
async function fetchCatalogue(code) {
  const response = await fetch(new URL(`./i18n/${code}.json`, import.meta.url));
  if (!response.ok) throw new Error(`strings for ${code}: HTTP ${response.status}`);
  return response.json();
}

/**
 * Loads every language's catalogue into `STRINGS`. Call once before the first render.
 * @param {(code: string) => Catalogue | Promise<Catalogue>} [read] how to read one language
 *   (the default fetches `./i18n/<code>.json`; tests read the files from disk)
 * @returns {Promise<void>}
 */
export async function loadStrings(read = fetchCatalogue) {
  const tables = await Promise.all(LANGUAGES.map((l) => read(l.code)));
  LANGUAGES.forEach((l, i) => Object.assign(STRINGS[l.code], tables[i]));
}

/** @returns {string} */
function initialLanguage() {
  const system = (typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en').toLowerCase();
  return system.startsWith('zh') ? 'zh-CN' : 'en';
}

let current = initialLanguage();

/**
 * The active language code (`en` or `zh-CN`).
 * @returns {string}
 */
export function language() {
  return current;
}

/**
 * True when `key` has a translation in the active language.
 * @param {string} key
 * @returns {boolean}
 */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(STRINGS[current], key);
}

/**
 * The raw catalogue value for `key` in `table`, taking the singular form when `n` is 1.
 * @param {Catalogue} table
 * @param {string} key
 * @param {Params} params
 * @returns {string | undefined}
 */
function lookup(table, key, params) {
  if (params.n !== undefined && Number(params.n) === 1 && table[`${key}.one`] !== undefined) {
    return table[`${key}.one`];
  }
  return table[key];
}

/**
 * Translates `key`, filling `{name}` placeholders from `params`. Unknown keys show themselves.
 * @param {string} key
 * @param {Params} [params]
 * @returns {string}
 */
export function t(key, params = {}) {
  const value = lookup(STRINGS[current], key, params) ?? lookup(STRINGS.en, key, params);
  if (value === undefined) return key;
  return value.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/**
 * Translates `key` in the language `code` (for text shown in both languages at once).
 * @param {string} code
 * @param {string} key
 * @param {Params} [params]
 * @returns {string}
 */
export function tIn(code, key, params = {}) {
  const saved = current;
  current = STRINGS[code] ? code : saved;
  try {
    return t(key, params);
  } finally {
    current = saved;
  }
}

/**
 * Switches the language and tells every component to re-render (`main.js` stores the choice
 * on the Rust side).
 * @param {string} code
 */
export function setLanguage(code) {
  if (!STRINGS[code] || code === current) return;
  current = code;
  document.documentElement.lang = code;
  window.dispatchEvent(new CustomEvent(EVENT, { detail: { language: code } }));
}

/**
 * Calls `listener` after every language switch; returns a function that unsubscribes.
 * @param {(event: Event) => void} listener
 * @returns {() => void}
 */
export function onLanguageChange(listener) {
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}

/**
 * Fills static text under `root`: `data-i18n` sets the text content, `data-i18n-placeholder`
 * the placeholder, `data-i18n-title` the tooltip.
 * @param {ParentNode} root
 */
export function translateTree(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    if (el instanceof HTMLElement) el.textContent = t(el.dataset.i18n ?? '');
  }
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
      el.placeholder = t(el.dataset.i18nPlaceholder ?? '');
    }
  }
  for (const el of root.querySelectorAll('[data-i18n-title]')) {
    if (el instanceof HTMLElement) el.title = t(el.dataset.i18nTitle ?? '');
  }
}
