import './strings.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dueLines, instantIn, instantLine, offsetTimestampLine, wallInputToInstant, windowLines } from '../lib/zones.js';
import { t } from '../i18n.js';

test('an instant in a named zone', () => {
  assert.deepEqual(instantIn('2026-03-09T15:00:00Z', 'Asia/Shanghai', t), {
    time: 'Mon 2026-03-09 23:00',
    zone: 'Asia/Shanghai (UTC+08:00)',
  });
  assert.equal(instantLine('2026-03-09T15:00:00Z', 'UTC', t), 'Mon 2026-03-09 15:00 UTC (UTC+00:00)');
  assert.equal(instantIn('nonsense', 'UTC', t), null);
});

test('due time in the user zone and the contract zone', () => {
  const lines = dueLines('2026-03-11T08:00:00Z', 'Asia/Shanghai', t, 'Europe/Berlin');
  assert.deepEqual(lines, [
    { kind: 'local', time: 'Wed 2026-03-11 09:00', zone: 'Europe/Berlin (UTC+01:00)' },
    { kind: 'contract', time: 'Wed 2026-03-11 16:00', zone: 'Asia/Shanghai (UTC+08:00)' },
  ]);
  assert.equal(dueLines('2026-03-11T08:00:00Z', 'UTC', t, 'UTC').length, 1, 'one line when the zones are the same');
});

test('a contract-zone timestamp keeps its offset', () => {
  assert.equal(offsetTimestampLine('2026-03-11T16:00:00+08:00', 'Asia/Shanghai', t), 'Wed 2026-03-11 16:00 Asia/Shanghai (UTC+08:00)');
});

test('wall times typed in the user zone become instants (DST gap: offset before the gap)', () => {
  assert.equal(wallInputToInstant('2026-03-09T09:00', 'Europe/Berlin'), '2026-03-09T08:00:00Z');
  assert.equal(wallInputToInstant('2026-03-29T02:30', 'Europe/Berlin'), '2026-03-29T01:30:00Z');
  assert.equal(wallInputToInstant('', 'UTC'), null);
});

test('callback windows in both zones', () => {
  const w = windowLines('2026-03-09T08:00:00Z', '2026-03-09T10:00:00Z', 'Asia/Shanghai', t, 'Europe/Berlin');
  assert.equal(w.local, 'Mon 2026-03-09 09:00–11:00 Europe/Berlin (UTC+01:00)');
  assert.equal(w.contract, 'Mon 2026-03-09 16:00–18:00 Asia/Shanghai (UTC+08:00)');
  const overnight = windowLines('2026-03-09T15:00:00Z', '2026-03-09T17:00:00Z', 'Asia/Shanghai', t, 'UTC');
  assert.equal(overnight.contract, 'Mon 2026-03-09 23:00–Tue 2026-03-10 01:00 Asia/Shanghai (UTC+08:00)');
});

test('a local date', async () => {
  const { dateIn } = await import('../lib/zones.js');
  assert.equal(dateIn('2026-03-09T20:00:00Z', 'Asia/Shanghai'), '2026-03-10');
  assert.equal(dateIn('bad', 'UTC'), '');
});
