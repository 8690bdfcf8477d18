// Gateway detail page: heartbeat facts, access rules and a uPlot throughput chart, polled every 5 s.
import { h, pill } from '../dom.js';
import { api, errorBox } from '../api.js';
import * as f from '../format.js';

export async function render(root, ctx) {
  const id = ctx.arg;
  const title = h('h1', null, `Gateway ${id}`);
  const errorSlot = h('div');
  const facts = h('dl', { class: 'facts' });
  const rules = h('div');
  const chartBox = h('div', { id: 'throughput-chart', class: 'chart' });
  const section = h('section', { id: 'gateway-detail', hidden: true },
    h('div', { class: 'card' }, h('h2', null, 'Status'), facts),
    h('div', { class: 'card' }, h('h2', null, 'Access rules'), rules),
    h('div', { class: 'card' }, h('h2', null, 'Throughput'), chartBox));
  root.append(h('p', { class: 'back' }, h('a', { href: '#/fleet' }, '← Fleet')), title, errorSlot, section);
  const chart = throughputChart(chartBox, ctx.signal);

  async function load() {
    try {
      const g = await api.get(`/gateways/${encodeURIComponent(id)}`, { signal: ctx.signal });
      errorSlot.replaceChildren();
      title.textContent = `Gateway ${g.branch ?? id}`;
      facts.replaceChildren(...factList(g).flatMap(([term, value]) => [h('dt', null, term), h('dd', null, value)]));
      rules.replaceChildren(ruleList(g.accessRules || []));
      section.hidden = false;
      await chart.update(g.throughput || []);
    } catch (err) {
      if (!ctx.signal.aborted) errorSlot.replaceChildren(errorBox(err));
    }
  }

  await load();
  ctx.ready();
  ctx.poll(load, 5000);
}

function factList(g) {
  const status = g.status || 'offline';
  return [
    ['Branch', g.branch ?? f.DASH],
    ['Gateway ID', h('code', null, g.gatewayId ?? f.DASH)],
    ['Status', pill(status, status === 'connected' ? 'connected' : 'offline')],
    ['Ready', f.yesNo(g.ready)],
    ['Software version', g.softwareVersion ?? f.DASH],
    ['Last seen', g.lastSeenMillis ? `${f.age(g.lastSeenMillis)} (${f.dateTime(g.lastSeenMillis)})` : f.DASH],
    ['Acked position', f.count(g.ackedPosition)],
    ['Upstream lag', f.duration(g.upstreamLagSeconds)],
    ['Journal backlog', f.backlog(g.journalBacklogEntries, g.journalBacklogBytes)],
    ['Cache use', f.cacheUse(g.cacheBytes, g.cacheCapBytes)],
    ['Cache hit ratio', f.percent(g.cacheHitRatio)],
    ['Certificates issued', f.count(g.certificatesIssued)],
    ['Certificates revoked', g.revoked ? pill('revoked') : f.yesNo(g.revoked)],
  ];
}

function ruleList(list) {
  if (!list.length) return h('p', { class: 'muted' }, 'No access rules.');
  return h('ul', { class: 'rules' }, list.map((rule) => h('li', null, h('code', null, rule))));
}

/** Owns the uPlot instance: loads uPlot lazily, updates it in place, destroys it when the page is left. */
function throughputChart(box, signal) {
  let plot = null;
  let failed = false;
  let loader = null;
  const size = () => ({ width: Math.max(320, box.clientWidth || 900), height: 260 });
  const onResize = () => { if (plot) plot.setSize(size()); };
  window.addEventListener('resize', onResize);
  signal.addEventListener('abort', () => {
    window.removeEventListener('resize', onResize);
    if (plot) plot.destroy();
    plot = null;
  });

  return {
    async update(samples) {
      if (failed || signal.aborted) return;
      if (!samples.length) {
        if (plot) { plot.destroy(); plot = null; }
        box.replaceChildren(h('p', { class: 'muted' }, 'no samples yet'));
        return;
      }
      const data = [
        samples.map((s) => s.atMillis / 1000),
        samples.map((s) => s.clientInBytesPerSecond ?? null),
        samples.map((s) => s.clientOutBytesPerSecond ?? null),
        samples.map((s) => s.upstreamBytesPerSecond ?? null),
      ];
      if (plot) { plot.setData(data); return; }
      let uPlot;
      try {
        loader = loader || import('../vendor/uplot/uPlot.esm.js');
        uPlot = (await loader).default;
      } catch (err) {
        failed = true;
        box.replaceChildren(h('p', { class: 'muted' }, `Chart unavailable: ${err.message}`));
        return;
      }
      if (signal.aborted) return;
      if (plot) { plot.setData(data); return; }
      box.replaceChildren();
      plot = new uPlot(options(size()), data, box);
    },
  };
}

function options({ width, height }) {
  const value = (u, v) => (v === null || v === undefined ? f.DASH : f.rate(v));
  return {
    width, height,
    series: [
      {},
      { label: 'client in', stroke: '#2a7', width: 2, value },
      { label: 'client out', stroke: '#27c', width: 2, value },
      { label: 'upstream', stroke: '#d73', width: 2, value },
    ],
    axes: [{}, { size: 80, values: (u, vals) => vals.map((v) => f.rate(v)) }],
    // At least the last five minutes, so a few samples do not stretch the axis over years.
    scales: { x: { time: true, range: (u, min, max) => [Math.min(min, max - 300), max] } },
  };
}
