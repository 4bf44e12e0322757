// @ts-check
// Splitting and ordering the case list as the vendor's portal does (SPEC §5).

/**
 * @typedef {{ status: string, severity: number, due_at?: string | null, first_response_at?: string | null, updated_at?: string | null }} CaseLike
 */

/**
 * True for cases that still wait on someone. Which statuses those are is the core's rule
 * (`CaseStatus::is_open`), handed over as the form rules' `open_statuses`: the UI keeps no list.
 * @param {{ status: string }} c
 * @param {{ open_statuses: readonly string[] } | null} rules the core's form rules
 * @returns {boolean}
 */
export function isOpen(c, rules) {
  return rules?.open_statuses.includes(c.status) ?? false;
}

/**
 * @param {CaseLike} a
 * @param {CaseLike} b
 */
function byUrgency(a, b) {
  const da = Date.parse(a.due_at ?? '');
  const db = Date.parse(b.due_at ?? '');
  const ra = a.first_response_at ? 1 : 0;
  const rb = b.first_response_at ? 1 : 0;
  if (ra !== rb) return ra - rb; // awaiting a first reply first
  if (!Number.isNaN(da) && !Number.isNaN(db) && da !== db) return da - db;
  if (Number.isNaN(da) !== Number.isNaN(db)) return Number.isNaN(da) ? 1 : -1;
  if (a.severity !== b.severity) return a.severity - b.severity;
  return Date.parse(String(b.updated_at ?? 0)) - Date.parse(String(a.updated_at ?? 0));
}

/**
 * `{ waitingOnUs, waitingOnYou, done }`, worded as the vendor's portal words them to the
 * customer: "waiting on us" = the vendor must answer (`waiting-on-vendor`), "waiting on you" =
 * the customer must (`waiting-on-customer`). Open cases
 * are ordered by urgency (no first reply yet, earliest due, highest severity); done cases newest
 * first.
 * @template {CaseLike} C
 * @param {C[] | null | undefined} cases
 * @returns {{ waitingOnUs: C[], waitingOnYou: C[], done: C[] }}
 */
export function splitCases(cases) {
  /** @type {C[]} */
  const waitingOnUs = [];
  /** @type {C[]} */
  const waitingOnYou = [];
  /** @type {C[]} */
  const done = [];
  for (const c of cases ?? []) {
    if (c.status === 'waiting-on-vendor') waitingOnUs.push(c);
    else if (c.status === 'waiting-on-customer') waitingOnYou.push(c);
    else done.push(c);
  }
  waitingOnUs.sort(byUrgency);
  waitingOnYou.sort(byUrgency);
  done.sort((a, b) => Date.parse(String(b.updated_at ?? 0)) - Date.parse(String(a.updated_at ?? 0)));
  return { waitingOnUs, waitingOnYou, done };
}
