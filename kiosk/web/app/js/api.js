// The REST API under /api/v1, with the signed-in associate's token.
// Errors come back as ApiError carrying the server's {code, message}, which
// the screens show as they are (the daemon writes them for people).

const SESSION_KEY = 'storeedge.session';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// {token, associate_id, role, expires} or null. Kept per tab (sessionStorage):
// closing the browser on a shared handheld signs the associate out.
export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

function setSession(s) {
  if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else sessionStorage.removeItem(SESSION_KEY);
}

// Called when the server says the session is gone (401): the app goes back
// to sign-in with the reason.
let onSignedOut = () => {};
export function whenSignedOut(fn) {
  onSignedOut = fn;
}

// One call: method, path under /api/v1 ("/queue"), optional JSON body.
// Resolves to the parsed JSON (or a Blob for `as: 'blob'`).
export async function call(method, path, body, { as = 'json', auth = true } = {}) {
  const headers = {};
  const s = session();
  if (auth && s) headers.Authorization = `Bearer ${s.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', 'The store server cannot be reached. Check the Wi-Fi and try again.');
  }
  if (res.ok) return as === 'blob' ? res.blob() : res.json();
  let code = 'error';
  let message = `${method} ${path} failed (${res.status})`;
  try {
    const j = await res.json();
    if (j && j.error) ({ code, message } = j.error);
  } catch {
    // Not JSON (a proxy's page): keep the generic message.
  }
  const err = new ApiError(res.status, code, message);
  if (res.status === 401 && auth && s) {
    setSession(null);
    onSignedOut(err);
  }
  throw err;
}

export const get = (path, opts) => call('GET', path, undefined, opts);
export const post = (path, body = {}, opts) => call('POST', path, body, opts);

export async function signIn(associateId, pin) {
  const s = await call('POST', '/auth/login', { associate_id: associateId, pin }, { auth: false });
  setSession(s);
  return s;
}

export async function signOut() {
  try {
    await post('/auth/logout');
  } finally {
    setSession(null);
  }
}

// GET /api/v1/status needs no sign-in (monitoring reads it too).
export const status = () => call('GET', '/status', undefined, { auth: false });

// Path segments from ids.
export const seg = (s) => encodeURIComponent(String(s));
