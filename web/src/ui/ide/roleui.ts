// The caller's role in the IDE, when it is not the owner's: a badge in the header that says it, with what the role
// allows as its tooltip (on hover and on focus), and the short notice a viewer gets on trying what only an owner or
// an editor may (typing into the editor or a terminal, running the app).
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import { toast } from '../lib/toast';
import { Access, ROLE_HELP, ROLE_LABEL } from '../lib/access';

/** The Editor or Viewer badge; null for the owner, who needs none. */
export function roleBadge(access: Access): HTMLElement | null {
  if (access.role === 'owner') return null;
  const tip = h('span', { class: 'role-tip', role: 'tooltip', id: 'role-tip', testid: 'role-tip' },
    h('strong', null, access.role === 'editor' ? 'You are an editor of this repl. ' : 'You are a viewer of this repl. '),
    ROLE_HELP[access.role]);
  return h('span', {
    class: `role-badge role-${access.role}`, testid: 'role-badge', dataset: { role: access.role },
    tabindex: '0', 'aria-describedby': 'role-tip',
  }, icon(access.role === 'viewer' ? 'eye' : 'pencil', 12), ROLE_LABEL[access.role], tip);
}

const NOTICE_EVERY_MS = 2500;
let lastNotice = { what: '', at: 0 };

/** Tells a viewer that `what` is not theirs to do; a burst of refused keys gets one notice, not one per key. */
export function viewerRefused(what: string): void {
  const t = Date.now();
  if (what === lastNotice.what && t - lastNotice.at < NOTICE_EVERY_MS) return;
  lastNotice = { what, at: t };
  toast('info', 'View only', `${what} Ask the owner to make you an editor, or fork the repl to change your own copy.`, 5000, 'view-only');
}
