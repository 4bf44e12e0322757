// The severity names and definitions the UI shows are the core's (`case_form_rules`), in the
// language asked for; the catalogue only formats them.
import './strings.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formRules, loadFormRules, severityDefinition, severityLabel, severityNumbers } from '../form-rules.js';
import { t } from '../i18n.js';

const RULES = {
  subject_max: 10,
  line_max: 5,
  text_max: 50,
  case_types: ['problem'],
  environments: ['production', 'non-production'],
  impact_required: true,
  advisory_types: ['how-to'],
  open_statuses: ['waiting-on-vendor', 'waiting-on-customer'],
  severities: [
    { severity: 1, name: { en: 'Urgent', 'zh-CN': '紧急' }, definition: { en: 'Down.', 'zh-CN': '宕机。' } },
    { severity: 4, name: { en: 'Development', 'zh-CN': '开发支持' }, definition: { en: 'Dev.', 'zh-CN': '开发。' } },
  ],
};

let calls = 0;
globalThis.window = {
  __TAURI__: {
    core: {
      invoke: async (command) => {
        calls += 1;
        if (command !== 'case_form_rules') throw { code: 'not_found', message: command };
        if (calls === 1) throw { code: 'offline', message: 'first try fails' };
        return RULES;
      },
    },
  },
};

test('the rules are asked for again after a failure, then kept', async () => {
  assert.equal(formRules(), null);
  assert.equal(severityLabel(1), t('severity.number', { n: 1 }), 'no rules: a neutral label');
  await assert.rejects(loadFormRules(), { code: 'offline' });
  assert.deepEqual(await loadFormRules(), RULES);
  await loadFormRules();
  assert.equal(calls, 2, 'asked once more, then cached');
});

test('labels and definitions are the core\'s, in the language asked for', () => {
  assert.deepEqual(severityNumbers(), [1, 4]);
  assert.equal(severityLabel(4, 'en'), '4 · Development');
  assert.equal(severityLabel(4, 'zh-CN'), '4 · 开发支持');
  assert.equal(severityDefinition(1, 'zh-CN'), '宕机。');
  assert.equal(severityDefinition(1, 'en'), 'Down.');
  assert.equal(severityDefinition(2, 'en'), '', 'a severity the core did not send has no text');
});
