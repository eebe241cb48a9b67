// The REST API of the scheduler, reached through the edge-proxy on the same origin.

// The wire's types come from the OpenAPI document (api-types.ts is generated from it).
import type {
  Caller, Collaborator, CollaboratorRole, Collaborators, EnvVar, ForkCard, Limits, Repl, ReplRole, ReplState, Template,
  Visibility,
} from './api-types';
export type {
  Collaborator, CollaboratorRole, Collaborators, EnvVar, ForkCard, Limits, Repl, ReplRole, ReplState, Template, Visibility,
};

export interface NodeInfo { id?: string; nodeId?: string; [key: string]: unknown }

/** An answer of the API that is not a success: `{"error": code, "message": text}`, or no answer at all. */
export class ApiError extends Error {
  /** `fromServer`: the message is the server's own (`message` of the JSON body), not one made up here. */
  constructor(readonly status: number, readonly code: string, message: string, readonly fromServer = false) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The signed-in user, as `/api/auth/me`, login and signup answer. */
export type User = Caller;

/**
 * What to do when an API call (other than `/api/auth/*`) answers 401: the session cookie is missing, expired or
 * revoked. The handler returns true when it navigates away: the call then never settles, so that no error toast
 * flashes on a page that is leaving.
 */
let unauthenticatedHandler: ((err: ApiError) => boolean | void) | null = null;
export function onUnauthenticated(fn: (err: ApiError) => boolean | void): void { unauthenticatedHandler = fn; }

/** True for the API's "sign in first" answer. */
export const isUnauthenticated = (e: unknown): boolean => e instanceof ApiError && e.status === 401;

export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'same-origin', // the HttpOnly session cookie; never read or written by scripts
      signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'Pier cannot be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let json: any = null;
  if (text) {
    try { json = JSON.parse(text); } catch { /* not JSON: handled below */ }
  }
  if (!res.ok) {
    const code = json && typeof json.error === 'string' ? json.error : `http_${res.status}`;
    const message = json && typeof json.message === 'string' ? json.message : (res.statusText || `HTTP ${res.status}`);
    const err = new ApiError(res.status, code, message, !!json && typeof json.message === 'string' && json.message !== '');
    if (res.status === 401 && !path.startsWith('/api/auth/') && unauthenticatedHandler?.(err) === true) {
      return new Promise<T>(() => { /* the page is going to the sign-in page */ });
    }
    throw err;
  }
  if (json === null && text) throw new ApiError(res.status, 'bad_response', 'The server sent an answer that is not JSON.');
  return json as T;
}

export const listRepls = () => api<{ repls: Repl[] }>('GET', '/api/repls').then((r) => r.repls ?? []);
/** The repls other accounts shared with the caller, each with the caller's `role` in it. */
export const listSharedRepls = () => api<{ repls: Repl[] }>('GET', '/api/repls?scope=shared').then((r) => r.repls ?? []);
export const getRepl = (slug: string) => api<Repl>('GET', `/api/repls/${encodeURIComponent(slug)}`);
export const createRepl = (template: string) => api<Repl>('POST', '/api/repls', { template });
export const startRepl = (slug: string) => api<Repl>('POST', `/api/repls/${encodeURIComponent(slug)}/start`);
export const stopRepl = (slug: string) => api<Repl>('POST', `/api/repls/${encodeURIComponent(slug)}/stop`);
export const setVisibility = (slug: string, visibility: Visibility) => api<Repl>('PATCH', `/api/repls/${encodeURIComponent(slug)}`, { visibility });
/** Gives the repl a title and a description (blank: none); the API answers 400 invalid_title / invalid_description. */
export const setNames = (slug: string, title: string, description: string) =>
  api<Repl>('PATCH', `/api/repls/${encodeURIComponent(slug)}`, { title, description });
