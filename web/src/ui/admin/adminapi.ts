// The administrators' part of the REST API: nodes, the fleet signal, accounts and their roles. Everyone else gets 403.
import { api } from '../lib/api';
import type { AccountUsage, Fleet, Node } from '../lib/api-types';
export type { AccountUsage, Fleet, Node };

/** What a drain or an undrain answers: the node's mark, and on a drain what moved and what could not. */
export interface DrainOutcome { node: string; draining: boolean; moved?: string[]; failed?: Record<string, string> }

export const listNodes = () => api<{ nodes: Node[] }>('GET', '/api/nodes').then((r) => r.nodes ?? []);
export const fleetSignal = () => api<Fleet>('GET', '/api/fleet');
export const setDraining = (id: string, draining: boolean) =>
  api<DrainOutcome>('POST', `/api/nodes/${encodeURIComponent(id)}/${draining ? 'drain' : 'undrain'}`);
export const listAccounts = () => api<{ accounts: AccountUsage[] }>('GET', '/api/accounts').then((r) => r.accounts ?? []);
export const setAdmin = (username: string, admin: boolean) =>
  api<{ username: string; admin: boolean; listedInPierAdmins: boolean }>('PATCH', `/api/accounts/${encodeURIComponent(username)}`, { admin });
