// @ts-check
// What the sign-in screen offers of the embedded demo portal. A build without the demo
// answers `demo_accounts` with the error `demo_unavailable`: that is not a failure to show
// (the user did nothing wrong, and nothing can be retried), it means there is no demo to
// offer, so the demo card is left out. Any other failure still says the demo is unavailable.

/**
 * @typedef {{ kind: 'loading' }
 *   | { kind: 'none' }
 *   | { kind: 'unavailable', error: unknown }
 *   | { kind: 'accounts', accounts: import('../types/contract').DemoAccount[] }} DemoOffer
 */

/**
 * The offer for a `demo_accounts` answer, or for the error it was refused with.
 * @param {{ answer?: import('../types/contract').DemoAccounts | null, error?: unknown }} outcome
 * @returns {DemoOffer}
 */
export function demoOffer({ answer, error }) {
  if (error !== undefined && error !== null) {
    const code = typeof error === 'object' ? /** @type {{ code?: unknown }} */ (error).code : undefined;
    return code === 'demo_unavailable' ? { kind: 'none' } : { kind: 'unavailable', error };
  }
  if (!answer) return { kind: 'loading' };
  const accounts = answer.accounts ?? [];
  return accounts.length ? { kind: 'accounts', accounts } : { kind: 'none' };
}
