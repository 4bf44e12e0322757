// @ts-check
// Checked by tsc against ui/types/contract.d.ts (tsconfig.mock.json, part of `make tsc`), so its
// canned answers have the shapes the Rust side really sends.
/** @typedef {import('../../ui/types/contract').Commands} Commands */
/** @typedef {import('../../ui/types/contract').Me} Me */
/** @typedef {import('../../ui/types/contract').UserRef} UserRef */
/** @typedef {import('../../ui/types/contract').Case} Case */
/** @typedef {import('../../ui/types/contract').CommentView} CommentView */
/** @typedef {import('../../ui/types/contract').WizardDraft} WizardDraft */
/** @typedef {import('../../ui/types/contract').Settings} Settings */
// DEV ONLY — never loaded by ui/index.html. A canned implementation of the command contract
// (docs/app-commands.md; src-tauri/tests/contract.rs checks that it answers every command of
// src-tauri/contract/commands.rs) so the screens can be looked at in a plain browser:
//   python3 -m http.server -b 127.0.0.1 8000   →   http://127.0.0.1:8000/tests/ui-mock/#/home
// Query options: ?lang=zh-CN  ?signed=0  ?sub=development  ?kind=advisory  ?offline=1
//                ?callback=0  ?syncing=1  ?kbq=<text> (prefill)  ?draft=1 (a saved draft)

const params = new URLSearchParams(window.location.search);
if (params.get('lang')) window.localStorage.setItem('casewatch.language', params.get('lang'));

const NOW = Date.now();
const MIN = 60_000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const development = params.get('sub') === 'development';
const callback = params.get('callback') !== '0';
const offline = params.get('offline') === '1';
let signedIn = params.get('signed') !== '0';

/** @type {Me['contract'] & {}} */
const contract = {
  deployment: 'self-managed',
  subscription: development ? 'development' : 'platinum',
  support_level: development ? 'development' : 'platinum',
  legacy: false,
  annual_spend_usd: params.get('kind') === 'advisory' ? 60000 : 18000,
  support_kind: params.get('kind') === 'advisory' ? 'advisory' : 'break-fix',
};
/** @type {Me} */
const me = {
  user: { id: 7, email: 'li.wei@acme.example', name: 'Li Wei', role: 'contact', key_contact: true, org_id: 3 },
  organisation: { id: 3, slug: 'acme', name: 'Acme Logistics', demo: true },
  contract,
  calendar: { time_zone: 'Asia/Shanghai', hours: 'mon-fri 09:00-17:00', holidays: ['2026-10-01', '2026-10-02'] },
  entitlements: {
    support_level: contract.support_level,
    severities: development ? [4] : [1, 2, 3],
    phone_callback: callback,
    support_kind: contract.support_kind,
    legacy: false,
    targets: development
      ? { 1: null, 2: null, 3: null, 4: { amount: 2, unit: 'business_days' } }
      : { 1: { amount: 1, unit: 'hours' }, 2: { amount: 4, unit: 'hours' }, 3: { amount: 1, unit: 'business_days' }, 4: null },
    best_effort: null,
  },
  preferences: { locale: 'en', mail: 'mine', time_zone: 'Asia/Shanghai' },
};
const status = () => ({ signed_in: signedIn, demo: true, portal_url: 'https://support.example.com', offline, me: signedIn ? me : null });

