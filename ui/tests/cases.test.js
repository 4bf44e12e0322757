import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpen, splitCases } from '../lib/cases.js';
import { debounce, latest } from '../lib/latest.js';

const c = (number, status, due_at, extra = {}) => ({ number, status, due_at, severity: 3, updated_at: '2026-03-01T00:00:00Z', first_response_at: null, ...extra });

test('cases split by who acts next; the most urgent first', () => {
  const { waitingOnUs, waitingOnYou, done } = splitCases([
    c(1, 'waiting-on-vendor', '2026-03-09T12:00:00Z'),
    c(2, 'waiting-on-customer', null),
    c(3, 'waiting-on-vendor', '2026-03-09T10:00:00Z'),
    c(4, 'solved', null),
    c(5, 'closed', null),
    c(6, 'waiting-on-vendor', null),
    c(7, 'waiting-on-vendor', '2026-03-08T10:00:00Z', { first_response_at: '2026-03-08T09:00:00Z' }),
  ]);
  assert.deepEqual(waitingOnUs.map((x) => x.number), [3, 1, 6, 7]);
  assert.deepEqual(waitingOnYou.map((x) => x.number), [2]);
  assert.deepEqual(done.map((x) => x.number).sort(), [4, 5]);
  assert.deepEqual(splitCases(undefined), { waitingOnUs: [], waitingOnYou: [], done: [] });
});

test('out-of-order answers are recognised as stale', async () => {
  const run = latest();
  let release;
  const slow = run(() => new Promise((resolve) => { release = resolve; }));
  const fast = run(async () => 'second');
  assert.deepEqual(await fast, { fresh: true, value: 'second', error: null });
  release('first');
  assert.equal((await slow).fresh, false);
  const failed = await run(async () => { throw { code: 'x' }; });
  assert.deepEqual(failed, { fresh: true, value: null, error: { code: 'x' } });
});

test('debounce calls once after the pause', async () => {
  const calls = [];
  const f = debounce((v) => calls.push(v), 10);
  f(1);
  f(2);
  f(3);
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(calls, [3]);
  f(4);
  f.cancel();
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(calls, [3]);
});

test('open or not is the core\'s list, not a copy in the UI', () => {
  const rules = { open_statuses: ['waiting-on-vendor', 'waiting-on-customer'] };
  assert.equal(isOpen(c(1, 'waiting-on-customer', null), rules), true);
  assert.equal(isOpen(c(2, 'solved', null), rules), false);
  // Whatever the core calls open is open: the UI holds no list of its own.
  assert.equal(isOpen(c(3, 'solved', null), { open_statuses: ['solved'] }), true);
  // Before the rules arrive nothing is shown as open (no deadline or action on a guess).
  assert.equal(isOpen(c(4, 'waiting-on-vendor', null), null), false);
});
