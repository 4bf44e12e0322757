// Small DOM helpers shared by the screens. Everything is built with createElement and
// textContent: no string of HTML from data ever reaches innerHTML, except the bodies the Rust
// side rendered and sanitised (`setTrustedHtml`, used for `*_html` fields only).

import { severityDefinition, severityLabel } from './form-rules.js';
import { has, t } from './i18n.js';

/**
 * `h('button', { class: 'btn', dataset: { testid: 'x' }, onclick: fn }, 'text', child)`.
 * Keys: `class`, `dataset`, `on<event>`, `text`, boolean attributes given as true/false, and
 * any other attribute as a string.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked' || key === 'disabled' || key === 'selected' || key === 'hidden') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Inserts HTML that the Rust side rendered and sanitised (ammonia) into `container`. */
export function setTrustedHtml(container, html) {
  // The CSP still blocks any script or inline style; the Rust side removed them already.
  container.innerHTML = String(html ?? '');
  for (const a of container.querySelectorAll('a[href]')) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
}

/** The localised explanation of an error `{code, message}`. */
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

/** A "Loading…" placeholder. */
export function loading() {
  return h('p', { class: 'loading muted', role: 'status', text: t('common.loading') });
}

/** A badge. `tone`: neutral, accent, demo, ok, warn, danger. */
export function badge(text, tone = 'neutral', extra = {}) {
  return h('span', { class: `badge badge--${tone}`, ...extra }, text);
}

/** A severity pill "1 · Urgent" (name and definition from the core's form rules). */
export function severityPill(severity) {
  return h('span', { class: `sev sev--${severity}`, title: severityDefinition(severity) }, severityLabel(severity));
}

/** The status of a case as a pill. */
export function statusPill(status) {
  return h('span', { class: `status status--${status}` }, t(`status.${status}`));
}

/** `target` as text: "4 business hours", "30 minutes, 24×7". */
export function targetText(target) {
  if (!target) return t('target.none');
  const key = `target.${target.unit}`;
  return has(key) ? t(key, { n: target.amount }) : `${target.amount} ${target.unit}`;
}
