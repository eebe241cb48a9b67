// "Your repls" on the home page: each repl's title (slug beneath), description, template, state and last activity; a
// search and a sort; and per row Open, Stop or Start, Rename and Delete.
import { h, clear } from '../lib/dom';
import { icon } from '../lib/icons';
import { Repl, Template, deleteRepl, listRepls, startRepl, stopRepl, isUnauthenticated } from '../lib/api';
import { toast, toastError } from '../lib/toast';
import { confirmDialog } from '../lib/modal';
import { renameDialog } from '../lib/renamedialog';
import { relativeTime, absoluteTime } from '../lib/time';
import { templateTile } from '../lib/templateicons';
import { ReplSort, SORTS, arrangeRepls, isReplSort, replName } from './replquery';

export const STATE_LABEL: Record<string, string> = {
  running: 'Running', stopped: 'Stopped', starting: 'Starting', stopping: 'Stopping', creating: 'Creating', failed: 'Failed',
};
const SORT_KEY = 'pier.home.sort';

export interface ReplListHost {
  /** The sign-in the page is showing (a number that changes with every sign-out), or null when signed out. */
  session(): number | null;
  isAdmin(): boolean;
  templates(): Template[];
  /** Called after every render (the fleet counter shows how many run). */
  onRendered(): void;
}

export class ReplList {
  readonly el: HTMLElement;
  /** The user's repls as last listed; null until listed. */
  repls: Repl[] | null = null;
  private readonly list = h('div', { class: 'repl-list', testid: 'repls' });
  private readonly count = h('span', { class: 'section-count' });
  private readonly tools: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly sortSelect: HTMLSelectElement;
  private sort: ReplSort;
  private refreshing = false;
  /** A refresh was asked for while one was out (after a stop, say): it lists again once that one answers. */
  private again = false;
  private readonly busy = new Map<string, 'deleting' | 'stopping' | 'starting'>();
  /** When the rows were last drawn: an unchanged list is drawn again only for its "last active" times. */
  private drawnAt = 0;
  /** A row's Stop, Start or Delete ended since the last drawing: its spinner must go even if the list is unchanged. */
  private stale = false;

  constructor(private readonly host: ReplListHost) {
    const saved = localStorage.getItem(SORT_KEY);
    this.sort = isReplSort(saved) ? saved : 'active';
    this.search = h('input', {
      class: 'repl-search-input', type: 'search', placeholder: 'Search repls', testid: 'repl-search', 'aria-label': 'Search your repls',
      oninput: () => this.render(),
      onkeydown: (e: KeyboardEvent) => { if (e.key === 'Escape' && this.search.value) { this.search.value = ''; this.render(); } },
    });
    this.sortSelect = h('select', { class: 'repl-sort', testid: 'repl-sort', 'aria-label': 'Sort repls', onchange: () => this.setSort(this.sortSelect.value) },
      ...SORTS.map((s) => h('option', { value: s.value }, s.label)));
    this.sortSelect.value = this.sort;
    this.tools = h('div', { class: 'repl-tools' },
      h('label', { class: 'repl-search' }, icon('search', 14), this.search),
      h('label', { class: 'repl-sort-label' }, h('span', null, 'Sort'), this.sortSelect),
      h('button', { class: 'icon-button', title: 'Refresh', 'aria-label': 'Refresh', onclick: () => void this.refresh(true) }, icon('refresh', 15)));
    this.el = h('section', { class: 'repls-section' },
      h('div', { class: 'section-head' }, h('h1', null, 'Your repls', this.count), this.tools),
      this.list);
  }

  /** Forgets the list (signed out, or about to list again for a new page). */
  reset(): void {
    this.repls = null;
    this.refreshing = false; // a call still out for the last user is dropped when it answers
    this.again = false;
    this.busy.clear();
    this.render();
  }

  running(): number {
    return this.repls?.filter((r) => r.state === 'running').length ?? 0;
  }

