// The only door from the UI to the Rust side.
//
// Why a wrapper: every command failure reaches the components in one shape, `{code, message}`,
// whether it is a rule the core enforces, arguments Tauri could not deserialise, or the page
// running outside the app (no `window.__TAURI__`). Components then need one error renderer.

/** Calls the Tauri command `command` with `args`; rejects with `{code, message}`. */
export async function invoke(command, args) {
  const core = window.__TAURI__ && window.__TAURI__.core;
  if (!core || typeof core.invoke !== 'function') {
    throw { code: 'no_backend', message: 'window.__TAURI__ is not available' };
  }
  try {
    return await core.invoke(command, args);
  } catch (error) {
    throw normaliseError(error);
  }
}

function normaliseError(error) {
  if (error && typeof error === 'object' && typeof error.code === 'string') {
    return { code: error.code, message: String(error.message ?? '') };
  }
  // Tauri reports arguments it cannot deserialise as a plain string.
  return { code: 'invalid_request', message: String(error) };
}

/** Computes the deadline quote for a case (`casewatch_core::quote::SlaRequest`). */
export function slaQuote(request) {
  return invoke('sla_quote', { request });
}

/** Describes what a contract includes (`casewatch_core::quote::EntitlementsRequest`). */
export function entitlements(request) {
  return invoke('entitlements', { request });
}
