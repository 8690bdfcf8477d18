// Fleet page: every gateway's latest heartbeat, polled every 5 s, with per-branch certificate revoke.
import { h, pill, headRow, emptyRow } from '../dom.js';
import { api, errorBox } from '../api.js';
import * as f from '../format.js';

const COLUMNS = ['Branch', 'Status', 'Version', 'Last seen', { label: 'Upstream lag', num: true },
  { label: 'Journal backlog', num: true }, 'Cache use', { label: 'Hit ratio', num: true }, 'Throughput (5 min)', ''];

export async function render(root, ctx) {
  const confirming = new Set(); // branches whose revoke confirmation is open
  let gateways = [];
  const notice = h('div', { class: 'notices' });
  const errorSlot = h('div');
  const tbody = h('tbody');
  root.append(
    h('h1', null, 'Fleet'),
    notice, errorSlot,
    h('table', { id: 'fleet-table', class: 'data' }, headRow(COLUMNS), tbody),
    h('p', { class: 'muted small' }, 'Refreshes every 5 s.'));

  function draw() {
    tbody.replaceChildren(...(gateways.length ? gateways.map(row)
      : [emptyRow(COLUMNS.length, 'No gateway has enrolled yet: create an enrollment token on the Tokens page.')]));
  }

  function row(g) {
    const statusText = g.status || 'offline';
    const kind = statusText === 'connected' ? 'connected' : 'offline';
    return h('tr', { dataset: { gateway: g.branch, gatewayId: g.gatewayId } },
      h('td', { class: 'branch' }, h('a', { href: f.gatewayHref(g.gatewayId) }, g.branch ?? g.gatewayId)),
      h('td', { class: `status status-${kind}` }, pill(statusText, kind)),
      h('td', null, g.softwareVersion ?? f.DASH),
      h('td', { title: g.lastSeenMillis ? f.isoDate(g.lastSeenMillis) : null }, f.age(g.lastSeenMillis)),
      h('td', { class: 'num' }, f.duration(g.upstreamLagSeconds)),
      h('td', { class: 'num' }, f.backlog(g.journalBacklogEntries, g.journalBacklogBytes)),
      h('td', null, cacheCell(g)),
      h('td', { class: 'num' }, f.percent(g.cacheHitRatio)),
      h('td', { class: 'spark-cell' }, sparkline(g.throughput || [])),
      actions(g));
  }

  function cacheCell(g) {
    const text = f.cacheUse(g.cacheBytes, g.cacheCapBytes);
    if (!(g.cacheCapBytes > 0) || typeof g.cacheBytes !== 'number') return text;
    const fill = h('span', { class: 'meter-fill' });
    const share = Math.min(1, g.cacheBytes / g.cacheCapBytes);
    fill.style.width = `${(share * 100).toFixed(1)}%`;
    if (share > 0.9) fill.classList.add('high');
    return [h('span', { class: 'meter', 'aria-hidden': 'true' }, fill), text];
  }

  function actions(g) {
    const cell = h('td', { class: 'actions' });
    if (confirming.has(g.branch)) {
      cell.append(
        h('span', { class: 'confirm-text' }, `Revoke ${g.branch}'s certificates?`),
        h('button', { type: 'button', class: 'revoke-confirm danger', onclick: () => revoke(g.branch) }, 'Revoke'),
        h('button', { type: 'button', class: 'revoke-cancel', onclick: () => { confirming.delete(g.branch); draw(); } }, 'Cancel'));
    } else {
      if (g.revoked) cell.append(pill('revoked'), ' ');
      cell.append(h('button', {
        type: 'button', class: 'revoke', title: `Revoke the certificates of branch ${g.branch}`,
        onclick: () => { confirming.add(g.branch); draw(); },
      }, 'Revoke'));
    }
    return cell;
  }

  async function revoke(branch) {
    confirming.delete(branch);
    draw();
    ctx.loading();
    try {
      const r = await api.post(`/branches/${encodeURIComponent(branch)}/revoke`, {}, { signal: ctx.signal });
      notice.replaceChildren(h('p', { class: 'notice', role: 'status' },
        `Revoked ${f.plural(r.revoked ?? 0, 'certificate')} of branch ${r.branch ?? branch}: it is cut off within a second.`));
    } catch (err) {
      notice.replaceChildren(errorBox(err));
    }
    await load();
    ctx.ready();
  }

  async function load() {
    try {
      const data = await api.get('/gateways', { signal: ctx.signal });
      gateways = (data.gateways || []).slice()
        .sort((a, b) => String(a.branch).localeCompare(String(b.branch)));
      errorSlot.replaceChildren();
      draw();
    } catch (err) {
      if (!ctx.signal.aborted) errorSlot.replaceChildren(errorBox(err));
    }
  }

  await load();
  ctx.ready();
  ctx.poll(load, 5000);
}

const SVG = 'http://www.w3.org/2000/svg';

/** A small line chart of client bytes (in + out) and upstream bytes per second, newest on the right. */
function sparkline(samples) {
  if (samples.length < 2) return h('span', { class: 'muted small' }, 'no samples yet');
  const width = 120;
  const height = 28;
  const client = samples.map((s) => (s.clientInBytesPerSecond || 0) + (s.clientOutBytesPerSecond || 0));
  const upstream = samples.map((s) => s.upstreamBytesPerSecond || 0);
  const top = Math.max(1, ...client, ...upstream);
  const points = (values) => values.map((v, i) =>
    `${((i / (values.length - 1)) * width).toFixed(1)},${(height - 1 - (v / top) * (height - 2)).toFixed(1)}`).join(' ');
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  const last = samples[samples.length - 1];
  svg.setAttribute('aria-label', `client ${f.rate(client[client.length - 1])}, upstream ${f.rate(last.upstreamBytesPerSecond)}`);
  for (const [values, kind] of [[client, 'client'], [upstream, 'upstream']]) {
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points(values));
    line.setAttribute('class', `spark-${kind}`);
    line.setAttribute('fill', 'none');
    svg.append(line);
  }
  const title = document.createElementNS(SVG, 'title');
  title.textContent = `now: client ${f.rate(client[client.length - 1])}, upstream ${f.rate(last.upstreamBytesPerSecond)}`;
  svg.append(title);
  return svg;
}
