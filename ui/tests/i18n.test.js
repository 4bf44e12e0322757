// Every string exists in both languages, none is empty, placeholders match, and every key the
// UI's source asks for exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import './strings.js';
import { LANGUAGES, STRINGS, t, tIn, has } from '../i18n.js';

const UI = join(dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE = { n: 2, d: '3 h', target: '1 day', when: 'now', done: 1, total: 3, zone: 'UTC', name: 'A', email: 'a@b', percent: 50, reason: 'r', severity: 'S', environment: 'E', title: 'T', instant: 'I' };

const render = (value) => value.replace(/\{(\w+)\}/g, (whole, name) => (name in SAMPLE ? String(SAMPLE[name]) : whole));
// Singular forms (`<key>.one`) exist only where a language has them.
const base = (keys) => keys.filter((k) => !k.endsWith('.one'));

test('the catalogue files are flat objects of strings', () => {
  for (const [code, strings] of Object.entries(STRINGS)) {
    assert.ok(Object.keys(strings).length > 300, `${code} is loaded`);
    for (const [key, value] of Object.entries(strings)) assert.equal(typeof value, 'string', `${code} ${key}`);
  }
});

test('a singular form sits next to its plural', () => {
  for (const [code, strings] of Object.entries(STRINGS)) {
    for (const key of Object.keys(strings).filter((k) => k.endsWith('.one'))) {
      assert.ok(key.slice(0, -4) in strings, `${code} ${key} has no plural`);
      assert.match(strings[key], /\{n\}/, `${code} ${key} mentions n`);
    }
  }
});

test('both languages have the same keys', () => {
  const en = base(Object.keys(STRINGS.en)).sort();
  const zh = base(Object.keys(STRINGS['zh-CN'])).sort();
  assert.deepEqual(
    en.filter((k) => !zh.includes(k)),
    [],
    'keys missing in zh-CN',
  );
  assert.deepEqual(
    zh.filter((k) => !en.includes(k)),
    [],
    'keys missing in en',
  );
  assert.deepEqual(LANGUAGES.map((l) => l.code).sort(), Object.keys(STRINGS).sort());
});

test('no string is empty in any language', () => {
  for (const [code, strings] of Object.entries(STRINGS)) {
    for (const [key, value] of Object.entries(strings)) {
      const text = render(value);
      assert.equal(typeof text, 'string', `${code} ${key}`);
      assert.ok(text.trim().length > 0, `${code} ${key} is empty`);
    }
  }
});

test('placeholders are the same in both languages', () => {
  const names = (v) => [...new Set([...v.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
  for (const key of base(Object.keys(STRINGS.en))) {
    const a = names(STRINGS.en[key]);
    assert.deepEqual(names(STRINGS['zh-CN'][key]), a, `placeholders of ${key}`);
    if (`${key}.one` in STRINGS.en) assert.deepEqual(names(STRINGS.en[`${key}.one`]), a, `placeholders of ${key}.one`);
  }
});

test('the Chinese strings are Chinese where the English ones are words', () => {
  let translated = 0;
  for (const key of base(Object.keys(STRINGS.en))) {
    const en = render(STRINGS.en[key]);
    const zh = render(STRINGS['zh-CN'][key]);
    if (/[\u4e00-\u9fff]/.test(zh)) translated += 1;
    else if (/[a-z]{4,}/.test(en) && !/^(Casewatch|UTC|DEMO)$/.test(en)) {
      // Allowed: strings that are codes or names in both languages.
      assert.ok(!/ [a-z]+ [a-z]+ /.test(en), `${key} looks untranslated: ${zh}`);
    }
  }
  assert.ok(translated > 300, `only ${translated} Chinese strings`);
});

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'tests' || entry.name === 'dev') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(js|html)$/.test(entry.name)) out.push(path);
  }
  return out;
}

test('every key the UI uses exists', () => {
  const missing = [];
  for (const file of sourceFiles(UI)) {
    const text = readFileSync(file, 'utf8');
    const keys = [
      ...[...text.matchAll(/\bt\('([\w.-]+)'/g)].map((m) => m[1]),
      ...[...text.matchAll(/data-i18n(?:-placeholder|-title)?="([\w.-]+)"/g)].map((m) => m[1]),
      ...[...text.matchAll(/'(wizard\.err\.\w+)'/g)].map((m) => m[1]),
      ...[...text.matchAll(/this\.field\('([\w.-]+)'/g)].map((m) => m[1]),
    ];
    for (const key of keys) if (!(key in STRINGS.en)) missing.push(`${file}: ${key}`);
  }
  assert.deepEqual(missing, []);
});

test('keys built from wire values exist for every value', () => {
  const families = {
    'type.': ['problem', 'feature-request', 'how-to', 'account-change', 'maintenance-notice'],
    'status.': ['waiting-on-vendor', 'waiting-on-customer', 'solved', 'closed'],
    'kind.': ['break-fix', 'advisory'],
    'environment.': ['production', 'non-production'],
    'kb.kind.': ['guide', 'faq', 'known-issue'],
    'wizard.step.': ['type', 'subject', 'environment', 'severity', 'situation', 'callback', 'review'],
    'level.': ['limited', 'base', 'enhanced', 'premium', 'gold', 'platinum', 'enterprise', 'development'],
  };
  for (const [prefix, values] of Object.entries(families)) {
    for (const v of values) assert.ok(`${prefix}${v}` in STRINGS.en, `${prefix}${v}`);
  }
  // Severity names and definitions are the core's (`case_form_rules`), never the catalogue's.
  for (const code of Object.keys(STRINGS)) {
    assert.deepEqual(Object.keys(STRINGS[code]).filter((k) => /^severity\.\d/.test(k)), [], `${code} holds a severity text`);
  }
  for (const type of families['type.']) assert.ok(`type.${type}.help` in STRINGS.en);
  for (const code of ['severity_not_allowed', 'severity_requires_production', 'unauthorized', 'offline', 'invalid_credentials']) {
    assert.ok(`error.${code}` in STRINGS['zh-CN'], code);
  }
});

test('t fills placeholders and falls back to the key', () => {
  assert.equal(t('home.signedInAs', { name: 'Ann', email: 'a@x' }), 'Signed in as Ann (a@x)');
  assert.equal(t('no.such.key'), 'no.such.key');
  assert.equal(has('nav.home'), true);
  assert.equal(tIn('zh-CN', 'nav.home'), '首页');
  assert.equal(t('nav.home'), 'Home', 'tIn leaves the active language alone');
  assert.equal(t('dur.d', { n: 1 }), '1 day');
  assert.equal(t('dur.d', { n: 3 }), '3 days');
  assert.equal(t('kb.sync.idle', { n: 1, when: 'now' }), '1 article · synced now');
  assert.equal(tIn('zh-CN', 'target.hours', { n: 1 }), '1 个小时，全天候', 'no singular form: the plain key');
  assert.equal(tIn('zh-CN', 'countdown.left', { d: '3 小时' }), '首次回复剩余 3 小时');
});
