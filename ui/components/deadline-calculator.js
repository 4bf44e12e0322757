// @ts-check
// <cw-deadline-calculator>: the first screen. A customer admin describes a contract and a case
// and sees when the first reply is due, in the contract's time zone and in their own.
//
// Why it is built this way:
// - It asks the Rust core (`sla_quote`) on every change instead of computing anything itself:
//   the app, the CLI and the server must never disagree about a deadline.
// - Responses can arrive out of order while someone types; a sequence number drops stale ones.
// - Light DOM, so the global stylesheet applies and tests find `data-testid` with plain CSS.
// - Static text carries `data-i18n` keys; switching language re-renders from the last answer
//   without asking the core again.

import { slaQuote } from '../api.js';
import { formRules, loadFormRules, severityDefinition, severityLabel, severityNumbers } from '../form-rules.js';
import { targetText } from '../dom.js';
import { has, onLanguageChange, t, translateTree } from '../i18n.js';
import {
  isKnownZone,
  localZone,
  parseWallTime,
  partsInZone,
  partsOfOffsetTimestamp,
  toRfc3339Utc,
  toWallInput,
  wallTimeToInstant,
} from '../time.js';
import { FALLBACK_ZONES, TEMPLATE } from './deadline-calculator-template.js';

const DEFAULT_ZONE = 'UTC';
const DEFAULT_HOURS = 'mon-fri 09:00-17:00';

/**
 * The element with `data-testid="<id>"` under `root`, which the template guarantees.
 * @template {Element} E
 * @param {ParentNode} root
 * @param {string} id
 * @param {{ new (): E, prototype: E }} type
 * @returns {E}
 */
function byTestId(root, id, type) {
  const el = root.querySelector(`[data-testid="${id}"]`);
  if (!(el instanceof type)) throw new Error(`calculator template lacks ${id}`);
  return el;
}

/**
 * The form's controls and the result's fields.
 * @param {ParentNode} root
 */
function findFields(root) {
  const select = (/** @type {string} */ id) => byTestId(root, id, HTMLSelectElement);
  const input = (/** @type {string} */ id) => byTestId(root, id, HTMLInputElement);
  const any = (/** @type {string} */ id) => byTestId(root, id, HTMLElement);
  return {
    deployment: select('calc-deployment'),
    subscription: select('calc-subscription'),
    severity: select('calc-severity'),
    environment: select('calc-environment'),
    created: input('calc-created'),
    createdZone: select('calc-created-zone'),
    tz: input('calc-tz'),
    hours: input('calc-hours'),
    holidays: input('calc-holidays'),
    dayLength: input('calc-day-length'),
    severityHelp: any('calc-severity-help'),
    createdUtc: any('calc-created-utc'),
    result: any('calc-result'),
    supportLevel: any('calc-support-level'),
    target: any('calc-target'),
    dueContract: any('calc-due-contract'),
    dueLocal: any('calc-due-local'),
    bestEffort: any('calc-best-effort'),
    error: any('calc-error'),
    errorTitle: any('calc-error-title'),
    errorMessage: any('calc-error-message'),
    errorDetail: any('calc-error-detail'),
    errorCode: any('calc-error-code'),
  };
}

/**
 * Replaces a select's options by `values`, keeping the chosen one if it is still offered.
 * @param {HTMLSelectElement} select
 * @param {string[]} values
 * @param {string} preferred chosen when nothing (offered) was
 */
function fillSelect(select, values, preferred) {
  const keep = select.value;
  select.replaceChildren(
    ...values.map((value) => {
      const option = document.createElement('option');
      option.value = value;
      return option;
    }),
  );
  select.value = values.includes(keep) ? keep : preferred;
  if (select.selectedIndex === -1 && values.length) select.selectedIndex = 0;
}

/**
 * The core's answer to the form: a quote, or an error `{code, message}`.
 * @typedef {{ quote?: any, error?: { code: string, message: string }, request?: any }} Outcome
 */

/** The deadline calculator element. */
class DeadlineCalculator extends HTMLElement {
  /** @type {HTMLFormElement | null} */
  form = null;
  /** @type {ReturnType<typeof findFields>} set by build(), which runs before any other use */
  el = /** @type {any} */ (null);
  sequence = 0;
  /** @type {Outcome | null} */
  outcome = null;
  /** @type {(() => void) | null} */
  unsubscribe = null;

