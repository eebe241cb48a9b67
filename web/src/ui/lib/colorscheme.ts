// Light or dark: System (follows prefers-color-scheme), Light or Dark, chosen in a small switch and remembered in
// localStorage. The page's CSS variables follow <html data-theme>; the editor's colors are variables too, and
// terminals ask `isLight()` and listen with `onSchemeChange`.
import '../styles/scheme.css';
import { h } from './dom';

export type SchemeChoice = 'system' | 'light' | 'dark';
const KEY = 'pier.colorScheme';
const CHOICES: readonly [SchemeChoice, string][] = [['system', 'System'], ['light', 'Light'], ['dark', 'Dark']];
const listeners = new Set<(light: boolean) => void>();
const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: light)') : null;

export function schemeChoice(): SchemeChoice {
  let v: string | null = null;
  try { v = localStorage.getItem(KEY); } catch { /* storage off: the system's */ }
  return v === 'light' || v === 'dark' ? v : 'system';
}

export function isLight(choice: SchemeChoice = schemeChoice()): boolean {
  return choice === 'light' || (choice === 'system' && !!media?.matches);
}

function apply(): void {
  const light = isLight();
  const root = document.documentElement;
  root.dataset.theme = light ? 'light' : 'dark';
  root.style.colorScheme = light ? 'light' : 'dark';
  document.querySelector('meta[name="color-scheme"]')?.setAttribute('content', light ? 'light' : 'dark');
  for (const fn of listeners) fn(light);
}

export function setSchemeChoice(choice: SchemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(KEY); else localStorage.setItem(KEY, choice);
  } catch { /* kept for this page only */ }
  apply();
  for (const el of document.querySelectorAll<HTMLElement>('.scheme-switch')) el.dataset.choice = choice;
}

/** Calls `fn(light)` whenever the scheme in effect changes. @return a function that stops it */
export function onSchemeChange(fn: (light: boolean) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Applies the remembered choice now and follows the system's setting from here on. Call once per page. */
export function initColorScheme(): void {
  apply();
  media?.addEventListener('change', () => { if (schemeChoice() === 'system') apply(); });
  // Another tab changed it.
  window.addEventListener('storage', (e) => { if (e.key === KEY) setSchemeChoice(schemeChoice()); });
}

/** The System / Light / Dark switch. */
export function schemeSwitch(): HTMLElement {
  const el = h('div', { class: 'scheme-switch', role: 'radiogroup', 'aria-label': 'Color theme', testid: 'scheme-switch', dataset: { choice: schemeChoice() } },
    ...CHOICES.map(([choice, label]) => h('button', {
      class: 'scheme-option', type: 'button', role: 'radio', title: `${label} theme`, testid: `scheme-${choice}`, dataset: { choice },
      onclick: () => setSchemeChoice(choice),
    }, label)));
  return el;
}
