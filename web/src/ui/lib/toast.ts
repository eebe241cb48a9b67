import { h } from './dom';
import { icon } from './icons';

export type ToastKind = 'error' | 'info' | 'success';

let host: HTMLElement | null = null;

function container(): HTMLElement {
  if (!host) {
    host = h('div', { class: 'toasts', role: 'region', 'aria-live': 'polite', 'aria-label': 'Notifications' });
    document.body.appendChild(host);
  }
  return host;
}

/**
 * Shows a toast in the corner; errors stay longer. Returns a function that dismisses it. A toast of a `topic` takes
 * the place of the one before it on that topic (toggling a setting twice leaves one answer, not two that disagree).
 */
export function toast(kind: ToastKind, title: string, message?: string, ms = kind === 'error' ? 9000 : 4000, topic?: string): () => void {
  if (topic) {
    for (const earlier of container().querySelectorAll<HTMLElement>('.toast')) {
      if (earlier.dataset.topic === topic) earlier.remove();
    }
  }
  const close = () => {
    el.classList.add('leaving');
    window.setTimeout(() => el.remove(), 180);
  };
  const el = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status', testid: 'toast', dataset: topic ? { kind, topic } : { kind } },
    h('span', { class: 'toast-icon' }, icon(kind === 'error' ? 'alert' : kind === 'success' ? 'check' : 'sparkles', 16)),
    h('div', { class: 'toast-body' },
      h('div', { class: 'toast-title' }, title),
      message ? h('div', { class: 'toast-message' }, message) : null),
    h('button', { class: 'icon-button toast-close', title: 'Dismiss', 'aria-label': 'Dismiss', onclick: close }, icon('x', 14)));
  container().appendChild(el);
  if (ms > 0) window.setTimeout(close, ms);
  return close;
}

/** A toast for a failed call: the API's or protocol's code and message; of a `topic`, it replaces that topic's last toast. */
export function toastError(title: string, err: unknown, topic?: string): void {
  const e = err as { code?: string; message?: string };
  const message = e?.message || String(err);
  toast('error', title, e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message, undefined, topic);
}
