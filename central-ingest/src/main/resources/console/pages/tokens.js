// Tokens page: create one-time enrollment tokens for branches, list them, revoke unused ones.
import { h, pill, headRow, emptyRow, selectText, time } from '../dom.js';
import { api, errorBox } from '../api.js';

const COLUMNS = ['ID', 'Branch', 'State', 'Created', 'Expires', 'Used', ''];

export async function render(root, ctx) {
  const branch = h('input', { id: 'token-branch', name: 'branch', type: 'text', autocomplete: 'off', placeholder: 'e.g. lyon' });
  const lifetime = h('select', { id: 'token-lifetime', name: 'lifetime' },
    h('option', { value: '3600' }, '1 h'),
    h('option', { value: '86400', selected: true }, '24 h'),
    h('option', { value: '604800' }, '7 days'));
  const create = h('button', { id: 'token-create', type: 'submit', class: 'primary' }, 'Create token');
  const formError = h('div');
  const secretSlot = h('div');
  const listError = h('div');
  const tbody = h('tbody');
  const form = h('form', { id: 'token-form', class: 'card inline-form', novalidate: true },
    h('h2', null, 'New enrollment token'),
    h('div', { class: 'fields' },
      h('label', null, 'Branch', branch),
      h('label', null, 'Valid for', lifetime),
      create),
    formError);
  root.append(h('h1', null, 'Enrollment tokens'), form, secretSlot, listError,
    h('table', { id: 'tokens-table', class: 'data' }, headRow(COLUMNS), tbody));

  async function load() {
    try {
      const data = await api.get('/tokens', { signal: ctx.signal });
      const list = data.tokens || [];
      listError.replaceChildren();
      tbody.replaceChildren(...(list.length ? list.map(row) : [emptyRow(COLUMNS.length, 'No tokens yet.')]));
    } catch (err) {
      if (!ctx.signal.aborted) listError.replaceChildren(errorBox(err));
    }
  }

  function row(t) {
    return h('tr', { dataset: { tokenId: t.id } },
      h('td', null, h('code', null, t.id)),
      h('td', null, t.branch),
      h('td', { class: `state state-${t.state}` }, pill(t.state)),
      h('td', null, time(t.createdMillis)),
      h('td', null, time(t.expiresMillis)),
      h('td', null, time(t.usedMillis)),
      h('td', { class: 'actions' }, t.state === 'unused'
        ? h('button', { type: 'button', class: 'revoke', onclick: (e) => revoke(t, e.currentTarget) }, 'Revoke')
        : null));
  }

  async function revoke(t, button) {
    button.disabled = true;
    ctx.loading();
    try {
      await api.del(`/tokens/${encodeURIComponent(t.id)}`, { signal: ctx.signal });
    } catch (err) {
      listError.replaceChildren(errorBox(err));
      button.disabled = false;
    }
    await load();
    ctx.ready();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError.replaceChildren();
    const name = branch.value.trim();
    if (!name) {
      formError.replaceChildren(errorBox('Enter the branch the token is for.'));
      branch.focus();
      return;
    }
    create.disabled = true;
    ctx.loading();
    try {
      const t = await api.post('/tokens', { branch: name, lifetimeSeconds: Number(lifetime.value) }, { signal: ctx.signal });
      secretSlot.replaceChildren(secretPanel(t));
      branch.value = '';
      await load();
    } catch (err) {
      formError.replaceChildren(errorBox(err));
    }
    create.disabled = false;
    ctx.ready();
  });

  await load();
  ctx.ready();
}

function secretPanel(t) {
  const code = h('code', { id: 'token-secret', class: 'secret' }, t.token);
  const note = h('span', { class: 'muted', role: 'status' });
  const copy = async () => {
    try {
      if (!navigator.clipboard || !navigator.clipboard.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(t.token);
      note.textContent = 'Copied.';
    } catch {
      selectText(code);
      note.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  };
  return h('section', { class: 'card token-new' },
    h('h2', null, `Enrollment token for ${t.branch}`),
    h('p', null, 'Shown only this once. It expires ', time(t.expiresMillis), '.'),
    h('div', { class: 'secret-row' }, code, h('button', { type: 'button', id: 'token-copy', onclick: copy }, 'Copy'), note),
    h('p', { class: 'hint' }, 'Then give it to the branch: ', h('code', null, 'tributary gateway enroll --data DIR --central HOST:PORT --token TOKEN')));
}
