import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEntities, snippetRuns, snippetText } from '../lib/sanitize.js';

test('text and <mark> pass through as runs', () => {
  assert.deepEqual(snippetRuns('the <mark>connection</mark> pool'), [
    { text: 'the ', mark: false },
    { text: 'connection', mark: true },
    { text: ' pool', mark: false },
  ]);
});

test('Chinese text and marks', () => {
  assert.deepEqual(snippetRuns('集群<mark>节点</mark>离线'), [
    { text: '集群', mark: false },
    { text: '节点', mark: true },
    { text: '离线', mark: false },
  ]);
});

test('every other element is dropped; only text and <mark> remain', () => {
  const html =
    '<b>bold</b> <a href="javascript:alert(1)">link</a><img src=x onerror=alert(1)>' +
    '<mark onclick="alert(1)" class="x">hit</mark><script>alert(1)</script>' +
    '<style>*{}</style><iframe src="//evil"></iframe><svg onload=alert(1)><mark>two</mark></svg>';
  const runs = snippetRuns(html);
  assert.deepEqual(runs, [
    { text: 'bold link', mark: false },
    { text: 'hittwo', mark: true },
  ]);
  for (const run of runs) {
    assert.ok(!run.text.includes('<'), run.text);
    assert.ok(!/alert|script|onerror/.test(run.text), run.text);
  }
});

test('escaped markup stays text, never becomes a tag', () => {
  const runs = snippetRuns('&lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>a&lt;b</mark>');
  assert.deepEqual(runs, [
    { text: '<script>alert(1)</script> & ', mark: false },
    { text: 'a<b', mark: true },
  ]);
});

test('comments, unterminated tags and stray closers are removed', () => {
  assert.equal(snippetText('a<!-- <mark>x</mark> -->b'), 'ab');
  assert.deepEqual(snippetRuns('ok <img src=x onerror=alert(1)'), [{ text: 'ok ', mark: false }]);
  assert.deepEqual(snippetRuns('</mark>x<mark>y'), [
    { text: 'x', mark: false },
    { text: 'y', mark: true },
  ]);
  assert.deepEqual(snippetRuns(''), []);
  assert.deepEqual(snippetRuns(null), []);
});

test('nested marks are one marked run', () => {
  assert.deepEqual(snippetRuns('<mark>a<mark>b</mark>c</mark>d'), [
    { text: 'abc', mark: true },
    { text: 'd', mark: false },
  ]);
});

test('character references decode safely', () => {
  assert.equal(decodeEntities('&#60;&#x3e;&quot;&#39;&nbsp;'), '<>"\'\u00a0');
  assert.equal(decodeEntities('&#0;&#xD800;&#x110000;'), '\ufffd\ufffd\ufffd');
  assert.equal(decodeEntities('&unknown; & plain'), '&unknown; & plain');
});
