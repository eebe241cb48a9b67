// The IDE page (/ide/<slug>): start progress, then the session, file tree, editor, terminals, run and preview.
import '../styles/base.css';
import '../styles/ide.css';
import { openSecrets } from './secrets';
import { h, clear, isMac } from '../lib/dom';
import { icon, logo } from '../lib/icons';
import {
  ApiError, Repl, Template, Visibility, getRepl, listTemplates, startRepl, stopRepl, me, onUnauthenticated,
  isUnauthenticated, setVisibility,
} from '../lib/api';
import { signInHref } from '../lib/auth';
import { toast, toastError } from '../lib/toast';
import { templateTile } from '../lib/fileicons';
import { ConnState, HelloEvent, ProtocolError, RunState, Session } from './session';
import { StartProgress, notFoundView, forbiddenView } from './startup';
import { FileTree } from './filetree';
import { fileHooks } from './filehooks';
import { Editor, EditorStatus } from './editor';
import { CONN_LABEL, StatusBar } from './statusbar';
import { BottomPanel } from './panel';
import { Preview } from './preview';
import { splitter } from './splitter';
import { recall, remember } from './persist';
import { initColorScheme, schemeSwitch } from '../lib/colorscheme';
import { NarrowLayout } from './narrow';
import { Finding } from './finding';
import { ReplName } from './replname';
import { forkButton } from './forkaction';
import { shareButton } from './sharedialog';
import { roleBadge, viewerRefused } from './roleui';
import { Presence, PresenceView } from './presenceview';
import { Access, accessOf } from '../lib/access';

const slug = decodeURIComponent(location.pathname.replace(/^\/ide\/?/, '').split('/')[0] ?? '');
const app = document.getElementById('app')!;

let leaving = false;
let ide: Ide | null = null;

/**
 * The session cookie is missing or no longer valid: go to the sign-in page, which comes back here afterwards.
 * Unsaved edits cannot be saved without it; the editor's beforeunload guard still asks before they are dropped.
 */
function goSignIn(): void {
  if (leaving) return;
  leaving = true;
  ide?.closeSession();
  location.replace(signInHref(`/ide/${encodeURIComponent(slug)}`));
  // Still here a moment later: the user chose to stay (unsaved edits). Say why nothing works any more.
  window.setTimeout(() => {
    leaving = false;
    toast('error', 'You are signed out', 'Copy any unsaved changes, then reload the page to sign in again.', 0);
  }, 1500);
}

async function boot(): Promise<void> {
  initColorScheme();
  document.title = slug ? `${slug} · Pier` : 'Pier';
  if (!slug || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) { showNotFound(); return; }
  // Any API call answered 401: sign in again. The call never settles, so no error flashes on the way out.
  onUnauthenticated(() => { goSignIn(); return true; });

  const progress = new StartProgress(slug);
  clear(app);
  app.appendChild(progress.el);
  progress.show('Opening your repl');

  let repl: Repl;
  try {
    repl = await progress.ensureRunning();
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) { showNotFound(); return; }
    if (e instanceof ApiError && e.status === 403) { showForbidden(); return; }
    throw e;
  }
  progress.connecting();
  ide = new Ide(repl, progress);
  app.insertBefore(ide.el, progress.el);
  await ide.start();
}

function showNotFound(): void {
  clear(app);
  app.appendChild(notFoundView(slug));
  document.title = 'No such repl · Pier';
}

function showForbidden(): void {
  clear(app);
  app.appendChild(forbiddenView(slug));
  document.title = 'Not your repl · Pier';
}

