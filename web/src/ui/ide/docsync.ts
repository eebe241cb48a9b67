// Live co-editing of one file (docs/protocol.md#co-editing) with @codemirror/collab: the node-agent is the central
// authority that orders every editor's changes. Local changes are pushed on the version they were made on; a push
// the node refuses (someone else's change came first) is rebased by the collab plugin when their updates arrive
// (doc.update events, which reach us before the refusal) and pushed again. After a dropped connection the file is
// opened again at the version we had, the updates we missed come back, and what we typed meanwhile is pushed then:
// nothing typed offline is lost.
import { collab, getSyncedVersion, receiveUpdates, sendableUpdates, Update } from '@codemirror/collab';
import { ChangeSet, EditorState, Extension, Text, Transaction } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { ProtocolError, Session } from './session';

/** One update as the protocol carries it: ChangeSet.toJSON() and the client that made it. */
export interface WireUpdate { clientID: string; changes: unknown }
export interface DocUpdateEvent { event: 'doc.update'; path: string; version: number; updates: WireUpdate[] }
export interface DocGoneEvent { event: 'doc.gone'; path: string }
export interface DocOpened { path: string; doc: string; version: number; text?: string; updates?: WireUpdate[] }

/** The errors of doc.open after which the file is edited the single-writer way (fs.read, fs.edit). */
const FALL_BACK = new Set(['too_large', 'not_coeditable', 'too_many_documents', 'bad_request']);

/** What the editor lends a co-edited file: its state, a way to apply transactions, and to start afresh. */
export interface DocHost {
  state(): EditorState;
  apply(tr: Transaction): void;
  /** Replaces the state: a new text at a new version, with `local` (changes of ours still to send) applied on it. */
  reset(text: string, extensions: Extension[], local: ChangeSet | null): void;
}

/** The updates of the protocol as the collab plugin wants them. */
export function fromWire(updates: WireUpdate[]): Update[] {
  return updates.map((u) => ({ clientID: u.clientID, changes: ChangeSet.fromJSON(u.changes) }));
}

/** The change turning `a` into `b`: one replacement between their common start and end. */
export function changeBetween(a: string, b: string): ChangeSet {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) { endA--; endB--; }
  return ChangeSet.of(start === endA && start === endB ? [] : [{ from: start, to: endA, insert: b.slice(start, endB) }], a.length);
}

export class DocSync {
  /** The node's document id: a reopen asks for the updates of this document only. */
  private id: string;
  /** The text at the synced version (the node's text as far as we know): the base of a rebase after a reset. */
  private synced: Text;
  private pushing = false;
  private closed = false;
  private catchingUp: Promise<void> | null = null;
  private readonly clientID = Math.random().toString(36).slice(2, 12);

  private constructor(private readonly session: Session, public path: string, opened: DocOpened, private host: DocHost | null) {
    this.id = opened.doc;
    this.synced = Text.of((opened.text ?? '').split('\n'));
  }

  /** Opens `path` for co-editing; null when the file is to be edited the single-writer way. */
  static async open(session: Session, path: string): Promise<{ sync: DocSync; text: string; version: number } | null> {
    try {
      const opened = await session.request<DocOpened>('doc.open', { path });
      return { sync: new DocSync(session, path, opened, null), text: opened.text ?? '', version: opened.version };
    } catch (e) {
      const err = e as ProtocolError;
      if (FALL_BACK.has(err.code)) return null;
      throw err;
    }
  }

  /** The extensions a co-edited state needs, starting at `version`. */
  extensions(version: number): Extension[] {
    return [
      collab({ startVersion: version, clientID: this.clientID }),
      EditorView.updateListener.of((u) => { if (u.docChanged) this.push(); }),
    ];
  }

  attach(host: DocHost): void { this.host = host; }

  /** Local changes the node has not confirmed yet. */
  get unconfirmed(): number { return this.host ? sendableUpdates(this.host.state()).length : 0; }

  /** A doc.update event of this file. */
  onUpdate(e: DocUpdateEvent): void {
    if (!this.host || this.closed) return;
    const state = this.host.state();
    const have = getSyncedVersion(state);
    const base = e.version - e.updates.length;
    if (e.version <= have) return; // seen already (the reply of a reopen carried it)
    if (base > have) { void this.catchUp(); return; } // a gap: some were lost
    this.receive(e.updates.slice(have - base));
  }

  private receive(wire: WireUpdate[]): void {
    if (!wire.length || !this.host) return;
    const updates = fromWire(wire);
    for (const u of updates) this.synced = u.changes.apply(this.synced);
    this.host.apply(receiveUpdates(this.host.state(), updates));
    this.push();
  }

  /** Sends what we changed, one push at a time, until the node has taken all of it. */
  push(): void {
    if (this.pushing || this.closed || this.catchingUp || !this.host || !this.session.connected) return;
    const state = this.host.state();
    const updates = sendableUpdates(state);
    if (!updates.length) return;
    const version = getSyncedVersion(state);
    this.pushing = true;
    this.session.request<{ accepted: boolean; version: number }>('doc.push', {
      path: this.path, version,
      updates: updates.map((u) => ({ clientID: u.clientID, changes: u.changes.toJSON() })),
    }).then((reply) => {
      this.pushing = false;
      // Refused: the updates that came first arrived before this answer, and our changes were rebased over them.
      // If they did not (a gap), catch up before pushing again.
      if (!reply.accepted && this.host && getSyncedVersion(this.host.state()) < reply.version) { void this.catchUp(); return; }
      this.push();
    }, (e: ProtocolError) => {
      this.pushing = false;
      if (e.code === 'not_open') void this.catchUp();
      else if (e.code !== 'disconnected' && e.code !== 'timeout') console.warn(`pier: push of ${this.path} failed`, e);
      else if (e.code === 'timeout') setTimeout(() => this.push(), 1000);
    });
  }

  /** Opens the file again at the version we have (after a reconnect or a gap) and pushes what is left. */
  catchUp(): Promise<void> {
    if (this.catchingUp) return this.catchingUp;
    this.catchingUp = this.reopen().finally(() => { this.catchingUp = null; this.push(); });
    return this.catchingUp;
  }

  private async reopen(): Promise<void> {
    if (!this.host || this.closed) return;
    const version = getSyncedVersion(this.host.state());
    const opened = await this.session.request<DocOpened>('doc.open', { path: this.path, version, doc: this.id });
    if (!this.host || this.closed) return;
    if (opened.updates) {
      this.receive(opened.updates.slice(Math.max(0, getSyncedVersion(this.host.state()) - version)));
      return;
    }
    // The node no longer has the updates we missed (or it forgot the document): rebase what we typed over the
    // difference between the text we last synced and the node's, and start again at its version.
    const text = opened.text ?? '';
    const state = this.host.state();
    let local: ChangeSet | null = null;
    for (const u of sendableUpdates(state)) local = local ? local.compose(u.changes) : u.changes;
    const theirs = changeBetween(this.synced.toString(), text);
    this.id = opened.doc;
    this.synced = Text.of(text.split('\n'));
    this.host.reset(text, this.extensions(opened.version), local ? local.map(theirs) : null);
  }

  /** Writes the file now (Ctrl+S): resolves once the node has written what it has. */
  async flush(): Promise<void> {
    await this.session.request('doc.flush', { path: this.path });
  }

  close(): void {
    this.closed = true;
    this.host = null;
    if (this.session.connected) void this.session.request('doc.close', { path: this.path }).catch(() => {});
  }
}
