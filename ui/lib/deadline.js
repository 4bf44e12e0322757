// @ts-check
// How a deadline bar looks. The fraction of the target already used comes from the core
// (`DeadlineStatus.fraction_elapsed`, business time for business targets); this module only
// decides the colour band and the bar's value, so the thresholds are tested in one place.

/** Fraction at which the bar turns amber ("getting close"). */
export const WARNING_AT = 0.5;
/** Fraction at which the bar turns red-orange ("very close"). */
export const CRITICAL_AT = 0.8;

/**
 * The tone of a case's initial-response deadline:
 * - `responded`: the first reply came (the bar no longer matters);
 * - `breached`: the deadline passed without a reply;
 * - `critical` (≥ 80 % used), `warning` (≥ 50 %), `ok`;
 * - `none`: no target (best effort, or severity 4 without a target).
 */
/**
 * @typedef {{ responded?: boolean, breached?: boolean, fraction_elapsed?: number | null, remaining_seconds?: number }} Deadline
 * (the core's `DeadlineStatus`)
 */

/**
 * @param {Deadline | null | undefined} deadline
 * @returns {'none' | 'responded' | 'breached' | 'critical' | 'warning' | 'ok'}
 */
export function deadlineTone(deadline) {
  if (!deadline) return 'none';
  if (deadline.responded) return 'responded';
  const fraction = Number(deadline.fraction_elapsed);
  if (deadline.breached || (Number.isFinite(fraction) && fraction >= 1)) return 'breached';
  if (Number.isNaN(fraction)) return 'none';
  if (fraction >= CRITICAL_AT) return 'critical';
  if (fraction >= WARNING_AT) return 'warning';
  return 'ok';
}

/**
 * The bar's fill between 0 and 1 (a breached deadline is full).
 * @param {Deadline | null | undefined} deadline
 * @returns {number}
 */
export function barValue(deadline) {
  if (!deadline) return 0;
  if (deadline.breached) return 1;
  const fraction = Number(deadline.fraction_elapsed);
  if (!Number.isFinite(fraction)) return 0;
  return Math.min(1, Math.max(0, fraction));
}

/**
 * The deadline as it stands at `nowMs`, from an answer computed at `asOfMs`: the remaining
 * time counts down in real time (the due instant is fixed); the fraction is the core's and
 * only moves to "breached" once the due instant passes. Returns a new object.
 * @param {Deadline | null | undefined} deadline
 * @param {string | null | undefined} dueAt
 * @param {number} asOfMs
 * @param {number} nowMs
 * @returns {Deadline | null}
 */
export function deadlineAt(deadline, dueAt, asOfMs, nowMs) {
  if (!deadline) return null;
  const remaining = Number(deadline.remaining_seconds) - Math.round((nowMs - asOfMs) / 1000);
  const due = Date.parse(dueAt ?? '');
  const passed = !Number.isNaN(due) ? nowMs >= due : remaining < 0;
  return {
    ...deadline,
    remaining_seconds: remaining,
    breached: Boolean(deadline.breached || (!deadline.responded && passed)),
  };
}
