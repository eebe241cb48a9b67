// A small context menu: right-click in the file tree, or its "…" buttons.
import { h } from '../lib/dom';
import { icon } from '../lib/icons';

export interface MenuItem {
  label: string;
  icon?: string;
  shortcut?: string;
  danger?: boolean;
  disabled?: boolean;
  testid?: string;
  run: () => void;
}

let current: { el: HTMLElement; close: () => void } | null = null;

export function closeMenu(): void { current?.close(); }

export function showMenu(x: number, y: number, items: (MenuItem | '-')[]): void {
  closeMenu();
  const el = h('div', { class: 'menu', role: 'menu', testid: 'context-menu' },
    items.map((item) => item === '-'
      ? h('div', { class: 'menu-sep', role: 'separator' })
      : h('button', {
        class: { 'menu-item': true, danger: !!item.danger }, role: 'menuitem', disabled: item.disabled, testid: item.testid,
        onclick: () => { close(); item.run(); },
      },
        item.icon ? icon(item.icon, 14) : h('span', { class: 'menu-icon-gap' }),
        h('span', { class: 'menu-label' }, item.label),
        item.shortcut ? h('span', { class: 'menu-shortcut' }, item.shortcut) : null)));
  document.body.appendChild(el);
  const r = el.getBoundingClientRect();
  el.style.left = `${Math.max(4, Math.min(x, window.innerWidth - r.width - 4))}px`;
  el.style.top = `${Math.max(4, Math.min(y, window.innerHeight - r.height - 4))}px`;
  const onDown = (e: Event) => { if (!el.contains(e.target as Node)) close(); };
  const onKey = (e: KeyboardEvent) => {
    const buttons = [...el.querySelectorAll<HTMLButtonElement>('.menu-item:not(:disabled)')];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') { e.preventDefault(); close(); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); buttons[(i + 1) % buttons.length]?.focus(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); buttons[(i - 1 + buttons.length) % buttons.length]?.focus(); }
  };
  const close = () => {
    if (current?.el !== el) return;
    current = null;
    el.remove();
    document.removeEventListener('mousedown', onDown, true);
    document.removeEventListener('keydown', onKey, true);
    window.removeEventListener('blur', close);
    window.removeEventListener('resize', close);
  };
  current = { el, close };
  document.addEventListener('mousedown', onDown, true);
  document.addEventListener('keydown', onKey, true);
  window.addEventListener('blur', close);
  window.addEventListener('resize', close);
  (el.querySelector('.menu-item:not(:disabled)') as HTMLElement | null)?.focus();
}
