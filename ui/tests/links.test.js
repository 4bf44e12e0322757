import { test } from 'node:test';
import assert from 'node:assert/strict';
import { externalTarget } from '../lib/links.js';

const app = 'http://tauri.localhost';

test('web and mail links leave the app', () => {
  assert.equal(externalTarget('https://docs.example/a?b=1#c', app), 'https://docs.example/a?b=1#c');
  assert.equal(externalTarget('http://127.0.0.1:8080/x', app), 'http://127.0.0.1:8080/x');
  assert.equal(externalTarget('mailto:support@vendor.example', app), 'mailto:support@vendor.example');
});

test("the app's own routes stay in the app", () => {
  assert.equal(externalTarget('#/case/42', app), null);
  assert.equal(externalTarget('http://tauri.localhost/#/kb', app), null);
  assert.equal(externalTarget('/index.html', app), null);
});

test('other schemes are never opened', () => {
  assert.equal(externalTarget('javascript:alert(1)', app), null);
  assert.equal(externalTarget('file:///etc/passwd', app), null);
  assert.equal(externalTarget('data:text/html,x', app), null);
  assert.equal(externalTarget('tauri://localhost/x', app), null);
});
