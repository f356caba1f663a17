// The console's shell: sign-in, the caller's role, the hash router, and one event stream that tells the
// open view when something it shows has changed.
import { get, token, whenUnauthorized } from './api.js';
import { openEvents } from './events.js';
import { h } from './ui.js';
import { fleetsView } from './views/fleets.js';
import { imagesView } from './views/images.js';
import { machinesView } from './views/machines.js';
import { operationsView } from './views/operations.js';
import { deployView } from './views/deploy.js';

const ROLES = ['viewer', 'operator', 'admin'];
const VIEWS = { fleets: fleetsView, images: imagesView, machines: machinesView, operations: operationsView, deploy: deployView };

const state = { session: null, view: null, closeEvents: null, refreshTimer: null };
const ctx = {
  can: (role) => state.session && ROLES.indexOf(state.session.role) >= ROLES.indexOf(role),
  go: (hash) => { location.hash = hash; },
};

async function signIn(secret) {
  token.set(secret);
  try {
    state.session = await get('/api/session');
  } catch (error) {
    token.clear();
    throw error;
  }
  start();
}

function signOut() {
  token.clear();
  state.session = null;
  if (state.closeEvents) state.closeEvents();
  state.closeEvents = null;
  if (state.view?.dispose) state.view.dispose();
  state.view = null;
  document.getElementById('view').replaceChildren();
  document.getElementById('nav').hidden = true;
  document.getElementById('who').replaceChildren();
  showLogin();
}

function showLogin() {
  const login = document.getElementById('login');
  login.hidden = false;
  document.getElementById('token').focus();
}

function start() {
  document.getElementById('login').hidden = true;
  const nav = document.getElementById('nav');
  nav.hidden = false;
  nav.querySelectorAll('[data-role]').forEach((link) => { link.hidden = !ctx.can(link.dataset.role); });
  const dot = h('span', { class: 'live-dot', title: 'live updates' });
  const liveText = h('span', { class: 'sr-only' }, 'live updates off');
  document.getElementById('who').replaceChildren(
    h('span', {}, dot, liveText),
    h('span', { id: 'whoami' }, `${state.session.principal} · ${state.session.role}`),
    h('button', { type: 'button', onclick: signOut }, 'Sign out'));
  state.closeEvents = openEvents('', (event) => {
    if (state.view?.onEvent && state.view.onEvent(event)) scheduleRefresh();
  }, (on) => { dot.classList.toggle('on', on); liveText.textContent = on ? 'live updates on' : 'live updates off'; });
  route();
}

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => state.view?.refresh?.(), 250);
}

async function route() {
  if (!state.session) return;
  const [name, ...rest] = (location.hash.replace(/^#\/?/, '') || 'fleets').split('/');
  const factory = VIEWS[name] || fleetsView;
  if (state.view?.dispose) state.view.dispose();
  document.querySelectorAll('#nav a').forEach((link) => {
    if (link.getAttribute('href') === `#/${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  });
  // Each view draws into a container of its own: a slow answer for the view just left lands in a
  // detached element instead of over the new view.
  const container = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  document.getElementById('view').replaceChildren(container);
  state.view = factory(container, ctx, rest);
  document.title = `${state.view.title} · Diskfleet`;
  try {
    await state.view.refresh();
  } catch (error) {
    container.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message));
  }
}

document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = document.getElementById('login-error');
  error.textContent = '';
  const input = document.getElementById('token');
  try {
    await signIn(input.value.trim());
    input.value = '';
  } catch (failure) {
    error.textContent = failure.status === 401 ? 'That token was not accepted.' : failure.message;
  }
});
window.addEventListener('hashchange', route);
whenUnauthorized(() => { if (state.session) signOut(); });

if (token.get()) signIn(token.get()).catch(showLogin); else showLogin();
