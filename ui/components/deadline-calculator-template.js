// @ts-check
// The markup of <cw-deadline-calculator> (deadline-calculator.js), kept apart from its logic.
// A string, not DOM calls: the form is static, and every `data-testid` in it is what the
// end-to-end tests drive.

/** Time zones offered when the webview cannot list them all (`Intl.supportedValuesOf`). */
export const FALLBACK_ZONES = [
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

/**
 * The calculator's markup. Static text carries `data-i18n` keys (filled by `translateTree`);
 * the severity and environment options are filled from the core's form rules.
 */
export const TEMPLATE = `
<section class="card calc">
  <header class="card__header">
    <h1 data-i18n="calc.heading"></h1>
    <p class="muted" data-i18n="calc.intro"></p>
  </header>
  <div class="split calc__grid">
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
            <select name="environment" data-testid="calc-environment"></select>
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
