// "Change password": the current one and a new one (twice), with the problem shown next to the field it is about.
import { h } from '../lib/dom';
import { MIN_PASSWORD } from '../lib/auth';
import { ApiError, User } from '../lib/api';
import { changePassword } from '../lib/account-api';
import { toast } from '../lib/toast';
import { busy, errorSentence, inlineError, passwordField, section } from './fields';

const FALLBACK: Record<string, string> = {
  wrong_password: 'The current password is wrong.',
  weak_password: `A new password needs at least ${MIN_PASSWORD} characters.`,
  rate_limited: 'Too many attempts. Wait a minute, then try again.',
  network: 'Pier cannot be reached. Check your connection and try again.',
};

export function passwordSection(user: User): HTMLElement {
  const current = passwordField('password-current', 'Current password', 'current-password');
  const fresh = passwordField('password-new', 'New password', 'new-password', `At least ${MIN_PASSWORD} characters`);
  const again = passwordField('password-again', 'New password, again', 'new-password');
  const error = inlineError('password-error');
  const submit = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'password-submit' }, 'Change password');

  const fail = (message: string, field: typeof current) => {
    error.show(message);
    field.invalid(true);
    field.input.select();
    field.input.focus();
  };

  const form = h('form', {
    class: 'account-form', testid: 'password-form', novalidate: true,
    onsubmit: (e: Event) => { e.preventDefault(); void send(); },
  },
  // A hidden username lets password managers file the new password under the right account.
  h('input', { type: 'text', name: 'username', autocomplete: 'username', value: user.username, hidden: true, readonly: true }),
  error.el, current.field, fresh.field, again.field,
  h('div', { class: 'account-actions' }, submit));

  async function send(): Promise<void> {
    if (submit.disabled) return;
    error.show(null);
    if (!current.input.value) return fail('Enter your current password.', current);
    if (fresh.input.value.length < MIN_PASSWORD) return fail(FALLBACK.weak_password, fresh);
    if (fresh.input.value !== again.input.value) return fail('The two new passwords differ.', again);
    try {
      await busy(submit, 'Changing…', () => changePassword(user.username, current.input.value, fresh.input.value));
    } catch (e) {
      const code = e instanceof ApiError ? e.code : 'network';
      fail(errorSentence(e, FALLBACK), code === 'weak_password' ? fresh : current);
      return;
    }
    form.reset();
    toast('success', 'Password changed', 'Every other browser and session of yours is signed out.');
  }

  return section('password-section', 'Password',
    'A new password signs you out everywhere else. Your API keys keep working.', form);
}
