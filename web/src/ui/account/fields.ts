// The pieces the Account page's forms share: a password field, an inline error, and an error's sentence.
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import { ApiError } from '../lib/api';

export interface PasswordField {
  field: HTMLElement;
  input: HTMLInputElement;
  /** Marks the field wrong (or right again). */
  invalid(on: boolean): void;
}

/** A labelled password input with a hint; `autocomplete` tells password managers which one it is. */
export function passwordField(id: string, label: string, autocomplete: 'current-password' | 'new-password', hint?: string): PasswordField {
  const input = h('input', {
    class: 'field-input', id, name: id, type: 'password', testid: id, autocomplete, placeholder: '••••••••',
    'aria-describedby': hint ? `${id}-hint` : undefined,
  });
  const field = h('div', { class: 'field' },
    h('label', { class: 'field-label', for: id }, label),
    h('div', { class: 'field-box' }, h('span', { class: 'field-icon' }, icon('lock', 15)), input),
    hint ? h('div', { class: 'field-hint', id: `${id}-hint` }, hint) : null);
  const invalid = (on: boolean) => {
    field.classList.toggle('invalid', on);
    input.setAttribute('aria-invalid', String(on));
  };
  input.addEventListener('input', () => invalid(false));
  return { field, input, invalid };
}

export interface InlineError {
  el: HTMLElement;
  show(message: string | null): void;
}

/** A red line inside a form that says what went wrong; `show(null)` hides it. */
export function inlineError(testid: string): InlineError {
  const text = h('span', { class: 'auth-error-text' });
  const el = h('div', { class: 'auth-error', testid, role: 'alert', hidden: true }, icon('alert', 16), text);
  return {
    el,
    show(message) {
      el.hidden = message === null;
      text.textContent = message ?? '';
      if (message !== null) {
        el.classList.remove('shake');
        void el.offsetWidth; // restart the animation
        el.classList.add('shake');
      }
    },
  };
}

/** What an error says, as a sentence: the server's message when it sent one, else `fallback[code]`. */
export function errorSentence(e: unknown, fallback: Record<string, string>): string {
  const err = e instanceof ApiError ? e : new ApiError(0, 'network', String(e));
  if (fallback[err.code] && !err.fromServer) return fallback[err.code];
  const m = err.message.trim();
  if (!m) return fallback[err.code] ?? `Something went wrong (${err.code}). Try again.`;
  return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?…]$/.test(m) ? '' : '.');
}

/** A card of the page: a title, a line saying what it is for, and its content. */
export function section(testid: string, title: string, about: string, ...content: HTMLElement[]): HTMLElement {
  return h('section', { class: 'account-card', testid },
    h('div', { class: 'account-card-head' }, h('h2', null, title), h('p', null, about)),
    ...content);
}

/** Puts a spinner and a busy label on a button while `work` runs. */
export async function busy<T>(button: HTMLButtonElement, label: string, work: () => Promise<T>): Promise<T> {
  const before = [...button.childNodes];
  button.disabled = true;
  button.replaceChildren(h('div', { class: 'spinner on-color' }), label);
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.replaceChildren(...before);
  }
}
