// The Share dialog of the IDE: who the repl is shared with, and as what (GET /api/repls/<slug>/collaborators). Its
// owner invites accounts (shareinvite.ts), changes their roles and removes them; a collaborator reads the list and
// can leave the repl. The owner also turns the repl's fork link on and off (forklink.ts). Refusals show in the dialog
// with the API's message; Escape, a click outside or Close close it.
import '../styles/share.css';
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import {
  ApiError, Collaborator, Collaborators, CollaboratorRole, Repl, isUnauthenticated, listCollaborators, me, shareRepl,
  unshareRepl,
} from '../lib/api';
import { Access, ROLE_HELP } from '../lib/access';
import { confirmDialog } from '../lib/modal';
import { toast } from '../lib/toast';
import { forkLinkSection } from './forklink';
import { inviteForm } from './shareinvite';
import { RowActions, collaboratorRow, ownerRow } from './sharerows';

export function openShareDialog(repl: Repl, access: Access): void {
  const slug = repl.slug;
  const owner = access.canManage;
  const previous = document.activeElement as HTMLElement | null;
  let shared: Collaborators | null = null;
  let myName: string | null = null;

  const list = h('ul', { class: 'share-list', testid: 'share-list', 'aria-label': 'People with access' },
    h('li', { class: 'share-note' }, h('div', { class: 'spinner' }), 'Loading…'));
  const problem = h('div', { class: 'share-error', testid: 'share-error', role: 'alert', hidden: true });
  // Said to screen readers as it happens: a role changed, an account removed.
  const status = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', testid: 'share-status' });

  const showProblem = (what: string | null, err?: unknown) => {
    problem.hidden = what === null;
    const message = err instanceof ApiError ? err.message : err ? String(err) : '';
    problem.replaceChildren(...(what === null ? [] : [icon('alert', 13), h('span', null, h('strong', null, what), message ? ` ${message}` : '')]));
  };

  const render = () => {
    if (!shared) return;
    const rows = [ownerRow(shared.owner, myName),
      ...shared.collaborators.map((c) => collaboratorRow(c, myName, owner ? actions : null))];
    if (!shared.collaborators.length) {
      rows.push(h('li', { class: 'share-note', testid: 'share-empty' },
        owner ? 'Not shared with anyone yet. Invite an account above.' : 'Not shared with anyone else.'));
    }
    list.replaceChildren(...rows);
    leave.hidden = owner || !myName || !shared.collaborators.some((c) => c.account === myName);
  };

  const upsert = (c: Collaborator) => {
    if (!shared) return;
    const i = shared.collaborators.findIndex((x) => x.account === c.account);
    if (i >= 0) shared.collaborators[i] = c;
    else shared.collaborators = [...shared.collaborators, c].sort((a, b) => a.account.localeCompare(b.account));
  };

  const actions: RowActions = {
    async setRole(account: string, role: CollaboratorRole) {
      showProblem(null);
      try {
        upsert(await shareRepl(slug, account, role));
        status.textContent = `${account} is now ${role === 'editor' ? 'an editor' : 'a viewer'}.`;
      } catch (e) {
        if (!isUnauthenticated(e)) showProblem(`Could not change the role of ${account}:`, e);
        throw e;
      }
    },
    async remove(account: string) {
      showProblem(null);
      try {
        await unshareRepl(slug, account);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'not_a_collaborator') { void reload(); return; }
        if (!isUnauthenticated(e)) showProblem(`Could not remove ${account}:`, e);
        throw e;
      }
      if (shared) shared.collaborators = shared.collaborators.filter((c) => c.account !== account);
      status.textContent = `${account} no longer has access.`;
      render();
    },
  };

  const reload = async () => {
    try {
      [shared, myName] = await Promise.all([listCollaborators(slug), me().then((u) => u.username)]);
      render();
    } catch (e) {
      if (isUnauthenticated(e)) return;
      list.replaceChildren(h('li', { class: 'share-note' }, 'Could not load who the repl is shared with.'));
      showProblem('Could not load the list:', e);
    }
  };

  const invite = owner ? inviteForm(slug, (c) => {
    upsert(c);
    render();
    status.textContent = `Shared with ${c.account} as ${c.role === 'editor' ? 'an editor' : 'a viewer'}.`;
    toast('success', `Shared with ${c.account}`, c.role === 'editor' ? 'They can edit, run and use terminals.' : 'They can look: files, terminals, preview.', undefined, 'share');
  }) : null;

  const leave = h('button', {
    class: 'btn btn-outline-danger', type: 'button', testid: 'share-leave', hidden: true,
    onclick: async () => {
      const ok = await confirmDialog({
        title: 'Leave this repl?',
        message: h('span', null, 'You will no longer be able to open ', h('code', null, slug), '. Its owner can share it with you again.'),
        confirmLabel: 'Leave',
        danger: true,
      });
      if (!ok || !myName) return;
      leave.disabled = true;
      try {
        await unshareRepl(slug, myName);
        toast('success', 'You left the repl', slug);
        location.href = '/';
      } catch (e) {
        leave.disabled = false;
        if (!isUnauthenticated(e)) showProblem('Could not leave the repl:', e);
      }
    },
  }, icon('logOut', 14), 'Leave');

  const close = () => {
    document.removeEventListener('keydown', onKey, true);
    backdrop.remove();
    previous?.focus?.();
  };
  const onKey = (e: KeyboardEvent) => {
    // The confirmation of Leave sits above this dialog and takes its own Escape.
    if (e.key === 'Escape' && !document.querySelector('[data-testid="confirm-dialog"]')) { e.preventDefault(); e.stopPropagation(); close(); }
  };
  const dialog = h('div', { class: 'modal share-dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'share-title', testid: 'share-dialog' },
    h('div', { class: 'modal-head' },
      h('span', { class: 'modal-icon share-icon' }, icon('users', 17)),
      h('h2', { id: 'share-title' }, owner ? 'Share this repl' : 'Who has access')),
    h('div', { class: 'share-body' },
      h('dl', { class: 'share-legend' },
        h('dt', null, 'Editors'), h('dd', null, ROLE_HELP.editor),
        h('dt', null, 'Viewers'), h('dd', null, ROLE_HELP.viewer)),
      invite?.el ?? null,
      list,
      owner ? forkLinkSection(repl, showProblem, (r) => {
        status.textContent = r.forkable ? 'The fork link is on.' : 'The fork link is off.';
      }) : null,
      problem,
      status),
    h('div', { class: 'modal-actions share-actions' },
      leave,
      h('button', { class: 'btn btn-ghost', type: 'button', testid: 'share-close', onclick: close }, 'Close')));
  const backdrop = h('div', { class: 'modal-backdrop', onmousedown: (e: MouseEvent) => { if (e.target === backdrop) close(); } }, dialog);
  document.body.appendChild(backdrop);
  document.addEventListener('keydown', onKey, true);
  if (invite) invite.focus(); else (dialog.querySelector('[data-testid="share-close"]') as HTMLElement).focus();
  void reload();
}

/** The header's Share button: the dialog for everyone who can open the IDE (the owner manages, others look). */
export function shareButton(repl: () => Repl, access: Access): HTMLButtonElement {
  return h('button', {
    class: 'btn btn-ghost btn-sm', testid: 'share-button', 'aria-haspopup': 'dialog',
    title: access.canManage ? 'Share this repl with other accounts, as editors or viewers' : 'See who this repl is shared with',
    onclick: () => openShareDialog(repl(), access),
  }, icon('users', 13), 'Share');
}
