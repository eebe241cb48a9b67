// The Share dialog's invite form, its owner's only: an account's name and a role, and Invite. What the API refuses
// (no such account, the owner itself, too many collaborators) shows under the field with the API's own message, and
// the form stays as typed so that the name can be corrected.
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import { ApiError, Collaborator, CollaboratorRole, errorTitle, isUnauthenticated, shareRepl } from '../lib/api';
import { roleSelect } from './sharerows';

export interface InviteForm {
  readonly el: HTMLFormElement;
  focus(): void;
}

/** `onInvited` gets the account and its role as the API answered them. */
export function inviteForm(slug: string, onInvited: (c: Collaborator) => void): InviteForm {
  let busy = false;
  const account = h('input', {
    class: 'share-input', type: 'text', name: 'account', testid: 'share-account', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'Username', 'aria-label': 'Username to share with', 'aria-describedby': 'share-invite-error',
  });
  const role = roleSelect('viewer', 'Role to give', 'share-role');
  const invite = h('button', { class: 'btn btn-primary btn-sm', type: 'submit', testid: 'share-invite' }, icon('userPlus', 13), 'Invite');
  const error = h('div', { class: 'share-error', id: 'share-invite-error', testid: 'share-invite-error', role: 'alert', hidden: true });

  const showError = (title: string | null, message = '') => {
    error.hidden = title === null;
    error.replaceChildren(...(title === null ? [] : [icon('alert', 13), h('span', null, h('strong', null, title), message ? ` ${message}` : '')]));
    account.setAttribute('aria-invalid', String(title !== null));
  };
  account.addEventListener('input', () => showError(null));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const name = account.value.trim();
    if (!name) { showError('Type a username.'); account.focus(); return; }
    busy = true;
    invite.disabled = true;
    showError(null);
    try {
      const shared = await shareRepl(slug, name, role.value as CollaboratorRole);
      account.value = '';
      onInvited(shared);
    } catch (err) {
      if (isUnauthenticated(err)) return;
      const apiError = err instanceof ApiError ? err : null;
      // The server's message names the account and what is wrong; the title says it in a word.
      showError(apiError ? `${errorTitle(apiError.code)}:` : 'Could not share the repl:', apiError?.message ?? String(err));
      account.focus();
      account.select();
    } finally {
      busy = false;
      invite.disabled = false;
    }
  };

  const el = h('form', { class: 'share-invite', testid: 'share-invite-form', onsubmit: submit, novalidate: true },
    h('div', { class: 'share-invite-row' }, account, role, invite),
    error);
  return { el, focus: () => account.focus() };
}
