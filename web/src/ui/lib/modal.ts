import { h } from './dom';
import { icon } from './icons';

export interface ConfirmOptions {
  title: string;
  message: string | Node;
  confirmLabel?: string;
  cancelLabel?: string;
  danger?: boolean;
}

/** A modal confirmation dialog; resolves true when confirmed. Escape and clicks outside cancel. */
export function confirmDialog(opts: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const previous = document.activeElement as HTMLElement | null;
    const done = (value: boolean) => {
      document.removeEventListener('keydown', onKey, true);
      backdrop.classList.add('leaving');
      window.setTimeout(() => backdrop.remove(), 120);
      previous?.focus?.();
      resolve(value);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); done(false); }
    };
    const confirm = h('button', { class: `btn ${opts.danger ? 'btn-danger' : 'btn-primary'}`, testid: 'confirm-ok', onclick: () => done(true) },
      opts.confirmLabel ?? 'OK');
    const dialog = h('div', { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'modal-title', testid: 'confirm-dialog' },
      h('div', { class: 'modal-head' },
        opts.danger ? h('span', { class: 'modal-icon danger' }, icon('alert', 18)) : null,
        h('h2', { id: 'modal-title' }, opts.title)),
      h('div', { class: 'modal-body' }, opts.message),
      h('div', { class: 'modal-actions' },
        h('button', { class: 'btn btn-ghost', testid: 'confirm-cancel', onclick: () => done(false) }, opts.cancelLabel ?? 'Cancel'),
        confirm));
    const backdrop = h('div', { class: 'modal-backdrop', onmousedown: (e: MouseEvent) => { if (e.target === backdrop) done(false); } }, dialog);
    document.body.appendChild(backdrop);
    document.addEventListener('keydown', onKey, true);
    confirm.focus();
  });
}
