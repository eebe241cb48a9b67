// The calls of the Account page: a new password, deleting the account, and the account's API keys.
import type { AccountDeleted, ApiKey, NewApiKey } from './api-types';
import { api, User } from './api';
export type { AccountDeleted, ApiKey, NewApiKey };

const accountPath = (username: string) => `/api/accounts/${encodeURIComponent(username)}`;

/** Signs every other session out; the answer signs this browser in again (a new cookie). */
export const changePassword = (username: string, currentPassword: string, newPassword: string) =>
  api<User>('POST', `${accountPath(username)}/password`, { currentPassword, newPassword });
/** Deletes the account with its repls and API keys, and signs out. */
export const deleteAccount = (username: string, password: string) =>
  api<AccountDeleted>('DELETE', accountPath(username), { password });
export const listKeys = () => api<{ keys: ApiKey[] }>('GET', '/api/keys').then((r) => r.keys ?? []);
export const createKey = (name: string) => api<NewApiKey>('POST', '/api/keys', { name });
export const revokeKey = (id: string) => api<unknown>('DELETE', `/api/keys/${encodeURIComponent(id)}`);
