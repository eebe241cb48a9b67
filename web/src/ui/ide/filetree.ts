// The file tree: folders are listed lazily (fs.list when expanded) and kept live from `fs` events.
import { h, isMac } from '../lib/dom';
import { icon } from '../lib/icons';
import { fileBadge } from '../lib/fileicons';
import { toastError } from '../lib/toast';
import { confirmDialog } from '../lib/modal';
import { showMenu, MenuItem } from './contextmenu';
import { basename, checkName, dirname, isWithin, join, rebase } from './paths';
import { FsEntry, FsEvent, ProtocolError, Session } from './session';

interface DirState {
  loaded: boolean;
  loading: boolean;
  entries: FsEntry[];
  error?: string;
}

type Editing =
  | { kind: 'file' | 'dir'; dir: string }
  | { kind: 'rename'; path: string };

interface Row { path: string; name: string; type: FsEntry['type']; depth: number }

export interface FileTreeOptions {
  session: Session;
  onOpen: (path: string) => void;
  onRenamed: (from: string, to: string) => void;
  onDeleted: (path: string) => void;
  onExpandedChanged: (expanded: string[]) => void;
  /** More buttons for the head (upload), and more menu items for a row or the blank space (download). */
  actions?: HTMLElement[];
  menuItems?: (row: { path: string; type: FsEntry['type'] } | null) => MenuItem[];
  /** A viewer's tree: files are listed and opened, never created, renamed, moved or deleted (Pier refuses it). */
  readOnly?: boolean;
}

const compareEntries = (a: FsEntry, b: FsEntry) => {
  const da = a.type === 'dir' ? 0 : 1;
  const db = b.type === 'dir' ? 0 : 1;
  if (da !== db) return da - db;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
};

export class FileTree {
  readonly el: HTMLElement;
  private list: HTMLElement;
  private dirs = new Map<string, DirState>();
  private expanded = new Set<string>(['']);
  private selected: string | null = null;
  private activeFile: string | null = null;
  private editing: Editing | null = null;
  private editInput: HTMLInputElement | null = null;
  private editError: HTMLElement | null = null;
  private renderQueued = false;

  constructor(private readonly opts: FileTreeOptions) {
    this.list = h('div', {
      class: 'tree-list', role: 'tree', tabindex: '0', testid: 'file-tree', 'aria-label': 'Files',
      onkeydown: (e: KeyboardEvent) => this.onKey(e),
      oncontextmenu: (e: MouseEvent) => {
        if ((e.target as HTMLElement).closest('.tree-row, input')) return;
        e.preventDefault();
        this.menuFor(null, e.clientX, e.clientY);
      },
    });
    this.el = h('div', { class: 'sidebar' },
      h('div', { class: 'pane-head' },
        h('span', { class: 'pane-title' }, 'Files'),
        h('div', { class: 'pane-actions' }, ...(opts.actions ?? []),
          opts.readOnly ? null : h('button', { class: 'icon-button sm', title: 'New file', 'aria-label': 'New file', testid: 'tree-new-file', onclick: () => this.startCreate('file', this.targetDir()) }, icon('filePlus', 15)),
          opts.readOnly ? null : h('button', { class: 'icon-button sm', title: 'New folder', 'aria-label': 'New folder', testid: 'tree-new-folder', onclick: () => this.startCreate('dir', this.targetDir()) }, icon('folderPlus', 15)),
          h('button', { class: 'icon-button sm', title: 'Refresh', 'aria-label': 'Refresh', onclick: () => void this.resync() }, icon('refresh', 14)),
          h('button', { class: 'icon-button sm', title: 'Collapse folders', 'aria-label': 'Collapse folders', onclick: () => this.collapseAll() }, icon('collapse', 14)))),
      this.list);
    opts.session.on('fs', (e) => this.onFsEvent(e));
  }

  /** Expands these folders (remembered from an earlier visit) once they can be listed. */
  restoreExpanded(paths: string[]): void {
    for (const p of paths) this.expanded.add(p);
  }

  /** Lists the root and every expanded folder again (first load and after a reconnect). */
  async resync(): Promise<void> {
    for (const [path, dir] of this.dirs) {
      if (!this.isVisibleDir(path)) { this.dirs.delete(path); continue; }
      dir.loaded = false;
    }
    await this.loadDir('');
    const toLoad = [...this.expanded].filter((p) => p !== '').sort((a, b) => a.split('/').length - b.split('/').length);
    for (const p of toLoad) {
      if (this.isVisibleDir(p) && this.entryOf(p)?.type === 'dir') await this.loadDir(p);
      else if (!this.entryOf(p)) this.expanded.delete(p);
    }
    this.render();
  }

