import './strings.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countdownText, formatDuration, secondsUntil, splitDuration } from '../lib/duration.js';
import { t, tIn } from '../i18n.js';

test('splits seconds into units', () => {
  assert.deepEqual(splitDuration(90061), { days: 1, hours: 1, minutes: 1, seconds: 1 });
  assert.deepEqual(splitDuration(-3600), { days: 0, hours: 1, minutes: 0, seconds: 0 });
});

test('two largest units, dropping the lower one for big values', () => {
  assert.equal(formatDuration(30, t), 'less than a minute');
  assert.equal(formatDuration(12 * 60, t), '12 min');
  assert.equal(formatDuration(3 * 3600 + 5 * 60, t), '3 h 5 min');
  assert.equal(formatDuration(3 * 3600, t), '3 h');
  assert.equal(formatDuration(11 * 3600 + 59 * 60, t), '11 h');
  assert.equal(formatDuration(86400 + 4 * 3600, t), '1 day 4 h');
  assert.equal(formatDuration(2 * 86400, t), '2 days');
  assert.equal(formatDuration(12 * 86400 + 3600, t), '12 days');
});

test('countdown before and after the deadline', () => {
  assert.equal(countdownText(5400, t), 'First reply due in 1 h 30 min');
  assert.equal(countdownText(-720, t), 'Overdue by 12 min');
  assert.equal(countdownText(0, t), 'First reply due in less than a minute');
  assert.equal(countdownText(NaN, t), '');
});

test('countdown in Chinese', () => {
  const zh = (key, params) => tIn('zh-CN', key, params);
  assert.equal(countdownText(5400, zh), '首次回复剩余 1 小时 30 分钟');
  assert.equal(countdownText(-2 * 86400, zh), '已超时 2 天');
});

test('seconds until an instant', () => {
  const now = Date.parse('2026-03-09T10:00:00Z');
  assert.equal(secondsUntil('2026-03-09T11:00:00Z', now), 3600);
  assert.equal(secondsUntil('2026-03-09T09:59:00Z', now), -60);
  assert.equal(secondsUntil(null, now), null);
});
