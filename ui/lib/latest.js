// Search-as-you-type helpers: a short debounce, and a guard that drops answers which arrive
// after a newer request was made (responses can come back out of order).

/** Calls `fn` once `ms` have passed without another call; returns the debounced function. */
export function debounce(fn, ms, timers = globalThis) {
  let handle = null;
  const debounced = (...args) => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = timers.setTimeout(() => {
      handle = null;
      fn(...args);
    }, ms);
  };
  debounced.cancel = () => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
  };
  return debounced;
}

/**
 * `latest()` returns a function that runs a request and resolves to `{ fresh, value, error }`;
 * `fresh` is false when another request was started after this one (its answer is stale).
 */
export function latest() {
  let sequence = 0;
  return async (request) => {
    const mine = ++sequence;
    try {
      const value = await request();
      return { fresh: mine === sequence, value, error: null };
    } catch (error) {
      return { fresh: mine === sequence, value: null, error };
    }
  };
}
