// The editor: CodeMirror 6 with one EditorState per open file (tabs), incremental saves (fs.edit with the changes
// since the saved version), autosave, and conflict handling when the file changes on disk. A co-edited file is wired
// to the node by coedit.ts.
import { basicSetup } from 'codemirror';
import { Annotation, ChangeSet, Compartment, EditorState, Extension, Prec, Transaction, TransactionSpec } from '@codemirror/state';
import { EditorView, keymap, ViewUpdate } from '@codemirror/view';
import { indentWithTab } from '@codemirror/commands';
import { indentUnit } from '@codemirror/language';
import { h, clear, isMac } from '../lib/dom';
import { icon } from '../lib/icons';
import { fileBadge, extensionOf } from '../lib/fileicons';
import { toast, toastError } from '../lib/toast';
import { confirmDialog } from '../lib/modal';
import { pierEditorTheme } from './theme';
import { readOnlyEditing } from './readonly';
import { languageName, loadLanguage } from './languages';
import { basename, dirname, isWithin, rebase } from './paths';
import { FsEvent, ProtocolError, Session } from './session';
import { Presence } from './presenceview';
import { CoEditing } from './coedit';
import { FileTab, SaveState } from './filetab';

export type { SaveState } from './filetab';

const AUTOSAVE_MS = 1000;

/** Marks transactions that load the disk's text: they move the base, they are not edits to save. */
const fromDisk = Annotation.define<boolean>();
const language = new Compartment();
/** Whether the text may be changed: a viewer's editor is read-only (setReadOnly). */
const writable = new Compartment();

export interface EditorStatus {
  path: string | null;
  line: number;
  col: number;
  language: string;
  save: SaveState;
}

/** One change in the coordinates of the base text, as fs.edit wants it. */
export interface WireChange { from: number; to: number; insert: string }

/** Serialises a ChangeSet (base → current) to fs.edit's `changes`: sorted, not overlapping, in base coordinates. */
export function toWireChanges(changes: ChangeSet): WireChange[] {
  const out: WireChange[] = [];
  changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
    out.push({ from: fromA, to: toA, insert: inserted.toString() });
  });
  return out;
}

export interface EditorOptions {
  session: Session;
  onStatus: (s: EditorStatus) => void;
  onTabsChanged: (paths: string[], active: string | null) => void;
  onActivate?: (path: string | null) => void;
  /** The view of a file that is an image (`isImage`) or not text. */
  binaryView?: { isImage: (path: string) => boolean; view: (path: string) => HTMLElement };
  /** Called when a read-only editor refuses an edit (a key typed, a paste): the user is told why. */
  onReadOnlyEdit?: () => void;
  /** Who else is here: their cursors are shown in co-edited files, and this tab's are sent. */
  presence?: Presence;
}

export class Editor {
  readonly el: HTMLElement;
  private tabsBar: HTMLElement;
  private bannerHost: HTMLElement;
  private viewHost: HTMLElement;
  private viewerHost = h('div', { class: 'viewer-host' });
  private empty: HTMLElement;
  private view: EditorView;
  private tabs: FileTab[] = [];
  private active: FileTab | null = null;
  private opening = new Map<string, Promise<void>>();
  private readOnly = false;
  private readonly coedit: CoEditing;

