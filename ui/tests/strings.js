// @ts-check
// Test helper: loads the strings catalogue from disk (the webview fetches it; node reads the
// files). Import it before anything that translates; its top-level await finishes first.
import { readFileSync } from 'node:fs';
import { loadStrings } from '../i18n.js';

/**
 * The parsed catalogue file of one language.
 * @param {string} code
 * @returns {Record<string, string>}
 */
export function readCatalogue(code) {
  return JSON.parse(readFileSync(new URL(`../i18n/${code}.json`, import.meta.url), 'utf8'));
}

await loadStrings(readCatalogue);
