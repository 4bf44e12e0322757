// @ts-check
// Time-zone helpers for the UI edge: turning a wall-clock input into an instant, and instants
// into the text a person reads.
//
// Why here and not in Rust: these only translate between what a person types or reads and the
// RFC 3339 instants the core works with. Every deadline rule stays in casewatch-core. The
// browser's Intl API knows the IANA database, so no library is needed.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * @typedef {{ year: number, month: number, day: number, hour: number, minute: number, second: number }} WallFields
 * @typedef {{ date: string, time: string, weekday: number, offset: string }} DisplayParts
 */

/**
 * The time zone of this computer, as an IANA name (falls back to `UTC`).
 * @returns {string}
 */
export function localZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/**
 * True when `zone` is an IANA time-zone name the browser knows.
 * @param {string | null | undefined} zone
 * @returns {boolean}
 */
export function isKnownZone(zone) {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** @type {Map<string, Intl.DateTimeFormat>} */
const formatters = new Map();

/** @param {string} zone */
function formatter(zone) {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * Wall-clock fields of the instant `ms` in `zone`.
 * @param {number} ms
 * @param {string} zone
 * @returns {WallFields}
 */
function wallFields(ms, zone) {
  /** @type {Record<string, string>} */
  const parts = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/**
 * UTC offset of `zone` at the instant `ms`, in minutes east of Greenwich.
 * @param {number} ms
 * @param {string} zone
 * @returns {number}
 */
export function offsetMinutes(ms, zone) {
  const w = wallFields(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const whole = Math.floor(ms / 1000) * 1000;
  return Math.round((asUtc - whole) / MINUTE);
}

/**
 * Parses the value of an `<input type="datetime-local">` ("YYYY-MM-DDTHH:MM[:SS]") and returns
 * the wall time as milliseconds "as if UTC", or null when it is incomplete.
 * @param {string | null | undefined} value
 * @returns {number | null}
 */
export function parseWallTime(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value || '');
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s || 0));
}

/**
 * The instant at which the wall time `wallMs` (from `parseWallTime`) occurs in `zone`, following
 * the contract rules: a time that occurs twice takes the earlier instant; a time skipped by a
 * spring-forward gap is read with the offset in force before the gap.
 * @param {number} wallMs
 * @param {string} zone
 * @returns {number}
 */
export function wallTimeToInstant(wallMs, zone) {
  // Offsets around the wall time; DST transitions are never closer than a few days apart.
  const before = offsetMinutes(wallMs - 36 * HOUR, zone);
  const after = offsetMinutes(wallMs + 36 * HOUR, zone);
  const matches = [before, after]
    .map((offset) => wallMs - offset * MINUTE)
    .filter((instant, i) => offsetMinutes(instant, zone) === [before, after][i]);
  if (matches.length > 0) return Math.min(...matches);
  return wallMs - before * MINUTE;
}

/**
 * RFC 3339 text of the instant `ms` in UTC, whole seconds: "2026-03-06T15:00:00Z".
 * @param {number} ms
 * @returns {string}
 */
export function toRfc3339Utc(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Wall-clock text "YYYY-MM-DDTHH:MM" of the instant `ms` in `zone`, for datetime-local inputs.
 * @param {number} ms
 * @param {string} zone
 * @returns {string}
 */
export function toWallInput(ms, zone) {
  const w = wallFields(ms, zone);
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}`;
}

/** @param {number} minutes */
function offsetText(minutes) {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `UTC${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
}

/**
 * Parts a person reads for a wall time: date `YYYY-MM-DD`, time `HH:MM` (`HH:MM:SS` when the
 * seconds are not zero), weekday number (0 = Sunday) and offset text `UTC+08:00`.
 * @param {WallFields} w
 * @param {number} offset
 * @returns {DisplayParts}
 */
function displayParts(w, offset) {
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  const date = `${w.year}-${p(w.month)}-${p(w.day)}`;
  const time = `${p(w.hour)}:${p(w.minute)}${w.second ? `:${p(w.second)}` : ''}`;
  const weekday = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  return { date, time, weekday, offset: offsetText(offset) };
}

/**
 * Reads an RFC 3339 timestamp as written, keeping its own offset (the core writes `due_local` in
 * the contract's zone). Returns display parts, or null if the text is not RFC 3339.
 * @param {string | null | undefined} text
 * @returns {DisplayParts | null}
 */
export function partsOfOffsetTimestamp(text) {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$/i.exec(
      text || '',
    );
  if (!m) return null;
  const [, y, mo, d, h, mi, s, off] = m;
  let offset = 0;
  if (off.toUpperCase() !== 'Z') {
    const sign = off[0] === '-' ? -1 : 1;
    const digits = off.slice(1).replace(':', '');
    offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  const w = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s || 0),
  };
  return displayParts(w, offset);
}

/**
 * Display parts of an RFC 3339 instant `text` as seen in `zone`; null if unreadable.
 * @param {string | null | undefined} text
 * @param {string} zone
 * @returns {DisplayParts | null}
 */
export function partsInZone(text, zone) {
  const ms = Date.parse(text || '');
  if (Number.isNaN(ms)) return null;
  return displayParts(wallFields(ms, zone), offsetMinutes(ms, zone));
}
