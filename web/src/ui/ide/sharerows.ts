// The rows of the Share dialog's list: the owner, then each collaborator with its role. The owner of the repl gets a
// role select and a remove button on each collaborator's row; anyone else reads the roles.
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import type { Collaborator, CollaboratorRole } from '../lib/api';
import { ROLE_HELP, ROLE_LABEL } from '../lib/access';

/** What the owner can do to a collaborator from its row; each settles once Pier has it (or throws). */
export interface RowActions {
  setRole(account: string, role: CollaboratorRole): Promise<void>;
  remove(account: string): Promise<void>;
}

const ROLES: CollaboratorRole[] = ['editor', 'viewer'];

/** A select of Editor / Viewer, each option's tooltip saying what the role may do. */
export function roleSelect(value: CollaboratorRole, label: string, testid: string): HTMLSelectElement {
  const select = h('select', { class: 'share-role', 'aria-label': label, testid },
    ...ROLES.map((r) => h('option', { value: r, title: ROLE_HELP[r] }, ROLE_LABEL[r])));
  select.value = value;
  return select;
}

const avatar = (account: string) => h('span', { class: 'avatar share-avatar', 'aria-hidden': 'true' }, account.slice(0, 1).toUpperCase());
const you = (account: string, me: string | null) => (account === me ? h('span', { class: 'share-you' }, '(you)') : null);

export function ownerRow(owner: string, me: string | null): HTMLElement {
  return h('li', { class: 'share-row', testid: `share-owner-${owner}`, dataset: { account: owner, role: 'owner' } },
    avatar(owner),
    h('span', { class: 'share-name mono' }, owner, you(owner, me)),
    h('span', { class: 'share-role-text', title: ROLE_HELP.owner }, ROLE_LABEL.owner));
}

/** A collaborator's row: editable with `actions` (the owner's view), read-only without. */
export function collaboratorRow(c: Collaborator, me: string | null, actions: RowActions | null): HTMLElement {
  const row = h('li', { class: 'share-row', testid: `share-row-${c.account}`, dataset: { account: c.account, role: c.role } },
    avatar(c.account),
    h('span', { class: 'share-name mono' }, c.account, you(c.account, me)));
  if (!actions) {
    row.append(h('span', { class: 'share-role-text', testid: 'share-role-text', title: ROLE_HELP[c.role] }, ROLE_LABEL[c.role]));
    return row;
  }
  const select = roleSelect(c.role, `Role of ${c.account}`, `share-role-${c.account}`);
  const remove = h('button', {
    class: 'icon-button share-remove', type: 'button', title: `Stop sharing with ${c.account}`,
    'aria-label': `Remove ${c.account}`, testid: `share-remove-${c.account}`,
  }, icon('x', 14));
  const busy = (on: boolean) => { select.disabled = on; remove.disabled = on; row.classList.toggle('busy', on); };
  select.addEventListener('change', async () => {
    const role = select.value as CollaboratorRole;
    busy(true);
    try {
      await actions.setRole(c.account, role);
      c.role = role;
      row.dataset.role = role;
    } catch {
      select.value = c.role; // refused: the role it still has
    } finally {
      busy(false);
    }
  });
  remove.addEventListener('click', async () => {
    busy(true);
    try { await actions.remove(c.account); } catch { busy(false); }
  });
  row.append(select, remove);
  return row;
}