  async refresh(userAsked = false): Promise<void> {
    const mine = this.host.session();
    if (mine === null) return;
    if (this.refreshing) { this.again = true; return; }
    this.refreshing = true;
    try {
      const list = await listRepls();
      if (this.host.session() !== mine) return;
      // Drawing again drops the focus and hover of a row's buttons: only when something changed, or the times did.
      const same = JSON.stringify(list) === JSON.stringify(this.repls);
      this.repls = list;
      if (!same || this.stale || Date.now() - this.drawnAt > 30_000) this.render();
    } catch (e) {
      if (this.host.session() !== mine || isUnauthenticated(e)) return;
      if (this.repls === null) { this.repls = []; this.render(); }
      if (userAsked || !document.hidden) toastError('Could not list your repls', e);
    } finally {
      if (this.host.session() === mine) {
        this.refreshing = false;
        if (this.again) { this.again = false; void this.refresh(); }
      }
    }
  }

  render(): void {
    this.drawnAt = Date.now();
    this.stale = false;
    clear(this.list);
    const repls = this.repls;
    this.tools.hidden = !repls?.length;
    this.count.textContent = repls?.length ? String(repls.length) : '';
    if (repls === null) {
      for (let i = 0; i < 2; i++) this.list.append(h('div', { class: 'repl-row skeleton' }));
    } else if (!repls.length) {
      this.list.append(h('div', { class: 'empty', testid: 'repls-empty' },
        h('div', { class: 'empty-icon' }, icon('box', 26)),
        h('div', { class: 'empty-title' }, 'No repls yet'),
        h('div', { class: 'empty-text' }, 'Pick a template below to create your first one. It opens in the IDE right away.')));
    } else {
      const shown = arrangeRepls(repls, this.search.value, this.sort);
      if (!shown.length) {
        this.list.append(h('div', { class: 'empty small-list', testid: 'repls-no-match' },
          h('div', { class: 'empty-text' }, 'No repl matches ', h('strong', null, `“${this.search.value.trim()}”`), '.')));
      }
      const byName = new Map(this.host.templates().map((t) => [t.name, t]));
      for (const r of shown) this.list.append(this.row(r, byName.get(r.template)));
    }
    this.host.onRendered();
  }

  private setSort(value: string): void {
    if (!isReplSort(value)) return;
    this.sort = value;
    localStorage.setItem(SORT_KEY, value);
    this.render();
  }

  private row(r: Repl, t: Template | undefined): HTMLElement {
    const busy = this.busy.get(r.slug);
    const state = busy === 'starting' ? 'starting' : busy === 'stopping' ? 'stopping' : r.state;
    return h('div', {
      class: { 'repl-row': true, deleting: busy === 'deleting' },
      testid: `repl-${r.slug}`,
      dataset: { state, slug: r.slug },
      onclick: (e: MouseEvent) => {
        if ((e.target as HTMLElement).closest('button, a, input, select')) return;
        location.href = ideHref(r.slug);
      },
    },
      templateTile(r.template, 36),
      h('div', { class: 'repl-main' },
        h('a', { class: 'repl-title', href: ideHref(r.slug), testid: 'repl-title', title: replName(r) }, replName(r)),
        h('div', { class: 'repl-sub' },
          // Beneath a title, the slug; a repl without one goes by its slug already.
          r.title?.trim() ? [h('span', { class: 'repl-slug mono', testid: 'repl-slug' }, r.slug), ' · '] : null,
          h('span', { class: 'repl-template' }, t?.title ?? r.template),
          // Which node runs a repl is the administrators' business.
          r.node && this.host.isAdmin() ? h('span', { class: 'repl-node' }, ` · ${r.node}`) : null,
          r.visibility === 'private'
            ? h('span', { class: 'repl-private', testid: 'repl-private', title: 'Private preview: only you can open it' }, icon('lock', 11), 'private')
            : null),
        r.description ? h('div', { class: 'repl-desc', testid: 'repl-desc', title: r.description }, r.description) : null),
      h('span', { class: `badge badge-${state}`, testid: 'repl-state' }, STATE_LABEL[state] ?? state),
      h('span', { class: 'repl-time', testid: 'repl-active', title: `Last active ${absoluteTime(r.lastActiveAt)}` }, icon('clock', 13), relativeTime(r.lastActiveAt)),
      h('div', { class: 'repl-actions' },
        h('a', { class: 'btn btn-sm', href: ideHref(r.slug), testid: 'repl-open' }, icon('code', 14), 'Open'),
        this.powerButton(r, state, busy !== undefined),
        h('button', {
          class: 'icon-button', title: 'Rename', 'aria-label': `Rename ${replName(r)}`, testid: 'repl-rename', disabled: busy === 'deleting',
          onclick: () => void this.rename(r),
        }, icon('pencil', 14)),
        h('button', {
          class: 'icon-button danger', title: 'Delete repl', 'aria-label': `Delete ${replName(r)}`, testid: 'repl-delete', disabled: busy === 'deleting',
          onclick: () => void this.remove(r),
        }, busy === 'deleting' ? h('div', { class: 'spinner' }) : icon('trash', 15))));
  }

