// @ts-check
// Route table and access rules of the UI, pure so they can be tested without a DOM.

/**
 * @typedef {'signed-out' | 'signed-in' | 'key-contact' | 'always'} Needs
 * @typedef {{ tag: string, title: string, needs: Needs, arg?: RegExp }} Route
 * @typedef {{ signed_in?: boolean, me?: any } | null | undefined} SessionLike
 */

/**
 * Screens by route name: their element, title key, and who may see them.
 * @type {Record<string, Route>}
 */
export const ROUTES = {
  welcome: { tag: 'cw-welcome', title: 'nav.welcome', needs: 'signed-out' },
  home: { tag: 'cw-home', title: 'nav.home', needs: 'signed-in' },
  kb: { tag: 'cw-kb', title: 'nav.kb', needs: 'signed-in' },
  'new-case': { tag: 'cw-case-wizard', title: 'nav.newCase', needs: 'signed-in' },
  case: { tag: 'cw-case-view', title: 'case.title', needs: 'signed-in', arg: /^\d+$/ },
  contacts: { tag: 'cw-contacts', title: 'nav.contacts', needs: 'key-contact' },
  settings: { tag: 'cw-settings', title: 'nav.settings', needs: 'signed-in' },
  calculator: { tag: 'cw-deadline-calculator', title: 'nav.calculator', needs: 'always' },
};

/**
 * `#/case/42` → `{ name: 'case', arg: '42' }`; unknown routes have `name: null`.
 * @param {string | null | undefined} hash
 * @returns {{ name: string | null, arg: string | null }}
 */
export function parseRoute(hash) {
  const parts = String(hash || '')
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean);
  const name = parts[0] && Object.prototype.hasOwnProperty.call(ROUTES, parts[0]) ? parts[0] : null;
  return { name, arg: parts[1] ?? null };
}

/**
 * Whether a session (`SessionStatus`) may see something that `needs` it.
 * @param {string | undefined} needs
 * @param {SessionLike} session
 * @returns {boolean}
 */
export function allowed(needs, session) {
  const signedIn = Boolean(session && session.signed_in);
  if (needs === 'always') return true;
  if (needs === 'signed-out') return !signedIn;
  if (needs === 'signed-in') return signedIn;
  if (needs === 'key-contact') return signedIn && Boolean(session?.me?.user?.key_contact);
  return false;
}

/**
 * The route to show for `hash`: `{ name, arg, redirect }`. `redirect` is the hash to go to
 * instead when the route is unknown, not allowed, or lacks its argument (home when signed in,
 * else the first-run screen).
 * @param {string | null | undefined} hash
 * @param {SessionLike} session
 * @returns {{ name: string, arg: string | null, redirect: string | null }}
 */
export function resolveRoute(hash, session) {
  const { name, arg } = parseRoute(hash);
  const route = name ? ROUTES[name] : null;
  const ok = route && allowed(route.needs, session) && (!route.arg || route.arg.test(arg ?? ''));
  if (ok && name) return { name, arg: route.arg ? arg : null, redirect: null };
  const fallback = session && session.signed_in ? 'home' : 'welcome';
  return { name: fallback, arg: null, redirect: `#/${fallback}` };
}
