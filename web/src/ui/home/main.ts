// The home page: create a repl from a template, list, open and delete repls.
import '../styles/base.css';
import '../styles/home.css';
import { h, clear } from '../lib/dom';
import { icon, logo } from '../lib/icons';
import { ApiError, Repl, Template, createRepl, deleteRepl, listNodes, listRepls, listTemplates, errorTitle } from '../lib/api';
import { toast, toastError } from '../lib/toast';
import { confirmDialog } from '../lib/modal';
import { relativeTime, absoluteTime } from '../lib/time';
import { templateTile } from '../lib/fileicons';

const STATE_LABEL: Record<string, string> = {
  running: 'Running', stopped: 'Stopped', starting: 'Starting', stopping: 'Stopping', creating: 'Creating', failed: 'Failed',
};

let templates: Template[] = [];
let repls: Repl[] | null = null;
let creating: string | null = null;
const deleting = new Set<string>();

const fleet = h('div', { class: 'fleet', testid: 'fleet-status', hidden: true });
const templateGrid = h('div', { class: 'template-grid', testid: 'templates' });
const replList = h('div', { class: 'repl-list', testid: 'repls' });
const replCount = h('span', { class: 'section-count' });

function render(): void {
  const app = document.getElementById('app')!;
  clear(app);
  app.append(
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '/' }, logo(26), 'Pier'),
      h('span', { class: 'topbar-tag' }, 'self-hosted'),
      h('div', { class: 'spacer' }),
      fleet),
    h('main', { class: 'home' },
      h('section', { class: 'hero' },
        h('h1', null, 'Create a repl'),
        h('p', null, 'Pick a template. Every repl is its own container, with a file system, terminals and a live preview, on machines you own.')),
      templateGrid,
      h('section', { class: 'section-head' },
        h('h2', null, 'Your repls', replCount),
        h('button', { class: 'btn btn-ghost btn-sm', title: 'Refresh', onclick: () => refreshRepls(true) }, icon('refresh', 14), 'Refresh')),
      replList),
  );
  renderTemplates(true);
  renderRepls();
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

function renderRepls(): void {
  renderFleet();
  clear(replList);
  if (repls === null) {
    for (let i = 0; i < 2; i++) replList.append(h('div', { class: 'repl-row skeleton' }));
    replCount.textContent = '';
    return;
  }
  replCount.textContent = repls.length ? String(repls.length) : '';
  if (!repls.length) {
    replList.append(h('div', { class: 'empty', testid: 'repls-empty' },
      h('div', { class: 'empty-icon' }, icon('box', 26)),
      h('div', { class: 'empty-title' }, 'No repls yet'),
      h('div', { class: 'empty-text' }, 'Pick a template above to create your first one. It opens in the IDE right away.')));
    return;
  }
  const byName = new Map(templates.map((t) => [t.name, t]));
  for (const r of repls) {
    const t = byName.get(r.template);
    const gone = deleting.has(r.slug);
    const row = h('div', {
      class: { 'repl-row': true, deleting: gone },
      testid: `repl-${r.slug}`,
      dataset: { state: r.state },
      onclick: (e: MouseEvent) => {
        if ((e.target as HTMLElement).closest('button, a')) return;
        location.href = ideHref(r.slug);
      },
    },
      templateTile(r.template, 34),
      h('div', { class: 'repl-main' },
        h('a', { class: 'repl-slug mono', href: ideHref(r.slug) }, r.slug),
        h('div', { class: 'repl-sub' }, t?.title ?? r.template, r.node ? h('span', { class: 'repl-node' }, ` · ${r.node}`) : null)),
      h('span', { class: `badge badge-${r.state}`, testid: 'repl-state' }, STATE_LABEL[r.state] ?? r.state),
      h('span', { class: 'repl-time', title: `Last active ${absoluteTime(r.lastActiveAt)}` }, icon('clock', 13), relativeTime(r.lastActiveAt)),
      h('div', { class: 'repl-actions' },
        h('a', { class: 'btn btn-sm', href: ideHref(r.slug), testid: 'repl-open' }, icon('code', 14), 'Open'),
        h('button', {
          class: 'icon-button', title: 'Delete repl', 'aria-label': `Delete ${r.slug}`, testid: 'repl-delete', disabled: gone,
          onclick: () => remove(r),
        }, gone ? h('div', { class: 'spinner' }) : icon('trash', 15))));
    replList.append(row);
  }
}

const ideHref = (slug: string) => `/ide/${encodeURIComponent(slug)}`;

async function create(t: Template): Promise<void> {
  if (creating) return;
  creating = t.name;
  renderTemplates();
  try {
    const repl = await createRepl(t.name);
    location.href = ideHref(repl.slug);
  } catch (e) {
    creating = null;
    renderTemplates();
    toastError(e instanceof ApiError ? `Could not create the repl: ${errorTitle(e.code).toLowerCase()}` : 'Could not create the repl', e);
  }
}

async function remove(r: Repl): Promise<void> {
  const ok = await confirmDialog({
    title: 'Delete this repl?',
    message: h('span', null, 'The repl ', h('code', null, r.slug), ' will be stopped and its files deleted for good. This cannot be undone.'),
    confirmLabel: 'Delete repl',
    danger: true,
  });
  if (!ok) return;
  deleting.add(r.slug);
  renderRepls();
  try {
    await deleteRepl(r.slug);
    toast('success', 'Repl deleted', r.slug);
  } catch (e) {
    toastError('Could not delete the repl', e);
  } finally {
    deleting.delete(r.slug);
    await refreshRepls();
  }
}

let refreshing = false;
async function refreshRepls(userAsked = false): Promise<void> {
  if (refreshing) return;
  refreshing = true;
  try {
    repls = await listRepls();
    renderRepls();
  } catch (e) {
    if (repls === null) { repls = []; renderRepls(); }
    if (userAsked || !document.hidden) toastError('Could not list your repls', e);
  } finally {
    refreshing = false;
  }
}

let nodeCount: number | null = null;

async function refreshFleet(): Promise<void> {
  try {
    nodeCount = (await listNodes()).length;
  } catch {
    nodeCount = null;
  }
  renderFleet();
}

function renderFleet(): void {
  fleet.hidden = nodeCount === null;
  if (nodeCount === null) return;
  const running = repls?.filter((r) => r.state === 'running').length ?? 0;
  clear(fleet);
  fleet.append(
    h('span', { class: { 'fleet-dot': true, down: nodeCount === 0 } }),
    `${nodeCount} ${nodeCount === 1 ? 'node' : 'nodes'}`,
    h('span', { class: 'fleet-sep' }, '·'),
    `${running} running`);
  fleet.title = nodeCount ? 'Node-agents in the cluster' : 'No node-agent is in the cluster: repls cannot start';
}

async function main(): Promise<void> {
  render();
  const [tpl] = await Promise.allSettled([listTemplates(), refreshRepls()]);
  if (tpl.status === 'fulfilled') templates = tpl.value;
  else toastError('Could not load the templates', tpl.reason);
  renderTemplates();
  renderRepls();
  void refreshFleet();
  // Keep states and "last active" fresh while the page is visible.
  window.setInterval(() => { if (!document.hidden) { void refreshRepls(); void refreshFleet(); } }, 5000);
  window.addEventListener('pageshow', (e) => { if (e.persisted) { creating = null; renderTemplates(); void refreshRepls(); } });
}

void main();