/** @type {UserRef} */
const engineer = { id: 2, name: 'Sam Ortiz', role: 'engineer' };
/** @type {UserRef} */
const li = { id: 7, name: 'Li Wei', role: 'contact' };
/** @returns {Case} */
function mkCase(number, severity, status, subject, createdAgoMin, target, targetMin, extra = {}) {
  const created = NOW - createdAgoMin * MIN;
  const due = target ? created + targetMin * MIN : null;
  const responded = extra.first_response_at != null;
  return {
    number,
    org_id: 3,
    type: extra.type ?? 'problem',
    severity,
    environment: extra.environment ?? 'production',
    product: 'Orbit Search',
    version: '8.2.1',
    subject,
    situation: 'Since the rolling upgrade on Monday, writes to the ingest tier are rejected with\n"es_rejected_execution_exception". Restarting the nodes helps for ten minutes.',
    impact: 'Order tracking for the EU region is stale; the customer service desk cannot answer delivery questions.',
    status,
    opened_by: li,
    created_at: iso(created),
    updated_at: iso(NOW - 5 * MIN),
    first_response_at: extra.first_response_at ?? null,
    target,
    due_at: due ? iso(due) : null,
    best_effort: null,
    deadline: due
      ? {
          remaining_seconds: Math.round((due - NOW) / 1000),
          fraction_elapsed: extra.fraction ?? (NOW - created) / (due - created),
          breached: !responded && NOW > due,
          responded,
        }
      : null,
    assignee: extra.unassigned ? null : engineer,
    cc: [],
    maintenance_window: null,
    callback_windows: extra.callback_windows ?? [],
  };
}
const cases = [
  mkCase(1042, 1, 'waiting-on-vendor', 'Ingest cluster rejects writes after rolling upgrade', 46, { amount: 1, unit: 'hours' }, 60, { unassigned: true }),
  mkCase(1039, 2, 'waiting-on-vendor', 'Search latency doubled since 8.2.1', 252, { amount: 4, unit: 'hours' }, 240),
  mkCase(1040, 3, 'waiting-on-vendor', 'Snapshot to object storage fails intermittently', 300, { amount: 1, unit: 'business_days' }, 1300, { fraction: 0.31 }),
  mkCase(1043, 2, 'waiting-on-vendor', 'Orbit Console dashboards time out for the EU tenant', 215, { amount: 4, unit: 'hours' }, 240, {
    callback_windows: [{ start: iso(NOW + 60 * MIN), end: iso(NOW + 180 * MIN) }],
  }),
  mkCase(1036, 3, 'waiting-on-customer', 'How to size the hot tier for 90 days of logs', 3000, { amount: 1, unit: 'business_days' }, 2400, {
    type: 'how-to',
    first_response_at: iso(NOW - 2000 * MIN),
    fraction: 0.4,
  }),
  mkCase(1031, 3, 'solved', 'License file rejected on the staging cluster', 9000, { amount: 1, unit: 'business_days' }, 2400, {
    first_response_at: iso(NOW - 8000 * MIN),
    environment: 'non-production',
  }),
];

/** @type {Record<number, CommentView[]>} */
const comments = {
  1039: [
    {
      id: 1,
      case_number: 1039,
      author: engineer,
      body: '',
      body_html:
        '<p>Thanks for the details. Could you send the output of <code>GET _nodes/hot_threads</code> while the latency is high?</p><pre><code>curl -s localhost:9200/_nodes/hot_threads &gt; hot.txt</code></pre>',
      created_at: iso(NOW - 200 * MIN),
      attachments: [],
      pending: false,
    },
    {
      id: 2,
      case_number: 1039,
      author: li,
      body: '',
      body_html: '<p>Attached. The spike starts at 10:05 our time.</p>',
      created_at: iso(NOW - 180 * MIN),
      attachments: [
        { id: 'att-1', case_number: 1039, comment_id: 2, filename: 'hot.txt', content_type: 'text/plain', size: 48213, sha256: '00', uploaded_by: li, created_at: iso(NOW - 180 * MIN) },
      ],
      pending: false,
    },
  ],
};

const KB = [
  { id: 'orbit-en-001', locale: 'en', kind: 'known-issue', title: 'Rejected writes after upgrading to 8.2.x', snippet_html: 'After a rolling upgrade the ingest <mark>thread pool</mark> queue is reset to 200, so bulk <mark>writes</mark> are <mark>rejected</mark> under load.', body: '<p>After a rolling upgrade to 8.2.0 or 8.2.1 the write thread pool queue size falls back to its default.</p><h3>Workaround</h3><pre><code>thread_pool.write.queue_size: 1000</code></pre><p>Fixed in 8.2.2.</p>' },
  { id: 'orbit-en-014', locale: 'en', kind: 'guide', title: 'Sizing the hot tier', snippet_html: 'Estimate daily <mark>ingest</mark> volume, replicas and retention …', body: '<p>Estimate daily volume × (1 + replicas) × retention days.</p>' },
  { id: 'orbit-zh-003', locale: 'zh-CN', kind: 'faq', title: '升级后写入被拒绝怎么办？', snippet_html: '滚动升级后，<mark>写入</mark>线程池队列恢复为默认值，批量<mark>写入</mark>在高负载下会被拒绝……', body: '<p>滚动升级后，写入线程池队列大小会恢复为默认值。</p><p>临时解决方法：<code>thread_pool.write.queue_size: 1000</code></p>' },
  { id: 'orbit-en-022', locale: 'en', kind: 'faq', title: 'Snapshots to S3 fail with <b>403</b>', snippet_html: 'Snapshot <mark>repository</mark> credentials expire <img src=x onerror=alert(1)> every 12 hours', body: '<p>Use instance roles.</p>' },
];