  connectedCallback() {
    if (!this.form) this.build();
    this.unsubscribe = onLanguageChange(() => this.render());
    this.render();
    this.recompute();
  }

  disconnectedCallback() {
    if (this.unsubscribe) this.unsubscribe();
    this.unsubscribe = null;
  }

  build() {
    this.innerHTML = TEMPLATE;
    const form = byTestId(this, 'calc-form', HTMLFormElement);
    this.form = form;
    this.sequence = 0;
    this.outcome = null;
    this.el = findFields(this);

    // Defaults: a common contract, the default schedule, and "now" in the contract zone.
    this.el.deployment.value = 'cloud';
    this.el.subscription.value = 'gold';
    this.fillChoices();
    this.el.tz.value = DEFAULT_ZONE;
    this.el.hours.value = DEFAULT_HOURS;
    this.el.createdZone.value = 'contract';
    this.el.created.value = toWallInput(Date.now(), DEFAULT_ZONE);

    const zones = /** @type {HTMLDataListElement} */ (this.querySelector('datalist'));
    let names = FALLBACK_ZONES;
    if (typeof Intl.supportedValuesOf === 'function') {
      try {
        names = ['UTC', ...Intl.supportedValuesOf('timeZone')];
      } catch {
        // Keep the short list.
      }
    }
    for (const name of names) {
      const option = document.createElement('option');
      option.value = name;
      zones.append(option);
    }

    this.form.addEventListener('submit', (event) => event.preventDefault());
    this.form.addEventListener('input', () => this.recompute());
    this.form.addEventListener('change', () => this.recompute());
  }

  /**
   * The severity and environment options, from the core's form rules (defaults: severity 3,
   * "normal", in production). Rules that are not in yet are asked for, and the form is
   * recomputed when they arrive.
   */
  fillChoices() {
    const rules = formRules();
    if (!rules) {
      loadFormRules()
        .then(() => {
          if (!this.isConnected || this.el.severity.options.length) return;
          this.fillChoices();
          this.recompute();
        })
        .catch(() => {});
      return;
    }
    fillSelect(this.el.severity, severityNumbers().map(String), '3');
    fillSelect(this.el.environment, rules.environments, 'production');
    this.labelChoices();
  }

  /** The options' text in the active language. */
  labelChoices() {
    for (const option of this.el.severity.options) option.textContent = severityLabel(Number(option.value));
    for (const option of this.el.environment.options) option.textContent = t(`environment.${option.value}`);
  }

  /** The contract zone as typed, or UTC when the field is empty. */
  contractZone() {
    return this.el.tz.value.trim() || DEFAULT_ZONE;
  }

  /** The creation instant as RFC 3339 UTC, or null when the input is incomplete. */
  createdInstant() {
    const wall = parseWallTime(this.el.created.value);
    if (wall === null) return null;
    let zone = DEFAULT_ZONE;
    if (this.el.createdZone.value === 'local') zone = localZone();
    if (this.el.createdZone.value === 'contract') zone = this.contractZone();
    // An unknown contract zone: read the time as UTC; the core reports the bad zone anyway.
    if (!isKnownZone(zone)) zone = DEFAULT_ZONE;
    return toRfc3339Utc(wallTimeToInstant(wall, zone));
  }

  /**
   * The `SlaRequest` the form describes.
   * @param {string} created RFC 3339 UTC
   */
  request(created) {
    const holidays = this.el.holidays.value
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const dayLength = this.el.dayLength.value.trim();
    return {
      deployment: this.el.deployment.value,
      subscription: this.el.subscription.value,
      severity: Number(this.el.severity.value),
      created,
      tz: this.contractZone(),
      hours: this.el.hours.value.trim() || null,
      holidays,
      day_length_hours: dayLength === '' ? null : Number(dayLength),
      environment: this.el.environment.value,
    };
  }

