// The Account page (/account): change the password, see, make and revoke API keys, delete the account.
import '../styles/base.css';
import '../styles/home.css';
import '../styles/account.css';
import { h, clear } from '../lib/dom';
import { icon, logo } from '../lib/icons';
import { ApiError, User, errorTitle, isUnauthenticated, me, onUnauthenticated, signOut } from '../lib/api';
import { initColorScheme, schemeSwitch } from '../lib/colorscheme';
import { toastError } from '../lib/toast';
import { passwordSection } from './password';
import { keysSection } from './keys';
import { dangerSection } from './danger';

const app = document.getElementById('app')!;

/** The home page shows the sign-in card to whoever is not signed in. */
const toSignIn = () => location.replace('/');

function render(user: User): void {
  clear(app);
  document.title = `Your account · Pier`;
  app.append(
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '/' }, logo(26), 'Pier'),
      h('span', { class: 'topbar-tag' }, 'self-hosted'),
      h('div', { class: 'spacer' }),
      schemeSwitch(),
      h('div', { class: 'account', title: `Signed in as ${user.username}${user.admin ? ' (admin)' : ''}` },
        h('span', { class: 'avatar', 'aria-hidden': 'true' }, user.username.slice(0, 1).toUpperCase()),
        h('span', { class: 'account-name mono', testid: 'user-name' }, user.username),
        user.admin ? h('span', { class: 'account-role' }, 'admin') : null),
      h('button', { class: 'btn btn-ghost btn-sm sign-out', testid: 'sign-out', onclick: () => void leave() }, icon('logOut', 14), 'Sign out')),
    h('main', { class: 'home account-main' },
      h('a', { class: 'account-back', href: '/', testid: 'account-back' }, icon('arrowLeft', 14), 'Your repls'),
      h('section', { class: 'hero' },
        h('h1', null, 'Your account'),
        h('p', null, 'Signed in as ', h('code', null, user.username), '. Your password, your API keys, and the way out.')),
      passwordSection(user),
      keysSection(),
      dangerSection(user, (replsDeleted) => showDeleted(user, replsDeleted))),
  );
}

function showDeleted(user: User, replsDeleted: number): void {
  clear(app);
  document.title = 'Account deleted · Pier';
  app.append(h('div', { class: 'auth-page' },
    h('main', { class: 'auth-main' },
      h('a', { class: 'auth-brand', href: '/' }, logo(40), h('span', null, 'Pier')),
      h('div', { class: 'auth-card', testid: 'account-deleted' },
        h('div', { class: 'empty-icon' }, icon('check', 24)),
        h('h1', { class: 'auth-title' }, 'Your account is deleted'),
        h('p', { class: 'auth-sub' }, h('code', null, user.username), ` is gone with ${replsDeleted === 1 ? '1 repl' : `${replsDeleted} repls`} and its API keys.`),
        h('a', { class: 'btn btn-primary', href: '/', testid: 'account-deleted-home' }, 'Back to Pier')))));
}

async function leave(): Promise<void> {
  try {
    await signOut();
  } catch (e) {
    if (!isUnauthenticated(e)) { toastError('Could not sign out', e); return; }
  }
  toSignIn();
}

async function boot(): Promise<void> {
  let user: User;
  try {
    user = await me();
  } catch (e) {
    if (isUnauthenticated(e)) { toSignIn(); return; }
    clear(app);
    app.append(h('div', { class: 'auth-page' },
      h('main', { class: 'auth-main' },
        h('div', { class: 'auth-card boot-error', testid: 'boot-error' },
          h('div', { class: 'empty-icon' }, icon('wifiOff', 24)),
          h('h1', { class: 'auth-title' }, e instanceof ApiError ? errorTitle(e.code) : 'Something went wrong'),
          h('p', { class: 'auth-sub' }, (e as Error).message),
          h('button', { class: 'btn btn-primary', onclick: () => void boot() }, icon('refresh', 14), 'Try again')))));
    return;
  }
  render(user);
}

// A call that finds the session gone (signed out in another tab, a password changed elsewhere) goes to the sign-in.
onUnauthenticated(() => { toSignIn(); return true; });
initColorScheme();
app.append(h('div', { class: 'boot-wait' }, h('div', { class: 'spinner' })));
void boot();
