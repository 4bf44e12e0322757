import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CRITICAL_AT, WARNING_AT, barValue, deadlineAt, deadlineTone } from '../lib/deadline.js';

const d = (fraction, extra = {}) => ({ remaining_seconds: 100, fraction_elapsed: fraction, breached: false, responded: false, ...extra });

test('colour bands by fraction of the target used', () => {
  assert.equal(deadlineTone(d(0)), 'ok');
  assert.equal(deadlineTone(d(WARNING_AT - 0.01)), 'ok');
  assert.equal(deadlineTone(d(WARNING_AT)), 'warning');
  assert.equal(deadlineTone(d(CRITICAL_AT - 0.01)), 'warning');
  assert.equal(deadlineTone(d(CRITICAL_AT)), 'critical');
  assert.equal(deadlineTone(d(0.999)), 'critical');
  assert.ok(WARNING_AT < CRITICAL_AT && CRITICAL_AT < 1);
});

test('breached is unmistakable and wins over the fraction', () => {
  assert.equal(deadlineTone(d(1)), 'breached');
  assert.equal(deadlineTone(d(1.7)), 'breached');
  assert.equal(deadlineTone(d(0.2, { breached: true })), 'breached');
  assert.equal(barValue(d(0.2, { breached: true })), 1);
  assert.equal(barValue(d(1.7)), 1);
});

test('responded and no-target deadlines', () => {
  assert.equal(deadlineTone(d(1.2, { responded: true })), 'responded');
  assert.equal(deadlineTone(null), 'none');
  assert.equal(deadlineTone(d(undefined)), 'none');
  assert.equal(barValue(null), 0);
  assert.equal(barValue(d(-0.1)), 0);
  assert.equal(barValue(d(0.42)), 0.42);
});

test('the countdown moves in real time and breaches when the due instant passes', () => {
  const asOf = Date.parse('2026-03-09T10:00:00Z');
  const due = '2026-03-09T10:10:00Z';
  const status = d(0.9, { remaining_seconds: 600 });
  const later = deadlineAt(status, due, asOf, asOf + 5 * 60_000);
  assert.equal(later.remaining_seconds, 300);
  assert.equal(later.breached, false);
  const after = deadlineAt(status, due, asOf, asOf + 11 * 60_000);
  assert.equal(after.remaining_seconds, -60);
  assert.equal(after.breached, true);
  assert.equal(deadlineTone(after), 'breached');
  const answered = deadlineAt(d(0.5, { responded: true, remaining_seconds: 600 }), due, asOf, asOf + 11 * 60_000);
  assert.equal(answered.breached, false);
  assert.equal(deadlineAt(null, due, asOf, asOf), null);
  assert.equal(status.remaining_seconds, 600, 'the input is not changed');
});
