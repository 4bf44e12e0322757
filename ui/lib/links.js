// @ts-check
// Which clicked links leave the app. The webview only ever shows the app's own pages (the Rust
// side blocks any other navigation), so a web or mail link from an engineer's comment, an
// article or the community forum is handed to the desktop's browser instead.

const OUTSIDE = new Set(['http:', 'https:', 'mailto:']);

/**
 * The URL to open outside the app for a link whose `href` resolved to `href`, or null for the
 * app's own routes (`#/…`, the app's origin) and schemes that are never opened.
 * @param {string | null} href
 * @param {string} appOrigin
 * @returns {string | null}
 */
export function externalTarget(href, appOrigin) {
  /** @type {URL} */
  let url;
  try {
    url = new URL(href ?? '', appOrigin);
  } catch {
    return null;
  }
  if (!OUTSIDE.has(url.protocol)) return null;
  if (url.origin === appOrigin) return null;
  if (url.protocol !== 'mailto:' && !url.hostname) return null;
  return url.href;
}
