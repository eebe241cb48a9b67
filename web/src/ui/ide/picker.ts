// A quick pick: a field over a filtered list, in a box at the top of the page (Go to file, the command palette).
// Arrow keys move, Enter picks, Escape or a click outside closes.
import '../styles/find.css';
import { h, clear } from '../lib/dom';

export interface PickItem { label: string; detail?: string; hint?: string; lead?: Node }

export interface PickerOptions<T extends PickItem> {
  placeholder: string;
  testid: string;
  /** The items matching the field's text, best first. */
  filter: (query: string) => T[];
  pick: (item: T) => void;
  /** Shown when nothing matches. */
  empty?: string;
}

const SHOWN = 60;

/** Opens a picker; it closes itself when one is picked or it is dismissed. */
export function openPicker<T extends PickItem>(opts: PickerOptions<T>): { refresh: () => void; close: () => void } {
  document.querySelector('.picker-backdrop')?.remove();
  const previous = document.activeElement as HTMLElement | null;
  const input = h('input', { class: 'input picker-input', placeholder: opts.placeholder, spellcheck: 'false', testid: `${opts.testid}-input` });
  const list = h('div', { class: 'picker-list', role: 'listbox', testid: `${opts.testid}-list` });
  const box = h('div', { class: 'picker', testid: opts.testid, role: 'dialog' }, input, list);
  const backdrop = h('div', { class: 'picker-backdrop' }, box);
  let items: T[] = [];
  let at = 0;
  let closed = false;

  const close = (restoreFocus = true) => {
    if (closed) return;
    closed = true;
    backdrop.remove();
    if (restoreFocus) previous?.focus?.();
  };
  const choose = (item: T | undefined) => {
    if (!item) return;
    close(false);
    opts.pick(item);
  };
  const render = () => {
    clear(list);
    if (items.length === 0) list.append(h('div', { class: 'picker-empty' }, opts.empty ?? 'No matches'));
    items.slice(0, SHOWN).forEach((item, i) => {
      const row = h('div', {
        class: `picker-item${i === at ? ' active' : ''}`, role: 'option', testid: `${opts.testid}-item`,
        'aria-selected': String(i === at),
        onmousedown: (e: MouseEvent) => { e.preventDefault(); choose(item); },
      }, item.lead ?? '', h('span', { class: 'picker-label' }, item.label), h('span', { class: 'picker-detail' }, item.detail ?? ''),
      item.hint ? h('kbd', { class: 'picker-hint' }, item.hint) : '');
      list.append(row);
    });
    list.querySelector('.picker-item.active')?.scrollIntoView({ block: 'nearest' });
  };
  const refresh = () => {
    items = opts.filter(input.value);
    at = 0;
    render();
  };
  input.addEventListener('input', refresh);
  input.addEventListener('keydown', (e) => {
    const shown = Math.min(items.length, SHOWN);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (shown) at = (at + (e.key === 'ArrowDown' ? 1 : shown - 1)) % shown;
      render();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(items[at]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  backdrop.addEventListener('mousedown', (e) => { if (e.target === backdrop) close(); });
  document.body.append(backdrop);
  refresh();
  input.focus();
  return { refresh, close };
}

/**
 * Scores `text` against a fuzzy query: every query character in order, consecutive runs and word starts (after / . - _
 * or a capital) count more, shorter texts win ties. Null when it does not match.
 */
export function fuzzyScore(query: string, text: string): number | null {
  if (!query) return 0;
  const q = query.toLowerCase();
  const t = text.toLowerCase();
  let score = 0;
  let ti = 0;
  let run = 0;
  for (const c of q) {
    const found = t.indexOf(c, ti);
    if (found < 0) return null;
    const start = found === 0 || '/._- '.includes(text[found - 1]) || (text[found] !== t[found] && text[found - 1] === t[found - 1]);
    run = found === ti && ti > 0 ? run + 1 : 0;
    score += 1 + run * 3 + (start ? 4 : 0) - Math.min(3, found - ti) * 0.2;
    ti = found + 1;
  }
  return score - text.length * 0.01;
}
