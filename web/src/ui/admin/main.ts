// The administrators' page (/admin): the fleet signal, the nodes (drain and undrain) and the users with their use
// (make or revoke administrators). Anyone else is told it is not for them, and nothing of the fleet is asked for.
import '../styles/base.css';
import '../styles/home.css';
import '../styles/admin.css';
import { h, clear } from '../lib/dom';
import { icon, logo } from '../lib/icons';
import { ApiError, User, errorTitle, isUnauthenticated, me, onUnauthenticated } from '../lib/api';
import { toast, toastError } from '../lib/toast';
import { confirmDialog } from '../lib/modal';
import { initColorScheme, schemeSwitch } from '../lib/colorscheme';
import { AccountUsage, Fleet, Node, fleetSignal, listAccounts, listNodes, setAdmin, setDraining } from './adminapi';
import { fleetView, nodesView } from './nodes';
import { usersView } from './users';

const REFRESH_MS = 5000;

const app = document.getElementById('app')!;
let user: User | null = null;
let nodes: Node[] | null = null;
let fleet: Fleet | null = null;
let accounts: AccountUsage[] | null = null;
const draining = new Set<string>();
const promoting = new Set<string>();

const fleetBox = h('div', { class: 'admin-box' });
const nodesBox = h('div', { class: 'admin-box' });
const usersBox = h('div', { class: 'admin-box' });
const nodeCount = h('span', { class: 'section-count' });
const userCount = h('span', { class: 'section-count' });

function topbar(u: User | null): HTMLElement {
  return h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: '/' }, logo(26), 'Pier'),
    h('span', { class: 'topbar-tag' }, 'administration'),
    h('div', { class: 'spacer' }),
    h('a', { class: 'btn btn-ghost btn-sm', href: '/', testid: 'home-link' }, icon('home', 14), 'Your repls'),
    schemeSwitch(),
    u ? h('div', { class: 'account', title: `Signed in as ${u.username}` },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, u.username.slice(0, 1).toUpperCase()),
      h('span', { class: 'account-name mono', testid: 'user-name' }, u.username),
      u.admin ? h('span', { class: 'account-role' }, 'admin') : null) : null);
}

/** A card in place of the page: not signed in, not an administrator, or Pier unreachable. */
function notice(testid: string, iconName: Parameters<typeof icon>[0], title: string, text: string, action: HTMLElement): void {
  clear(app);
  app.append(topbar(user),
    h('main', { class: 'home' },
      h('div', { class: 'empty admin-notice', testid },
        h('div', { class: 'empty-icon' }, icon(iconName, 24)),
        h('div', { class: 'empty-title' }, title),
        h('div', { class: 'empty-text' }, text),
        action)));
}

function render(): void {
  clear(app);
  document.title = 'Pier — administration';
  app.append(topbar(user),
    h('main', { class: 'home admin' },
      h('section', { class: 'hero' },
        h('h1', null, 'Administration'),
        h('p', null, 'The fleet, its nodes and the people who use it. Draining a node moves its repls to the others.')),
      h('section', { class: 'section-head' }, h('h2', null, 'Fleet signal')),
      fleetBox,
      h('section', { class: 'section-head' },
        h('h2', null, 'Nodes', nodeCount),
        h('button', { class: 'btn btn-ghost btn-sm', title: 'Refresh', onclick: () => void refresh(true) }, icon('refresh', 14), 'Refresh')),
      nodesBox,
      h('section', { class: 'section-head' }, h('h2', null, 'Users', userCount)),
      usersBox));
  renderAll();
}

function loading(box: HTMLElement): void {
  clear(box);
  box.append(h('div', { class: 'admin-loading skeleton' }));
}

function renderAll(): void {
  if (fleet) { clear(fleetBox); fleetBox.append(fleetView(fleet)); } else loading(fleetBox);
  if (nodes) {
    clear(nodesBox);
    nodesBox.append(nodesView(nodes, draining, (n) => void toggleDrain(n)));
    nodeCount.textContent = String(nodes.length);
  } else loading(nodesBox);
  if (accounts) {
    clear(usersBox);
    usersBox.append(usersView(accounts, user!.username, promoting, (a) => void toggleAdmin(a)));
    userCount.textContent = String(accounts.length);
  } else loading(usersBox);
}

