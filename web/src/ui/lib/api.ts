// The REST API of the scheduler, reached through the edge-proxy on the same origin.

export interface Limits { cpus: number; memoryMb: number; pids: number }

export type ReplState = 'creating' | 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';

export interface Repl {
  slug: string;
  template: string;
  owner: string | null;
  state: ReplState;
  node: string | null;
  createdAt: string;
  lastActiveAt: string;
  limits?: Limits;
  previewUrl: string;
  ideUrl: string;
}

export interface Template {
  name: string;
  title?: string;
  description?: string;
  image?: string;
  run?: string;
  port?: number;
  open?: string;
  limits?: Limits;
}

export interface NodeInfo { id?: string; nodeId?: string; [key: string]: unknown }

/** An answer of the API that is not a success: `{"error": code, "message": text}`, or no answer at all. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
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
    throw new ApiError(res.status, code, message);
  }
  if (json === null && text) throw new ApiError(res.status, 'bad_response', 'The server sent an answer that is not JSON.');
  return json as T;
}

export const listRepls = () => api<{ repls: Repl[] }>('GET', '/api/repls').then((r) => r.repls ?? []);
export const getRepl = (slug: string) => api<Repl>('GET', `/api/repls/${encodeURIComponent(slug)}`);
export const createRepl = (template: string) => api<Repl>('POST', '/api/repls', { template });
export const startRepl = (slug: string) => api<Repl>('POST', `/api/repls/${encodeURIComponent(slug)}/start`);
export const stopRepl = (slug: string) => api<Repl>('POST', `/api/repls/${encodeURIComponent(slug)}/stop`);
export const deleteRepl = (slug: string) => api<{ slug: string; deleted: boolean }>('DELETE', `/api/repls/${encodeURIComponent(slug)}`);
export const listTemplates = () => api<{ templates: Template[] }>('GET', '/api/templates').then((r) => r.templates ?? []);
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
  };
  return titles[code] ?? 'Something went wrong';
}
