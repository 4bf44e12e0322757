// Every user-visible string of the UI, in English and Simplified Chinese.
//
// Why one module: components never hard-code text, they ask `t(key)`. Switching language is then
// one event (`cw-language-change`) that every component answers by re-rendering, and a missing
// translation is easy to spot (the key itself is shown). Values are strings with `{name}`
// placeholders, or functions of the parameters where grammar needs it (English plurals).

const plural = (n, one, other) => (Number(n) === 1 ? one : other);

const STRINGS = {
  en: {
    'app.title': 'Casewatch',
    'app.tagline': 'Support deadlines you can trust',
    'settings.language': 'Language',

    'calc.heading': 'Deadline calculator',
    'calc.intro':
      'When must the first reply to a case arrive? Pick the contract and the case; the answer updates as you type.',
    'calc.contract': 'Contract',
    'calc.case': 'Case',
    'calc.deployment': 'Deployment',
    'calc.subscription': 'Subscription',
    'calc.severity': 'Severity',
    'calc.environment': 'Environment',
    'calc.created': 'Created at',
    'calc.createdZone': 'Creation time is in',
    'calc.createdZone.contract': 'the contract time zone',
    'calc.createdZone.local': 'this computer’s time zone ({zone})',
    'calc.createdZone.utc': 'UTC',
    'calc.createdUtc': 'That is {instant} UTC.',
    'calc.tz': 'Contract time zone',
    'calc.tz.hint': 'IANA name, e.g. Asia/Shanghai',
    'calc.hours': 'Business hours',
    'calc.hours.hint': 'e.g. mon-fri 09:00-17:00',
    'calc.holidays': 'Holidays',
    'calc.holidays.hint': 'e.g. 2026-12-25, 2026-12-26',
    'calc.dayLength': 'Business-day length (hours)',
    'calc.dayLength.hint': 'From the schedule',

    'calc.result': 'Initial response',
    'calc.supportLevel': 'Support level',
    'calc.target': 'Target',
    'calc.dueContract': 'Due (contract time)',
    'calc.dueLocal': 'Due (your time)',
    'calc.bestEffort': 'No guaranteed response time. Best effort: within {target}, Monday to Friday.',
    'calc.noTarget': 'No time requirement',
    'calc.computing': 'Computing…',
    'calc.none': '—',

    'deployment.cloud': 'Cloud',
    'deployment.self-managed': 'Self-managed',
    'subscription.standard': 'Standard',
    'subscription.gold': 'Gold',
    'subscription.platinum': 'Platinum',
    'subscription.enterprise': 'Enterprise',
    'subscription.development': 'Development',
    'environment.production': 'Production',
    'environment.non-production': 'Non-production',

    'level.limited': 'Limited',
    'level.base': 'Base',
    'level.enhanced': 'Enhanced',
    'level.premium': 'Premium',
    'level.gold': 'Gold (legacy)',
    'level.platinum': 'Platinum',
    'level.enterprise': 'Enterprise',
    'level.development': 'Development',

    'severity.1': '1 · Urgent',
    'severity.2': '2 · High',
    'severity.3': '3 · Normal',
    'severity.4': '4 · Development',
    'severity.1.help':
      'Production is down or severely impaired, no workaround; revenue, security or brand is hit.',
    'severity.2.help':
      'The environment runs but capacity is reduced, or an imminent deadline is at risk; revenue, security or brand is threatened.',
    'severity.3.help':
      'The default. Something does not work as expected, or a general question about the deployment.',
    'severity.4.help':
      'Non-production cases only. No time requirement (except the development subscription’s target).',

    'target.minutes': ({ n }) => `${n} ${plural(n, 'minute', 'minutes')}, 24×7`,
    'target.hours': ({ n }) => `${n} ${plural(n, 'hour', 'hours')}, 24×7`,
    'target.business_hours': ({ n }) => `${n} business ${plural(n, 'hour', 'hours')}`,
    'target.business_days': ({ n }) => `${n} business ${plural(n, 'day', 'days')}`,

    'weekday.0': 'Sun',
    'weekday.1': 'Mon',
    'weekday.2': 'Tue',
    'weekday.3': 'Wed',
    'weekday.4': 'Thu',
    'weekday.5': 'Fri',
    'weekday.6': 'Sat',

    'error.title': 'Cannot compute a deadline',
    'error.not_supported': 'This subscription is not available for this deployment.',
    'error.severity_not_allowed': 'This contract cannot file a case of this severity.',
    'error.severity_requires_production': 'Severity 1 means production is down: pick a production environment or a lower severity.',
    'error.invalid_argument': 'Some input is not valid; the detail below says which.',
    'error.callback_not_included': 'This contract does not include phone callbacks.',
    'error.missing_created': 'Enter the time the case was created.',
    'error.no_backend': 'The Casewatch back end is not available; open this page in the Casewatch app.',
    'error.invalid_request': 'The form could not be sent to the calculator.',
    'error.unknown': 'The calculator rejected this input.',
  },

  'zh-CN': {
    'app.title': 'Casewatch',
    'app.tagline': '值得信赖的支持响应时限',
    'settings.language': '语言',

    'calc.heading': '响应时限计算器',
    'calc.intro': '案件的首次回复必须在何时之前送达？选择合同与案件信息，结果会随输入即时更新。',
    'calc.contract': '合同',
    'calc.case': '案件',
    'calc.deployment': '部署类型',
    'calc.subscription': '订阅级别',
    'calc.severity': '紧急程度',
    'calc.environment': '环境',
    'calc.created': '创建时间',
    'calc.createdZone': '创建时间所在时区',
    'calc.createdZone.contract': '合同时区',
    'calc.createdZone.local': '本机时区（{zone}）',
    'calc.createdZone.utc': 'UTC',
    'calc.createdUtc': '即 UTC 时间 {instant}。',
    'calc.tz': '合同时区',
    'calc.tz.hint': 'IANA 时区名，例如 Asia/Shanghai',
    'calc.hours': '工作时间',
    'calc.hours.hint': '例如 mon-fri 09:00-17:00',
    'calc.holidays': '节假日',
    'calc.holidays.hint': '例如 2026-12-25, 2026-12-26',
    'calc.dayLength': '工作日时长（小时）',
    'calc.dayLength.hint': '根据工作时间表推算',

    'calc.result': '初始响应',
    'calc.supportLevel': '支持级别',
    'calc.target': '响应目标',
    'calc.dueContract': '截止时间（合同时区）',
    'calc.dueLocal': '截止时间（您的时区）',
    'calc.bestEffort': '无保证的响应时间。我们将尽力在{target}内响应（周一至周五）。',
    'calc.noTarget': '无时间要求',
    'calc.computing': '计算中…',
    'calc.none': '—',

    'deployment.cloud': '云托管',
    'deployment.self-managed': '自管型',
    'subscription.standard': '标准级',
    'subscription.gold': '黄金级',
    'subscription.platinum': '白金级',
    'subscription.enterprise': '企业级',
    'subscription.development': '开发级',
    'environment.production': '生产环境',
    'environment.non-production': '非生产环境',

    'level.limited': '有限',
    'level.base': '基本',
    'level.enhanced': '增强',
    'level.premium': '特优级',
    'level.gold': '黄金级（旧版）',
    'level.platinum': '白金级',
    'level.enterprise': '企业级',
    'level.development': '开发级',

    'severity.1': '1 · 紧急',
    'severity.2': '2 · 高',
    'severity.3': '3 · 普通',
    'severity.4': '4 · 开发支持',
    'severity.1.help': '生产环境无法运行或严重受损，且没有替代方案；收入、安全或品牌已受到影响。',
    'severity.2.help': '环境仍在运行但容量下降，或迫近的截止日期面临风险；收入、安全或品牌受到威胁。',
    'severity.3.help': '默认级别。某些功能未达到预期效果，或对部署有一般性疑问。',
    'severity.4.help': '仅适用于非生产环境案件。没有时间要求（开发级订阅的响应目标除外）。',

    'target.minutes': ({ n }) => `${n} 分钟，全天候`,
    'target.hours': ({ n }) => `${n} 个小时，全天候`,
    'target.business_hours': ({ n }) => `工作时间 ${n} 个小时`,
    'target.business_days': ({ n }) => `${n} 个工作日`,

    'weekday.0': '周日',
    'weekday.1': '周一',
    'weekday.2': '周二',
    'weekday.3': '周三',
    'weekday.4': '周四',
    'weekday.5': '周五',
    'weekday.6': '周六',

    'error.title': '无法计算截止时间',
    'error.not_supported': '该部署类型不提供此订阅级别。',
    'error.severity_not_allowed': '此合同不能提交该紧急程度的案件。',
    'error.severity_requires_production': '紧急程度 1 表示生产环境宕机：请选择生产环境，或选择较低的紧急程度。',
    'error.invalid_argument': '部分输入无效；下方的详细信息指出了具体是哪一项。',
    'error.callback_not_included': '此合同不包含电话回电服务。',
    'error.missing_created': '请输入案件的创建时间。',
    'error.no_backend': 'Casewatch 后端不可用；请在 Casewatch 应用中打开此页面。',
    'error.invalid_request': '表单内容无法发送给计算器。',
    'error.unknown': '计算器拒绝了此输入。',
  },
};

