// @ts-check
// Entry point of the Casewatch UI: applies the chosen language, asks the Rust side whether a
// session exists, and routes between the screens (hash routes, one web component each).
//
// The language is the Rust side's (`app_settings`, read before the first render, so the window
// never flashes another language); a switch in the window is stored there at once
// (`set_language`), and the tray and the notifications follow it. On every screen change the
// window title names the screen and the keyboard focus moves to the screen's heading, so a
// screen reader announces where the user is and Tab starts from the top of the new screen.
//
// Routes: #/welcome (first run), #/home, #/kb, #/new-case, #/case/<number>, #/contacts (key
// contact only), #/settings, #/calculator (always reachable, signed in or not). Screens that
// need a session send a signed-out user to #/welcome.

import { askAutostartOnce, withdrawAutostartAsk } from './autostart-ask.js';
import { startOpenScreen } from './open-screen.js';
import { language, loadStrings, onLanguageChange, setLanguage, t, translateTree } from './i18n.js';
import { ROUTES, allowed, parseRoute, resolveRoute } from './lib/router.js';
import { externalTarget } from './lib/links.js';
import { appQuit, appSettings, casesCached, linkOpen, onCloseRequested, setLanguageCommand, windowHide, windowTitle } from './api.js';
import { h } from './dom.js';
import { loadFormRules } from './form-rules.js';
import { onConnectivityChange, onSessionChange, refreshSession, session, setBootCases, takeBootCases } from './state.js';
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
    focusHeading(el);
  }
  setTitle(screenTitle(name));
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

/**
 * The window title for a screen: "Settings — Casewatch".
 * @param {string | null} name the route
 * @returns {string}
 */
function screenTitle(name) {
  const route = name ? ROUTES[name] : null;
  return route ? `${t(route.title)} — ${t('app.title')}` : t('app.title');
}

/** @type {(() => void) | null} stops following the screen on screen */
let stopHeadingFocus = null;

/**
 * Moves the keyboard focus to the screen's first heading once it is drawn, and keeps it there
 * while the screen redraws itself (its first answers arrive), until the user moves the focus.
 * @param {HTMLElement} screen
 */
function focusHeading(screen) {
  if (stopHeadingFocus) stopHeadingFocus();
  let userMoved = false;
  const tryFocus = () => {
    const heading = screen.querySelector('h1');
    if (userMoved || !(heading instanceof HTMLElement) || !screen.isConnected) return;
    // Focus the user already put inside the new screen stays; focus left on the navigation link
    // that opened it (WebKit focuses a clicked link) moves on to the heading.
    const active = document.activeElement;
    if (active === heading || (active && screen.contains(active))) return;
    // Focusable by script only: the heading is no stop on the Tab path.
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  };
  const onFocus = (/** @type {FocusEvent} */ event) => {
    if (!(event.target instanceof HTMLElement) || event.target.tagName !== 'H1') userMoved = true;
  };
  const watch = new MutationObserver(tryFocus);
  watch.observe(screen, { childList: true, subtree: true });
  document.addEventListener('focusin', onFocus);
  stopHeadingFocus = () => {
    watch.disconnect();
    document.removeEventListener('focusin', onFocus);
  };
  tryFocus();
}

/** Without a tray icon, closing the window asks: quit (alerts stop) or keep the alerts running. */
function askOnClose() {
  if (document.querySelector('[data-testid="close-ask"]')) return;
  const close = () => dialog.remove();
  const dialog = h(
    'div',
    { class: 'close-ask', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'close-ask-title', dataset: { testid: 'close-ask' } },
    h(
      'div',
      { class: 'card stack close-ask__box' },
      h('h2', { id: 'close-ask-title', text: t('close.title') }),
      h('p', { text: t('close.body') }),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'btn btn--primary', dataset: { testid: 'close-keep' }, text: t('close.keep'), onclick: () => { close(); windowHide().catch((e) => console.warn('not hidden', e)); } }),
        h('button', { type: 'button', class: 'btn btn--danger', dataset: { testid: 'close-quit' }, text: t('close.quit'), onclick: () => appQuit().catch((e) => console.warn('not quit', e)) }),
        h('button', { type: 'button', class: 'btn btn--ghost', dataset: { testid: 'close-cancel' }, text: t('common.cancel'), onclick: close }),
      ),
    ),
  );
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  document.body.append(dialog);
  const first = dialog.querySelector('button');
  if (first) first.focus();
}

/**
 * The page's and the native window's title (the Rust side sets the latter).
 * @param {string} title
 */
function setTitle(title) {
  if (document.title === title) return;
  document.title = title;
  windowTitle(title).catch(() => {});
}

function applyLanguage() {
  document.documentElement.lang = language();
  setTitle(screenTitle(shown ? shown.split('/')[0] : null));
  translateTree(header);
  shellPart(header, '.app-nav').setAttribute('aria-label', t('nav.label'));
  renderChrome();
}

// Everything the first screen needs is asked for at once, not one answer after another: the
// catalogues, the language (local), the session (waits for the keyring restore), the core's
// form rules and the cached case list (the home screen takes it; signed out, it is refused and
// dropped). The catalogue must be in before anything is drawn; if it cannot be read, the keys
// show. The marks (`cw:*`) let the start-up benchmark say where the time goes.
performance.mark('cw:modules');
const sessionRead = refreshSession();
const rulesRead = loadFormRules().catch((error) => console.warn('form rules not loaded', error));
setBootCases(casesCached(true));
const [, stored] = await Promise.all([
  loadStrings().catch((error) => console.error('strings not loaded', error)),
  appSettings().catch((error) => {
    console.warn('no stored language', error);
    return null;
  }),
]);
performance.mark('cw:language');
if (stored) setLanguage(stored.language);
applyLanguage();
onLanguageChange(() => {
  applyLanguage();
  setLanguageCommand(language()).catch((error) => console.warn('language not stored', error));
});
onCloseRequested(askOnClose);
onSessionChange(() => {
  // A sign-in or sign-out after start-up: the list read at start belongs to the old session.
  if (started) takeBootCases();
  shown = shown && shown.startsWith('calculator') ? shown : null;
  route();
  if (session().signed_in) askAutostartOnce(main);
  else withdrawAutostartAsk();
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

// The form rules (severity names among them) are in before the first screen; a failure leaves
// them unloaded and the wizard asks again when it opens.
Promise.all([sessionRead, rulesRead]).finally(() => {
  performance.mark('cw:session');
  started = true;
  document.body.dataset.ready = 'true';
  route();
  // D2: casewatch:// links and notification clicks; the start-at-login question.
  startOpenScreen();
  if (session().signed_in) askAutostartOnce(main);
});
