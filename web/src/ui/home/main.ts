// The home page: sign in (or create an account), then the user's repls (repllist.ts) and the templates to create one.
import '../styles/base.css';
import '../styles/home.css';
import { h, clear } from '../lib/dom';
import { icon, logo } from '../lib/icons';
import {
  ApiError, Template, User, createRepl, listNodes, listTemplates, errorTitle, me, signOut,
  onUnauthenticated, isUnauthenticated,
} from '../lib/api';
import { nextFromQuery } from '../lib/auth';
import { authView } from './auth';
import { toastError } from '../lib/toast';
import { templateTile } from '../lib/templateicons';
import { ReplList, ideHref } from './repllist';
import { SharedList } from './sharedlist';
import { forkLinkSlug, offerFork } from './forkcard';
import { initColorScheme, schemeSwitch } from '../lib/colorscheme';

let user: User | null = null;
/** Bumped on every sign-out: answers to calls made for an earlier user are dropped. */
let epoch = 0;
let templates: Template[] = [];
let templatesLoad: Promise<Template[]> | null = null;
let creating: string | null = null;

const fleet = h('div', { class: 'fleet', testid: 'fleet-status', hidden: true });
const templateGrid = h('div', { class: 'template-grid', testid: 'templates' });
const list = new ReplList({
  session: () => (user ? epoch : null),
  isAdmin: () => !!user?.admin,
  templates: () => templates,
  onRendered: () => renderFleet(),
});
const shared = new SharedList({
  session: () => (user ? epoch : null),
  username: () => user?.username ?? null,
  templates: () => templates,
});

const app = document.getElementById('app')!;

function render(): void {
  const u = user!;
  clear(app);
  document.title = 'Pier — your repls';
  app.append(
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '/' }, logo(26), 'Pier'),
      h('span', { class: 'topbar-tag' }, 'self-hosted'),
      h('div', { class: 'spacer' }),
      u.admin ? h('a', { class: 'btn btn-ghost btn-sm topbar-link', href: '/admin', testid: 'admin-link', title: 'Administration' }, icon('shield', 14), 'Admin') : null,
      fleet,
      schemeSwitch(),
      h('div', { class: 'account', title: `Signed in as ${u.username}${u.admin ? ' (admin)' : ''}` },
        h('span', { class: 'avatar', 'aria-hidden': 'true' }, u.username.slice(0, 1).toUpperCase()),
        h('span', { class: 'account-name mono', testid: 'user-name' }, u.username),
        u.admin ? h('span', { class: 'account-role', testid: 'user-admin' }, 'admin') : null),
      h('a', { class: 'btn btn-ghost btn-sm topbar-link', href: '/account', testid: 'account-link', title: 'Your account' }, icon('user', 14), 'Account'),
      h('button', { class: 'btn btn-ghost btn-sm sign-out', testid: 'sign-out', title: 'Sign out', onclick: () => void leave() }, icon('logOut', 14), 'Sign out')),
    h('main', { class: 'home' },
      list.el,
      shared.el,
      h('section', { class: 'hero' },
        h('h2', null, 'Create a repl'),
        h('p', null, 'Pick a template. Every repl is its own container, with a file system, terminals and a live preview, on machines you own.')),
      templateGrid),
  );
  renderTemplates(true);
  list.render();
  shared.render();
}

function renderTemplates(loading = false): void {
  clear(templateGrid);
  if (loading) {
    for (let i = 0; i < 3; i++) templateGrid.append(h('div', { class: 'template-card skeleton' }));
    return;
  }
  if (!templates.length) {
    templateGrid.append(h('div', { class: 'empty small' }, 'No templates are offered by this Pier.'));
    return;
  }
  for (const t of templates) {
    const busy = creating === t.name;
    const card = h('button', {
      class: { 'template-card': true, busy },
      testid: `template-${t.name}`,
      disabled: creating !== null,
      'aria-label': `Create a ${t.title ?? t.name} repl`,
      onclick: () => create(t),
    },
      h('div', { class: 'template-top' },
        templateTile(t.name, 42),
        h('div', { class: 'template-names' },
          h('div', { class: 'template-title' }, t.title ?? t.name),
          h('div', { class: 'template-name mono' }, t.name)),
        h('span', { class: 'template-go' }, busy ? h('div', { class: 'spinner' }) : icon('arrowRight', 18))),
      h('p', { class: 'template-desc' }, t.description ?? ''),
      h('div', { class: 'template-meta' },
        t.run ? h('span', { class: 'chip mono' }, icon('terminal', 12), t.run) : null,
        t.port ? h('span', { class: 'chip mono' }, icon('globe', 12), `:${t.port}`) : null,
        t.limits ? h('span', { class: 'chip' }, icon('cpu', 12), `${t.limits.cpus} CPU · ${t.limits.memoryMb} MB`) : null));
    templateGrid.append(card);
  }
}

