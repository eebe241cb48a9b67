// Accounts: where to sign in, and where to go back to afterwards. The session itself is an HttpOnly cookie that the
// browser keeps and sends: scripts never see it.

export const USERNAME_RE = /^[a-z0-9_-]{3,32}$/;
export const MIN_PASSWORD = 8;

/** The sign-in page, which comes back to `next` (an IDE path) after signing in. */
export function signInHref(next?: string): string {
  const safe = next ? safeNext(next) : null;
  return safe ? `/?next=${safe}` : '/';
}

/** The apex path that opens a private preview after signing in (the edge-proxy sends browsers there). */
export const PREVIEW_SIGN_IN = '/api/auth/preview';

/**
 * `raw` if it is a same-origin path into the IDE (`/ide/…`) or the private-preview sign-in (`/api/auth/preview?…`),
 * else null: never an open redirect.
 */
export function safeNext(raw: string | null | undefined): string | null {
  if (!raw || !(raw.startsWith('/ide/') || raw.startsWith(`${PREVIEW_SIGN_IN}?`)) || /[\\\u0000-\u0020\u007f]/.test(raw)) return null;
  try {
    const url = new URL(raw, location.origin);
    if (url.origin !== location.origin) return null;
    if (!url.pathname.startsWith('/ide/') && url.pathname !== PREVIEW_SIGN_IN) return null;
    return url.pathname + url.search + url.hash;
  } catch {
    return null;
  }
}

/** The `next` of the current page's query, if it is safe. */
export const nextFromQuery = (): string | null => safeNext(new URLSearchParams(location.search).get('next'));
