// The sign-in card of the home page: "Sign in" and "Create account" in one form, with inline errors.
import { h } from '../lib/dom';
import { icon, logo } from '../lib/icons';
import { ApiError, User, signIn, signUp } from '../lib/api';
import { MIN_PASSWORD, PREVIEW_SIGN_IN, USERNAME_RE } from '../lib/auth';

type Mode = 'signin' | 'signup';

export interface AuthViewOptions {
  /** The IDE path to go back to after signing in, if the IDE sent the user here. */
  next: string | null;
  /** A neutral note above the form, e.g. "Your session has ended". */
  notice?: string;
  onSignedIn: (user: User) => void;
}

/** What each error code means when the server sends no message. */
const FALLBACK: Record<string, string> = {
  bad_credentials: 'Wrong username or password.',
  rate_limited: 'Too many attempts. Wait a minute, then try again.',
  signup_closed: 'This Pier does not take new sign-ups. Ask an admin for an account.',
  username_taken: 'That username is taken. Pick another one.',
  invalid_username: 'Usernames are 3–32 characters: lower-case letters, digits, _ and -.',
  weak_password: `Passwords need at least ${MIN_PASSWORD} characters.`,
  invalid_request: 'Fill in a username and a password.',
  network: 'Pier cannot be reached. Check your connection and try again.',
};

/** Which field an error code is about, to mark it. */
const FIELD: Record<string, 'username' | 'password' | 'both'> = {
  bad_credentials: 'both', username_taken: 'username', invalid_username: 'username', weak_password: 'password',
};

/** A server message ("that name is taken") as a sentence: "That name is taken." */
function sentence(message: string): string {
  const m = message.trim();
  if (!m) return m;
  return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?…]$/.test(m) ? '' : '.');
}

