// Audit page: search the tamper-evident audit log, page back through older records, export it.
import { h, headRow, emptyRow, time } from '../dom.js';
import { api, errorBox, qs } from '../api.js';

const LIMIT = 50;
const COLUMNS = [{ label: 'Seq', num: true }, 'When', 'Actor', 'Action', 'Target', 'Gateway', 'Address', 'Detail', 'Hash'];

export async function render(root, ctx) {
  let next = null;
  const input = h('input', { id: 'audit-query', type: 'search', name: 'q', placeholder: 'Search actor, action, target, detail…', value: ctx.query.get('q') || '' });
  const form = h('form', { id: 'audit-form', class: 'toolbar', role: 'search' },
    h('label', { for: 'audit-query', class: 'sr-only' }, 'Search the audit log'), input,
    h('button', { id: 'audit-search', type: 'submit', class: 'primary' }, 'Search'),
    h('a', { id: 'audit-export', href: '/api/v1/audit/export', download: true, class: 'export' }, 'Export (JSON lines)'));
  const errorSlot = h('div');
  const tbody = h('tbody');
  const olderSlot = h('div', { class: 'pager' });
  const older = h('button', { id: 'audit-older', type: 'button', onclick: () => load(false) }, 'Older');
  root.append(h('h1', null, 'Audit log'), form, errorSlot,
    h('table', { id: 'audit-table', class: 'data audit' }, headRow(COLUMNS), tbody), olderSlot);

  async function load(reset) {
    ctx.loading();
    older.disabled = true;
    try {
      const query = input.value.trim();
      const data = await api.get(`/audit${qs({ q: query || null, before: reset ? null : next, limit: LIMIT })}`, { signal: ctx.signal });
      const records = data.records || [];
      errorSlot.replaceChildren();
      if (reset) tbody.replaceChildren();
      tbody.append(...records.map(row));
      if (!tbody.children.length) tbody.append(emptyRow(COLUMNS.length, query ? 'No audit records match.' : 'No audit records yet.'));
      next = data.next ?? null;
    } catch (err) {
      if (!ctx.signal.aborted) errorSlot.replaceChildren(errorBox(err));
    }
    older.disabled = false;
    olderSlot.replaceChildren(...(next !== null ? [older] : []));
    ctx.ready();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    next = null;
    load(true);
  });

  await load(true);
}

function row(r) {
  return h('tr', { dataset: { seq: String(r.seq) } },
    h('td', { class: 'num' }, String(r.seq)),
    h('td', { class: 'nowrap' }, r.atMillis !== undefined ? time(r.atMillis) : (r.at ?? '—')),
    h('td', null, r.actor ?? '—'),
    h('td', null, h('code', null, r.action ?? '—')),
    h('td', null, r.target ?? '—'),
    h('td', null, r.gateway ?? '—'),
    h('td', null, r.address ?? '—'),
    h('td', { class: 'detail' }, r.detail ?? ''),
    h('td', null, r.hash ? h('code', { title: r.hash, class: 'hash' }, `${String(r.hash).slice(0, 10)}…`) : '—'));
}
