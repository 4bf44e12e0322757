// @ts-check
// Small DOM helpers shared by the screens. Everything is built with createElement and
// textContent: no string of HTML from data ever reaches innerHTML, except the bodies the Rust
// side rendered and sanitised (`setTrustedHtml`, used for `*_html` fields only).

import { severityDefinition, severityLabel } from './form-rules.js';
import { has, t } from './i18n.js';

/**
 * `h('button', { class: 'btn', dataset: { testid: 'x' }, onclick: fn }, 'text', child)`.
 * Keys: `class`, `dataset`, `on<event>`, `text`, boolean attributes given as true/false, and
 * any other attribute as a string.
 * @param {string} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  // Properties that are not attributes on every element type: set them by name.
  const props = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (el));
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') props.value = value;
    else if (key === 'checked' || key === 'disabled' || key === 'selected' || key === 'hidden') props[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * @typedef {Node | string | number | null | undefined | false | any[]} Child (arrays are flattened)
 */

/**
 * @param {HTMLElement} el
 * @param {Child[]} children
 */
function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/**
 * Inserts HTML that the Rust side rendered and sanitised (ammonia) into `container`.
 * @param {HTMLElement} container
 * @param {string | null | undefined} html
 */
export function setTrustedHtml(container, html) {
  // The CSP still blocks any script or inline style; the Rust side removed them already.
  container.innerHTML = String(html ?? '');
  for (const a of /** @type {NodeListOf<HTMLAnchorElement>} */ (container.querySelectorAll('a[href]'))) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
}

/**
 * The localised explanation of an error `{code, message}`.
 * @param {any} error
 * @returns {string}
 */
export function errorText(error) {
  const code = error && error.code ? error.code : 'unknown';
  return has(`error.${code}`) ? t(`error.${code}`) : t('error.generic');
}

/**
 * An error panel: localised explanation, the back end's detail, and the code.
 * @param {any} error `{code, message}`
 * @param {{ title?: string, testid?: string }} [options]
 * @returns {HTMLElement}
 */
export function errorBox(error, { title = t('error.failed'), testid } = {}) {
  const code = (error && error.code) || 'unknown';
  const message = (error && error.message) || '';
  return h(
    'div',
    { class: 'error', role: 'alert', dataset: { code, ...(testid ? { testid } : {}) } },
    h('strong', { class: 'error__title', text: title }),
    h('p', { class: 'error__message', text: errorText(error) }),
    message ? h('p', { class: 'error__detail', text: message }) : null,
    h('code', { class: 'error__code', text: code }),
  );
}

/**
 * A "Loading…" placeholder.
 * @returns {HTMLElement}
 */
export function loading() {
  return h('p', { class: 'loading muted', role: 'status', text: t('common.loading') });
}

/**
 * A badge. `tone`: neutral, accent, demo, ok, warn, danger.
 * @param {string} text
 * @param {string} [tone]
 * @param {Record<string, any>} [extra] more attributes
 * @returns {HTMLElement}
 */
export function badge(text, tone = 'neutral', extra = {}) {
  return h('span', { class: `badge badge--${tone}`, ...extra }, text);
}

/**
 * A severity pill "1 · Urgent" (name and definition from the core's form rules).
 * @param {number} severity
 * @returns {HTMLElement}
 */
export function severityPill(severity) {
  return h('span', { class: `sev sev--${severity}`, title: severityDefinition(severity) }, severityLabel(severity));
}

/**
 * The status of a case as a pill.
 * @param {string} status
 * @returns {HTMLElement}
 */
export function statusPill(status) {
  return h('span', { class: `status status--${status}` }, t(`status.${status}`));
}

/**
 * `target` as text: "4 business hours", "30 minutes, 24×7".
 * @param {{ amount: number, unit: string } | null | undefined} target
 * @returns {string}
 */
export function targetText(target) {
  if (!target) return t('target.none');
  const key = `target.${target.unit}`;
  return has(key) ? t(key, { n: target.amount }) : `${target.amount} ${target.unit}`;
}
