// Console boot: session check, sign-in gate, hash router (#/page/arg?query) and nav highlighting.
import { api, setCsrf, setUnauthorizedHandler, errorBox } from './api.js';
import { h } from './dom.js';
import * as signIn from './pages/sign-in.js';
import * as fleet from './pages/fleet.js';
import * as gateway from './pages/gateway.js';
import * as shares from './pages/shares.js';
import * as tokens from './pages/tokens.js';
import * as conflicts from './pages/conflicts.js';
import * as audit from './pages/audit.js';
import * as files from './pages/files.js';

const pages = new Map(Object.entries({ fleet, gateway, shares, tokens, conflicts, audit, files }));
const navFor = { gateway: 'fleet' };

const view = document.getElementById('view');
const whoami = document.getElementById('whoami');
const signOutButton = document.getElementById('signout');

let signedIn = false;
let signInShown = false;
let controller = null; // aborts the current page's fetches and polling

const setPage = (name) => { document.body.dataset.page = name; };

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const segments = (q < 0 ? raw : raw.slice(0, q)).split('/').filter(Boolean);
  let arg;
  try { arg = segments.slice(1).map(decodeURIComponent).join('/'); } catch { arg = segments.slice(1).join('/'); }
  return { name: segments[0] || '', arg, query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

function markNav(name) {
  for (const link of document.querySelectorAll('a[data-nav]')) {
    const current = link.dataset.nav === name;
    link.classList.toggle('current', current);
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
}

function stopPage() {
  if (controller) controller.abort();
  controller = null;
}

/** Context handed to a page: its abort signal, route argument/query, page-state flags and polling. */
function pageContext(name, arg, query, signal) {
  return {
    signal, arg, query,
    loading: () => { if (!signal.aborted) setPage(`${name}-loading`); },
    ready: () => { if (!signal.aborted) setPage(name); },
    poll(fn, ms) {
      let timer = null;
      const tick = async () => {
        try { await fn(); } finally { if (!signal.aborted) timer = setTimeout(tick, ms); }
      };
      timer = setTimeout(tick, ms);
      signal.addEventListener('abort', () => clearTimeout(timer));
    },
  };
}

function route() {
  if (!signedIn) return;
  const { name, arg, query } = parseHash();
  if (!name) {
    history.replaceState(null, '', '#/fleet');
    route();
    return;
  }
  stopPage();
  const ctrl = new AbortController();
  controller = ctrl;
  markNav(navFor[name] || name);
  const root = h('div', { class: `page page-${name}` });
  view.replaceChildren(root);
  const page = pages.get(name);
  if (!page) {
    root.append(h('h1', null, 'Page not found'), h('p', null, 'There is no such page. ', h('a', { href: '#/fleet' }, 'Go to the fleet.')));
    setPage('notfound');
    return;
  }
  const ctx = pageContext(name, arg, query, ctrl.signal);
  ctx.loading();
  Promise.resolve()
    .then(() => page.render(root, ctx))
    .catch((err) => {
      if (ctrl.signal.aborted) return;
      root.append(errorBox(err));
      ctx.ready();
    });
}

function showSignIn() {
  if (signInShown) return;
  signInShown = true;
  signedIn = false;
  stopPage();
  setCsrf(null);
  document.body.classList.add('signed-out');
  whoami.textContent = '';
  markNav(null);
  const root = h('div', { class: 'page page-signin' });
  view.replaceChildren(root);
  setPage('signin-loading');
  signIn.render(root, {
    onSignedIn,
    loading: () => setPage('signin-loading'),
    ready: () => setPage('signin'),
  }); // the page calls ready() once its sign-in options have loaded
}

function onSignedIn(session) {
  setCsrf(session.csrf);
  signedIn = true;
  signInShown = false;
  document.body.classList.remove('signed-out');
  whoami.textContent = session.user || '';
  signOutButton.disabled = false;
  route();
}

async function signOut() {
  signOutButton.disabled = true;
  try {
    await api.del('/session');
  } catch (err) {
    if (err.status === 401) return; // the sign-in view is already shown
    view.prepend(errorBox(`Sign-out failed: ${err.message}`));
    signOutButton.disabled = false;
    return;
  }
  showSignIn();
}

async function checkSession() {
  setPage('loading');
  try {
    onSignedIn(await api.get('/session'));
  } catch (err) {
    if (err.status === 401) return; // showSignIn already ran
    view.replaceChildren(h('div', { class: 'page' },
      h('h1', null, 'Tributary console'),
      errorBox(err),
      h('button', { type: 'button', onclick: checkSession }, 'Try again')));
    setPage('error');
  }
}

setUnauthorizedHandler(showSignIn);
signOutButton.addEventListener('click', signOut);
window.addEventListener('hashchange', route);
checkSession();
