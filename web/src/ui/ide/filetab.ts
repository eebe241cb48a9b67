// One file open in the editor (a tab): its text, the version it is based on, what is being saved, what it shows, and
// its co-editing when the node co-edits it.
import { ChangeSet, EditorState, Text } from '@codemirror/state';
import type { DocSync } from './docsync';

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'conflict' | 'deleted' | 'error';

export type Banner = { kind: 'conflict'; diskVersion?: string } | { kind: 'deleted' } | null;

export class FileTab {
  state!: EditorState;
  /** Version of the text the editor is based on (the last version read or saved). */
  version = '';
  /** The text of `version`. */
  baseDoc: Text = Text.empty;
  /** Changes from the base (or, during a save, from the text being saved) to the current text. */
  pending: ChangeSet = ChangeSet.empty(0);
  /** Changes being saved (base → saved text), while a save is in flight. */
  inflight: ChangeSet | null = null;
  saving = false;
  saveAgain = false;
  recheck = false;
  failed = false;
  banner: Banner = null;
  loaded = false;
  scrollTop = 0;
  autosaveTimer: number | undefined;
  el!: HTMLElement;
  /** What the tab shows instead of the editor for an image or a binary file (binaryview.ts). */
  viewer: HTMLElement | null = null;
  /** The file's co-editing, when it is co-edited (docsync.ts): the node then saves it, not this tab. */
  sync: DocSync | null = null;

  constructor(public path: string) {}

  get dirty(): boolean {
    if (this.sync) return this.loaded && this.sync.unconfirmed > 0;
    return this.loaded && (this.inflight !== null || !this.state.doc.eq(this.baseDoc));
  }

  get saveState(): SaveState {
    if (this.banner?.kind === 'conflict') return 'conflict';
    if (this.banner?.kind === 'deleted') return 'deleted';
    if (this.saving) return 'saving';
    if (this.failed && this.dirty) return 'error';
    return this.dirty ? 'unsaved' : 'saved';
  }
}
