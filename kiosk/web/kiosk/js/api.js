// The kiosk's calls to /api/v1/kiosk/… with its device token.
//
// The token comes once, in the address the kiosk is set up with
// (/kiosk/?token=…, printed by `storeedgectl kiosk add NAME`): it is kept in
// localStorage and taken out of the address bar at once, so it is neither
// on screen nor in the browser's history afterwards.

const TOKEN_KEY = 'storeedge.kiosk.token';

export function takeTokenFromUrl() {
  const url = new URL(location.href);
  const t = url.searchParams.get('token');
  if (t) {
    localStorage.setItem(TOKEN_KEY, t.trim());
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
}

export const token = () => localStorage.getItem(TOKEN_KEY) || '';

export class KioskError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function call(method, path, body) {
  const headers = { Authorization: `Bearer ${token()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(`/api/v1/kiosk${path}`, {
      method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new KioskError(0, 'network', '');
  }
  if (res.ok) return res.json();
  let code = 'error';
  let message = '';
  try {
    const j = await res.json();
    if (j && j.error) ({ code, message } = j.error);
  } catch {
    // Not JSON: the status says enough.
  }
  throw new KioskError(res.status, code, message);
}

// What to tell a customer, in plain words, for a failed call.
export function plainError(e) {
  switch (e.status) {
    case 0:
      return 'The kiosk cannot reach the store right now. Please ask at the counter.';
    case 400: {
      // The server names the field ("field 'qr': …"); the customer needs only the rest.
      const m = (e.message || '').replace(/^field '[^']*':\s*/, '');
      return m ? m.charAt(0).toUpperCase() + m.slice(1) + '.' : 'Please check what you typed and try again.';
    }
    case 401:
      return 'This kiosk is not set up. Please ask at the counter.';
    case 403:
      return 'Too many wrong codes were tried for this order. Please ask at the counter: we will help you there.';
    case 404:
      return 'We could not find an order with that order number and pickup code. Please check your email and try again.';
    case 429:
      return 'Too many tries. Please wait a minute and try again, or ask at the counter.';
    default:
      return 'Something went wrong. Please try again or ask at the counter.';
  }
}
