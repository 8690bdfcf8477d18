// Conflicts page: concurrent edits central resolved, and where each losing edit was kept.
import { h, headRow, time } from '../dom.js';
import { api, errorBox, qs } from '../api.js';
import * as f from '../format.js';

export async function render(root, ctx) {
  const share = ctx.query.get('share');
  const body = h('div');
  root.append(h('h1', null, 'Conflicts'),
    // Native append() would print null as text, so spread an empty list instead.
    ...(share ? [h('p', { class: 'muted' }, `Share ${share} only. `, h('a', { href: '#/conflicts' }, 'Show all shares.'))] : []),
    body);
  try {
    const data = await api.get(`/conflicts${qs({ share: share || null })}`, { signal: ctx.signal });
    const list = data.conflicts || [];
    body.replaceChildren(list.length
      ? h('table', { id: 'conflicts-table', class: 'data' },
        headRow(['When', 'Share', 'Path', 'Kept at the path', 'Conflict copy', 'Losing branch', 'What happened']),
        h('tbody', null, list.map(row)))
      : h('p', { id: 'conflicts-empty', class: 'empty-state' }, 'No conflicts.'));
  } catch (err) {
    body.replaceChildren(errorBox(err));
  }
  ctx.ready();
}

function row(c) {
  const detail = `winner ${f.position(c.winner)}, loser ${f.position(c.loser)}, revision ${c.revision ?? f.DASH}`;
  return h('tr', { dataset: { conflictPath: c.conflictPath } },
    h('td', null, time(c.atMillis)),
    h('td', null, c.share),
    h('td', { title: detail }, h('code', null, c.path)),
    h('td', { class: 'winner' }, c.winnerBranch ? `${c.winnerBranch}'s version` : f.DASH),
    h('td', null, h('a', { href: f.filesHref(c.share, f.dirname(c.conflictPath)), class: 'conflict-copy' }, h('code', null, c.conflictPath))),
    h('td', null, c.loserBranch ?? f.DASH),
    h('td', { class: 'explain' }, `${c.winnerBranch ?? 'The other'}'s version stays at ${c.path}; the edit from ${c.loserBranch ?? 'the other branch'} was kept as ${c.conflictPath}.`));
}
