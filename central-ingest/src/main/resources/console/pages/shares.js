// Shares page: each share's revision and which branches (gateways) may reach it under which rules.
import { h, headRow, emptyRow } from '../dom.js';
import { api, errorBox } from '../api.js';
import * as f from '../format.js';

export async function render(root, ctx) {
  const tbody = h('tbody');
  const errorSlot = h('div');
  root.append(h('h1', null, 'Shares'), errorSlot,
    h('table', { id: 'shares-table', class: 'data' }, headRow(['Share', { label: 'Revision', num: true }, 'Access']), tbody));
  try {
    const data = await api.get('/shares', { signal: ctx.signal });
    const shares = data.shares || [];
    tbody.replaceChildren(...(shares.length ? shares.map(row) : [emptyRow(3, 'No shares yet.')]));
  } catch (err) {
    errorSlot.replaceChildren(errorBox(err));
  }
  ctx.ready();
}

function row(s) {
  return h('tr', { dataset: { share: s.share } },
    h('td', { class: 'share' }, h('a', { href: f.filesHref(s.share), title: 'Browse files' }, s.share)),
    h('td', { class: 'num' }, f.count(s.revision)),
    h('td', null, access(s.access || [])));
}

function access(list) {
  if (!list.length) return h('span', { class: 'muted' }, 'No branch has access.');
  return h('ul', { class: 'access' }, list.map((a) => h('li', null,
    h('strong', null, a.branch ?? f.DASH),
    a.gatewayId ? h('span', { class: 'muted' }, ` (${a.gatewayId})`) : null,
    ': ',
    (a.rules || []).length
      ? (a.rules).map((rule, i) => [i ? ', ' : '', h('code', null, rule)])
      : h('span', { class: 'muted' }, 'no rules'))));
}