/** @type {WizardDraft | null} */
let draft = params.get('draft') === '1'
  ? { version: 1, step: 'situation', type: 'problem', subject: 'Writes rejected after upgrade', environment: 'production', product: 'Orbit Search', product_version: '8.2.1', severity: 1, situation: 'Bulk requests fail with 429 since 09:40.', impact: '', maintenance_start: '', maintenance_end: '', callbacks: [], attachments: [] }
  : null;
/** @type {Settings} */
let settings = { language: params.get('lang') === 'zh-CN' ? 'zh-CN' : 'en', alert_lead_minutes: [60, 15], notifications: true, portal_url: 'https://support.example.com' };
/** @type {{ until: string | null, muted_cases: number[] }} */
let quiet = { until: null, muted_cases: [] };
let autostart = { enabled: false, asked: false };
let contacts = [
  { id: 7, email: 'li.wei@acme.example', name: 'Li Wei', key_contact: true, created_at: '2025-11-02T08:00:00Z' },
  { id: 9, email: 'maria.k@acme.example', name: 'Maria Kowalski', key_contact: false, created_at: '2026-01-15T10:30:00Z' },
  { id: 12, email: 'chen.jing@acme.example', name: '陈静', key_contact: false, created_at: '2026-02-03T02:10:00Z' },
];
let syncDone = params.get('syncing') === '1' ? 40 : null;

function severityChoices({ environment }) {
  return {
    choices: [1, 2, 3, 4].map((severity) => {
      let refusal = null;
      if (development && severity !== 4) refusal = { code: 'severity_not_allowed', message: 'a development subscription may only file severity 4 (development); pick severity 4' };
      else if (!development && severity === 4) refusal = { code: 'severity_not_allowed', message: 'severity 4 is for development subscriptions; pick severity 3 (normal) for a non-production question' };
      else if (severity === 1 && environment === 'non-production') refusal = { code: 'severity_requires_production', message: 'severity 1 means production is down; a non-production case can be at most severity 2' };
      return { severity, allowed: !refusal, refusal, target: me.entitlements.targets[severity] ?? null, best_effort: null };
    }),
  };
}

// The demo accounts are the server's demo module's, never a copy written here.
// Fetched, not awaited at the top: `window.__TAURI__` must exist before ui/main.js runs.
const demoAccountList = fetch(new URL('./demo-accounts.json', import.meta.url)).then((r) => r.json());

// The core's form rules (tests/ui-mock/form-rules.json is generated from
// casewatch_core::case_form::form_rules() and checked by src-tauri/tests/contract.rs).
const formRules = fetch(new URL('./form-rules.json', import.meta.url)).then((r) => r.json());

/**
 * One canned answer per command, typed by the generated contract.
 * @type {{ [K in keyof Commands]: (args: Commands[K]['args'], options?: { headers?: Record<string, string> }) => Commands[K]['result'] | Promise<Commands[K]['result']> }}
 */