class Ide {
  readonly el: HTMLElement;
  private session: Session;
  private tree: FileTree;
  private editor: Editor;
  private panel: BottomPanel;
  private preview: Preview;
  private conn: HTMLElement;
  private runButton: HTMLButtonElement;
  private stopButton: HTMLButtonElement;
  private statusBar: StatusBar;
  private templateChip: HTMLElement;
  private booted = false;
  private runBusy = false;
  private runState: RunState | null = null;
  private editorStatus: EditorStatus = { path: null, line: 0, col: 0, language: '', save: 'saved' };
  private restarting: Promise<void> | null = null;
  private stoppedWait: Promise<void> | null = null;
  /** While the user's Stop is on its way: the session drops meanwhile, and its reconnection waits on this. */
  private stopping: Promise<void> | null = null;
  /** A console program (no app to preview): a run that ends with code 0 has finished, not failed. */
  private consoleProgram = false;
  private replStopButton: HTMLButtonElement;
  /** What the user may do here (its role in the repl, as it was when the page loaded): Pier refuses the rest. */
  private readonly access: Access;

  constructor(private repl: Repl, private readonly progress: StartProgress) {
    const access = this.access = accessOf(repl);
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.session = new Session({
      url: `${proto}//${location.host}/api/repls/${encodeURIComponent(slug)}/session`,
      beforeReconnect: (failures, neverOpened) => this.beforeReconnect(failures, neverOpened),
    });

    const files = fileHooks(slug, this.session, access.canChange);
    // Made below, with the tree it sits beside.
    let finding: Finding | null = null;
    const searchButton = h('button', {
      class: 'icon-button sm', title: 'Search in files (Ctrl+Shift+F)', 'aria-label': 'Search in files', testid: 'tree-search',
      onclick: () => finding?.showSearch(),
    }, icon('search', 14));
    this.tree = new FileTree({
      ...files.tree,
      actions: [searchButton, ...(files.tree.actions ?? [])],
      session: this.session,
      onOpen: (path) => void this.editor.open(path),
      onRenamed: (from, to) => this.editor.renamed(from, to),
      onDeleted: (path) => this.editor.deleted(path),
      onExpandedChanged: (expanded) => remember(slug, { expanded }),
    });
    const presence = new Presence(this.session);
    this.editor = new Editor({
      session: this.session,
      presence,
      onStatus: (s) => { this.editorStatus = s; this.renderStatus(); },
      onTabsChanged: (tabs, active) => { if (this.booted) remember(slug, { tabs, active }); },
      onActivate: (path) => this.tree.setActive(path),
      binaryView: files.binaryView,
      onReadOnlyEdit: () => viewerRefused('You are a viewer: files can be read here, not changed.'),
    });
    this.editor.setReadOnly(!access.canChange);
    files.attach(this.tree);
    this.panel = new BottomPanel({
      session: this.session, onRunState: (state) => this.setRunState(state), canType: access.canChange,
      onRefusedInput: () => viewerRefused('You are a viewer: terminals can be watched here, not typed into.'),
    });
    finding = new Finding({
      session: this.session, tree: this.tree.el, openFile: (path) => void this.editor.open(path),
      openHit: (hit) => void this.editor.openAt(hit.path, hit.line, hit.column, hit.length),
      actions: { run: () => void this.run(), stop: () => void this.stop(), newTerminal: () => this.newTerminal(), saveAll: () => this.editor.saveAll() },
    });
    this.preview = new Preview(() => void this.run(), (v) => this.changeVisibility(v));

    this.conn = h('button', {
      class: 'conn', testid: 'connection', dataset: { state: 'reconnecting' }, title: 'Session connection',
      onclick: () => this.session.retryNow(),
    }, h('span', { class: 'conn-dot' }), h('span', { class: 'conn-label' }, 'Connecting…'));
    this.runButton = h('button', { class: 'btn btn-run run-button', testid: 'run-button', onclick: () => void this.run() },
      icon('play', 14), h('span', { class: 'run-label' }, 'Run'));
    this.stopButton = h('button', { class: 'btn btn-ghost stop-button', testid: 'stop-button', title: 'Stop the app', disabled: true, onclick: () => void this.stop() },
      icon('stop', 13), 'Stop');
    this.replStopButton = h('button', {
      class: 'btn btn-ghost btn-sm', testid: 'repl-stop', title: 'Stop the repl: its container ends, its files stay',
      hidden: !access.canChange, onclick: () => void this.stopRepl(),
    }, icon('stop', 11), 'Stop repl');
    this.templateChip = h('span', { class: 'template-chip' }, repl.template);
    this.statusBar = new StatusBar();

    const header = h('header', { class: 'ide-header' },
      h('div', { class: 'header-left' },
        h('a', { class: 'home-link', href: '/', title: 'All repls', 'aria-label': 'All repls', testid: 'home-link' }, logo(24)),
        h('nav', { class: 'crumbs' },
          h('a', { href: '/' }, 'Repls'),
          h('span', { class: 'crumb-sep' }, '/'),
          templateTile(repl.template, 20),
          new ReplName(repl, (renamed) => { this.repl = renamed; }, access.canManage).el),
        this.templateChip,
        roleBadge(access)),
      h('div', { class: 'header-center' }, this.runButton, this.stopButton),
      h('div', { class: 'header-right' },
        schemeSwitch(),
        // Variables and secrets are the owner's: a collaborator never sees them.
        access.canManage
          ? h('button', { class: 'btn btn-ghost btn-sm', testid: 'secrets-button', title: 'Environment variables and secrets', onclick: () => openSecrets(slug) },
            icon('lock', 13), 'Secrets')
          : null,
        new PresenceView(presence, (path) => void this.editor.open(path)).el,
        shareButton(() => this.repl, access),
        forkButton(slug, () => this.editor.flush()),
        this.replStopButton,
        this.conn));

    // Layout: tree | editor over panel | preview, with draggable splitters.
    const main = h('div', { class: 'ide-main' });
    const center = h('div', { class: 'center' });
    const relayout = () => this.panel.relayout();
    center.append(
      this.editor.el,
      splitter({ host: center, variable: '--panel-h', axis: 'y', direction: -1, initial: 260, min: 90, max: () => Math.max(120, center.clientHeight - 120), onResize: relayout, testid: 'split-panel' }),
      this.panel.el);
    main.append(
      finding.sidebar,
      splitter({ host: main, variable: '--tree-w', axis: 'x', direction: 1, initial: 240, min: 160, max: () => Math.max(200, window.innerWidth * 0.35), onResize: relayout, testid: 'split-tree' }),
      center,
      splitter({ host: main, variable: '--preview-w', axis: 'x', direction: -1, initial: Math.round(Math.min(560, window.innerWidth * 0.34)), min: 240, max: () => Math.max(280, window.innerWidth * 0.6), onResize: relayout, testid: 'split-preview' }),
      this.preview.el);

    this.el = h('div', { class: 'ide' }, header, main, this.statusBar.el);
    const narrow = new NarrowLayout({ ide: this.el, tree: this.tree.el, center, editor: this.editor.el, panel: this.panel.el, preview: this.preview.el, onShow: relayout });
    this.el.insertBefore(narrow.bar, this.el.lastChild);

    this.preview.setVisibility(repl.visibility ?? 'public');
    if (!access.canManage) this.preview.lockVisibility();
    this.preview.setUrl(repl.previewUrl);
    this.session.onState((s) => {
      this.renderConn(s);
      if (!this.booted && s !== 'connected') {
        this.progress.note(s === 'offline'
          ? 'The session does not answer yet. Still trying, every few seconds…'
          : 'The session did not open; trying again…');
      }
    });
    this.session.on('hello', (hello) => void this.onHello(hello));
    this.session.on('run', (e) => { if (e.state === 'running') this.preview.reloadSoon(); });
    this.session.on('error', (e) => console.warn('pier: session error event', e));
    // Ctrl/Cmd+Enter runs, before the editor (which would insert a line) or a terminal sees it.
    window.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key === 'Enter') {
        e.preventDefault();
        e.stopPropagation();
        void this.run();
      }
    }, true);
    this.renderStatus();
    // The preview loads only once the template says it is a web app: a console program's host has no page (a 404).
    void listTemplates().then((ts) => this.showTemplate(ts)).catch(() => this.preview.setMode('web'));
  }

  async start(): Promise<void> {
    await this.session.connect();
  }

  closeSession(): void { this.session.close(); }

  private showTemplate(ts: Template[]): void {
    const t = ts.find((x) => x.name === this.repl.template);
    if (t?.title) this.templateChip.textContent = t.title;
    if (t?.mode === 'console') {
      this.consoleProgram = true;
      this.renderStatus();
    }
    this.preview.setMode(t?.mode === 'console' ? 'console' : 'web');
  }

  private async onHello(hello: HelloEvent): Promise<void> {
    const first = !this.booted;
    this.progress.connected();
    if (!this.progress.el.hidden) this.progress.hide();
    try {
      await this.panel.onHello(hello, first);
      if (first) {
        const saved = recall(slug);
        this.tree.restoreExpanded(saved?.expanded ?? []);
        const treeReady = this.tree.resync();
        const tabs = (saved?.tabs ?? []).filter((p) => typeof p === 'string');
        for (const p of tabs) void this.editor.open(p, false, true);
        const open = saved?.active && tabs.includes(saved.active) ? saved.active : hello.open;
        if (open) await this.editor.open(open, true, true);
        else if (tabs[0]) await this.editor.open(tabs[0]);
        this.booted = true;
        remember(slug, { tabs: this.editor.openPaths, active: this.editor.activePath });
        await treeReady;
      } else {
        await Promise.all([this.tree.resync(), this.editor.resync()]);
      }
    } catch (e) {
      if ((e as ProtocolError).code !== 'disconnected') toastError('Could not load the workspace', e);
    }
  }

  /**
   * Before reconnecting: a first quick retry goes straight ahead; after that, if the socket could not open,
   * ask the scheduler whether the repl still runs, and start it again if it does not.
   */
  private async beforeReconnect(failures: number, neverOpened: boolean): Promise<void> {
    if (this.stoppedWait) return this.stoppedWait;
    if (this.stopping) return this.stopping;
    if (!neverOpened && failures <= 1) return;
    if (this.restarting) return this.restarting;
    // A refused upgrade looks like any failed connect: first make sure the session cookie is still good.
    if (neverOpened) {
      try {
        await me();
      } catch (e) {
        if (isUnauthenticated(e)) { goSignIn(); return new Promise<void>(() => { /* leaving */ }); }
        // Anything else (Pier unreachable): the checks below and the next attempt tell.
      }
    }
    let r: Repl;
    try {
      r = await getRepl(slug);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
        this.session.close();
        if (e.status === 404) showNotFound(); else showForbidden();
      }
      throw e;
    }
    // Stopped on purpose (here, on the home page or through the API): started again only when the user says so.
    if (r.state === 'stopped' || r.state === 'stopping') return this.waitWhileStopped();
    if (r.state === 'running') {
      // The record can say running while the repl has no route (its node-agent restarted): a start fixes that, and
      // answers at once when the repl really runs.
      if (neverOpened && failures % 3 === 0) await startRepl(slug).catch(() => { /* the next attempt tells */ });
      return;
    }
    this.restarting = (async () => {
      this.progress.show('Starting your repl again');
      const repl = await this.progress.ensureRunning();
      this.repl = repl;
      this.preview.setVisibility(repl.visibility ?? 'public');
      this.preview.setUrl(repl.previewUrl);
      this.progress.connecting();
    })().finally(() => { this.restarting = null; });
    return this.restarting;
  }

  /** Stops the repl itself (not only its app): the IDE shows it stopped until the user starts it again. */
  private stopRepl(): Promise<void> {
    this.replStopButton.disabled = true;
    // Set before the call: the socket drops while the repl stops, and a reconnection that knocked then would be
    // refused (the repl is not running) instead of waiting for the user's Start.
    this.stopping = stopRepl(slug).then(
      (repl) => {
        this.repl = repl;
        this.stopping = null;
        return this.waitWhileStopped();
      },
      (e) => {
        this.stopping = null;
        toastError('Could not stop the repl', e);
        this.replStopButton.disabled = false;
      });
    return this.stopping;
  }

  /**
   * Shows the repl as stopped until Start is pressed, then starts it; the session's reconnection waits on this, so it
   * reconnects once the repl runs again.
   */
  private waitWhileStopped(): Promise<void> {
    this.stoppedWait ??= (async () => {
      await this.progress.stopped();
      this.progress.show('Starting your repl');
      const repl = await this.progress.ensureRunning();
      this.repl = repl;
      this.preview.setVisibility(repl.visibility ?? 'public');
      this.preview.setUrl(repl.previewUrl);
      this.progress.connecting();
      this.replStopButton.disabled = false;
    })().finally(() => { this.stoppedWait = null; });
    return this.stoppedWait;
  }

  /** Makes the preview public or private; the preview pane reloads once Pier has it. */
  private async changeVisibility(v: Visibility): Promise<void> {
    try {
      this.repl = await setVisibility(slug, v);
    } catch (e) {
      toastError('Could not change who can open the preview', e, 'preview-visibility');
      throw e;
    }
    toast('success', v === 'private' ? 'The preview is private' : 'The preview is public',
      v === 'private' ? 'Only you can open it, signed in to Pier.' : 'Anyone with the link can open it.',
      undefined, 'preview-visibility');
  }

  private newTerminal(): void {
    if (!this.access.canChange) { viewerRefused('You are a viewer: you can watch the terminals that are open, not open one.'); return; }
    void this.panel.openTerminal();
  }

  private async run(): Promise<void> {
    if (!this.access.canChange) { viewerRefused('You are a viewer: only the owner or an editor can run the app.'); return; }
    if (this.runBusy) return;
    if (!this.session.connected) { toastError('Cannot run', new ProtocolError('disconnected', 'Not connected to the repl. Reconnecting…')); return; }
    this.runBusy = true;
    this.renderRun();
    try {
      await this.editor.flush();
      this.panel.showRun();
      this.panel.runRequested();
      await this.session.request('run.start', {}, 60000);
    } catch (e) {
      toastError('Could not run the app', e);
    } finally {
      this.runBusy = false;
      this.renderRun();
    }
  }

  private async stop(): Promise<void> {
    if (!this.access.canChange) { viewerRefused('You are a viewer: only the owner or an editor can stop the app.'); return; }
    try {
      await this.session.request('run.stop', {}, 30000);
    } catch (e) {
      toastError('Could not stop the app', e);
    }
  }

  private setRunState(state: RunState | null): void {
    this.runState = state;
    this.preview.setRunState(state);
    this.renderRun();
    this.renderStatus();
  }

  private renderRun(): void {
    const running = this.runState === 'running';
    this.runButton.dataset.state = this.runState ?? 'none';
    this.runButton.disabled = this.runBusy || !this.access.canChange;
    this.runButton.title = this.access.canChange
      ? `${running ? 'Restart' : 'Run'} the app (${isMac ? '⌘' : 'Ctrl'}+Enter)`
      : 'You are a viewer: only the owner or an editor can run the app';
    const label = this.runButton.querySelector('.run-label')!;
    label.textContent = this.runBusy ? (running ? 'Restarting…' : 'Starting…') : running ? 'Restart' : 'Run';
    this.runButton.firstElementChild!.replaceWith(this.runBusy ? h('div', { class: 'spinner on-color' }) : icon(running ? 'restart' : 'play', 14));
    this.stopButton.disabled = !running || !this.access.canChange;
  }

  private renderConn(s: ConnState): void {
    const state = s === 'connected' ? 'connected' : s === 'offline' ? 'offline' : 'reconnecting';
    this.conn.dataset.state = state;
    (this.conn.querySelector('.conn-label') as HTMLElement).textContent = CONN_LABEL[s];
    this.conn.title = s === 'connected' ? 'Connected to the repl' : 'Click to retry now';
    this.renderStatus();
  }

  private renderStatus(): void {
    this.statusBar?.render({
      conn: this.session?.state ?? 'connecting', node: this.repl.node ?? null, run: this.runState, runCode: this.panel?.runCode ?? null,
      consoleProgram: this.consoleProgram, editor: this.editorStatus, readOnly: !this.access.canChange,
    });
  }
}

boot().catch((e) => {
  console.error(e);
  toastError('The IDE could not start', e);
});
