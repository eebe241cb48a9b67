// "Shared with you" on the home page: the repls other accounts shared with the user (GET /api/repls?scope=shared),
// each with its owner, the user's role in it, its state and last activity; a row opens the IDE, and Leave gives the
// repl back. The section is not shown while there is none.
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import { Repl, Template, isUnauthenticated, listSharedRepls, unshareRepl } from '../lib/api';
import { ROLE_HELP, ROLE_LABEL, accessOf } from '../lib/access';
import { toast, toastError } from '../lib/toast';
import { confirmDialog } from '../lib/modal';
import { relativeTime, absoluteTime } from '../lib/time';
import { templateTile } from '../lib/templateicons';
import { compareRepls, replName } from './replquery';
import { STATE_LABEL, ideHref } from './repllist';

export interface SharedListHost {
  /** The sign-in the page is showing (changes with every sign-out), or null when signed out. */
  session(): number | null;
  username(): string | null;
  templates(): Template[];
}

export class SharedList {
  readonly el: HTMLElement;
  /** The repls shared with the user as last listed; null until listed. */
  repls: Repl[] | null = null;
  private readonly list = h('div', { class: 'repl-list', testid: 'shared-repls' });
  private readonly count = h('span', { class: 'section-count' });
  private refreshing = false;

  constructor(private readonly host: SharedListHost) {
    this.el = h('section', { class: 'repls-section shared-section', testid: 'shared-section', hidden: true, 'aria-labelledby': 'shared-heading' },
      h('div', { class: 'section-head' },
        h('h2', { id: 'shared-heading' }, icon('users', 20), 'Shared with you', this.count)),
      this.list);
  }

  /** Forgets the list (signed out, or about to list again). */
  reset(): void {
    this.repls = null;
    this.refreshing = false;
    this.render();
  }

  async refresh(userAsked = false): Promise<void> {
    const mine = this.host.session();
    if (mine === null || this.refreshing) return;
    this.refreshing = true;
    try {
      // The user's own repls never count as shared (an API from before sharing ignores the scope and lists them).
      const list = (await listSharedRepls()).filter((r) => r.owner !== this.host.username());
      if (this.host.session() !== mine) return;
      // Drawn again only when something changed: a redraw drops the focus of a row's buttons.
      if (JSON.stringify(list) === JSON.stringify(this.repls)) return;
      this.repls = list;
      this.render();
    } catch (e) {
      if (this.host.session() !== mine || isUnauthenticated(e)) return;
      if (userAsked) toastError('Could not list the repls shared with you', e);
    } finally {
      if (this.host.session() === mine) this.refreshing = false;
    }
  }

  render(): void {
    const repls = [...(this.repls ?? [])].sort((a, b) => compareRepls('active', a, b));
    this.el.hidden = !repls.length;
    this.count.textContent = repls.length ? String(repls.length) : '';
    const byName = new Map(this.host.templates().map((t) => [t.name, t]));
    this.list.replaceChildren(...repls.map((r) => this.row(r, byName.get(r.template))));
  }

  private row(r: Repl, t: Template | undefined): HTMLElement {
    const role = accessOf(r).role;
    return h('div', {
      class: 'repl-row shared-row', testid: `shared-${r.slug}`, dataset: { state: r.state, slug: r.slug, role },
      onclick: (e: MouseEvent) => {
        if ((e.target as HTMLElement).closest('button, a')) return;
        location.href = ideHref(r.slug);
      },
    },
      templateTile(r.template, 36),
      h('div', { class: 'repl-main' },
        h('a', { class: 'repl-title', href: ideHref(r.slug), testid: 'repl-title', title: replName(r) }, replName(r)),
        h('div', { class: 'repl-sub' },
          h('span', { class: 'shared-owner', testid: 'shared-owner', title: `Owned by ${r.owner}` }, icon('user', 11), r.owner),
          ' · ',
          h('span', { class: 'repl-template' }, t?.title ?? r.template),
          ' · ',
          h('span', { class: `shared-role role-${role}`, testid: 'shared-role', title: ROLE_HELP[role] }, ROLE_LABEL[role])),
        r.description ? h('div', { class: 'repl-desc', title: r.description }, r.description) : null),
      h('span', { class: `badge badge-${r.state}`, testid: 'repl-state' }, STATE_LABEL[r.state] ?? r.state),
      h('span', { class: 'repl-time', title: `Last active ${absoluteTime(r.lastActiveAt)}` }, icon('clock', 13), relativeTime(r.lastActiveAt)),
      h('div', { class: 'repl-actions' },
        h('a', { class: 'btn btn-sm', href: ideHref(r.slug), testid: 'shared-open' }, icon('code', 14), 'Open'),
        h('button', {
          class: 'icon-button danger', title: 'Leave: stop having access to this repl', 'aria-label': `Leave ${replName(r)}`,
          testid: 'shared-leave', onclick: () => void this.leave(r),
        }, icon('logOut', 15))));
  }

  private async leave(r: Repl): Promise<void> {
    const me = this.host.username();
    if (!me) return;
    const ok = await confirmDialog({
      title: 'Leave this repl?',
      message: h('span', null, 'You will no longer be able to open ', h('strong', null, replName(r)), `, shared with you by ${r.owner}. They can share it with you again.`),
      confirmLabel: 'Leave',
      danger: true,
    });
    if (!ok) return;
    try {
      await unshareRepl(r.slug, me);
      toast('success', 'You left the repl', replName(r));
    } catch (e) {
      if (!isUnauthenticated(e)) toastError('Could not leave the repl', e);
    }
    await this.refresh();
  }
}
