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
import { loadFormRules, severityDefinition, severityLabel, severityNumbers } from '../form-rules.js';
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

const DEFAULT_ZONE = 'UTC';
const DEFAULT_HOURS = 'mon-fri 09:00-17:00';

const FALLBACK_ZONES = [
  'UTC',
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Australia/Sydney',
];

const TEMPLATE = `
<section class="card calc">
  <header class="card__header">
    <h1 data-i18n="calc.heading"></h1>
    <p class="muted" data-i18n="calc.intro"></p>
  </header>
  <div class="calc__grid">
    <form class="calc__form" data-testid="calc-form" novalidate autocomplete="off">
      <fieldset>
        <legend data-i18n="calc.contract"></legend>
        <div class="field-row">
          <label class="field">
            <span class="field__label" data-i18n="calc.deployment"></span>
            <select name="deployment" data-testid="calc-deployment">
              <option value="cloud" data-i18n="deployment.cloud"></option>
              <option value="self-managed" data-i18n="deployment.self-managed"></option>
            </select>
          </label>
          <label class="field">
            <span class="field__label" data-i18n="calc.subscription"></span>
            <select name="subscription" data-testid="calc-subscription">
              <option value="standard" data-i18n="subscription.standard"></option>
              <option value="gold" data-i18n="subscription.gold"></option>
              <option value="platinum" data-i18n="subscription.platinum"></option>
              <option value="enterprise" data-i18n="subscription.enterprise"></option>
              <option value="development" data-i18n="subscription.development"></option>
            </select>
          </label>
        </div>
        <div class="field-row">
          <label class="field">
            <span class="field__label" data-i18n="calc.tz"></span>
            <input name="tz" type="text" list="cw-zone-list" spellcheck="false"
                   data-testid="calc-tz" data-i18n-placeholder="calc.tz.hint">
            <datalist id="cw-zone-list"></datalist>
          </label>
          <label class="field">
            <span class="field__label" data-i18n="calc.hours"></span>
            <input name="hours" type="text" spellcheck="false"
                   data-testid="calc-hours" data-i18n-placeholder="calc.hours.hint">
          </label>
        </div>
        <div class="field-row">
          <label class="field">
            <span class="field__label" data-i18n="calc.holidays"></span>
            <input name="holidays" type="text" spellcheck="false"
                   data-testid="calc-holidays" data-i18n-placeholder="calc.holidays.hint">
          </label>
          <label class="field">
            <span class="field__label" data-i18n="calc.dayLength"></span>
            <input name="dayLength" type="number" min="0.5" max="24" step="0.5" inputmode="decimal"
                   data-testid="calc-day-length" data-i18n-placeholder="calc.dayLength.hint">
          </label>
        </div>
      </fieldset>
      <fieldset>
        <legend data-i18n="calc.case"></legend>
        <div class="field-row">
          <label class="field">
            <span class="field__label" data-i18n="calc.severity"></span>
            <select name="severity" data-testid="calc-severity"></select>
          </label>
          <label class="field">
            <span class="field__label" data-i18n="calc.environment"></span>
            <select name="environment" data-testid="calc-environment">
              <option value="production" data-i18n="environment.production"></option>
              <option value="non-production" data-i18n="environment.non-production"></option>
            </select>
          </label>
        </div>
        <p class="hint" data-testid="calc-severity-help"></p>
        <div class="field-row">
          <label class="field">
            <span class="field__label" data-i18n="calc.created"></span>
            <input name="created" type="datetime-local" step="1" data-testid="calc-created">
          </label>
          <label class="field">
            <span class="field__label" data-i18n="calc.createdZone"></span>
            <select name="createdZone" data-testid="calc-created-zone">
              <option value="contract" data-i18n="calc.createdZone.contract"></option>
              <option value="local" data-role="local-zone-option"></option>
              <option value="utc" data-i18n="calc.createdZone.utc"></option>
            </select>
          </label>
        </div>
        <p class="hint" data-testid="calc-created-utc"></p>
      </fieldset>
    </form>
    <section class="calc__result" data-testid="calc-result" data-state="pending" aria-live="polite">
      <h2 data-i18n="calc.result"></h2>
      <dl class="facts">
        <div class="fact">
          <dt data-i18n="calc.supportLevel"></dt>
          <dd data-testid="calc-support-level"></dd>
        </div>
        <div class="fact">
          <dt data-i18n="calc.target"></dt>
          <dd data-testid="calc-target"></dd>
        </div>
        <div class="fact fact--due">
          <dt data-i18n="calc.dueContract"></dt>
          <dd data-testid="calc-due-contract"></dd>
        </div>
        <div class="fact fact--due">
          <dt data-i18n="calc.dueLocal"></dt>
          <dd data-testid="calc-due-local"></dd>
        </div>
      </dl>
      <p class="notice" data-testid="calc-best-effort" hidden></p>
      <div class="error" data-testid="calc-error" role="alert" hidden>
        <strong class="error__title" data-testid="calc-error-title"></strong>
        <p class="error__message" data-testid="calc-error-message"></p>
        <p class="error__detail" data-testid="calc-error-detail"></p>
        <code class="error__code" data-testid="calc-error-code"></code>
      </div>
    </section>
  </div>
</section>`;

