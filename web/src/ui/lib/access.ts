// What the signed-in user may do with a repl, from its role in it (the repl's `role`, as the API answers it to the
// caller): its owner everything; an editor change its files, run it and use its terminals, not manage it; a viewer only
// look. Pier refuses whatever the role does not allow; the pages only leave out what would be refused. Pure: no DOM,
// so that it is tested without a browser.
import type { Repl, ReplRole } from './api-types';

export interface Access {
  role: ReplRole;
  /** Write, create, move and delete files; run and stop the app; open, type into and close terminals; stop the repl. */
  canChange: boolean;
  /** Name it, set its preview's visibility, its variables and secrets, share it, delete it. */
  canManage: boolean;
}

/** The caller's access to a repl. An API from before sharing answers no role: only owners could read a repl then. */
export function accessOf(repl: Pick<Repl, 'role'>): Access {
  const role: ReplRole = repl.role ?? 'owner';
  return { role, canChange: role !== 'viewer', canManage: role === 'owner' };
}

export const ROLE_LABEL: Record<ReplRole, string> = { owner: 'Owner', editor: 'Editor', viewer: 'Viewer' };

/** What each role may do, in a sentence: the IDE badge's tooltip and the Share dialog's legend. */
export const ROLE_HELP: Record<ReplRole, string> = {
  owner: 'Owns the repl: everything, including its name, secrets, preview visibility and who it is shared with.',
  editor: 'Can change files, run the app and use terminals. Its name, secrets, preview visibility and sharing stay with the owner.',
  viewer: 'Can read files, watch terminals and the run output, open the preview and fork the repl; cannot change anything.',
};
