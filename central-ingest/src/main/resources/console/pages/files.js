// Files page: browse a share, list a file's versions, restore a file version or a whole folder to a point in time.
import { h, pill, headRow, emptyRow, time } from '../dom.js';
import { api, errorBox, qs } from '../api.js';
import * as f from '../format.js';

const trimSlashes = (p) => String(p || '').replace(/^\/+|\/+$/g, '');

export async function render(root, ctx) {
  const dir = trimSlashes(ctx.query.get('path'));
  let share = ctx.query.get('share') || '';
  let selected = null; // the file whose versions are open
  let openConfirm = null;

  const picker = h('select', { id: 'files-share', onchange: () => { location.hash = f.filesHref(picker.value); } });
  const crumbs = h('nav', { id: 'files-crumbs', class: 'crumbs', 'aria-label': 'Folder' });
  const listError = h('div');
  const tbody = h('tbody');
  const versionsTitle = h('h2');
  const versionsSlot = h('div');
  const fileConfirmSlot = h('div');
  const fileResultSlot = h('div');
  const versionsBox = h('section', { id: 'versions', class: 'card', hidden: true },
    versionsTitle, versionsSlot, fileConfirmSlot, fileResultSlot);
  const at = h('input', { id: 'folder-restore-at', type: 'datetime-local', step: '1', value: f.toLocalInput(Date.now()) });
  const folderConfirmSlot = h('div');
  const folderResultSlot = h('div');
  const folderForm = h('form', { id: 'folder-restore-form', class: 'card inline-form', novalidate: true },
    h('h2', null, 'Restore this folder to a point in time'),
    h('div', { class: 'fields' },
      h('label', null, 'As it was at (local time)', at),
      h('button', { id: 'folder-restore', type: 'submit' }, 'Restore folder…')),
    folderConfirmSlot, folderResultSlot);

  root.append(h('h1', null, 'Files & restore'),
    h('div', { class: 'toolbar' }, h('label', { for: 'files-share' }, 'Share'), picker, crumbs),
    listError,
    h('table', { id: 'files-table', class: 'data' },
      headRow(['Name', { label: 'Size', num: true }, 'Modified', { label: 'Revision', num: true }, 'Version']), tbody),
    versionsBox, folderForm);

  // --- listing ---------------------------------------------------------------
  function drawCrumbs() {
    const parts = dir ? dir.split('/') : [];
    const crumb = (label, path, last) => (last
      ? h('span', { 'aria-current': 'page' }, label)
      : h('a', { href: f.filesHref(share, path) }, label));
    crumbs.replaceChildren(crumb(share, '', parts.length === 0),
      ...parts.flatMap((p, i) => [h('span', { class: 'sep', 'aria-hidden': 'true' }, '/'),
        crumb(p, parts.slice(0, i + 1).join('/'), i === parts.length - 1)]));
  }

  async function loadListing() {
    try {
      const data = await api.get(`/shares/${encodeURIComponent(share)}/files${qs({ path: dir })}`, { signal: ctx.signal });
      const entries = (data.entries || []).slice().sort((a, b) =>
        (a.type === 'directory' ? 0 : 1) - (b.type === 'directory' ? 0 : 1) || String(a.name).localeCompare(String(b.name)));
      listError.replaceChildren();
      tbody.replaceChildren(...(entries.length ? entries.map(entryRow) : [emptyRow(5, 'This folder is empty.')]));
    } catch (err) {
      if (!ctx.signal.aborted) listError.replaceChildren(errorBox(err));
    }
  }

  function entryRow(e) {
    const path = e.path ?? (dir ? `${dir}/${e.name}` : e.name);
    const isDir = e.type === 'directory';
    const link = isDir
      ? h('a', { href: f.filesHref(share, path), class: 'dir' }, `${e.name}/`)
      : h('a', { href: '#', class: 'file', onclick: (ev) => { ev.preventDefault(); openVersions(path); } }, e.name);
    return h('tr', { dataset: { path, type: e.type }, class: path === selected ? 'selected' : null },
      h('td', { class: 'name' }, link),
      h('td', { class: 'num' }, isDir ? f.DASH : f.bytes(e.size)),
      h('td', null, time(e.modifiedMillis)),
      h('td', { class: 'num' }, f.count(e.revision)),
      h('td', null, f.position(e.version)));
  }

  // --- versions --------------------------------------------------------------
  async function openVersions(path) {
    selected = path;
    for (const tr of tbody.querySelectorAll('tr[data-path]')) tr.classList.toggle('selected', tr.dataset.path === path);
    closeConfirm();
    clearResults();
    ctx.loading();
    versionsTitle.replaceChildren('Versions of ', h('code', null, path));
    versionsSlot.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
    versionsBox.hidden = false;
    await loadVersions(path);
    ctx.ready();
  }

  async function loadVersions(path) {
    try {
      const data = await api.get(`/shares/${encodeURIComponent(share)}/versions${qs({ path })}`, { signal: ctx.signal });
      const versions = (data.versions || []).slice().sort((a, b) => b.revision - a.revision);
      versionsSlot.replaceChildren(h('table', { id: 'versions-table', class: 'data' },
        headRow([{ label: 'Revision', num: true }, 'Committed', { label: 'Size', num: true }, 'Modified', 'Origin', 'State', '']),
        h('tbody', null, versions.length ? versions.map((v) => versionRow(path, v)) : emptyRow(7, 'No versions recorded.'))));
    } catch (err) {
      if (!ctx.signal.aborted) versionsSlot.replaceChildren(errorBox(err));
    }
  }

  function versionRow(path, v) {
    const state = v.current ? pill('current')
      : v.replacedMillis ? ['replaced ', time(v.replacedMillis)] : 'replaced';
    const restore = v.current ? null : h('button', {
      type: 'button', class: 'restore',
      onclick: () => ask(fileConfirmSlot, `Restore ${path} to the version of ${f.dateTime(v.committedMillis)}?`, () => restoreFile(path, v)),
    }, 'Restore');
    return h('tr', { dataset: { revision: String(v.revision) }, class: v.current ? 'current' : null },
      h('td', { class: 'num' }, String(v.revision)),
      h('td', null, time(v.committedMillis)),
      h('td', { class: 'num' }, f.bytes(v.size)),
      h('td', null, time(v.modifiedMillis)),
      h('td', null, f.position(v.origin)),
      h('td', null, state),
      h('td', { class: 'actions' }, restore));
  }

  // --- restore ---------------------------------------------------------------
  function ask(slot, question, action) {
    closeConfirm();
    const confirm = h('button', { id: 'restore-confirm', type: 'button', class: 'primary', onclick: () => { closeConfirm(); action(); } }, 'Restore');
    openConfirm = h('div', { class: 'confirm', role: 'group', 'aria-label': 'Confirm restore' },
      h('span', null, question), confirm,
      h('button', { id: 'restore-cancel', type: 'button', onclick: closeConfirm }, 'Cancel'));
    slot.replaceChildren(openConfirm);
    confirm.focus();
  }

  function closeConfirm() {
    if (openConfirm) openConfirm.remove();
    openConfirm = null;
  }

  function clearResults() {
    fileResultSlot.replaceChildren();
    folderResultSlot.replaceChildren();
  }

  function showResult(slot, summary, operations) {
    clearResults();
    slot.replaceChildren(h('p', { id: 'restore-result', class: 'notice', role: 'status' }, summary),
      ...(operations.length ? [h('ul', { class: 'ops' }, operations.map((op) => h('li', null,
        op.path ? [h('code', null, op.path), ': '] : null,
        `revision ${op.revision ?? f.DASH}, ${op.outcome ?? 'done'}`,
        op.conflictPath ? [', the other edit was kept as ', h('code', null, op.conflictPath)] : null)))] : []));
  }

  function showFailure(slot, err) {
    clearResults();
    slot.replaceChildren(errorBox(err, 'restore-result'));
  }

  async function restoreFile(path, v) {
    ctx.loading();
    try {
      const r = await api.post(`/shares/${encodeURIComponent(share)}/restore`, { path, revision: v.revision }, { signal: ctx.signal });
      showResult(fileResultSlot, `Restored ${path}: revision ${r.revision ?? f.DASH}`, r.operations || []);
      await Promise.all([loadVersions(path), loadListing()]);
    } catch (err) {
      if (!ctx.signal.aborted) showFailure(fileResultSlot, err);
    }
    ctx.ready();
  }

  const folderLabel = () => (dir ? `folder ${dir}` : `share ${share}`);

  folderForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const atMillis = f.parseLocalInput(at.value);
    if (Number.isNaN(atMillis)) {
      showFailure(folderResultSlot, 'Pick the date and time to restore to.');
      return;
    }
    ask(folderConfirmSlot, `Restore ${folderLabel()} to the version of ${f.dateTime(atMillis)}?`, () => restoreFolder(atMillis));
  });

  async function restoreFolder(atMillis) {
    ctx.loading();
    try {
      const r = await api.post(`/shares/${encodeURIComponent(share)}/restore-folder`, { path: dir, atMillis }, { signal: ctx.signal });
      const ops = r.operations || [];
      showResult(folderResultSlot, `Restored ${folderLabel()}: revision ${r.revision ?? f.DASH}${ops.length ? '' : ' (nothing had changed)'}`, ops);
      await loadListing();
      if (selected) await loadVersions(selected);
    } catch (err) {
      if (!ctx.signal.aborted) showFailure(folderResultSlot, err);
    }
    ctx.ready();
  }

  // --- boot ------------------------------------------------------------------
  let names = [];
  try {
    names = ((await api.get('/shares', { signal: ctx.signal })).shares || []).map((s) => s.share);
  } catch (err) {
    if (ctx.signal.aborted) return;
    listError.replaceChildren(errorBox(err));
  }
  share = share || names[0] || '';
  if (share && !names.includes(share)) names.unshift(share);
  picker.replaceChildren(...names.map((n) => h('option', { value: n }, n)));
  picker.value = share;
  if (!share) {
    tbody.replaceChildren(emptyRow(5, 'No shares yet.'));
    folderForm.hidden = true;
    ctx.ready();
    return;
  }
  drawCrumbs();
  await loadListing();
  ctx.ready();
}
