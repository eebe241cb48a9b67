// "Delete account": deletes the account with all its repls and API keys, after typing its name and its password.
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import { User } from '../lib/api';
import { deleteAccount } from '../lib/account-api';
import { busy, errorSentence, inlineError, passwordField, section } from './fields';

const FALLBACK: Record<string, string> = {
  wrong_password: 'The password is wrong.',
  rate_limited: 'Too many attempts. Wait a minute, then try again.',
  repls_not_deleted: 'Not every repl could be deleted; your account is kept. Try again in a moment.',
  network: 'Pier cannot be reached. Check your connection and try again.',
};

/** `onDeleted` runs once the account is gone (and the cookie cleared). */
export function dangerSection(user: User, onDeleted: (replsDeleted: number) => void): HTMLElement {
  const confirmName = h('input', {
    class: 'field-input', id: 'delete-confirm', name: 'delete-confirm', type: 'text', testid: 'delete-confirm',
    autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', placeholder: user.username,
  });
  const password = passwordField('delete-password', 'Your password', 'current-password');
  const error = inlineError('delete-error');
  const submit = h('button', { class: 'btn btn-danger', type: 'submit', testid: 'delete-submit', disabled: true },
    icon('trash', 14), 'Delete my account');
  const armed = () => confirmName.value.trim() === user.username && password.input.value !== '';
  const update = () => { submit.disabled = !armed(); error.show(null); };
  confirmName.addEventListener('input', update);
  password.input.addEventListener('input', update);

  const form = h('form', {
    class: 'account-form', testid: 'delete-form', novalidate: true,
    onsubmit: (e: Event) => { e.preventDefault(); void send(); },
  },
  h('ul', { class: 'danger-list' },
    h('li', null, 'Every repl of yours is stopped and deleted with its files.'),
    h('li', null, 'Every API key of yours is revoked.'),
    h('li', null, 'You are signed out everywhere; the username becomes free.')),
  error.el,
  h('div', { class: 'field' },
    h('label', { class: 'field-label', for: 'delete-confirm' }, 'Type ', h('code', null, user.username), ' to confirm'),
    h('div', { class: 'field-box' }, h('span', { class: 'field-icon' }, icon('user', 15)), confirmName)),
  password.field,
  h('div', { class: 'account-actions' }, submit));

  async function send(): Promise<void> {
    if (!armed() || submit.disabled) return;
    error.show(null);
    try {
      const done = await busy(submit, 'Deleting…', () => deleteAccount(user.username, password.input.value));
      onDeleted(done.replsDeleted);
    } catch (e) {
      error.show(errorSentence(e, FALLBACK));
      password.invalid(true);
      password.input.select();
      password.input.focus();
      submit.disabled = !armed();
    }
  }

  const card = section('delete-section', 'Delete account', 'This cannot be undone.', form);
  card.classList.add('danger-zone');
  return card;
}