let refreshing = false;
async function refresh(userAsked = false): Promise<void> {
  if (refreshing || !user) return;
  refreshing = true;
  try {
    const [n, f, a] = await Promise.allSettled([listNodes(), fleetSignal(), listAccounts()]);
    if (n.status === 'fulfilled') nodes = n.value;
    if (f.status === 'fulfilled') fleet = f.value;
    if (a.status === 'fulfilled') accounts = a.value;
    renderAll();
    const failed = [n, f, a].find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed && !isUnauthenticated(failed.reason) && (userAsked || !document.hidden)) {
      toastError('Could not load the fleet', failed.reason, 'admin-refresh');
    }
  } finally {
    refreshing = false;
  }
}

async function toggleDrain(n: Node): Promise<void> {
  const drain = !n.draining;
  if (drain) {
    const ok = await confirmDialog({
      title: `Drain ${n.id}?`,
      message: `Placement stops using it, and its ${n.load.repls === 1 ? 'running repl moves' : `${n.load.repls} running repls move`} to other nodes, one at a time: each stops (its files are stored) and starts again elsewhere. Open IDEs reconnect.`,
      confirmLabel: 'Drain',
      danger: true,
    });
    if (!ok) return;
  }
  draining.add(n.id);
  renderAll();
  try {
    const outcome = await setDraining(n.id, drain);
    const failed = Object.keys(outcome.failed ?? {});
    if (!drain) toast('success', 'Node undrained', `${n.id} takes new repls again.`);
    else if (failed.length) toast('error', 'Node drained, some repls did not move', failed.map((s) => `${s}: ${outcome.failed![s]}`).join('\n'));
    else toast('success', 'Node drained', `${outcome.moved?.length ?? 0} repls moved away from ${n.id}.`);
  } catch (e) {
    if (!isUnauthenticated(e)) toastError(drain ? 'Could not drain the node' : 'Could not undrain the node', e);
  } finally {
    draining.delete(n.id);
    await refresh();
  }
}

async function toggleAdmin(a: AccountUsage): Promise<void> {
  const admin = !a.admin;
  const ok = await confirmDialog({
    title: admin ? `Make ${a.username} an administrator?` : `Revoke ${a.username}'s administrator role?`,
    message: admin
      ? 'They will see every repl, the nodes and the users, and may drain nodes and change roles. Their sessions end: they sign in again with the new role.'
      : 'They keep their repls and see only those. Their sessions end: they sign in again.',
    confirmLabel: admin ? 'Make admin' : 'Revoke admin',
    danger: !admin,
  });
  if (!ok) return;
  promoting.add(a.username);
  renderAll();
  try {
    const changed = await setAdmin(a.username, admin);
    if (!admin && changed.admin) toast('info', `${a.username} is still an administrator`, 'PIER_ADMINS lists the name.');
    else toast('success', admin ? 'Administrator made' : 'Administrator role revoked', a.username);
  } catch (e) {
    if (!isUnauthenticated(e)) toastError('Could not change the role', e);
  } finally {
    promoting.delete(a.username);
    await refresh();
  }
}

async function boot(): Promise<void> {
  try {
    user = await me();
  } catch (e) {
    user = null;
    if (isUnauthenticated(e)) {
      notice('admin-signin', 'lock', 'Sign in first', 'This page is for the administrators of this Pier.',
        h('a', { class: 'btn btn-primary', href: '/' }, 'Sign in'));
    } else {
      notice('boot-error', 'wifiOff', e instanceof ApiError ? errorTitle(e.code) : 'Something went wrong', (e as Error).message,
        h('button', { class: 'btn btn-primary', onclick: () => void boot() }, icon('refresh', 14), 'Try again'));
    }
    return;
  }
  if (!user.admin) {
    // Nothing of the fleet is asked for: the API would refuse it, and the console would say so.
    notice('admin-forbidden', 'shield', 'Not allowed', 'Only administrators see this page. Ask one to make you an administrator.',
      h('a', { class: 'btn btn-primary', href: '/' }, icon('home', 14), 'Your repls'));
    return;
  }
  render();
  await refresh();
}

function main(): void {
  onUnauthenticated(() => {
    if (!user) return;
    user = null;
    notice('admin-signin', 'lock', 'Your session has ended', 'Sign in again to continue.', h('a', { class: 'btn btn-primary', href: '/' }, 'Sign in'));
  });
  window.setInterval(() => { if (user?.admin && !document.hidden) void refresh(); }, REFRESH_MS);
  initColorScheme();
  app.append(h('div', { class: 'boot-wait' }, h('div', { class: 'spinner' })));
  void boot();
}

main();
