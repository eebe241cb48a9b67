// Who is in the repl and which file each has open (docs/protocol.md#presence): the node's presence events, kept
// here for the header's list of people and the editor's remote cursors, and this tab's own file and selection,
// sent to the node at most every SEND_MS.
import { h } from '../lib/dom';
import { RemoteRange } from './remotecursors';
import { Session } from './session';

export interface PresenceUser {
  session: string;
  user: string;
  color: string;
  path?: string;
  selection?: { version?: number; ranges: RemoteRange[] };
}
export interface PresenceEvent { event: 'presence'; users: PresenceUser[] }

const SEND_MS = 80;

export class Presence {
  users: PresenceUser[] = [];
  private listeners = new Set<() => void>();
  private mine: { path: string | null; selection?: PresenceUser['selection'] } = { path: null };
  private timer: number | undefined;

  constructor(private readonly session: Session) {
    session.on('presence', (e) => { this.users = Array.isArray(e.users) ? e.users : []; this.notify(); });
    // A new connection is a new session on the node: say again what this tab shows.
    session.on('hello', () => { this.users = []; this.notify(); this.send(); });
  }

  /** The others: every session but this tab's own. */
  others(): PresenceUser[] {
    return this.users.filter((u) => u.session !== this.session.sessionId);
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** What this tab shows now; sent soon, the last of a burst only. */
  show(path: string | null, selection?: PresenceUser['selection']): void {
    this.mine = { path, selection };
    if (this.timer === undefined) this.timer = window.setTimeout(() => { this.timer = undefined; this.send(); }, SEND_MS);
  }

  private send(): void {
    if (!this.session.connected) return;
    const args: Record<string, unknown> = {};
    if (this.mine.path) args.path = this.mine.path;
    if (this.mine.path && this.mine.selection) args.selection = this.mine.selection;
    void this.session.request('presence', args).catch(() => { /* sent again on the next change or connection */ });
  }

  private notify(): void {
    for (const fn of [...this.listeners]) fn();
  }
}

function initials(user: string): string {
  return user.slice(0, 2).toUpperCase();
}

/** The header's list of the other people here, each in their colour, with the file they have open. */
export class PresenceView {
  readonly el = h('div', { class: 'presence', testid: 'presence', 'aria-label': 'Who is here' });

  constructor(private readonly presence: Presence, private readonly open: (path: string) => void) {
    presence.onChange(() => this.render());
    this.render();
  }

  private render(): void {
    // One chip per person, however many tabs they have open; the file of their latest tab.
    const byUser = new Map<string, PresenceUser>();
    for (const u of this.presence.others()) byUser.set(u.user, u);
    this.el.replaceChildren(...[...byUser.values()].map((u) => {
      const where = u.path ? `${u.user} — ${u.path}` : `${u.user} — no file open`;
      return h('button', {
        class: 'presence-user', title: where, 'aria-label': where, testid: 'presence-user',
        dataset: { user: u.user, path: u.path ?? '' }, style: `background-color: ${u.color}`,
        onclick: () => { if (u.path) this.open(u.path); },
      }, initials(u.user));
    }));
    this.el.hidden = byUser.size === 0;
  }
}