async function create(t: Template): Promise<void> {
  if (creating) return;
  creating = t.name;
  renderTemplates();
  try {
    const repl = await createRepl(t.name);
    location.href = ideHref(repl.slug);
  } catch (e) {
    creating = null;
    if (!user) return; // signed out meanwhile: the sign-in card shows
    renderTemplates();
    if (isUnauthenticated(e)) return;
    toastError(e instanceof ApiError ? `Could not create the repl: ${errorTitle(e.code).toLowerCase()}` : 'Could not create the repl', e);
  }
}

const refreshRepls = (userAsked = false) => Promise.all([list.refresh(userAsked), shared.refresh(userAsked)]);

let nodeCount: number | null = null;

async function refreshFleet(): Promise<void> {
  if (!user) return;
  // The nodes are the administrators' business: the API refuses them to anyone else, so nobody else asks.
  if (!user.admin) {
    nodeCount = null;
    renderFleet();
    return;
  }
  const mine = epoch;
  try {
    nodeCount = (await listNodes()).length;
  } catch {
    nodeCount = null;
  }
  if (user && mine === epoch) renderFleet();
}

function renderFleet(): void {
  fleet.hidden = nodeCount === null;
  if (nodeCount === null) return;
  const running = list.running();
  clear(fleet);
  fleet.append(
    h('span', { class: { 'fleet-dot': true, down: nodeCount === 0 } }),
    `${nodeCount} ${nodeCount === 1 ? 'node' : 'nodes'}`,
    h('span', { class: 'fleet-sep' }, '·'),
    `${running} running`);
  fleet.title = nodeCount ? 'Node-agents in the cluster' : 'No node-agent is in the cluster: repls cannot start';
}

/** The signed-in home page: templates and the user's repls. */
async function showHome(): Promise<void> {
  // A `next` that the IDE sent is for signing in; signed in already, it only clutters the address. A fork link's
  // repl is offered once the page is up.
  const forking = forkLinkSlug(location.search);
  if (location.search) history.replaceState(null, '', '/');
  list.reset();
  shared.reset();
  render();
  templatesLoad ??= listTemplates();
  const [tpl] = await Promise.allSettled([templatesLoad, refreshRepls()]);
  if (!user) return;
  if (tpl.status === 'fulfilled') templates = tpl.value;
  else { templatesLoad = null; toastError('Could not load the templates', tpl.reason); }
  renderTemplates();
  list.render();
  shared.render();
  void refreshFleet();
  if (forking) void offerFork(forking);
}

/** The sign-in card; signing in returns to the IDE that sent the user here, or shows the home page. */
function showSignIn(notice?: string): void {
  user = null;
  epoch++;
  list.reset();
  shared.reset();
  creating = null;
  clear(app);
  document.title = 'Sign in · Pier';
  const next = nextFromQuery();
  app.append(authView({
    next,
    notice,
    onSignedIn: (u) => {
      if (next) { location.replace(next); return; }
      user = u;
      void showHome();
    },
  }));
}

async function leave(): Promise<void> {
  try {
    await signOut();
  } catch (e) {
    if (!isUnauthenticated(e)) { toastError('Could not sign out', e); return; }
  }
  showSignIn();
}

/** Asks who is signed in; shows the sign-in card, the home page, or an error with Retry. */
async function boot(): Promise<void> {
  templatesLoad ??= listTemplates(); // public: fetched while the session is checked
  templatesLoad.catch(() => { /* shown with the home page */ });
  try {
    user = await me();
  } catch (e) {
    if (isUnauthenticated(e)) { showSignIn(); return; }
    clear(app);
    app.append(h('div', { class: 'auth-page' },
      h('main', { class: 'auth-main' },
        h('a', { class: 'auth-brand', href: '/' }, logo(40), h('span', null, 'Pier')),
        h('div', { class: 'auth-card boot-error', testid: 'boot-error' },
          h('div', { class: 'empty-icon' }, icon('wifiOff', 24)),
          h('h1', { class: 'auth-title' }, e instanceof ApiError ? errorTitle(e.code) : 'Something went wrong'),
          h('p', { class: 'auth-sub' }, (e as Error).message),
          h('button', { class: 'btn btn-primary', onclick: () => void boot() }, icon('refresh', 14), 'Try again')))));
    return;
  }
  await showHome();
}

function main(): void {
  // Any call that finds the session gone (expired, signed out in another tab) brings the sign-in card back.
  onUnauthenticated(() => {
    if (user) showSignIn('Your session has ended. Sign in again to continue.');
  });
  // Keep states and "last active" fresh while the page is visible.
  window.setInterval(() => { if (user && !document.hidden) { void refreshRepls(); void refreshFleet(); } }, 5000);
  window.addEventListener('pageshow', (e) => { if (e.persisted && user) { creating = null; renderTemplates(); void refreshRepls(); } });
  initColorScheme();
  clear(app);
  app.append(h('div', { class: 'boot-wait' }, h('div', { class: 'spinner' })));
  void boot();
}

main();
