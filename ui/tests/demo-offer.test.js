import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoOffer } from '../lib/demo-offer.js';

const ACCOUNT = {
  email: 'admin@acme.example',
  name: 'Ada Admin',
  organisation: 'Acme',
  deployment: 'cloud',
  subscription: 'enterprise',
  key_contact: true,
  description: { en: 'Key contact', 'zh-CN': '主要联系人' },
};

test('a build without the demo offers no demo, and shows no error for it', () => {
  const offer = demoOffer({ error: { code: 'demo_unavailable', message: 'this build has no demo portal' } });
  assert.deepEqual(offer, { kind: 'none' });
});

test('any other failure says the demo is unavailable', () => {
  const error = { code: 'internal', message: 'the demo portal did not start' };
  assert.deepEqual(demoOffer({ error }), { kind: 'unavailable', error });
});

test('the accounts are offered once they arrive; none means no demo', () => {
  assert.deepEqual(demoOffer({}), { kind: 'loading' });
  assert.deepEqual(demoOffer({ answer: { accounts: [ACCOUNT] } }), { kind: 'accounts', accounts: [ACCOUNT] });
  assert.deepEqual(demoOffer({ answer: { accounts: [] } }), { kind: 'none' });
});
