// @ts-check
// Search-as-you-type helpers: a short debounce, and a guard that drops answers which arrive
// after a newer request was made (responses can come back out of order).

/**
 * Calls `fn` once `ms` have passed without another call; returns the debounced function, which
 * also has `cancel()`.
 * @template {any[]} A
 * @param {(...args: A) => void} fn
 * @param {number} ms
 * @param {{ setTimeout: (f: () => void, ms: number) => any, clearTimeout: (handle: any) => void }} [timers]
 * @returns {((...args: A) => void) & { cancel: () => void }}
 */
export function debounce(fn, ms, timers = globalThis) {
  /** @type {any} */
  let handle = null;
  /** @param {A} args */
  const debounced = (...args) => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = timers.setTimeout(() => {
      handle = null;
      fn(...args);
    }, ms);
  };
  const cancel = () => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
  };
  return Object.assign(debounced, { cancel });
}

/**
 * `latest()` returns a function that runs a request and resolves to `{ fresh, value, error }`;
 * `fresh` is false when another request was started after this one (its answer is stale).
 */
/**
 * The failure of a request: `{code, message}` from api.js (anything else thrown is passed on as is).
 * @typedef {{ code: string, message: string }} Failure
 */

/**
 * @returns {<T>(request: () => Promise<T>) => Promise<{ fresh: boolean, value: T, error: null } | { fresh: boolean, value: null, error: Failure }>}
 */
export function latest() {
  let sequence = 0;
  /**
   * @template T
   * @param {() => Promise<T>} request
   */
  return async (request) => {
    const mine = ++sequence;
    try {
      const value = await request();
      return { fresh: mine === sequence, value, error: null };
    } catch (error) {
      return { fresh: mine === sequence, value: null, error: /** @type {Failure} */ (error) };
    }
  };
}
