// The admin page's users: every account with its role and what it uses, and the toggle that makes it an
// administrator or takes that away.
import { h } from '../lib/dom';
import { relativeTime, absoluteTime } from '../lib/time';
import type { AccountUsage } from './adminapi';

/**
 * The accounts, by name. `me` is the signed-in administrator (whose own role is not changed here: that would end their
 * session); `busy` holds the names whose change is under way.
 */
export function usersView(accounts: AccountUsage[], me: string, busy: ReadonlySet<string>, onToggle: (a: AccountUsage) => void): HTMLElement {
  const rows = accounts.map((a) => {
    const self = a.username === me;
    const locked = a.admin && a.listedInPierAdmins;
    const why = self ? 'Your own role is changed by another administrator or ./pier admin'
      : locked ? 'PIER_ADMINS lists this name: it stays an administrator' : null;
    return h('tr', { testid: `user-${a.username}`, dataset: { admin: String(a.admin) } },
      h('td', null,
        h('div', { class: 'admin-user' },
          h('span', { class: 'avatar', 'aria-hidden': 'true' }, a.username.slice(0, 1).toUpperCase()),
          h('span', { class: 'admin-strong mono' }, a.username),
          self ? h('span', { class: 'chip' }, 'you') : null)),
      h('td', null,
        a.admin ? h('span', { class: 'account-role', testid: `user-role-${a.username}` }, 'admin')
          : h('span', { class: 'admin-sub', testid: `user-role-${a.username}` }, 'user'),
        a.listedInPierAdmins ? h('span', { class: 'chip mono admin-listed', title: 'Listed in PIER_ADMINS' }, 'PIER_ADMINS') : null),
      h('td', { class: 'admin-number', testid: `user-repls-${a.username}` }, String(a.repls)),
      h('td', { class: 'admin-number', testid: `user-running-${a.username}` }, String(a.running)),
      h('td', { class: 'admin-sub', title: absoluteTime(a.createdAt) }, relativeTime(a.createdAt)),
      h('td', { class: 'admin-actions' },
        h('button', {
          class: a.admin ? 'btn btn-outline-danger btn-sm' : 'btn btn-ghost btn-sm',
          testid: `admin-toggle-${a.username}`,
          disabled: busy.has(a.username) || why !== null,
          title: why ?? (a.admin ? 'Take the administrator role away' : 'Make this account an administrator'),
          onclick: () => onToggle(a),
        }, a.admin ? 'Revoke admin' : 'Make admin')));
  });
  return h('table', { class: 'admin-table', testid: 'users' },
    h('thead', null, h('tr', null, ...['User', 'Role', 'Repls', 'Running', 'Joined', ''].map((t) => h('th', null, t)))),
    h('tbody', null, ...rows));
}
