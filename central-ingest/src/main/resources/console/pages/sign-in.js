// Sign-in page: posts the admin's credentials to /api/v1/session; offers single sign-on when central has OIDC.
import { h } from '../dom.js';
import { api } from '../api.js';

const OPTIONS_TIMEOUT_MS = 5000;

export function render(root, { onSignedIn, loading, ready }) {
  const user = h('input', { id: 'signin-user', name: 'user', type: 'text', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password' });
  const submit = h('button', { id: 'signin-submit', type: 'submit', class: 'primary' }, 'Sign in');
  const error = h('p', { id: 'signin-error', class: 'error', role: 'alert' });
  const alternatives = h('div', { id: 'signin-alternatives', class: 'signin-alt', hidden: true });
  let busy = false; // a password sign-in is in flight: the options fetch must not flip the page state back

  const form = h('form', { id: 'signin', class: 'card signin-card', novalidate: true },
    h('h1', null, 'Sign in'),
    h('p', { class: 'muted' }, 'Tributary central administration'),
    h('label', { for: 'signin-user' }, 'User'), user,
    h('label', { for: 'signin-password' }, 'Password'), password,
    error,
    submit,
    alternatives);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    if (!user.value.trim() || !password.value) {
      error.textContent = 'Enter your user name and password.';
      return;
    }
    busy = true;
    submit.disabled = true;
    loading();
    try {
      const session = await api.post('/session', { user: user.value.trim(), password: password.value }, { gate: false });
      onSignedIn(session);
    } catch (err) {
      busy = false;
      error.textContent = err.message;
      password.value = '';
      submit.disabled = false;
      password.focus();
      ready();
    }
  });

  const redirectError = takeRedirectError();
  if (redirectError) error.textContent = redirectError;

  root.append(form);
  user.focus();

  loading();
  loadOptions(alternatives).finally(() => {
    if (!busy && root.isConnected) ready();
  });
}

/** Shows the single sign-on link when central offers OIDC; any failure just leaves it hidden. */
async function loadOptions(slot) {
  let options;
  try {
    const signal = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(OPTIONS_TIMEOUT_MS) : undefined;
    options = await api.get('/sign-in-options', { gate: false, signal });
  } catch {
    return;
  }
  const href = options && options.oidc === true ? safeHref(options.oidcUrl) : null;
  if (!href) return;
  slot.replaceChildren(
    h('p', { class: 'signin-divider' }, h('span', null, 'or')),
    h('a', { id: 'signin-oidc', class: 'button', href }, 'Sign in with single sign-on'));
  slot.hidden = false;
}

/** Only http(s) targets: the URL comes from the network and becomes a link. */
function safeHref(url) {
  if (typeof url !== 'string' || !url) return null;
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * Reads signin_error from the query or from the hash's query (central redirects to
 * /console/#/?signin_error=TEXT), then drops it from the address so a reload does not repeat it.
 */
function takeRedirectError() {
  const [hashPath, hashQuery = ''] = location.hash.split('?');
  const fromSearch = new URLSearchParams(location.search);
  const fromHash = new URLSearchParams(hashQuery);
  const message = fromHash.get('signin_error') || fromSearch.get('signin_error');
  if (!message) return null;
  fromSearch.delete('signin_error');
  fromHash.delete('signin_error');
  const search = fromSearch.toString();
  const hashRest = fromHash.toString();
  const hash = hashRest ? `${hashPath}?${hashRest}` : hashPath;
  try {
    history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}${hash}`);
  } catch { /* the message is shown either way */ }
  return message;
}