  /** Stop for a running repl, Start for a stopped (or failed) one, a spinner while it changes. */
  private powerButton(r: Repl, state: string, busy: boolean): HTMLElement {
    if (state === 'running') {
      return h('button', {
        class: 'btn btn-sm btn-ghost repl-power', testid: 'repl-stop', disabled: busy,
        title: 'Stop the repl: its container ends, its files stay', onclick: () => void this.power(r, 'stopping'),
      }, icon('stop', 12), 'Stop');
    }
    if (state === 'stopped' || state === 'failed') {
      return h('button', {
        class: 'btn btn-sm btn-ghost repl-power', testid: 'repl-start', disabled: busy,
        title: 'Start the repl without opening it', onclick: () => void this.power(r, 'starting'),
      }, icon('play', 12), 'Start');
    }
    return h('button', { class: 'btn btn-sm btn-ghost repl-power', disabled: true, testid: 'repl-power-busy' },
      h('div', { class: 'spinner' }), state === 'stopping' ? 'Stopping' : 'Starting');
  }

  private async power(r: Repl, change: 'stopping' | 'starting'): Promise<void> {
    this.busy.set(r.slug, change);
    this.render();
    try {
      if (change === 'stopping') {
        await stopRepl(r.slug);
        toast('success', 'Repl stopped', `${replName(r)}: its files are kept; start or open it to run it again.`, undefined, `power-${r.slug}`);
      } else {
        await startRepl(r.slug);
        toast('success', 'Repl started', replName(r), undefined, `power-${r.slug}`);
      }
    } catch (e) {
      if (!isUnauthenticated(e)) toastError(change === 'stopping' ? 'Could not stop the repl' : 'Could not start the repl', e, `power-${r.slug}`);
    } finally {
      this.busy.delete(r.slug);
      this.stale = true;
      await this.refresh();
    }
  }

  private async rename(r: Repl): Promise<void> {
    const renamed = await renameDialog(r);
    if (!renamed || !this.repls) return;
    this.repls = this.repls.map((x) => (x.slug === renamed.slug ? renamed : x));
    this.render();
    toast('success', 'Repl renamed', replName(renamed), undefined, `rename-${r.slug}`);
  }

  private async remove(r: Repl): Promise<void> {
    const ok = await confirmDialog({
      title: 'Delete this repl?',
      message: h('span', null, 'The repl ', h('strong', null, replName(r)), ' (', h('code', null, r.slug), ') will be stopped and its files deleted for good. This cannot be undone.'),
      confirmLabel: 'Delete repl',
      danger: true,
    });
    if (!ok) return;
    this.busy.set(r.slug, 'deleting');
    this.render();
    try {
      await deleteRepl(r.slug);
      toast('success', 'Repl deleted', replName(r));
    } catch (e) {
      if (!isUnauthenticated(e)) toastError('Could not delete the repl', e);
    } finally {
      this.busy.delete(r.slug);
      this.stale = true;
      await this.refresh();
    }
  }
}

export const ideHref = (slug: string) => `/ide/${encodeURIComponent(slug)}`;
