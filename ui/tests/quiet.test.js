// @ts-check
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DND_CHOICES, dndUntil } from '../lib/quiet.js';

test('do not disturb for hours ends that many hours from now', () => {
  const now = new Date('2026-03-09T09:15:00Z');
  assert.equal(dndUntil('1', now), '2026-03-09T10:15:00.000Z');
  assert.equal(dndUntil('4', now), '2026-03-09T13:15:00.000Z');
});

test('do not disturb until tomorrow ends at 08:00 local time the next day', () => {
  const now = new Date(2026, 2, 9, 22, 30);
  const end = new Date(dndUntil('tomorrow', now));
  assert.deepEqual([end.getDate(), end.getHours(), end.getMinutes()], [10, 8, 0]);
  assert.ok(DND_CHOICES.includes('tomorrow'));
});