  constructor(private readonly opts: EditorOptions) {
    this.tabsBar = h('div', { class: 'tabs editor-tabs', role: 'tablist', testid: 'editor-tabs' });
    this.bannerHost = h('div', { class: 'banner-host' });
    this.viewHost = h('div', { class: 'editor-view', testid: 'editor' });
    const mod = isMac ? '⌘' : 'Ctrl';
    this.empty = h('div', { class: 'editor-empty' },
      h('div', { class: 'editor-empty-mark' }, icon('code', 28)),
      h('div', { class: 'editor-empty-title' }, 'No file is open'),
      h('div', { class: 'editor-empty-text' }, 'Pick a file in the tree on the left.'),
      h('dl', { class: 'shortcuts' },
        h('dt', null, h('kbd', null, mod), h('kbd', null, 'S')), h('dd', null, 'Save now (files also save by themselves)'),
        h('dt', null, h('kbd', null, mod), h('kbd', null, 'F')), h('dd', null, 'Find in file'),
        h('dt', null, h('kbd', null, mod), h('kbd', null, 'Enter')), h('dd', null, 'Run')));
    this.el = h('div', { class: 'editor' }, this.tabsBar, this.bannerHost, h('div', { class: 'editor-body' }, this.viewHost, this.viewerHost, this.empty));
    this.view = new EditorView({ parent: this.viewHost, state: EditorState.create({ doc: '' }) });
    this.viewHost.hidden = true;
    // A hook for browser tests: the whole text, not only the lines CodeMirror has rendered.
    Object.defineProperty(this.viewHost, 'editorText', { get: () => this.view.state.doc.toString() });

    opts.session.on('fs', (e) => this.onFsEvent(e));
    this.coedit = new CoEditing({
      session: opts.session,
      presence: opts.presence,
      view: () => this.view,
      tabs: () => this.tabs,
      active: () => this.active,
      find: (path) => this.find(path),
      createState: (tab, text, shared) => this.createState(tab, text, shared),
      dispatch: (tab, spec) => this.dispatch(tab, spec),
      showActive: () => this.showActive(),
      renderTabState: (tab) => this.renderTabState(tab),
      renderBanner: () => this.renderBanner(),
      loadLanguage: (tab) => this.loadLanguage(tab),
    });
    // The browser's own "save page" must never win over ours.
    window.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
        if (e.defaultPrevented) return; // the editor's own keymap saved already
        e.preventDefault();
        if (this.active) void this.save(this.active, true);
      }
    });
    window.addEventListener('beforeunload', (e) => {
      if (this.tabs.some((t) => t.dirty)) {
        for (const t of this.tabs) if (t.dirty && !t.saving && !t.banner) void this.save(t);
        e.preventDefault();
      }
    });
  }

  get openPaths(): string[] { return this.tabs.map((t) => t.path); }
  get activePath(): string | null { return this.active?.path ?? null; }
  hasDirty(): boolean { return this.tabs.some((t) => t.dirty); }

  focus(): void { if (this.active) this.view.focus(); }

  /** Makes every tab, open now or later, read-only (a viewer's) or editable again. */
  setReadOnly(readOnly: boolean): void {
    if (readOnly === this.readOnly) return;
    this.readOnly = readOnly;
    this.viewHost.dataset.readonly = String(readOnly);
    for (const tab of this.tabs) if (tab.loaded && !tab.viewer) this.dispatch(tab, { effects: writable.reconfigure(this.writableExtension()) });
    this.renderBanner();
  }

  private writableExtension() {
    return this.readOnly ? readOnlyEditing(() => this.opts.onReadOnlyEdit?.()) : [];
  }

  /** Opens a file in a tab (reading it if it is not open yet) and, by default, shows it. */
  open(path: string, activate = true, quiet = false): Promise<void> {
    const existing = this.find(path);
    if (existing) {
      if (activate) this.activate(existing);
      return this.opening.get(path) ?? Promise.resolve();
    }
    const tab = new FileTab(path);
    tab.state = EditorState.create({ doc: '', extensions: [EditorState.readOnly.of(true), EditorView.editable.of(false), pierEditorTheme] });
    this.tabs.push(tab);
    tab.el = this.renderTab(tab);
    this.tabsBar.appendChild(tab.el);
    if (activate) this.activate(tab);
    this.changed();
    const p = this.load(tab, quiet).finally(() => this.opening.delete(path));
    this.opening.set(path, p);
    return p;
  }

  /** Opens a file and selects `length` characters at `line` (1-based) and `column` (0-based): a search hit. */
  async openAt(path: string, line: number, column: number, length: number): Promise<void> {
    await this.open(path);
    const tab = this.find(path);
    if (!tab?.loaded || this.active !== tab) return;
    const doc = tab.state.doc;
    const at = doc.line(Math.min(Math.max(1, line), doc.lines));
    const from = Math.min(at.from + column, at.to);
    this.dispatch(tab, { selection: { anchor: from, head: Math.min(from + length, at.to) }, effects: EditorView.scrollIntoView(from, { y: 'center' }) });
    this.view.focus();
  }

  private async load(tab: FileTab, quiet = false): Promise<void> {
    if (this.opts.binaryView?.isImage(tab.path)) { this.showViewer(tab); return; }
    try {
      if (await this.coedit.open(tab)) return;
      const reply = await this.opts.session.request<{ content: string; version: string }>('fs.read', { path: tab.path });
      if (!this.tabs.includes(tab)) return;
      tab.state = this.createState(tab, reply.content);
      tab.version = reply.version;
      tab.baseDoc = tab.state.doc;
      tab.pending = ChangeSet.empty(tab.state.doc.length);
      tab.loaded = true;
      if (this.active === tab) this.showActive();
      this.renderTabState(tab);
      this.loadLanguage(tab);
    } catch (e) {
      const err = e as ProtocolError;
      const name = basename(tab.path);
      if (quiet) { /* a remembered tab whose file is gone */ }
      else if (err.code === 'binary' && this.opts.binaryView) { this.showViewer(tab); return; }
      else if (err.code === 'binary') toast('info', `${name} is a binary file`, 'Binary files cannot be edited here.');
      else if (err.code === 'too_large') toast('error', `${name} is too large to edit`, err.message);
      else if (err.code === 'is_a_dir') { /* a folder: nothing to open */ }
      else toastError(`Could not open ${name}`, err);
      this.drop(tab);
    }
  }

  /** Gives a tab its language's highlighting, once the language is loaded (and if the tab is still open). */
  private loadLanguage(tab: FileTab): void {
    void loadLanguage(tab.path).then((ext) => {
      if (ext && this.tabs.includes(tab)) this.dispatch(tab, { effects: language.reconfigure(ext) });
    });
  }

  private showViewer(tab: FileTab): void {
    tab.viewer = this.opts.binaryView!.view(tab.path);
    tab.loaded = true;
    if (this.active === tab) this.showActive();
    this.renderTabState(tab);
  }

  private createState(tab: FileTab, content: string, shared: Extension[] = []): EditorState {
    const unit = ['py', 'go', 'java', 'c', 'cpp', 'h', 'hpp', 'cc'].includes(extensionOf(tab.path)) ? '    ' : '  ';
    return EditorState.create({
      doc: content,
      extensions: [
        basicSetup,
        keymap.of([indentWithTab]),
        Prec.highest(keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => { void this.save(tab, true); return true; } }])),
        indentUnit.of(unit),
        EditorState.tabSize.of(unit.length),
        pierEditorTheme,
        language.of([]),
        writable.of(this.writableExtension()),
        EditorView.updateListener.of((u) => this.onViewUpdate(tab, u)),
        EditorView.contentAttributes.of({ 'aria-label': `Editor: ${tab.path}` }),
        this.coedit.extensions(),
        shared,
      ],
    });
  }

  private onViewUpdate(tab: FileTab, u: ViewUpdate): void {
    tab.state = u.state;
    for (const tr of u.transactions) this.track(tab, tr);
    if (u.selectionSet || u.docChanged) this.status();
    if (tab.sync && (u.selectionSet || u.docChanged)) this.coedit.sendPresence();
  }

  /** Records an edit: composes it into the pending changes and schedules the autosave. */
  private track(tab: FileTab, tr: Transaction): void {
    if (!tr.docChanged || tr.annotation(fromDisk)) return;
    // A co-edited file is pushed to the node (docsync.ts) and written there: no save of its own.
    if (tab.sync) { this.renderTabState(tab); return; }
    tab.pending = tab.pending.compose(tr.changes);
    tab.failed = false;
    this.renderTabState(tab);
    if (tab.autosaveTimer !== undefined) clearTimeout(tab.autosaveTimer);
    tab.autosaveTimer = window.setTimeout(() => { tab.autosaveTimer = undefined; void this.save(tab); }, AUTOSAVE_MS);
  }

  /** Applies a transaction to a tab, through the view when it is shown. */
  private dispatch(tab: FileTab, spec: TransactionSpec): void {
    if (this.active === tab) {
      this.view.dispatch(spec);
      tab.state = this.view.state;
    } else {
      const tr = tab.state.update(spec);
      tab.state = tr.state;
      this.track(tab, tr);
    }
  }

  /**
   * Saves a tab: fs.edit with the changes since the base version. One save per file is in flight at a time; edits made
   * meanwhile are saved next. `explicit` is a user's Ctrl+S.
   */
  async save(tab: FileTab, explicit = false, mode: 'edit' | 'overwrite' = 'edit'): Promise<boolean> {
    if (tab.autosaveTimer !== undefined) { clearTimeout(tab.autosaveTimer); tab.autosaveTimer = undefined; }
    if (!tab.loaded) return false;
    if (tab.sync && mode === 'edit') return this.coedit.save(tab, explicit);
    if (tab.saving) { tab.saveAgain = true; return false; }
    if (mode === 'edit' && tab.banner) {
      if (explicit) this.flashBanner();
      return false;
    }
    if (mode === 'edit' && !tab.dirty) return true;
    const session = this.opts.session;
    if (!session.connected) {
      if (explicit) toast('info', 'Not connected', 'Your changes are kept here and saved when the connection is back.');
      return false;
    }
    const snapshot = tab.state.doc;
    const changes = tab.pending;
    tab.inflight = changes;
    tab.pending = ChangeSet.empty(snapshot.length);
    tab.saving = true;
    this.renderTabState(tab);
    try {
      const reply = mode === 'overwrite'
        ? await session.request<{ version: string }>('fs.write', { path: tab.path, content: snapshot.toString() })
        : await session.request<{ version: string }>('fs.edit', { path: tab.path, baseVersion: tab.version, changes: toWireChanges(changes) });
      tab.version = reply.version;
      tab.baseDoc = snapshot;
      tab.inflight = null;
      tab.failed = false;
      if (mode === 'overwrite') tab.banner = null;
      return true;
    } catch (e) {
      const err = e as ProtocolError;
      // Put the unsaved changes back in front of the ones made meanwhile.
      tab.pending = changes.compose(tab.pending);
      tab.inflight = null;
      if (err.code === 'conflict') {
        tab.banner = { kind: 'conflict', diskVersion: err.reply?.version };
      } else if (err.code === 'not_found') {
        tab.banner = { kind: 'deleted' };
      } else if (err.code === 'disconnected' || err.code === 'timeout') {
        tab.failed = true; // saved again after the reconnect
      } else {
        tab.failed = true;
        toastError(`Could not save ${basename(tab.path)}`, err);
      }
      return false;
    } finally {
      tab.saving = false;
      this.renderTabState(tab);
      if (this.active === tab) this.renderBanner();
      if (tab.recheck) { tab.recheck = false; void this.checkDisk(tab); }
      if (tab.saveAgain) { tab.saveAgain = false; if (!tab.banner && tab.dirty) void this.save(tab); }
    }
  }

  /** Saves every dirty tab and waits for the saves (before Run), at most `ms`. */
  async flush(ms = 8000): Promise<void> {
    await this.coedit.saveAll();
    const until = Date.now() + ms;
    for (;;) {
      const todo = this.tabs.filter((t) => !t.sync && (t.saving || (t.dirty && !t.banner && !t.failed)));
      if (!todo.length || Date.now() > until || !this.opts.session.connected) return;
      await Promise.all(todo.map((t) => (t.saving ? new Promise((r) => setTimeout(r, 40)) : this.save(t))));
    }
  }

  /** Saves every dirty tab (after a reconnect, before leaving). */
  saveAll(): void {
    for (const t of this.tabs) if (t.dirty && !t.banner) void this.save(t);
  }

  /** Replaces a tab's text with the disk's, with the smallest single change, and makes it the new base. */
  private applyDisk(tab: FileTab, content: string, version: string): void {
    const cur = tab.state.doc.toString();
    if (cur !== content) {
      let start = 0;
      const max = Math.min(cur.length, content.length);
      while (start < max && cur.charCodeAt(start) === content.charCodeAt(start)) start++;
      let endA = cur.length;
      let endB = content.length;
      while (endA > start && endB > start && cur.charCodeAt(endA - 1) === content.charCodeAt(endB - 1)) { endA--; endB--; }
      this.dispatch(tab, {
        changes: { from: start, to: endA, insert: content.slice(start, endB) },
        annotations: [fromDisk.of(true), Transaction.addToHistory.of(false)],
      });
    }
    if (tab.autosaveTimer !== undefined) { clearTimeout(tab.autosaveTimer); tab.autosaveTimer = undefined; }
    tab.version = version;
    tab.baseDoc = tab.state.doc;
    tab.pending = ChangeSet.empty(tab.state.doc.length);
    tab.inflight = null;
    tab.banner = null;
    tab.failed = false;
    this.renderTabState(tab);
    if (this.active === tab) { this.renderBanner(); this.status(); }
  }

  /** Reads the file again: reloads a clean tab, flags a dirty one whose file changed. */
  private async checkDisk(tab: FileTab, forceReload = false): Promise<void> {
    if (!tab.loaded || tab.viewer) return;
    try {
      const reply = await this.opts.session.request<{ content: string; version: string }>('fs.read', { path: tab.path });
      if (!this.tabs.includes(tab)) return;
      if (tab.saving) { tab.recheck = true; return; }
      if (forceReload || (reply.version !== tab.version && !tab.dirty)) {
        this.applyDisk(tab, reply.content, reply.version);
      } else if (reply.version !== tab.version) {
        tab.banner = { kind: 'conflict', diskVersion: reply.version };
      } else if (tab.banner?.kind === 'deleted') {
        tab.banner = null;
      }
    } catch (e) {
      const err = e as ProtocolError;
      if (err.code === 'not_found') tab.banner = { kind: 'deleted' };
      else if (err.code !== 'disconnected') toastError(`Could not read ${basename(tab.path)}`, err);
    }
    this.renderTabState(tab);
    if (this.active === tab) this.renderBanner();
  }

  private onFsEvent(e: FsEvent): void {
    const me = this.opts.session.sessionId;
    if (e.origin && me && e.origin === me) return;
    for (const change of e.changes ?? []) {
      for (const tab of this.tabs) {
        // A co-edited file hears of changes as updates (doc.update) and of its end as doc.gone.
        if (!tab.loaded || tab.sync) continue;
        if (change.kind === 'deleted') {
          if (isWithin(tab.path, change.path)) {
            if (tab.saving) { tab.recheck = true; continue; }
            tab.banner = { kind: 'deleted' };
            this.renderTabState(tab);
            if (this.active === tab) this.renderBanner();
          }
        } else if (tab.path === change.path && change.type !== 'dir') {
          if (change.version && change.version === tab.version && tab.banner?.kind !== 'deleted') continue;
          if (tab.saving) { tab.recheck = true; continue; }
          void this.checkDisk(tab);
        }
      }
    }
  }

  /** After a reconnect: re-read every open file; save what could not be saved. */
  async resync(): Promise<void> {
    await Promise.all(this.tabs.map(async (tab) => {
      if (!tab.loaded) { await this.load(tab); return; }
      if (tab.sync) { await tab.sync.catchUp().catch(() => {}); return; }
      await this.checkDisk(tab);
      if (tab.dirty && !tab.banner && !tab.saving) await this.save(tab);
    }));
  }

  /** Follows a rename made in the tree (a file or a folder). */
  renamed(from: string, to: string): void {
    for (const tab of this.tabs) {
      if (isWithin(tab.path, from)) {
        tab.path = rebase(tab.path, from, to);
        // Its document ended with the move: open the file at its new name as co-edited again.
        if (tab.sync) { tab.sync.close(); tab.sync = null; tab.loaded = false; void this.load(tab, true); }
        const fresh = this.renderTab(tab);
        tab.el.replaceWith(fresh);
        tab.el = fresh;
        void loadLanguage(tab.path).then((ext) => { if (this.tabs.includes(tab)) this.dispatch(tab, { effects: language.reconfigure(ext ?? []) }); });
      }
    }
    this.changed();
    this.status();
  }

  /** Closes the tabs of a path deleted from the tree. */
  deleted(path: string): void {
    for (const tab of [...this.tabs]) if (isWithin(tab.path, path)) this.drop(tab);
  }

  async close(path: string): Promise<void> {
    const tab = this.find(path);
    if (!tab) return;
    if (tab.dirty && tab.banner?.kind !== 'deleted') {
      const saved = tab.banner ? false : await this.save(tab, true);
      if (!saved && tab.dirty) {
        const ok = await confirmDialog({
          title: `Discard changes to ${basename(path)}?`,
          message: 'Your changes to this file could not be saved. Closing the tab loses them.',
          confirmLabel: 'Discard and close',
          danger: true,
        });
        if (!ok) return;
      }
    }
    this.drop(tab);
  }

  private drop(tab: FileTab): void {
    const i = this.tabs.indexOf(tab);
    if (i < 0) return;
    if (tab.autosaveTimer !== undefined) clearTimeout(tab.autosaveTimer);
    tab.sync?.close();
    tab.sync = null;
    this.tabs.splice(i, 1);
    tab.el.remove();
    if (this.active === tab) {
      this.active = null;
      const next = this.tabs[i] ?? this.tabs[i - 1] ?? null;
      if (next) this.activate(next);
      else this.showActive();
    }
    this.changed();
  }

  private find(path: string): FileTab | undefined { return this.tabs.find((t) => t.path === path); }

  private activate(tab: FileTab): void {
    if (this.active === tab) { this.view.focus(); return; }
    if (this.active) {
      this.active.state = this.view.state;
      this.active.scrollTop = this.view.scrollDOM.scrollTop;
      this.active.el.classList.remove('active');
      this.active.el.setAttribute('aria-selected', 'false');
    }
    this.active = tab;
    tab.el.classList.add('active');
    tab.el.setAttribute('aria-selected', 'true');
    tab.el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    this.showActive();
    this.changed();
  }

  private showActive(): void {
    const tab = this.active;
    this.viewHost.hidden = !tab || !!tab.viewer;
    this.viewerHost.replaceChildren(...(tab?.viewer ? [tab.viewer] : []));
    this.empty.hidden = !!tab;
    if (tab) {
      this.view.setState(tab.state);
      const top = tab.scrollTop;
      requestAnimationFrame(() => { this.view.scrollDOM.scrollTop = top; });
      if (tab.loaded) this.view.focus();
    }
    this.viewHost.dataset.path = tab?.path ?? '';
    this.viewHost.dataset.loaded = String(!!tab?.loaded);
    this.renderBanner();
    this.status();
    this.coedit.sendPresence();
    this.opts.onActivate?.(tab?.path ?? null);
  }

  private changed(): void {
    this.opts.onTabsChanged(this.openPaths, this.activePath);
  }

  private status(): void {
    const tab = this.active;
    if (!tab) { this.opts.onStatus({ path: null, line: 0, col: 0, language: '', save: 'saved' }); return; }
    const state = this.view.state;
    const head = state.selection.main.head;
    const line = state.doc.lineAt(head);
    this.opts.onStatus({ path: tab.path, line: line.number, col: head - line.from + 1, language: languageName(tab.path), save: tab.saveState });
  }

  private renderTab(tab: FileTab): HTMLElement {
    const dir = dirname(tab.path);
    const el = h('div', {
      class: 'tab', role: 'tab', 'aria-selected': 'false', tabindex: '0', title: tab.path,
      testid: `tab-${tab.path}`, dataset: { path: tab.path, dirty: 'false', loading: 'true' },
      onclick: () => this.activate(tab),
      onauxclick: (e: MouseEvent) => { if (e.button === 1) { e.preventDefault(); void this.close(tab.path); } },
      onkeydown: (e: KeyboardEvent) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.activate(tab); } },
    },
      fileBadge(tab.path),
      h('span', { class: 'tab-name' }, basename(tab.path)),
      dir ? h('span', { class: 'tab-dir' }, dir) : null,
      h('button', {
        class: 'tab-close', title: 'Close', 'aria-label': `Close ${tab.path}`, tabindex: '-1',
        onclick: (e: MouseEvent) => { e.stopPropagation(); void this.close(tab.path); },
      }, h('span', { class: 'dirty-dot', testid: 'dirty-marker' }, '●'), icon('x', 13)));
    if (this.active === tab) el.classList.add('active');
    return el;
  }

  private renderTabState(tab: FileTab): void {
    const el = tab.el;
    if (!el) return;
    const state = tab.saveState;
    el.dataset.dirty = String(tab.dirty);
    el.dataset.loading = String(!tab.loaded);
    el.dataset.save = state;
    el.classList.toggle('dirty', tab.dirty);
    el.classList.toggle('conflict', state === 'conflict' || state === 'deleted');
    if (this.active === tab) this.status();
  }

  private renderBanner(): void {
    clear(this.bannerHost);
    const tab = this.active;
    if (!tab?.banner) return;
    if (tab.banner.kind === 'conflict') {
      this.bannerHost.append(h('div', { class: 'banner banner-warn', role: 'alert', testid: 'conflict-banner' },
        icon('alert', 16),
        h('div', { class: 'banner-text' },
          h('strong', null, 'This file changed on disk.'),
          ' Another tab or a process wrote it. Reload it to discard your changes, or overwrite it with yours.'),
        h('button', { class: 'btn btn-sm', testid: 'conflict-reload', onclick: () => this.reloadDiscarding(tab) }, icon('refresh', 13), 'Reload'),
        h('button', { class: 'btn btn-sm btn-primary', testid: 'conflict-overwrite', onclick: () => void this.overwrite(tab) }, 'Overwrite')));
    } else {
      this.bannerHost.append(h('div', { class: 'banner banner-danger', role: 'alert', testid: 'deleted-banner' },
        icon('trash', 16),
        h('div', { class: 'banner-text' }, h('strong', null, 'This file was deleted on disk.'), this.readOnly ? ' Close the tab.' : ' Keep it to write it back, or close the tab.'),
        h('button', { class: 'btn btn-sm', onclick: () => this.drop(tab) }, 'Close'),
        // Writing it back is a change: not a viewer's to make.
        this.readOnly ? null : h('button', { class: 'btn btn-sm btn-primary', testid: 'deleted-keep', onclick: () => void this.overwrite(tab) }, 'Keep file')));
    }
  }

  private reloadDiscarding(tab: FileTab): void {
    void this.checkDisk(tab, true).then(() => { if (this.active === tab) this.view.focus(); });
  }

  private async overwrite(tab: FileTab): Promise<void> {
    await this.save(tab, true, 'overwrite');
    if (this.active === tab) this.view.focus();
  }

  private flashBanner(): void {
    const b = this.bannerHost.firstElementChild as HTMLElement | null;
    if (!b) return;
    b.classList.remove('flash');
    void b.offsetWidth;
    b.classList.add('flash');
  }
}
