// @ts-check
// Entry point of the Casewatch UI: applies the chosen language, asks the Rust side whether a
// session exists, and routes between the screens (hash routes, one web component each).
//
// Routes: #/welcome (first run), #/home, #/kb, #/new-case, #/case/<number>, #/contacts (key
// contact only), #/settings, #/calculator (always reachable, signed in or not). Screens that
// need a session send a signed-out user to #/welcome.

import { language, loadStrings, onLanguageChange, t, translateTree } from './i18n.js';
import { ROUTES, allowed, parseRoute, resolveRoute } from './lib/router.js';
import { externalTarget } from './lib/links.js';
import { linkOpen } from './api.js';
import { loadFormRules } from './form-rules.js';
import { onConnectivityChange, onSessionChange, refreshSession, session } from './state.js';
import './components/language-switch.js';
import './components/deadline-calculator.js';
import './components/welcome-screen.js';
import './components/home-screen.js';
import './components/kb-screen.js';
import './components/wizard/case-wizard.js';
import './components/case-view.js';
import './components/contacts-screen.js';
import './components/settings-screen.js';

/**
 * An element of index.html that the shell cannot run without.
 * @param {ParentNode} root
 * @param {string} selector
 * @returns {HTMLElement}
 */
function shellPart(root, selector) {
  const el = root.querySelector(selector);
  if (!(el instanceof HTMLElement)) throw new Error(`index.html lacks ${selector}`);
  return el;
}

const main = shellPart(document, '.app-main');
const header = shellPart(document, '.app-header');
const headerSwitch = shellPart(header, 'cw-language-switch');
const headerEnd = shellPart(header, '.app-header__end');
let started = false;
/** @type {string | null} the route (name/arg) on screen */
let shown = null;

function route() {
  if (!started) return;
  const { name, arg, redirect } = resolveRoute(window.location.hash, session());
  if (redirect && window.location.hash !== redirect) {
    window.location.replace(redirect);
    return;
  }
  const key = `${name}/${arg ?? ''}`;
  if (shown !== key) {
    shown = key;
    const el = document.createElement(ROUTES[name].tag);
    if (arg) el.setAttribute('number', arg);
    main.replaceChildren(el);
    main.dataset.route = name;
    window.scrollTo(0, 0);
  }
  // One language control on screen at a time (its data-testid is unique): the settings
  // screen has its own.
  if (name === 'settings') headerSwitch.remove();
  else if (!headerSwitch.isConnected) headerEnd.append(headerSwitch);
  renderChrome(name);
}

/** @param {string | null} [current] the route on screen */
function renderChrome(current = parseRoute(window.location.hash).name) {
  const s = session();
  for (const link of /** @type {NodeListOf<HTMLElement>} */ (header.querySelectorAll('[data-route]'))) {
    link.hidden = !allowed(link.dataset.when, s);
    if (link.dataset.route === current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  shellPart(header, '[data-testid="demo-badge"]').hidden = !(s.signed_in && s.demo);
  shellPart(header, '[data-testid="offline-badge"]').hidden = !(s.signed_in && s.offline);
}

function applyLanguage() {
  document.documentElement.lang = language();
  translateTree(header);
  shellPart(header, '.app-nav').setAttribute('aria-label', t('nav.label'));
  renderChrome();
}

// The catalogue must be in before anything is drawn; if it cannot be read, the keys show.
await loadStrings().catch((error) => console.error('strings not loaded', error));
applyLanguage();
onLanguageChange(applyLanguage);
onSessionChange(() => {
  shown = shown && shown.startsWith('calculator') ? shown : null;
  route();
});
onConnectivityChange(() => renderChrome());
window.addEventListener('hashchange', route);

// Links to the outside world (comments, articles, the community forum) open in the desktop's
// browser; the webview never navigates away from the app.
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!link) return;
  const target = externalTarget(link.getAttribute('href'), window.location.origin);
  if (!target) return;
  event.preventDefault();
  linkOpen(target).catch((error) => console.warn('link not opened', error));
});

// The core's case-form rules (severity names among them) are read once, beside the session; a
// failure leaves them unloaded and the wizard asks again when it opens.
Promise.all([refreshSession(), loadFormRules().catch((error) => console.warn('form rules not loaded', error))]).finally(() => {
  started = true;
  document.body.dataset.ready = 'true';
  route();
});