const handlers = {
  sla_quote: ({ request }) => ({
    support_level: 'platinum',
    severity: request.severity,
    target: me.entitlements.targets[request.severity] ?? null,
    due: iso(NOW + 60 * MIN),
    due_local: null,
  }),
  entitlements: () => me.entitlements,
  session_status: () => status(),
  // The server's demo accounts (tests/ui-mock/demo-accounts.json is generated from them and
  // checked by src-tauri/tests/contract.rs).
  demo_accounts: async () => ({ accounts: await demoAccountList }),
  demo_start: async () => {
    await sleep(300);
    signedIn = true;
    return status();
  },
  login: async ({ portal_url }) => {
    await sleep(300);
    if (!/^https?:\/\//.test(portal_url)) throw { code: 'invalid_portal_url', message: `not an http(s) URL: ${portal_url}` };
    throw { code: 'invalid_credentials', message: 'the e-mail or password is wrong' };
  },
  logout: () => {
    signedIn = false;
    return null;
  },
  cases_list: () => ({ cases, as_of: iso(Date.now()), offline, queued: [] }),
  cases_cached: () => ({ cases, as_of: iso(Date.now()), offline, queued: [] }),
  case_get: ({ number }) => {
    const c = cases.find((x) => x.number === number);
    if (!c) throw { code: 'not_found', message: `no case ${number}` };
    return { case: c, comments: comments[number] ?? [], attachments: (comments[number] ?? []).flatMap((m) => m.attachments), as_of: iso(Date.now()), offline };
  },
  case_reply: ({ number, body }) => {
    const list = (comments[number] ??= []);
    const comment = { id: Date.now(), case_number: number, author: li, body, body_html: `<p>${body.replace(/[<&>]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[ch])}</p>`, created_at: iso(Date.now()), attachments: [], pending: offline };
    list.push(comment);
    return { outbox_id: 'o1', state: offline ? 'queued' : 'sent', comment };
  },
  case_update: ({ number, patch }) => {
    const c = cases.find((x) => x.number === number);
    Object.assign(c, patch);
    return c;
  },
  case_callback: ({ number, windows }) => {
    const c = cases.find((x) => x.number === number);
    c.callback_windows.push(...windows);
    return { id: 1, case_number: number, windows, requested_by: li, created_at: iso(Date.now()) };
  },
  attachment_open: () => ({ path: '/tmp/x' }),
  case_form_rules: () => formRules,
  severity_choices: severityChoices,
  case_deadline_preview: ({ severity }) => {
    const target = me.entitlements.targets[severity];
    const minutes = { hours: 60, business_days: 60 * 24 * 1.4 }[target?.unit] * (target?.amount ?? 0);
    const due = target ? iso(NOW + minutes * MIN) : null;
    return { severity, target, best_effort: null, due_at: due, due_local: null, time_zone: me.calendar.time_zone };
  },
  products_list: () => ({ products: [{ name: 'Orbit Search', versions: ['8.2.1', '8.2.0', '8.1.4'] }, { name: 'Orbit Dashboards', versions: ['8.2.1'] }] }),
  attachment_stage: (body, options) => ({
    staged_id: `st-${Math.random().toString(16).slice(2)}`,
    filename: decodeURIComponent(options?.headers?.['x-filename'] ?? 'file'),
    content_type: options?.headers?.['x-content-type'] ?? '',
    size: body?.length ?? 0,
  }),
  attachment_unstage: () => null,
  draft_save: ({ draft: d }) => {
    draft = d;
    return { saved_at: iso(Date.now()) };
  },
  draft_load: () => ({ draft, saved_at: draft ? iso(NOW - 3 * MIN) : null }),
  draft_discard: () => {
    draft = null;
    return null;
  },
  outbox_submit_case: async ({ case: c }) => {
    await sleep(200);
    if (offline) return { outbox_id: 'o2', state: 'queued', case: null };
    const created = mkCase(1050, c.severity, 'waiting-on-vendor', c.subject, 0, me.entitlements.targets[c.severity], 60);
    cases.unshift(created);
    draft = null;
    return { outbox_id: 'o2', state: 'sent', case: created };
  },
  outbox_send_now: () => ({ sent: 0, failed: 0, pending: 0, offline }),
  outbox_discard: () => null,
  kb_search: async ({ query, locale, known_issues_only, limit }) => {
    await sleep(Math.random() * 60);
    const q = query.trim().toLowerCase();
    if (!q) return { hits: [], offline };
    const hits = KB.filter((a) => (!locale || a.locale === locale) && (!known_issues_only || a.kind === 'known-issue'))
      .slice(0, limit)
      .map((a, i) => ({ id: a.id, locale: a.locale, title: a.title, title_html: a.title.replace(/</g, '&lt;'), kind: a.kind, snippet: '', snippet_html: a.snippet_html, score: 10 - i }));
    return { hits, offline };
  },
  kb_article: ({ id }) => {
    const a = KB.find((x) => x.id === id);
    return { id, locale: a.locale, title: a.title, kind: a.kind, product: 'Orbit Search', versions: ['8.2.0', '8.2.1'], tags: [], updated_at: iso(NOW - 86400000), body_html: a.body, offline_copy: false };
  },
  kb_sync_status: () => {
    if (syncDone !== null) syncDone = Math.min(syncDone + 3, 120);
    return syncDone !== null && syncDone < 120
      ? { state: 'syncing', done: syncDone, total: 120, article_count: 96, last_synced_at: iso(NOW - 3600000), offline, error: null }
      : { state: 'idle', done: 0, total: null, article_count: 120, last_synced_at: iso(NOW - 20 * MIN), offline, error: null };
  },
  kb_sync_now: () => {
    syncDone = 0;
    return handlers.kb_sync_status({});
  },
  contacts_list: () => ({ contacts }),
  contact_add: ({ contact }) => {
    const c = { id: Date.now(), email: contact.email, name: contact.name, key_contact: false, created_at: iso(Date.now()) };
    contacts = [...contacts, c];
    // The mock portal sends mail, as a real one with --smtp-url does: an invitation, no password.
    return { contact: c, initial_password: null, invitation_sent: true };
  },
  mail_preference_set: ({ mail }) => {
    me.preferences = { locale: 'en', time_zone: null, ...me.preferences, mail };
    return me.preferences;
  },
  password_reset_request: () => null,
  contact_remove: ({ id }) => {
    contacts = contacts.filter((c) => c.id !== id);
    return null;
  },
  link_open: ({ url }) => {
    window.open(url, '_blank', 'noopener');
    return null;
  },
  settings_get: () => settings,
  settings_set: ({ settings: s }) => {
    settings = s;
    return s;
  },
  app_settings: () => ({ language: settings.language, tray_shown: true, log_dir: '/tmp/casewatch-mock/logs' }),
  set_language: ({ language }) => {
    settings = { ...settings, language };
    return { language, tray_shown: true, log_dir: '/tmp/casewatch-mock/logs' };
  },
  logs_open: () => null,
  app_quit: () => null,
  window_hide: () => null,
  window_title: () => null,
  quiet_get: () => quiet,
  quiet_set: ({ quiet: q }) => {
    quiet = q;
    return q;
  },
  case_mute: ({ number, muted }) => {
    const others = quiet.muted_cases.filter((n) => n !== number);
    quiet = { ...quiet, muted_cases: muted ? [...others, number] : others };
    return quiet;
  },
  autostart_get: () => autostart,
  autostart_set: ({ enabled }) => {
    autostart = { enabled, asked: true };
    return autostart;
  },
  open_pending: () => null,
  // D1: the mock portal publishes no newer version.
  update_check: () => ({ current_version: '0.1.0', available: null }),
  update_install: () => {
    throw { code: 'update_none', message: 'Casewatch 0.1.0 is already the newest version the portal offers' };
  },
};

/** @type {any} */ (window).__TAURI__ = {
  core: {
    async invoke(command, args, options) {
      await sleep(10);
      const handler = handlers[command];
      if (!handler) throw `Command ${command} not found`;
      return handler(args ?? {}, options);
    },
  },
};

// ?do=fill:<testid>:<text>,click:<testid>,wait — steps run 400 ms apart after the first screen.
if (params.get('do')) {
  const steps = params.get('do').split(',');
  const run = async () => {
    await sleep(600);
    for (const step of steps) {
      const [what, id, ...rest] = step.split(':');
      const el = id ? /** @type {HTMLInputElement | null} */ (document.querySelector(`[data-testid="${id}"]`)) : null;
      if (what === 'fill' && el) {
        el.value = rest.join(':');
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      } else if (what === 'click' && el) {
        el.click();
      }
      await sleep(400);
    }
  };
  run();
}
