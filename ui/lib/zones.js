// @ts-check
// Instants as a person reads them, in a named time zone: "Mon 2026-03-09 15:00" plus
// "Asia/Shanghai (UTC+08:00)". Used for due times (user's zone and contract zone) and
// callback windows. Pure: the weekday name comes through `t`.

import { localZone, partsInZone, partsOfOffsetTimestamp, toWallInput, parseWallTime, wallTimeToInstant, toRfc3339Utc } from '../time.js';

/** @typedef {import('../i18n.js').Translate} Translate */

/**
 * `{ time: "Mon 2026-03-09 15:00", zone: "Asia/Shanghai (UTC+08:00)" }`, or null.
 * @param {string | null | undefined} iso
 * @param {string} zone
 * @param {Translate} t
 * @returns {{ time: string, zone: string } | null}
 */
export function instantIn(iso, zone, t) {
  const parts = partsInZone(iso, zone);
  if (!parts) return null;
  // Minutes are what a person plans with; the seconds of a computed deadline are noise.
  return {
    time: `${t(`weekday.${parts.weekday}`)} ${parts.date} ${parts.time.slice(0, 5)}`,
    zone: `${zone} (${parts.offset})`,
  };
}

/**
 * One line: "Mon 2026-03-09 15:00 Asia/Shanghai (UTC+08:00)".
 * @param {string | null | undefined} iso
 * @param {string} zone
 * @param {Translate} t
 * @returns {string}
 */
export function instantLine(iso, zone, t) {
  const v = instantIn(iso, zone, t);
  return v ? `${v.time} ${v.zone}` : '';
}

/**
 * The due time in the user's zone and, when it differs, in the contract's zone.
 * @param {string} iso
 * @param {string | null | undefined} contractZone
 * @param {Translate} t
 * @param {string} [userZone]
 * @returns {{ kind: 'local' | 'contract', time: string, zone: string }[]}
 */
export function dueLines(iso, contractZone, t, userZone = localZone()) {
  const local = instantIn(iso, userZone, t);
  if (!local) return [];
  /** @type {{ kind: 'local' | 'contract', time: string, zone: string }[]} */
  const lines = [{ kind: 'local', ...local }];
  if (contractZone && contractZone !== userZone) {
    const contract = instantIn(iso, contractZone, t);
    if (contract) lines.push({ kind: 'contract', ...contract });
  }
  return lines;
}

/**
 * Reads a contract-zone timestamp with its own offset (`due_local` of the core).
 * @param {string | null | undefined} text
 * @param {string} zone
 * @param {Translate} t
 * @returns {string}
 */
export function offsetTimestampLine(text, zone, t) {
  const parts = partsOfOffsetTimestamp(text);
  if (!parts) return '';
  return `${t(`weekday.${parts.weekday}`)} ${parts.date} ${parts.time} ${zone} (${parts.offset})`;
}

/**
 * A datetime-local value in `zone` as an RFC 3339 UTC instant, or null.
 * @param {string | null | undefined} value
 * @param {string} [zone]
 * @returns {string | null}
 */
export function wallInputToInstant(value, zone = localZone()) {
  const wall = parseWallTime(value);
  if (wall === null) return null;
  return toRfc3339Utc(wallTimeToInstant(wall, zone));
}

/**
 * An RFC 3339 instant as a datetime-local value in `zone`.
 * @param {string | null | undefined} iso
 * @param {string} [zone]
 * @returns {string}
 */
export function instantToWallInput(iso, zone = localZone()) {
  const ms = Date.parse(iso ?? '');
  return Number.isNaN(ms) ? '' : toWallInput(ms, zone);
}

/**
 * A callback window typed in the user's zone, shown in both zones:
 * `{ local: "Mon 2026-03-09 09:00–11:00 Europe/Berlin (UTC+01:00)", contract: "…" }`.
 * An end on another day than the start shows its date.
 * @param {string} startIso
 * @param {string} endIso
 * @param {string | null | undefined} contractZone
 * @param {Translate} t
 * @param {string} [userZone]
 * @returns {{ local: string, contract: string }}
 */
export function windowLines(startIso, endIso, contractZone, t, userZone = localZone()) {
  const line = (/** @type {string} */ zone) => {
    const a = partsInZone(startIso, zone);
    const b = partsInZone(endIso, zone);
    if (!a || !b) return '';
    const end = a.date === b.date ? b.time.slice(0, 5) : `${t(`weekday.${b.weekday}`)} ${b.date} ${b.time.slice(0, 5)}`;
    const offset = a.offset === b.offset ? a.offset : `${a.offset}/${b.offset}`;
    return `${t(`weekday.${a.weekday}`)} ${a.date} ${a.time.slice(0, 5)}–${end} ${zone} (${offset})`;
  };
  return { local: line(userZone), contract: contractZone ? line(contractZone) : '' };
}

/**
 * The local date "YYYY-MM-DD" of an instant in `zone`, or ''.
 * @param {string | null | undefined} iso
 * @param {string} [zone]
 * @returns {string}
 */
export function dateIn(iso, zone = localZone()) {
  const parts = partsInZone(iso, zone);
  return parts ? parts.date : '';
}