/** A new, stopped repl of the caller's with a copy of this one's files (never its variables). */
export const forkRepl = (slug: string) => api<Repl>('POST', `/api/repls/${encodeURIComponent(slug)}/fork`, {});
/** What the fork link's page shows; answered to anyone the repl is shared with, or anyone once its link is on. */
export const getForkCard = (slug: string) => api<ForkCard>('GET', `/api/repls/${encodeURIComponent(slug)}/fork`);
export const setForkable = (slug: string, forkable: boolean) => api<Repl>('PATCH', `/api/repls/${encodeURIComponent(slug)}`, { forkable });
/** The address of a repl's fork link: the home page, which shows what the repl is and a Fork button. */
export const forkLink = (slug: string) => `${location.origin}/?fork=${encodeURIComponent(slug)}`;
export const deleteRepl = (slug: string) => api<{ slug: string; deleted: boolean }>('DELETE', `/api/repls/${encodeURIComponent(slug)}`);
const envPath = (slug: string, name?: string) => `/api/repls/${encodeURIComponent(slug)}/env${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
export const listEnv = (slug: string) => api<{ env: EnvVar[] }>('GET', envPath(slug)).then((r) => r.env ?? []);
export const setEnv = (slug: string, name: string, value: string, secret: boolean) => api<EnvVar>('PUT', envPath(slug, name), { value, secret });
export const deleteEnv = (slug: string, name: string) => api<{ name: string; deleted: boolean }>('DELETE', envPath(slug, name));
const collaboratorsPath = (slug: string, account?: string) =>
  `/api/repls/${encodeURIComponent(slug)}/collaborators${account === undefined ? '' : `/${encodeURIComponent(account)}`}`;
/** The owner and the collaborators of a repl; its owner and each collaborator may ask. */
export const listCollaborators = (slug: string) => api<Collaborators>('GET', collaboratorsPath(slug));
/**
 * Shares the repl with an account, or changes its role (the owner only). The API answers 400 invalid_role or
 * invalid_collaborator (the owner itself), 404 unknown_account, 409 too_many_collaborators.
 */
export const shareRepl = (slug: string, account: string, role: CollaboratorRole) =>
  api<Collaborator>('PUT', collaboratorsPath(slug, account), { role });
/** Stops sharing the repl with an account (its owner), or leaves it (the collaborator itself); 404 not_a_collaborator. */
export const unshareRepl = (slug: string, account: string) =>
  api<{ account: string; removed: boolean }>('DELETE', collaboratorsPath(slug, account));
export const listTemplates = () => api<{ templates: Template[] }>('GET', '/api/templates').then((r) => r.templates ?? []);
export const me = () => api<User>('GET', '/api/auth/me');
export const signIn = (username: string, password: string) => api<User>('POST', '/api/auth/login', { username, password });
export const signUp = (username: string, password: string) => api<User>('POST', '/api/auth/signup', { username, password });
export const signOut = () => api<unknown>('POST', '/api/auth/logout');
export const listNodes = () => api<{ nodes: NodeInfo[] }>('GET', '/api/nodes').then((r) => r.nodes ?? []);

/** Human titles for error codes of the API and the session protocol. */
export function errorTitle(code: string): string {
  const titles: Record<string, string> = {
    network: 'Pier is unreachable',
    no_capacity: 'No room on any node',
    app_exited: 'The app exited while starting',
    image_missing: 'Runner image missing',
    node_unreachable: 'Node unreachable',
    node_error: 'The node reported an error',
    busy: 'The repl is busy',
    unknown_repl: 'No such repl',
    unknown_template: 'Unknown template',
    malformed_json: 'Bad request',
    invalid_request: 'Bad request',
    too_large: 'Too large',
    unauthenticated: 'Not signed in',
    forbidden: 'Not your repl',
    invalid_variable: 'Invalid variable',
    too_many_variables: 'Too many variables',
    unknown_variable: 'No such variable',
    forbidden_origin: 'Refused: another site sent this',
    rate_limited: 'Too many requests',
    bad_credentials: 'Wrong username or password',
    username_taken: 'Username taken',
    invalid_username: 'Invalid username',
    weak_password: 'Password too weak',
    signup_closed: 'Sign-ups are closed',
    invalid_title: 'Invalid title',
    invalid_description: 'Invalid description',
    invalid_role: 'Invalid role',
    invalid_collaborator: 'Cannot share with the owner',
    unknown_account: 'No such account',
    too_many_collaborators: 'Too many collaborators',
    not_a_collaborator: 'Not shared with that account',
  };
  return titles[code] ?? 'Something went wrong';
}
