import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowed, parseRoute, resolveRoute } from '../lib/router.js';

const out = { signed_in: false };
const contact = { signed_in: true, me: { user: { key_contact: false } } };
const key = { signed_in: true, me: { user: { key_contact: true } } };

test('hashes parse into a route and an argument', () => {
  assert.deepEqual(parseRoute('#/case/42'), { name: 'case', arg: '42' });
  assert.deepEqual(parseRoute('#/kb'), { name: 'kb', arg: null });
  assert.deepEqual(parseRoute(''), { name: null, arg: null });
  assert.deepEqual(parseRoute('#/toString'), { name: null, arg: null });
});

test('signed out: first-run screen and the calculator only', () => {
  assert.deepEqual(resolveRoute('', out), { name: 'welcome', arg: null, redirect: '#/welcome' });
  assert.deepEqual(resolveRoute('#/calculator', out), { name: 'calculator', arg: null, redirect: null });
  assert.equal(resolveRoute('#/home', out).redirect, '#/welcome');
  assert.equal(resolveRoute('#/case/7', out).redirect, '#/welcome');
});

test('signed in: home by default; contacts for the key contact only', () => {
  assert.equal(resolveRoute('#/welcome', contact).redirect, '#/home');
  assert.deepEqual(resolveRoute('#/case/7', contact), { name: 'case', arg: '7', redirect: null });
  assert.equal(resolveRoute('#/case/abc', contact).redirect, '#/home');
  assert.equal(resolveRoute('#/contacts', contact).redirect, '#/home');
  assert.equal(resolveRoute('#/contacts', key).redirect, null);
  assert.equal(allowed('key-contact', key), true);
  assert.equal(allowed('always', null), true);
  assert.equal(allowed('signed-in', null), false);
});