  /** Marks the file shown in the editor and reveals it. */
  setActive(path: string | null): void {
    this.activeFile = path;
    if (path) this.selected = path;
    this.render();
  }

  private isVisibleDir(path: string): boolean {
    if (path === '') return true;
    let p = path;
    while (p !== '') {
      p = dirname(p);
      if (!this.expanded.has(p)) return false;
    }
    return this.expanded.has(path);
  }

  private entryOf(path: string): FsEntry | undefined {
    return this.dirs.get(dirname(path))?.entries.find((e) => e.path === path);
  }

  private async loadDir(path: string): Promise<void> {
    let dir = this.dirs.get(path);
    if (!dir) this.dirs.set(path, (dir = { loaded: false, loading: false, entries: [] }));
    dir.loading = true;
    dir.error = undefined;
    this.queueRender();
    try {
      const reply = await this.opts.session.request<{ entries: FsEntry[] }>('fs.list', { path });
      dir.entries = (reply.entries ?? []).map((e) => ({ ...e, path: e.path ?? join(path, e.name) }));
      dir.loaded = true;
    } catch (e) {
      const err = e as ProtocolError;
      if (err.code === 'not_found' || err.code === 'not_a_dir') {
        this.dirs.delete(path);
        this.expanded.delete(path);
      } else {
        dir.error = err.message;
      }
    } finally {
      dir.loading = false;
      this.queueRender();
    }
  }

  private async toggle(path: string, open?: boolean): Promise<void> {
    const willOpen = open ?? !this.expanded.has(path);
    if (willOpen) {
      this.expanded.add(path);
      if (!this.dirs.get(path)?.loaded) await this.loadDir(path);
    } else {
      this.expanded.delete(path);
    }
    this.opts.onExpandedChanged([...this.expanded].filter((p) => p));
    this.render();
  }

  private collapseAll(): void {
    this.expanded = new Set(['']);
    this.opts.onExpandedChanged([]);
    this.render();
  }

  /** The folder a new entry or an upload goes into: the selected folder, or the selected file's. */
  targetDir(): string {
    const sel = this.selected;
    if (!sel) return '';
    const entry = this.entryOf(sel);
    return entry?.type === 'dir' ? sel : dirname(sel);
  }

  // ---- live updates ------------------------------------------------------------------------------------------

  private onFsEvent(e: FsEvent): void {
    for (const c of e.changes ?? []) {
      if (c.kind === 'deleted') this.removeLocal(c.path);
      // A write may create a file and still be announced as "modified": add what the folder does not list yet.
      else this.addLocal(c.path, c.type === 'dir' ? 'dir' : c.type === 'link' ? 'link' : 'file');
    }
    this.queueRender();
  }

  /** Adds an entry to a loaded folder, and any of its missing ancestors (`mkdir -p a/b; touch a/b/c`). */
  private addLocal(path: string, type: FsEntry['type']): void {
    const segs = path.split('/');
    for (let i = 1; i <= segs.length; i++) {
      const p = segs.slice(0, i).join('/');
      const parent = this.dirs.get(dirname(p));
      if (!parent?.loaded) return;
      const t = i === segs.length ? type : 'dir';
      const existing = parent.entries.find((x) => x.path === p);
      if (existing) { if (i === segs.length) existing.type = t; continue; }
      parent.entries.push({ name: segs[i - 1], path: p, type: t });
      parent.entries.sort(compareEntries);
    }
  }

  private removeLocal(path: string): void {
    const parent = this.dirs.get(dirname(path));
    if (parent) parent.entries = parent.entries.filter((x) => x.path !== path);
    for (const key of [...this.dirs.keys()]) if (key !== '' && isWithin(key, path)) this.dirs.delete(key);
    for (const key of [...this.expanded]) if (key !== '' && isWithin(key, path)) this.expanded.delete(key);
    if (this.selected && isWithin(this.selected, path)) this.selected = null;
  }

  // ---- operations ------------------------------------------------------------------------------------------

  private startCreate(kind: 'file' | 'dir', dir: string): void {
    if (this.opts.readOnly) return;
    this.editing = { kind, dir };
    this.editInput = null;
    if (dir !== '' && !this.expanded.has(dir)) void this.toggle(dir, true);
    else this.render();
  }

  private startRename(path: string): void {
    if (this.opts.readOnly) return;
    this.editing = { kind: 'rename', path };
    this.editInput = null;
    this.render();
  }

  private cancelEdit(): void {
    this.editing = null;
    this.editInput = null;
    this.render();
    this.list.focus();
  }

