// "API keys": the account's keys (name, made, last used), a form that makes one and shows it once with a copy
// button, and a revoke button on each.
import { h, clear } from '../lib/dom';
import { icon } from '../lib/icons';
import { ApiKey, NewApiKey, createKey, listKeys, revokeKey } from '../lib/account-api';
import { relativeTime, absoluteTime } from '../lib/time';
import { confirmDialog } from '../lib/modal';
import { toast, toastError } from '../lib/toast';
import { busy, errorSentence, inlineError, section } from './fields';

const FALLBACK: Record<string, string> = {
  invalid_name: 'Give the key a name of 1 to 64 characters.',
  too_many_keys: 'An account has at most 50 API keys. Revoke one first.',
  network: 'Pier cannot be reached. Check your connection and try again.',
};

export function keysSection(): HTMLElement {
  let keys: ApiKey[] | null = null;
  const list = h('div', { class: 'key-list', testid: 'keys' });
  const shown = h('div', { class: 'key-shown', testid: 'key-shown', hidden: true });
  const name = h('input', {
    class: 'field-input', id: 'key-name', name: 'key-name', type: 'text', testid: 'key-name', maxlength: '64',
    placeholder: 'e.g. ci, laptop', autocomplete: 'off', spellcheck: 'false',
  });
  const error = inlineError('key-error');
  const submit = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'key-create' }, icon('plus', 14), 'Create key');
  const form = h('form', {
    class: 'key-form', testid: 'key-form', novalidate: true,
    onsubmit: (e: Event) => { e.preventDefault(); void create(); },
  },
  h('div', { class: 'field key-name-field' },
    h('label', { class: 'field-label', for: 'key-name' }, 'New key'),
    h('div', { class: 'field-box' }, h('span', { class: 'field-icon' }, icon('code', 15)), name)),
  submit);
  name.addEventListener('input', () => { error.show(null); form.querySelector('.field')!.classList.remove('invalid'); });

  function render(): void {
    clear(list);
    if (keys === null) { list.append(h('div', { class: 'key-row skeleton' })); return; }
    if (!keys.length) {
      list.append(h('div', { class: 'empty small', testid: 'keys-empty' }, 'No API keys. Make one to call Pier from scripts, CI or the E2B SDKs.'));
      return;
    }
    for (const k of keys) {
      list.append(h('div', { class: 'key-row', testid: `key-${k.id}`, dataset: { name: k.name } },
        h('span', { class: 'key-icon' }, icon('lock', 15)),
        h('div', { class: 'key-main' },
          h('div', { class: 'key-name', testid: 'key-row-name' }, k.name),
          h('div', { class: 'key-sub mono' }, `pier_${k.id}_…`)),
        h('div', { class: 'key-times' },
          h('span', { title: absoluteTime(k.createdAt) }, `Created ${relativeTime(k.createdAt)}`),
          h('span', { title: absoluteTime(k.lastUsedAt), testid: 'key-last-used' }, k.lastUsedAt ? `Last used ${relativeTime(k.lastUsedAt)}` : 'Never used'),
          k.expiresAt ? h('span', { class: { expired: k.expired }, title: absoluteTime(k.expiresAt) }, k.expired ? 'Expired' : `Expires ${relativeTime(k.expiresAt)}`) : null),
        h('button', {
          class: 'btn btn-outline-danger btn-sm', testid: 'key-revoke', 'aria-label': `Revoke the key ${k.name}`,
          onclick: (e: Event) => void revoke(k, e.currentTarget as HTMLButtonElement),
        }, icon('trash', 13), 'Revoke')));
    }
  }

  async function refresh(): Promise<void> {
    try {
      keys = await listKeys();
    } catch (e) {
      toastError('Could not list your API keys', e);
      keys = keys ?? [];
    }
    render();
  }

  function showOnce(created: NewApiKey): void {
    const value = h('code', { class: 'key-value mono', testid: 'key-value' }, created.key);
    const copy = h('button', {
      class: 'btn btn-ghost btn-sm', type: 'button', testid: 'key-copy',
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(created.key);
          copy.replaceChildren(icon('check', 13), 'Copied');
        } catch {
          // No clipboard (an insecure origin, a denied permission): select it for Ctrl+C instead.
          getSelection()?.selectAllChildren(value);
          copy.replaceChildren('Press Ctrl+C');
        }
      },
    }, icon('code', 13), 'Copy');
    shown.replaceChildren(
      h('div', { class: 'key-shown-head' }, icon('alert', 15),
        h('span', null, `Your new key “${created.name}”. Copy it now: Pier shows it only once.`)),
      h('div', { class: 'key-shown-value' }, value, copy),
      h('div', { class: 'field-hint' }, 'Send it as ', h('code', null, 'Authorization: Bearer <key>'), '. For the E2B SDKs it is ',
        h('code', { class: 'mono', testid: 'key-e2b' }, created.e2bKey), '.'),
      h('button', { class: 'link-button', type: 'button', testid: 'key-dismiss', onclick: () => { shown.hidden = true; shown.replaceChildren(); } }, 'I have copied it'));
    shown.hidden = false;
  }

  async function create(): Promise<void> {
    if (submit.disabled) return;
    const text = name.value.trim();
    if (!text) {
      error.show('Give the key a name, to tell it from your others.');
      form.querySelector('.field')!.classList.add('invalid');
      name.focus();
      return;
    }
    try {
      const created = await busy(submit, 'Creating…', () => createKey(text));
      name.value = '';
      showOnce(created);
      await refresh();
    } catch (e) {
      error.show(errorSentence(e, FALLBACK));
      form.querySelector('.field')!.classList.add('invalid');
    }
  }

  async function revoke(k: ApiKey, button: HTMLButtonElement): Promise<void> {
    const ok = await confirmDialog({
      title: `Revoke “${k.name}”?`,
      message: 'Scripts and services that use this key are refused from now on. This cannot be undone.',
      confirmLabel: 'Revoke key',
      danger: true,
    });
    if (!ok) return;
    try {
      await busy(button, 'Revoking…', () => revokeKey(k.id));
      toast('success', 'Key revoked', `“${k.name}” no longer works.`);
    } catch (e) {
      toastError('Could not revoke the key', e);
    }
    await refresh();
  }

  render();
  void refresh();
  return section('keys-section', 'API keys',
    'Keys act as you for scripts and tools: the REST API, the CLI and the E2B SDKs. Revoke one you no longer use.',
    h('div', { class: 'account-form key-area' }, error.el, form, shown), list);
}
