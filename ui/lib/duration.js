// @ts-check
// Durations and countdowns as a person reads them: the two largest units, localised through
// the `t` function of i18n.js (passed in, so this module stays pure and testable).

/** @typedef {import('../i18n.js').Translate} Translate */

/**
 * Whole days, hours, minutes and seconds of `seconds` (absolute value).
 * @param {number | string | null | undefined} seconds
 * @returns {{ days: number, hours: number, minutes: number, seconds: number }}
 */
export function splitDuration(seconds) {
  let s = Math.floor(Math.abs(Number(seconds) || 0));
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  return { days, hours, minutes, seconds: s - minutes * 60 };
}

/**
 * "2 d 4 h", "3 h 05 min", "12 min", "< 1 min": at most two units, the largest first; a lower
 * unit is dropped when the higher one is 10 or more (precision a person needs at a glance).
 * @param {number} seconds
 * @param {Translate} t
 * @returns {string}
 */
export function formatDuration(seconds, t) {
  const { days, hours, minutes } = splitDuration(seconds);
  if (days > 0) {
    return days >= 10 || hours === 0 ? t('dur.d', { n: days }) : `${t('dur.d', { n: days })} ${t('dur.h', { n: hours })}`;
  }
  if (hours > 0) {
    return hours >= 10 || minutes === 0
      ? t('dur.h', { n: hours })
      : `${t('dur.h', { n: hours })} ${t('dur.m', { n: minutes })}`;
  }
  if (minutes > 0) return t('dur.m', { n: minutes });
  return t('dur.lt1m');
}

/**
 * "due in 3 h 05 min" / "overdue by 12 min" for the seconds left until a deadline.
 * @param {number | null | undefined} remainingSeconds
 * @param {Translate} t
 * @returns {string}
 */
export function countdownText(remainingSeconds, t) {
  const remaining = Number(remainingSeconds);
  if (!Number.isFinite(remaining)) return '';
  if (remaining >= 0) return t('countdown.left', { d: formatDuration(remaining, t) });
  return t('countdown.overdue', { d: formatDuration(-remaining, t) });
}

/**
 * Seconds from `nowMs` until the RFC 3339 instant `dueAt`; null when there is none.
 * @param {string | null | undefined} dueAt
 * @param {number} nowMs
 * @returns {number | null}
 */
export function secondsUntil(dueAt, nowMs) {
  const due = Date.parse(dueAt ?? '');
  if (Number.isNaN(due)) return null;
  return Math.round((due - nowMs) / 1000);
}
