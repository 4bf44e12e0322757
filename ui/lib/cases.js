// Splitting and ordering the case list as the vendor's portal does (SPEC §5).

const OPEN = new Set(['waiting-on-vendor', 'waiting-on-customer']);

/** True for cases that still wait on someone. */
export function isOpen(c) {
  return OPEN.has(c.status);
}

function byUrgency(a, b) {
  const da = Date.parse(a.due_at ?? '');
  const db = Date.parse(b.due_at ?? '');
  const ra = a.first_response_at ? 1 : 0;
  const rb = b.first_response_at ? 1 : 0;
  if (ra !== rb) return ra - rb; // awaiting a first reply first
  if (!Number.isNaN(da) && !Number.isNaN(db) && da !== db) return da - db;
  if (Number.isNaN(da) !== Number.isNaN(db)) return Number.isNaN(da) ? 1 : -1;
  if (a.severity !== b.severity) return a.severity - b.severity;
  return Date.parse(b.updated_at ?? 0) - Date.parse(a.updated_at ?? 0);
}

/**
 * `{ waitingOnUs, waitingOnYou, done }`, worded as the vendor's portal words them to the
 * customer: "waiting on us" = the vendor must answer (`waiting-on-vendor`), "waiting on you" =
 * the customer must (`waiting-on-customer`). Open cases
 * are ordered by urgency (no first reply yet, earliest due, highest severity); done cases newest
 * first.
 */
export function splitCases(cases) {
  const waitingOnUs = [];
  const waitingOnYou = [];
  const done = [];
  for (const c of cases ?? []) {
    if (c.status === 'waiting-on-vendor') waitingOnUs.push(c);
    else if (c.status === 'waiting-on-customer') waitingOnYou.push(c);
    else done.push(c);
  }
  waitingOnUs.sort(byUrgency);
  waitingOnYou.sort(byUrgency);
  done.sort((a, b) => Date.parse(b.updated_at ?? 0) - Date.parse(a.updated_at ?? 0));
  return { waitingOnUs, waitingOnYou, done };
}