/** The languages the UI offers, in menu order. */
export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
];

const STORAGE_KEY = 'casewatch.language';
const EVENT = 'cw-language-change';

function initialLanguage() {
  let stored = null;
  try {
    stored = window.localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be unavailable; fall back to the system language.
  }
  if (stored && STRINGS[stored]) return stored;
  const system = (navigator.language || 'en').toLowerCase();
  return system.startsWith('zh') ? 'zh-CN' : 'en';
}

let current = initialLanguage();

/** The active language code (`en` or `zh-CN`). */
export function language() {
  return current;
}

/** True when `key` has a translation in the active language. */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(STRINGS[current], key);
}

/** Translates `key`, filling `{name}` placeholders from `params`. Unknown keys show themselves. */
export function t(key, params = {}) {
  const value = STRINGS[current][key] ?? STRINGS.en[key];
  if (value === undefined) return key;
  if (typeof value === 'function') return value(params);
  return value.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** Switches the language, remembers it, and tells every component to re-render. */
export function setLanguage(code) {
  if (!STRINGS[code] || code === current) return;
  current = code;
  try {
    window.localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // Not remembering the choice is acceptable.
  }
  document.documentElement.lang = code;
  window.dispatchEvent(new CustomEvent(EVENT, { detail: { language: code } }));
}

/** Calls `listener` after every language switch; returns a function that unsubscribes. */
export function onLanguageChange(listener) {
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}

/**
 * Fills static text under `root`: `data-i18n` sets the text content, `data-i18n-placeholder`
 * the placeholder, `data-i18n-title` the tooltip.
 */
export function translateTree(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}