class DeadlineCalculator extends HTMLElement {
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
    this.form = this.querySelector('form');
    this.sequence = 0;
    this.outcome = null;
    const field = (id) => this.querySelector(`[data-testid="${id}"]`);
    this.el = {
      deployment: field('calc-deployment'),
      subscription: field('calc-subscription'),
      severity: field('calc-severity'),
      environment: field('calc-environment'),
      created: field('calc-created'),
      createdZone: field('calc-created-zone'),
      tz: field('calc-tz'),
      hours: field('calc-hours'),
      holidays: field('calc-holidays'),
      dayLength: field('calc-day-length'),
      severityHelp: field('calc-severity-help'),
      createdUtc: field('calc-created-utc'),
      result: field('calc-result'),
      supportLevel: field('calc-support-level'),
      target: field('calc-target'),
      dueContract: field('calc-due-contract'),
      dueLocal: field('calc-due-local'),
      bestEffort: field('calc-best-effort'),
      error: field('calc-error'),
      errorTitle: field('calc-error-title'),
      errorMessage: field('calc-error-message'),
      errorDetail: field('calc-error-detail'),
      errorCode: field('calc-error-code'),
    };

    // Defaults: a common contract, the default schedule, and "now" in the contract zone.
    this.el.deployment.value = 'cloud';
    this.el.subscription.value = 'gold';
    this.fillSeverities();
    this.el.environment.value = 'production';
    this.el.tz.value = DEFAULT_ZONE;
    this.el.hours.value = DEFAULT_HOURS;
    this.el.createdZone.value = 'contract';
    this.el.created.value = toWallInput(Date.now(), DEFAULT_ZONE);

    const zones = this.querySelector('datalist');
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
   * The severity options, from the core's form rules (default 3, "normal"). Rules that are not
   * in yet are asked for, and the form is recomputed when they arrive.
   */
  fillSeverities() {
    const select = this.el.severity;
    const numbers = severityNumbers();
    if (!numbers.length) {
      loadFormRules()
        .then(() => {
          if (!this.isConnected || select.options.length) return;
          this.fillSeverities();
          this.recompute();
        })
        .catch(() => {});
      return;
    }
    const keep = select.value;
    select.replaceChildren(
      ...numbers.map((n) => {
        const option = document.createElement('option');
        option.value = String(n);
        return option;
      }),
    );
    select.value = keep || '3';
    this.labelSeverities();
  }

  labelSeverities() {
    for (const option of this.el.severity.options) option.textContent = severityLabel(Number(option.value));
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

  /** The `SlaRequest` the form describes. */
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
    let outcome;
    try {
      outcome = { quote: await slaQuote(request), request };
    } catch (error) {
      outcome = { error, request };
    }
    if (sequence === this.sequence) this.show(outcome);
  }

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
    const localOption = this.querySelector('[data-role="local-zone-option"]');
    localOption.textContent = t('calc.createdZone.local', { zone: localZone() });
    this.labelSeverities();
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

function targetText(target) {
  const key = `target.${target.unit}`;
  return has(key) ? t(key, { n: target.amount }) : `${target.amount} ${target.unit}`;
}

/** Writes "Mon 2026-03-09 15:00" and "Asia/Shanghai (UTC+08:00)" into a due-time field. */
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
