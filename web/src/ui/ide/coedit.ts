// Co-editing in the editor: a tab's file opened for co-editing (docsync.ts), the others' cursors shown in it
// (remotecursors.ts, from presenceview.ts), what this tab shows told to them, its saves made by the node, and its end
// when the node says the file is gone.
import { getSyncedVersion } from '@codemirror/collab';
import { EditorState, Extension, Text, TransactionSpec } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { toastError } from '../lib/toast';
import { basename } from './paths';
import { Session } from './session';
import { DocSync } from './docsync';
import { remoteCursors, setRemoteCursors } from './remotecursors';
import { Presence } from './presenceview';
import { FileTab } from './filetab';

/** What the editor lends co-editing: its tabs, its view, and the ways it shows a tab. */
export interface CoEditHost {
  session: Session;
  /** Who else is here: their cursors are shown in co-edited files, and this tab's are sent. */
  presence?: Presence;
  view(): EditorView;
  /** The open tabs, in order. */
  tabs(): readonly FileTab[];
  /** The tab shown now. */
  active(): FileTab | null;
  find(path: string): FileTab | undefined;
  createState(tab: FileTab, text: string, shared: Extension[]): EditorState;
  /** Applies a transaction to a tab, through the view when it is shown. */
  dispatch(tab: FileTab, spec: TransactionSpec): void;
  showActive(): void;
  renderTabState(tab: FileTab): void;
  renderBanner(): void;
  /** Gives the tab its language's highlighting, once it is loaded. */
  loadLanguage(tab: FileTab): void;
}

export class CoEditing {
  constructor(private readonly host: CoEditHost) {
    host.session.on('doc.update', (e) => host.find(e.path)?.sync?.onUpdate(e));
    host.session.on('doc.gone', (e) => this.gone(e.path));
    host.presence?.onChange(() => { for (const t of host.tabs()) if (t.sync && t.loaded) this.showCursors(t); });
  }

  /** What every tab's state carries for co-editing: the others' cursors. */
  extensions(): Extension {
    return remoteCursors();
  }

  /**
   * Opens a file for co-editing (docsync.ts) when the node co-edits it: true once it is shown. A file the node does
   * not co-edit (too large, CR line ends, too many open) is read and saved the single-writer way.
   */
  async open(tab: FileTab): Promise<boolean> {
    const host = this.host;
    const opened = await DocSync.open(host.session, tab.path);
    if (!opened) return false;
    if (!host.tabs().includes(tab) || tab.sync) { opened.sync.close(); return !!tab.sync; }
    const sync = opened.sync;
    tab.sync = sync;
    tab.state = host.createState(tab, opened.text, sync.extensions(opened.version));
    sync.attach({
      state: () => (host.active() === tab ? host.view().state : tab.state),
      apply: (tr) => {
        if (host.active() === tab) { host.view().dispatch(tr); tab.state = host.view().state; } else tab.state = tr.state;
        // Our own changes come back confirmed without changing the text: the tab is saved now.
        host.renderTabState(tab);
      },
      reset: (text, extensions, local) => {
        let state = host.createState(tab, text, extensions);
        if (local) state = state.update({ changes: local }).state;
        tab.state = state;
        if (host.active() === tab) host.view().setState(state);
        host.loadLanguage(tab);
        this.showCursors(tab);
      },
    });
    tab.loaded = true;
    tab.el.dataset.shared = 'true';
    if (host.active() === tab) host.showActive();
    host.renderTabState(tab);
    this.showCursors(tab);
    host.loadLanguage(tab);
    return true;
  }

  /** The others' cursors in a co-edited tab, from their presence. */
  private showCursors(tab: FileTab): void {
    const others = this.host.presence?.others() ?? [];
    const cursors = others
      .filter((u) => u.path === tab.path && u.selection?.ranges?.length)
      .map((u) => ({ session: u.session, user: u.user, color: u.color, ranges: u.selection!.ranges }));
    this.host.dispatch(tab, { effects: setRemoteCursors.of(cursors) });
  }

  /** Tells the others what this tab shows: the active file and, when it is co-edited, the selection. */
  sendPresence(): void {
    const presence = this.host.presence;
    const tab = this.host.active();
    if (!presence) return;
    if (!tab?.sync || !tab.loaded) { presence.show(tab?.path ?? null); return; }
    const state = this.host.view().state;
    presence.show(tab.path, {
      version: getSyncedVersion(state),
      ranges: state.selection.ranges.slice(0, 16).map((r) => ({ anchor: r.anchor, head: r.head })),
    });
  }

  /** A co-edited file was deleted or moved away: the tab keeps its text, as any tab of a deleted file does. */
  private gone(path: string): void {
    const tab = this.host.find(path);
    if (!tab?.sync) return;
    tab.sync.close();
    tab.sync = null;
    tab.baseDoc = Text.empty;
    tab.version = '';
    tab.banner = { kind: 'deleted' };
    this.host.renderTabState(tab);
    if (this.host.active() === tab) this.host.renderBanner();
  }

  /** A co-edited file's save: once the node has all of this tab's changes, it writes the file now. */
  async save(tab: FileTab, explicit: boolean): Promise<boolean> {
    const sync = tab.sync!;
    const until = Date.now() + 5000;
    while (sync.unconfirmed > 0 && Date.now() < until && this.host.session.connected) {
      sync.push();
      await new Promise((r) => setTimeout(r, 40));
    }
    try {
      await sync.flush();
      return sync.unconfirmed === 0;
    } catch (e) {
      if (explicit) toastError(`Could not save ${basename(tab.path)}`, e);
      return false;
    } finally {
      this.host.renderTabState(tab);
    }
  }

  /** Saves every co-edited tab (before Run). */
  async saveAll(): Promise<void> {
    await Promise.all(this.host.tabs().filter((t) => t.sync && t.loaded).map((t) => this.save(t, false)));
  }
}
