// Fetch wrapper for /api/v1: JSON in/out, CSRF header on writes, 401 → sign-in view, {"error"} → ApiError.
import { h } from './dom.js';

const BASE = '/api/v1';
let csrf = null;
let onUnauthorized = () => {};

export function setCsrf(token) { csrf = token || null; }
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

async function readJson(response) {
  const text = await response.text();
  if (!text) return null;
  try { return JSON.parse(text); } catch { return null; }
}

/** options: body (JSON-encoded), signal (AbortSignal), gate (false: a 401 does not show the sign-in view). */
export async function request(method, path, { body, signal, gate = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', signal };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(`Cannot reach central (${err.message}).`, 0);
  }
  const data = await readJson(response);
  if (response.ok) return data ?? {};
  if (response.status === 401 && gate) onUnauthorized();
  const message = data && data.error ? String(data.error) : `${response.status} ${response.statusText}`.trim();
  throw new ApiError(message, response.status);
}

export const api = {
  get: (path, options) => request('GET', path, options),
  post: (path, body, options) => request('POST', path, { ...options, body: body ?? {} }),
  del: (path, options) => request('DELETE', path, options),
};

/** {a: 1, b: null} → "?a=1" (values encoded; null/undefined skipped). */
export function qs(params) {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** The element that shows an error message to the user. */
export function errorBox(err, id) {
  const message = typeof err === 'string' ? err : err && err.message ? err.message : 'Something went wrong.';
  return h('p', { class: 'error', role: 'alert', id }, message);
}
