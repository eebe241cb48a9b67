// The admin page's fleet: the fleet signal as a row of figures, and the nodes with their load, repls, runtimes and
// draining mark, each with Drain or Undrain.
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import { relativeTime, absoluteTime } from '../lib/time';
import type { Fleet, Node } from './adminapi';

const percent = (x: number) => `${Math.round(x * 100)}%`;
const cpus = (x: number) => (Math.round(x * 100) / 100).toString();

/** The address a node-agent answers on (host and port of its agent URL). */
function address(agentUrl: string): string {
  try { return new URL(agentUrl).host; } catch { return agentUrl; }
}

function figure(testid: string, label: string, value: string, sub?: string, warn = false): HTMLElement {
  return h('div', { class: { 'admin-figure': true, warn }, testid },
    h('div', { class: 'admin-figure-label' }, label),
    h('div', { class: 'admin-figure-value' }, value),
    sub ? h('div', { class: 'admin-figure-sub' }, sub) : null);
}

/** The fleet signal: nodes, use against capacity, utilisation against the target, and the nodes it wants. */
export function fleetView(f: Fleet): HTMLElement {
  return h('div', { class: 'admin-figures', testid: 'fleet-signal', title: f.rule },
    figure('fleet-nodes', 'Nodes taking work', `${f.activeNodes} of ${f.nodes}`, f.nodes > f.activeNodes ? 'the others drain or are lost' : 'all of them', f.activeNodes === 0),
    figure('fleet-utilisation', 'Utilisation', percent(f.utilisation), `target ${percent(f.targetUtilisation)}`, f.utilisation > f.targetUtilisation),
    figure('fleet-repls', 'Repls running', `${f.used.repls} / ${f.capacity.slots}`, 'slots'),
    figure('fleet-memory', 'Memory reserved', `${f.used.reservedMemoryMb} / ${f.capacity.memoryMb}`, 'MB'),
    figure('fleet-cpu', 'CPU in use', `${cpus(f.used.cpus)} / ${cpus(f.capacity.cpus)}`, 'CPUs'),
    figure('fleet-desired', 'Nodes wanted', String(f.desiredNodes), f.scaleOut ? 'scale out' : 'enough', f.scaleOut),
    figure('fleet-cluster', 'Cluster', `${f.cluster.members} members`, f.cluster.safe ? 'safe to lose one' : 'backups not in place', !f.cluster.safe));
}

function state(n: Node): HTMLElement {
  if (!n.alive) return h('span', { class: 'badge badge-failed', testid: `node-state-${n.id}` }, 'Lost');
  if (n.draining) return h('span', { class: 'badge badge-starting', testid: `node-state-${n.id}` }, 'Draining');
  return h('span', { class: 'badge badge-running', testid: `node-state-${n.id}` }, 'Active');
}

function meter(used: number, of: number): HTMLElement {
  const share = of > 0 ? Math.min(1, used / of) : 0;
  return h('span', { class: { 'admin-meter': true, full: share >= 0.9 } }, h('span', { style: `width:${Math.round(share * 100)}%` }));
}

const MAX_SLUGS = 4;

/**
 * The nodes, by id. `busy` holds the ids whose drain or undrain is under way; `onToggle` asks for the other mark.
 */
export function nodesView(nodes: Node[], busy: ReadonlySet<string>, onToggle: (n: Node) => void): HTMLElement {
  if (!nodes.length) {
    return h('div', { class: 'empty' },
      h('div', { class: 'empty-icon' }, icon('server', 22)),
      h('div', { class: 'empty-title' }, 'No node-agent is in the cluster'),
      h('div', { class: 'empty-text' }, 'Repls cannot start until one joins.'));
  }
  const rows = nodes.map((n) => {
    const slugs = n.load.slugs ?? [];
    return h('tr', { testid: `node-${n.id}`, dataset: { draining: String(n.draining), alive: String(n.alive) } },
      h('td', null,
        h('div', { class: 'admin-strong mono' }, n.id),
        h('div', { class: 'admin-sub mono', title: n.agentUrl }, address(n.agentUrl))),
      h('td', null,
        h('div', { class: 'admin-load', testid: `node-load-${n.id}` },
          meter(n.load.repls, n.capacity.slots), `${n.load.repls} / ${n.capacity.slots} repls`),
        h('div', { class: 'admin-sub' },
          `${n.load.reservedMemoryMb} / ${n.capacity.memoryMb} MB reserved · ${cpus(n.load.cpuUsage)} / ${cpus(n.capacity.cpus)} CPUs`)),
      h('td', { testid: `node-repls-${n.id}` },
        slugs.length
          ? h('div', { class: 'admin-chips' },
            ...slugs.slice(0, MAX_SLUGS).map((s) => h('span', { class: 'chip mono' }, s)),
            slugs.length > MAX_SLUGS ? h('span', { class: 'chip', title: slugs.slice(MAX_SLUGS).join('\n') }, `+${slugs.length - MAX_SLUGS}`) : null)
          : h('span', { class: 'admin-sub' }, 'none')),
      h('td', { testid: `node-runtimes-${n.id}` },
        h('div', { class: 'admin-chips' }, h('span', { class: 'chip mono', title: 'Docker\'s default runtime' }, 'runc'),
          ...n.runtimes.filter((r) => r !== 'runc').map((r) => h('span', { class: 'chip mono', title: r === 'runsc' ? 'gVisor' : r }, r)))),
      h('td', null, state(n),
        h('div', { class: 'admin-sub', title: absoluteTime(n.heartbeatAt) }, `heartbeat ${relativeTime(n.heartbeatAt)}`)),
      h('td', { class: 'admin-actions' },
        h('button', {
          class: n.draining ? 'btn btn-ghost btn-sm' : 'btn btn-outline-danger btn-sm',
          testid: `${n.draining ? 'undrain' : 'drain'}-${n.id}`,
          disabled: busy.has(n.id),
          title: n.draining ? 'Let placement use this node again' : 'Stop placing repls here and move its repls away',
          onclick: () => onToggle(n),
        }, busy.has(n.id) ? h('span', { class: 'spinner' }) : null, n.draining ? 'Undrain' : 'Drain')));
  });
  return h('table', { class: 'admin-table', testid: 'nodes' },
    h('thead', null, h('tr', null, ...['Node', 'Load', 'Repls', 'Runtimes', 'State', ''].map((t) => h('th', null, t)))),
    h('tbody', null, ...rows));
}