  async recompute() {
    const sequence = ++this.sequence;
    this.renderStatic();
    const created = this.createdInstant();
    if (created === null) {
      this.show({ error: { code: 'missing_created', message: '' } });
      return;
    }
    this.el.result.dataset.state = 'pending';
    const request = this.request(created);
    /** @type {Outcome} */
    let outcome;
    try {
      outcome = { quote: await slaQuote(request), request };
    } catch (error) {
      outcome = { error: /** @type {{ code: string, message: string }} */ (error), request };
    }
    if (sequence === this.sequence) this.show(outcome);
  }

  /** @param {Outcome} outcome */
  show(outcome) {
    this.outcome = outcome;
    this.renderOutcome();
  }

  render() {
    translateTree(this);
    this.renderStatic();
    this.renderOutcome();
  }

  /** Text that depends only on the form, not on the core's answer. */
  renderStatic() {
    const localOption = /** @type {HTMLOptionElement} */ (this.querySelector('[data-role="local-zone-option"]'));
    localOption.textContent = t('calc.createdZone.local', { zone: localZone() });
    this.labelChoices();
    this.el.severityHelp.textContent = this.el.severity.value ? severityDefinition(Number(this.el.severity.value)) : '';
    const created = this.createdInstant();
    this.el.createdUtc.textContent = created
      ? t('calc.createdUtc', { instant: created.replace('T', ' ').replace('Z', '') })
      : '';
  }

  renderOutcome() {
    const el = this.el;
    const outcome = this.outcome;
    const none = t('calc.none');
    el.bestEffort.hidden = true;
    el.error.hidden = true;
    for (const dd of [el.supportLevel, el.target, el.dueContract, el.dueLocal]) {
      dd.textContent = none;
      delete dd.dataset.value;
    }
    if (!outcome) {
      el.result.dataset.state = 'pending';
      el.supportLevel.textContent = t('calc.computing');
      return;
    }
    if (outcome.error) {
      const { code, message } = outcome.error;
      el.result.dataset.state = 'error';
      el.error.hidden = false;
      el.error.dataset.code = code;
      el.errorTitle.textContent = t('error.title');
      el.errorMessage.textContent = has(`error.${code}`) ? t(`error.${code}`) : t('error.unknown');
      el.errorDetail.textContent = message;
      el.errorDetail.hidden = !message;
      el.errorCode.textContent = code;
      return;
    }

    const quote = outcome.quote;
    el.result.dataset.state = 'ok';
    const levelKey = `level.${quote.support_level}`;
    el.supportLevel.textContent = has(levelKey) ? t(levelKey) : String(quote.support_level);
    el.supportLevel.dataset.value = quote.support_level;

    if (quote.target) {
      el.target.textContent = targetText(quote.target);
      el.target.dataset.value = `${quote.target.amount} ${quote.target.unit}`;
    } else if (!quote.best_effort) {
      el.target.textContent = t('calc.noTarget');
    }

    if (quote.best_effort) {
      el.bestEffort.hidden = false;
      el.bestEffort.textContent = t('calc.bestEffort', { target: targetText(quote.best_effort) });
    }

    if (quote.due_local) {
      const parts = partsOfOffsetTimestamp(quote.due_local);
      fillDue(el.dueContract, parts, outcome.request.tz, quote.due_local);
    }
    if (quote.due) {
      const zone = localZone();
      fillDue(el.dueLocal, partsInZone(quote.due, zone), zone, quote.due);
    }
  }
}

/**
 * Writes "Mon 2026-03-09 15:00" and "Asia/Shanghai (UTC+08:00)" into a due-time field.
 * @param {HTMLElement} dd
 * @param {import('../time.js').DisplayParts | null} parts
 * @param {string} zone
 * @param {string} raw the timestamp as the core wrote it
 */
function fillDue(dd, parts, zone, raw) {
  dd.dataset.value = raw;
  if (!parts) {
    dd.textContent = raw;
    return;
  }
  const main = document.createElement('span');
  main.className = 'due__time';
  main.textContent = `${t(`weekday.${parts.weekday}`)} ${parts.date} ${parts.time}`;
  const where = document.createElement('span');
  where.className = 'due__zone';
  where.textContent = `${zone} (${parts.offset})`;
  dd.replaceChildren(main, ' ', where);
}

customElements.define('cw-deadline-calculator', DeadlineCalculator);