  private async commitEdit(): Promise<void> {
    const editing = this.editing;
    const input = this.editInput;
    if (!editing || !input) return;
    const name = input.value.trim();
    if (editing.kind === 'rename' && (name === basename(editing.path) || !name)) { this.cancelEdit(); return; }
    if (!name && editing.kind !== 'rename') { this.cancelEdit(); return; }
    const problem = checkName(name);
    if (problem) { this.showEditError(problem); return; }
    input.disabled = true;
    const session = this.opts.session;
    try {
      if (editing.kind === 'rename') {
        const to = join(dirname(editing.path), name);
        await session.request('fs.rename', { from: editing.path, to });
        const entry = this.entryOf(editing.path);
        const type = entry?.type ?? 'file';
        this.moveLocal(editing.path, to, type);
        this.editing = null;
        this.selected = to;
        this.opts.onRenamed(editing.path, to);
      } else {
        const path = join(editing.dir, name);
        await session.request('fs.create', { path, type: editing.kind });
        this.addLocal(path, editing.kind);
        this.editing = null;
        this.selected = path;
        if (editing.kind === 'file') this.opts.onOpen(path);
        else { this.expanded.add(path); this.dirs.set(path, { loaded: true, loading: false, entries: [] }); }
      }
      this.editInput = null;
      this.render();
    } catch (e) {
      input.disabled = false;
      const err = e as ProtocolError;
      if (err.code === 'exists') this.showEditError(`${name} already exists here.`);
      else if (err.code === 'bad_path') this.showEditError('That name is not allowed.');
      else { this.showEditError(err.message); }
      input.focus();
    }
  }

  /** Follows a move made elsewhere (a drag and drop): the tree and the editor's tabs. */
  applyMove(from: string, to: string): void {
    this.moveLocal(from, to, this.entryOf(from)?.type ?? 'file');
    this.selected = to;
    this.opts.onRenamed(from, to);
    this.render();
  }

  private moveLocal(from: string, to: string, type: FsEntry['type']): void {
    const moved = new Map<string, DirState>();
    for (const [key, value] of this.dirs) if (key !== '' && isWithin(key, from)) moved.set(rebase(key, from, to), value);
    const wasExpanded = [...this.expanded].filter((k) => k !== '' && isWithin(k, from));
    this.removeLocal(from);
    this.addLocal(to, type);
    for (const [key, value] of moved) {
      value.entries = value.entries.map((e) => ({ ...e, path: rebase(e.path, from, to) }));
      this.dirs.set(key, value);
    }
    for (const k of wasExpanded) this.expanded.add(rebase(k, from, to));
  }