/** The repl's name in an IDE path or a private preview's sign-in, for the subtitle. */
function slugOf(next: string): string {
  if (next.startsWith(`${PREVIEW_SIGN_IN}?`)) return new URLSearchParams(next.slice(next.indexOf('?'))).get('slug') ?? '';
  const raw = next.replace(/^\/ide\//, '').split(/[/?#]/)[0];
  try { return decodeURIComponent(raw); } catch { return raw; }
}

export function authView(opts: AuthViewOptions): HTMLElement {
  let mode: Mode = 'signin';
  let busy = false;

  const username = h('input', {
    class: 'field-input', id: 'auth-username', name: 'username', type: 'text', testid: 'auth-username',
    autocomplete: 'username', autocapitalize: 'none', autocorrect: 'off', spellcheck: 'false', maxlength: '32',
    placeholder: 'your-name', required: true,
  });
  const password = h('input', {
    class: 'field-input', id: 'auth-password', name: 'password', type: 'password', testid: 'auth-password',
    autocomplete: 'current-password', placeholder: '••••••••', required: true,
  });
  const reveal = h('button', {
    class: 'icon-button field-reveal', type: 'button', title: 'Show password', 'aria-label': 'Show password', 'aria-pressed': 'false',
    onclick: () => {
      const show = password.type === 'password';
      password.type = show ? 'text' : 'password';
      reveal.title = show ? 'Hide password' : 'Show password';
      reveal.setAttribute('aria-label', reveal.title);
      reveal.setAttribute('aria-pressed', String(show));
      reveal.replaceChildren(icon(show ? 'eyeOff' : 'eye', 16));
      password.focus();
    },
  }, icon('eye', 16));
  const userHint = h('div', { class: 'field-hint', id: 'auth-username-hint' }, '3–32 characters: a–z, 0–9, _ and -');
  const passHint = h('div', { class: 'field-hint', id: 'auth-password-hint' }, `At least ${MIN_PASSWORD} characters`);
  const errorText = h('span', { class: 'auth-error-text' });
  const error = h('div', { class: 'auth-error', testid: 'auth-error', role: 'alert', hidden: true }, icon('alert', 16), errorText);
  const title = h('h1', { class: 'auth-title' });
  const subtitle = h('p', { class: 'auth-sub' });
  const submitLabel = h('span', null);
  const submit = h('button', { class: 'btn btn-primary auth-submit', type: 'submit', testid: 'auth-submit' }, submitLabel);
  const switchText = h('span', null);
  const toggle = h('button', { class: 'link-button', type: 'button', testid: 'auth-toggle', onclick: () => setMode(mode === 'signin' ? 'signup' : 'signin') });

  const form = h('form', { class: 'auth-card', testid: 'auth-form', novalidate: true, onsubmit: (e: Event) => { e.preventDefault(); void send(); } },
    h('div', { class: 'auth-head' }, title, subtitle),
    opts.notice ? h('div', { class: 'auth-note', testid: 'auth-notice' }, icon('lock', 15), h('span', null, opts.notice)) : null,
    error,
    h('div', { class: 'field' },
      h('label', { class: 'field-label', for: 'auth-username' }, 'Username'),
      h('div', { class: 'field-box' }, h('span', { class: 'field-icon' }, icon('user', 15)), username),
      userHint),
    h('div', { class: 'field' },
      h('label', { class: 'field-label', for: 'auth-password' }, 'Password'),
      h('div', { class: 'field-box' }, h('span', { class: 'field-icon' }, icon('lock', 15)), password, reveal),
      passHint),
    submit);

  const view = h('div', { class: 'auth-page', testid: 'auth' },
    h('main', { class: 'auth-main' },
      h('a', { class: 'auth-brand', href: '/' }, logo(40), h('span', null, 'Pier')),
      form,
      h('p', { class: 'auth-switch' }, switchText, ' ', toggle)),
    h('footer', { class: 'auth-foot' }, 'Self-hosted repls: containers, terminals and live previews on machines you own.'));

  // Usernames are lower case: say so by typing them that way.
  username.addEventListener('input', () => {
    const lower = username.value.toLowerCase();
    if (lower !== username.value) {
      const at = username.selectionStart;
      username.value = lower;
      if (at !== null) username.setSelectionRange(at, at);
    }
    mark(null);
  });
  password.addEventListener('input', () => mark(null));

  function setMode(m: Mode): void {
    mode = m;
    form.dataset.mode = m;
    const signup = m === 'signup';
    title.textContent = signup ? 'Create your account' : 'Sign in to Pier';
    subtitle.replaceChildren(...(opts.next
      ? ['Continue to ', h('code', null, slugOf(opts.next)), signup ? ' once your account is ready.' : ' after signing in.']
      : [signup ? 'Your own repls, on machines you own.' : 'Welcome back. Your repls are waiting.']));
    submitLabel.textContent = signup ? 'Create account' : 'Sign in';
    switchText.textContent = signup ? 'Already have an account?' : 'New to Pier?';
    toggle.textContent = signup ? 'Sign in' : 'Create an account';
    password.autocomplete = signup ? 'new-password' : 'current-password';
    userHint.hidden = passHint.hidden = !signup;
    username.setAttribute('aria-describedby', signup ? 'auth-username-hint' : '');
    password.setAttribute('aria-describedby', signup ? 'auth-password-hint' : '');
    showError(null);
    requestAnimationFrame(() => (username.value ? password : username).focus());
  }

  function mark(field: 'username' | 'password' | 'both' | null): void {
    username.closest('.field')!.classList.toggle('invalid', field === 'username' || field === 'both');
    password.closest('.field')!.classList.toggle('invalid', field === 'password' || field === 'both');
    username.setAttribute('aria-invalid', String(field === 'username' || field === 'both'));
    password.setAttribute('aria-invalid', String(field === 'password' || field === 'both'));
  }

  function showError(message: string | null, field: 'username' | 'password' | 'both' | null = null): void {
    error.hidden = message === null;
    errorText.textContent = message ?? '';
    mark(field);
    if (message !== null) {
      error.classList.remove('shake');
      void error.offsetWidth; // restart the animation
      error.classList.add('shake');
    }
  }

  function validate(name: string, pass: string): boolean {
    if (!name) { showError('Enter your username.', 'username'); username.focus(); return false; }
    if (!pass) { showError('Enter your password.', 'password'); password.focus(); return false; }
    if (mode === 'signup' && !USERNAME_RE.test(name)) { showError(FALLBACK.invalid_username, 'username'); username.focus(); return false; }
    if (mode === 'signup' && pass.length < MIN_PASSWORD) { showError(FALLBACK.weak_password, 'password'); password.focus(); return false; }
    return true;
  }

  async function send(): Promise<void> {
    if (busy) return;
    const name = username.value.trim().toLowerCase();
    const pass = password.value;
    if (!validate(name, pass)) return;
    busy = true;
    form.classList.add('busy');
    submit.disabled = true;
    submit.replaceChildren(h('div', { class: 'spinner on-color' }), mode === 'signup' ? 'Creating account…' : 'Signing in…');
    try {
      const user = await (mode === 'signup' ? signUp(name, pass) : signIn(name, pass));
      opts.onSignedIn(user);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'network', String(e));
      showError(err.fromServer || err.code === 'network' ? sentence(err.message) : FALLBACK[err.code] ?? `Something went wrong (${err.code}). Try again.`, FIELD[err.code] ?? null);
      if (FIELD[err.code] === 'username') username.select();
      else if (FIELD[err.code]) { password.select(); password.focus(); }
    } finally {
      busy = false;
      form.classList.remove('busy');
      submit.disabled = false;
      submit.replaceChildren(submitLabel);
    }
  }

  setMode('signin');
  return view;
}
