// Formatting helpers: bytes, rates, ratios, ages, durations, dates and console links.
export const DASH = '—';

const missing = (v) => v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v));
const pad = (n, w = 2) => String(n).padStart(w, '0');

export function bytes(n) {
  if (missing(n)) return DASH;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = Math.abs(Number(n));
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  const text = i === 0 ? String(Math.round(v)) : v.toFixed(v < 10 ? 1 : 0);
  return `${n < 0 ? '-' : ''}${text} ${units[i]}`;
}

export const rate = (n) => (missing(n) ? DASH : `${bytes(n)}/s`);

/** 0..1 → "87.5%". */
export function percent(ratio) {
  if (missing(ratio)) return DASH;
  const p = Number(ratio) * 100;
  return `${p.toFixed(p === 0 || p === 100 ? 0 : 1)}%`;
}

export const count = (n) => (missing(n) ? DASH : Number(n).toLocaleString('en-US'));

export const plural = (n, word, many = `${word}s`) => `${count(n)} ${Number(n) === 1 ? word : many}`;

export const yesNo = (b) => (missing(b) ? DASH : b ? 'yes' : 'no');

/** Epoch millis → "3 s ago", "5 min ago", "2 h ago", "4 d ago". */
export function age(millis, now = Date.now()) {
  if (missing(millis)) return DASH;
  const s = Math.max(0, Math.round((now - millis) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** Seconds → "0.4 s", "12 s", "3 min 5 s", "2 h 3 min". */
export function duration(seconds) {
  if (missing(seconds)) return DASH;
  const s = Number(seconds);
  if (s === 0) return '0 s';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Epoch millis → UTC ISO 8601 ("2024-05-01T10:00:00.000Z"). */
export const isoDate = (millis) => (missing(millis) ? DASH : new Date(millis).toISOString());

/** Epoch millis → local "2024-05-01 12:00:00". */
export function dateTime(millis) {
  if (missing(millis)) return DASH;
  const d = new Date(millis);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Epoch millis → value for <input type="datetime-local" step="1">. */
export const toLocalInput = (millis) => dateTime(millis).replace(' ', 'T');

/** datetime-local value (local time) → epoch millis, NaN if invalid. */
export function parseLocalInput(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(value || '');
  if (!m) return NaN;
  const ms = Number((m[7] || '0').padEnd(3, '0'));
  return new Date(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0), ms).getTime();
}

/** {gateway, position} → "gw-1 @ 42". */
export const position = (v) => (v ? `${v.gateway ?? DASH} @ ${v.position ?? DASH}` : DASH);

export function cacheUse(used, cap) {
  if (missing(used)) return DASH;
  return cap > 0 ? `${bytes(used)} of ${bytes(cap)} (${percent(used / cap)})` : bytes(used);
}

export function backlog(entries, size) {
  if (missing(entries) && missing(size)) return DASH;
  return `${missing(entries) ? DASH : plural(entries, 'entry', 'entries')} · ${bytes(size)}`;
}

export const dirname = (path) => (path && path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

// Hash links; '/' stays readable inside query values.
const encHash = (v) => encodeURIComponent(v).replace(/%2F/gi, '/');
export const gatewayHref = (id) => `#/gateway/${encodeURIComponent(id)}`;
export const filesHref = (share, path = '') =>
  `#/files?share=${encHash(share)}${path ? `&path=${encHash(path)}` : ''}`;
