// The IDE's status bar: on the left the connection, the node (administrators only) and the run; on the right the
// open file's save state, cursor and language, or "Read only" for a viewer.
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import type { ConnState, RunState } from './session';
import type { EditorStatus, SaveState } from './editor';

export const CONN_LABEL: Record<ConnState, string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const SAVE_LABEL: Record<SaveState, string> = {
  saved: 'Saved',
  unsaved: 'Unsaved changes',
  saving: 'Saving…',
  conflict: 'Changed on disk',
  deleted: 'Deleted on disk',
  error: 'Not saved',
};

/** What the bar shows, as the IDE knows it now. */
export interface StatusFacts {
  conn: ConnState;
  /** Which node runs the repl: only administrators are told, nobody else gets a chip for it. */
  node: string | null;
  run: RunState | null;
  runCode: number | null;
  /** A console program (no app to preview): a run that ends with code 0 has finished, not failed. */
  consoleProgram: boolean;
  editor: EditorStatus;
  /** A viewer's IDE: nothing is saved, so the bar says the files are read-only instead. */
  readOnly: boolean;
}

export class StatusBar {
  readonly el: HTMLElement;
  private readonly left = h('div', { class: 'status-left' });
  private readonly right = h('div', { class: 'status-right' });

  constructor() {
    this.el = h('footer', { class: 'statusbar' }, this.left, this.right);
  }

  render(f: StatusFacts): void {
    this.left.replaceChildren(
      h('span', { class: `status-item conn-${f.conn}` }, icon(f.conn === 'connected' ? 'plug' : 'wifiOff', 12), CONN_LABEL[f.conn]),
      f.node ? h('span', { class: 'status-item', title: 'The node this repl runs on' }, icon('server', 12), f.node) : '',
      runItem(f));
    const s = f.editor;
    this.right.replaceChildren(
      f.readOnly ? h('span', { class: 'status-item read-only', testid: 'read-only', title: 'You are a viewer of this repl' }, icon('eye', 12), 'Read only') : '',
      s.path && !f.readOnly ? h('span', { class: `status-item save-${s.save}`, testid: 'save-state' }, SAVE_LABEL[s.save]) : '',
      s.path ? h('span', { class: 'status-item' }, `Ln ${s.line}, Col ${s.col}`) : '',
      s.path ? h('span', { class: 'status-item' }, s.language) : '');
  }
}

/** The bar's word on the run: an app runs until stopped; a console program finishes. */
function runItem({ run, runCode: code, consoleProgram }: StatusFacts): HTMLElement {
  const what = consoleProgram ? 'Program' : 'App';
  if (consoleProgram && run === 'exited' && code === 0) {
    return h('span', { class: 'status-item run-finished', testid: 'run-state' }, icon('check', 11), 'Program finished');
  }
  const label = run === 'running' ? `${what} running`
    : run === 'exited' ? `${what} exited${code != null ? ` (${code})` : ''}`
      : run === 'stopped' ? `${what} stopped` : what;
  return h('span', { class: `status-item run-${run ?? 'none'}`, testid: 'run-state' }, icon(run === 'running' ? 'play' : 'stop', 11), label);
}
