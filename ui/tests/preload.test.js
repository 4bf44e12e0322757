// index.html names every module of the import graph and every style sheet as a preload, so the
// webview fetches them in one round instead of one round per level of imports (docs/ui.md,
// "Start-up"). This test fails when a module or a sheet is added, renamed or removed without
// the list following it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = join(dirname(fileURLToPath(import.meta.url)), '..');
const html = readFileSync(join(ui, 'index.html'), 'utf8');

/**
 * The modules `entry` imports statically, directly or not (paths relative to ui/).
 * @param {string} entry
 * @returns {Set<string>}
 */
function importGraph(entry) {
  const seen = new Set();
  const stack = [entry];
  while (stack.length) {
    const path = /** @type {string} */ (stack.pop());
    if (seen.has(path)) continue;
    seen.add(path);
    const source = readFileSync(join(ui, path), 'utf8');
    // Static imports and re-exports at line start: `import … from './x.js'`, `import './x.js'`.
    for (const [, spec] of source.matchAll(/^\s*(?:import|export)\s[^'";]*?['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      stack.push(relative(ui, normalize(join(ui, dirname(path), spec))));
    }
  }
  return seen;
}

/**
 * The `href`s of the `<link>`s with `rel` (and `as`, when given).
 * @param {string} rel
 * @param {string} [as]
 */
function links(rel, as) {
  const found = [];
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    if (!tag.includes(`rel="${rel}"`)) continue;
    if (as && !tag.includes(`as="${as}"`)) continue;
    const href = /href="([^"]+)"/.exec(tag);
    if (href) found.push(href[1]);
  }
  return found;
}

test('every module main.js imports, and only those, is a modulepreload', () => {
  const graph = importGraph('main.js');
  graph.delete('main.js');
  assert.ok(graph.size > 20, `the graph walk found only ${graph.size} modules`);
  const preloaded = links('modulepreload');
  assert.equal(new Set(preloaded).size, preloaded.length, 'a module is preloaded twice');
  assert.deepEqual([...preloaded].sort(), [...graph].sort());
});

test('every sheet styles.css imports, and only those, is preloaded as a style', () => {
  const imported = [...readFileSync(join(ui, 'styles.css'), 'utf8').matchAll(/@import url\("([^"]+)"\)/g)].map((m) => m[1]);
  const files = readdirSync(join(ui, 'styles')).filter((f) => f.endsWith('.css')).map((f) => `styles/${f}`);
  assert.deepEqual([...imported].sort(), files.sort(), 'styles.css imports every sheet in styles/');
  assert.deepEqual(links('preload', 'style'), imported, 'preloaded in the cascade order');
});
