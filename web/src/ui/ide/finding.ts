// Finding things, hooked into the IDE in one place: the sidebar holding the file tree and the Search view, and the
// keys Ctrl+Shift+F (search), Ctrl+P (go to file) and Ctrl+Shift+P (command palette).
import { h } from '../lib/dom';
import { SearchHit, SearchView } from './search';
import { openGoToFile } from './gotofile';
import { Command, openPalette } from './palette';
import { Session } from './session';

export interface IdeActions {
  run: () => void;
  stop: () => void;
  newTerminal: () => void;
  saveAll: () => void;
}

export interface FindingOptions {
  session: Session;
  /** The file tree's element: the sidebar shows it or the Search view. */
  tree: HTMLElement;
  openFile: (path: string) => void;
  openHit: (hit: SearchHit) => void;
  actions: IdeActions;
}

export class Finding {
  /** Where the file tree was: it and the Search view, one shown at a time. */
  readonly sidebar: HTMLElement;
  private search: SearchView;

  constructor(private readonly opts: FindingOptions) {
    this.search = new SearchView({ session: opts.session, onOpenHit: opts.openHit, onClose: () => this.showFiles() });
    this.sidebar = h('div', { class: 'side-stack' }, opts.tree, this.search.el);
    // Before the editor or a terminal sees the keys, as the IDE's Ctrl+Enter does.
    window.addEventListener('keydown', (e) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const key = e.key.toLowerCase();
      // In a terminal Ctrl+P is the shell's: the previous command.
      if (!e.shiftKey && key === 'p' && e.target instanceof Element && e.target.closest('.xterm')) return;
      const act = e.shiftKey && key === 'f' ? () => this.showSearch()
        : e.shiftKey && key === 'p' ? () => this.palette()
          : !e.shiftKey && key === 'p' ? () => this.goToFile() : null;
      if (!act) return;
      e.preventDefault();
      e.stopPropagation();
      act();
    }, true);
  }

  showSearch(): void {
    this.opts.tree.hidden = true;
    this.search.el.hidden = false;
    const selected = window.getSelection()?.toString() ?? '';
    this.search.focus(selected && !selected.includes('\n') && selected.length <= 256 ? selected : undefined);
  }

  showFiles(): void {
    this.search.el.hidden = true;
    this.opts.tree.hidden = false;
  }

  goToFile(): void {
    openGoToFile(this.opts.session, this.opts.openFile);
  }

  palette(): void {
    const a = this.opts.actions;
    const commands: Command[] = [
      { title: 'Run the app', keys: 'Ctrl+Enter', run: a.run },
      { title: 'Stop the app', run: a.stop },
      { title: 'New terminal', run: a.newTerminal },
      { title: 'Save all files', keys: 'Ctrl+S', run: a.saveAll },
      { title: 'Search in files', keys: 'Ctrl+Shift+F', run: () => this.showSearch() },
      { title: 'Go to file', keys: 'Ctrl+P', run: () => this.goToFile() },
      { title: 'Show the file tree', run: () => this.showFiles() },
    ];
    openPalette(commands);
  }
}