  private async remove(path: string): Promise<void> {
    if (this.opts.readOnly) return;
    const entry = this.entryOf(path);
    const isDir = entry?.type === 'dir';
    const ok = await confirmDialog({
      title: `Delete ${basename(path)}?`,
      message: h('span', null, isDir ? 'The folder ' : 'The file ', h('code', null, path), isDir ? ' and everything in it will be deleted.' : ' will be deleted.'),
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!ok) return;
    try {
      await this.opts.session.request('fs.delete', { path });
      this.removeLocal(path);
      this.opts.onDeleted(path);
      this.render();
    } catch (e) {
      const err = e as ProtocolError;
      if (err.code === 'not_found') { this.removeLocal(path); this.opts.onDeleted(path); this.render(); return; }
      toastError(`Could not delete ${basename(path)}`, err);
    }
  }

  private menuFor(row: Row | null, x: number, y: number): void {
    const items = this.opts.readOnly ? this.readOnlyItems(row) : this.editItems(row);
    const more = this.opts.menuItems?.(row) ?? [];
    const all = more.length ? [...items, ...(items.length ? ['-' as const] : []), ...more] : items;
    if (all.length) showMenu(x, y, all);
  }

  private editItems(row: Row | null): (MenuItem | '-')[] {
    const dir = row ? (row.type === 'dir' ? row.path : dirname(row.path)) : '';
    const items: (MenuItem | '-')[] = [
      { label: 'New file', icon: 'filePlus', testid: 'menu-new-file', run: () => this.startCreate('file', dir) },
      { label: 'New folder', icon: 'folderPlus', testid: 'menu-new-folder', run: () => this.startCreate('dir', dir) },
    ];
    if (row) {
      if (row.type !== 'dir') items.unshift({ label: 'Open', icon: 'file', run: () => this.opts.onOpen(row.path) }, '-');
      items.push('-',
        { label: 'Rename', icon: 'pencil', shortcut: 'F2', testid: 'menu-rename', run: () => this.startRename(row.path) },
        { label: 'Delete', icon: 'trash', shortcut: isMac ? '⌘⌫' : 'Del', danger: true, testid: 'menu-delete', run: () => void this.remove(row.path) },
        '-',
        { label: 'Copy path', icon: 'code', run: () => void navigator.clipboard?.writeText(row.path) });
    }
    return items;
  }

  /** A viewer's menu: what looks, nothing that changes. */
  private readOnlyItems(row: Row | null): (MenuItem | '-')[] {
    if (!row) return [];
    const copy: MenuItem = { label: 'Copy path', icon: 'code', run: () => void navigator.clipboard?.writeText(row.path) };
    return row.type === 'dir' ? [copy] : [{ label: 'Open', icon: 'file', run: () => this.opts.onOpen(row.path) }, copy];
  }

  // ---- rendering ------------------------------------------------------------------------------------------

  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => { this.renderQueued = false; this.render(); });
  }

  private visibleRows(): Row[] {
    const rows: Row[] = [];
    const walk = (dir: string, depth: number) => {
      const state = this.dirs.get(dir);
      if (!state) return;
      for (const e of state.entries) {
        rows.push({ path: e.path, name: e.name, type: e.type, depth });
        if (e.type === 'dir' && this.expanded.has(e.path)) walk(e.path, depth + 1);
      }
    };
    walk('', 0);
    return rows;
  }

  private render(): void {
    const out: HTMLElement[] = [];
    const root = this.dirs.get('');
    if (!root || (!root.loaded && root.loading)) {
      out.push(h('div', { class: 'tree-note' }, h('div', { class: 'spinner' }), 'Loading files…'));
    } else if (root.error) {
      out.push(h('div', { class: 'tree-note error' }, root.error));
    }
    const editing = this.editing;
    if (editing && editing.kind !== 'rename' && editing.dir === '') out.push(this.editRow(0, editing.kind));
    const walk = (dir: string, depth: number) => {
      const state = this.dirs.get(dir);
      if (!state) return;
      for (const e of state.entries) {
        const row: Row = { path: e.path, name: e.name, type: e.type, depth };
        out.push(this.rowEl(row));
        if (e.type === 'dir' && this.expanded.has(e.path)) {
          const child = this.dirs.get(e.path);
          if (editing && editing.kind !== 'rename' && editing.dir === e.path) out.push(this.editRow(depth + 1, editing.kind));
          if (child?.loading && !child.loaded) out.push(h('div', { class: 'tree-note', style: `--depth:${depth + 1}` }, h('div', { class: 'spinner small' }), 'Loading…'));
          else if (child?.error) out.push(h('div', { class: 'tree-note error', style: `--depth:${depth + 1}` }, child.error));
          else if (child?.loaded && child.entries.length === 0 && !(editing && editing.kind !== 'rename' && editing.dir === e.path)) {
            out.push(h('div', { class: 'tree-note empty', style: `--depth:${depth + 1}` }, 'Empty folder'));
          }
          walk(e.path, depth + 1);
        }
      }
    };
    if (root?.loaded) walk('', 0);
    if (root?.loaded && root.entries.length === 0 && !editing) {
      out.push(h('div', { class: 'tree-note empty' }, this.opts.readOnly ? 'No files yet.' : 'No files yet. Create one with the buttons above.'));
    }
    this.list.replaceChildren(...out);
    const input = this.editInput;
    if (input && input.isConnected && document.activeElement !== input && !input.disabled) input.focus();
    if (input?.dataset.fresh) {
      // A rename starts with the name selected, without its extension, as in most editors.
      delete input.dataset.fresh;
      const dot = input.value.lastIndexOf('.');
      input.setSelectionRange(0, dot > 0 ? dot : input.value.length);
    }
  }

  private rowEl(row: Row): HTMLElement {
    const isDir = row.type === 'dir';
    const open = isDir && this.expanded.has(row.path);
    const renaming = this.editing?.kind === 'rename' && this.editing.path === row.path;
    const el = h('div', {
      class: { 'tree-row': true, dir: isDir, selected: this.selected === row.path, active: this.activeFile === row.path },
      role: 'treeitem', 'aria-expanded': isDir ? String(open) : undefined, 'aria-level': String(row.depth + 1),
      testid: `file-${row.path}`, dataset: { path: row.path, type: row.type },
      style: `--depth:${row.depth}`, title: row.path, draggable: renaming || this.opts.readOnly ? undefined : 'true',
      onclick: () => {
        this.selected = row.path;
        if (renaming) return;
        if (isDir) void this.toggle(row.path);
        else { this.opts.onOpen(row.path); this.render(); }
      },
      oncontextmenu: (e: MouseEvent) => {
        e.preventDefault();
        e.stopPropagation();
        this.selected = row.path;
        this.render();
        this.menuFor(row, e.clientX, e.clientY);
      },
    },
      h('span', { class: 'tree-chevron' }, isDir ? icon(open ? 'chevronDown' : 'chevronRight', 14) : null),
      isDir
        ? h('span', { class: 'file-icon folder' }, icon(open ? 'folderOpen' : 'folder', 15))
        : row.type === 'link' ? h('span', { class: 'file-icon file-icon-generic' }, icon('external', 13)) : fileBadge(row.path),
      renaming ? this.editField(row.name) : h('span', { class: 'tree-name' }, row.name),
      renaming ? null : h('button', {
        class: 'tree-more icon-button sm', title: 'More actions', 'aria-label': `Actions for ${row.path}`, tabindex: '-1',
        onclick: (e: MouseEvent) => {
          e.stopPropagation();
          this.selected = row.path;
          const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
          this.menuFor(row, r.left, r.bottom + 2);
        },
      }, icon('more', 14)));
    return el;
  }

  private editRow(depth: number, kind: 'file' | 'dir'): HTMLElement {
    return h('div', { class: 'tree-row editing', style: `--depth:${depth}` },
      h('span', { class: 'tree-chevron' }),
      h('span', { class: 'file-icon folder' }, icon(kind === 'dir' ? 'folder' : 'file', 15)),
      this.editField(''));
  }

  private editField(initial: string): HTMLElement {
    if (!this.editInput) {
      const input = h('input', {
        class: 'tree-input', spellcheck: 'false', autocomplete: 'off', testid: 'tree-input',
        'aria-label': this.editing?.kind === 'rename' ? 'New name' : this.editing?.kind === 'dir' ? 'Folder name' : 'File name',
        onkeydown: (e: KeyboardEvent) => {
          e.stopPropagation();
          if (e.key === 'Enter') { e.preventDefault(); void this.commitEdit(); }
          else if (e.key === 'Escape') { e.preventDefault(); this.cancelEdit(); }
        },
        oninput: () => this.showEditError(null),
        onblur: () => {
          window.setTimeout(() => {
            if (this.editInput === input && document.activeElement !== input && !input.disabled) {
              if (input.value.trim() && !this.editError?.textContent) void this.commitEdit();
              else this.cancelEdit();
            }
          }, 120);
        },
        onclick: (e: MouseEvent) => e.stopPropagation(),
      });
      input.value = initial;
      input.dataset.fresh = 'true';
      this.editInput = input;
      this.editError = h('div', { class: 'tree-input-error', hidden: true });
    }
    return h('span', { class: 'tree-input-wrap' }, this.editInput, this.editError);
  }

  private showEditError(message: string | null): void {
    if (!this.editError) return;
    this.editError.textContent = message ?? '';
    this.editError.hidden = !message;
  }

  private onKey(e: KeyboardEvent): void {
    const rows = this.visibleRows();
    if (!rows.length) return;
    let i = rows.findIndex((r) => r.path === this.selected);
    const row = rows[i];
    switch (e.key) {
      case 'ArrowDown': i = Math.min(rows.length - 1, i + 1); break;
      case 'ArrowUp': i = Math.max(0, i - 1); break;
      case 'ArrowRight':
        if (row?.type === 'dir' && !this.expanded.has(row.path)) { void this.toggle(row.path, true); e.preventDefault(); return; }
        break;
      case 'ArrowLeft':
        if (row?.type === 'dir' && this.expanded.has(row.path)) { void this.toggle(row.path, false); e.preventDefault(); return; }
        if (row) { const p = dirname(row.path); if (p) { this.selected = p; this.render(); } }
        e.preventDefault();
        return;
      case 'Enter':
        if (row) { if (row.type === 'dir') void this.toggle(row.path); else this.opts.onOpen(row.path); }
        e.preventDefault();
        return;
      case 'F2':
        if (row) this.startRename(row.path);
        e.preventDefault();
        return;
      case 'Delete':
        if (row) void this.remove(row.path);
        e.preventDefault();
        return;
      case 'Backspace':
        if (row && (e.metaKey || e.ctrlKey)) { void this.remove(row.path); e.preventDefault(); }
        return;
      default:
        return;
    }
    e.preventDefault();
    if (i < 0) i = 0;
    this.selected = rows[i].path;
    this.render();
    this.list.querySelector('.tree-row.selected')?.scrollIntoView({ block: 'nearest' });
  }
}
