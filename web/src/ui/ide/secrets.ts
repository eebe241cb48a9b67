// The repl's environment variables and secrets (PUT /api/repls/<slug>/env/<NAME>): a dialog to list, add, change and
// remove them. A secret's value is never shown again once set: the API does not answer it.
import { ApiError, EnvVar, deleteEnv, listEnv, setEnv } from '../lib/api';
import { clear, h } from '../lib/dom';
import { icon } from '../lib/icons';
import { toastError } from '../lib/toast';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Opens the dialog for the repl; it closes with Escape, a click outside or Close. */
export function openSecrets(slug: string): void {
  const previous = document.activeElement as HTMLElement | null;
  const list = h('div', { class: 'env-list', testid: 'env-list' }, h('div', { class: 'env-empty' }, 'Loading…'));
  const problem = h('div', { class: 'env-problem', role: 'alert', testid: 'env-problem' });
  const name = h('input', { class: 'env-input mono', placeholder: 'NAME', autocomplete: 'off', spellcheck: 'false', testid: 'env-name', 'aria-label': 'Name' }) as HTMLInputElement;
  const value = h('textarea', { class: 'env-input env-value mono', rows: '2', placeholder: 'value', spellcheck: 'false', testid: 'env-value', 'aria-label': 'Value' }) as HTMLTextAreaElement;
  const secret = h('input', { type: 'checkbox', checked: true, testid: 'env-secret' }) as HTMLInputElement;
  const save = h('button', { class: 'btn btn-primary btn-sm', type: 'submit', testid: 'env-save' }, 'Save');

  const render = (vars: EnvVar[]) => {
    clear(list);
    if (!vars.length) {
      list.append(h('div', { class: 'env-empty' }, 'No variables yet.'));
      return;
    }
    for (const v of vars) {
      list.append(h('div', { class: 'env-row', testid: `env-row-${v.name}` },
        h('span', { class: 'env-name mono' }, v.name),
        v.secret
          ? h('span', { class: 'env-secret', title: 'A secret: its value is never shown again' }, icon('lock', 12), 'secret')
          : h('span', { class: 'env-plain mono', title: v.value ?? '' }, v.value ?? ''),
        h('button', {
          class: 'btn btn-ghost btn-sm', title: `Remove ${v.name}`, 'aria-label': `Remove ${v.name}`, testid: `env-delete-${v.name}`,
          onclick: async () => {
            try { await deleteEnv(slug, v.name); await reload(); } catch (e) { toastError('Could not remove the variable', e); }
          },
        }, icon('trash', 14))));
    }
  };
  const reload = async () => {
    try { render(await listEnv(slug)); } catch (e) { clear(list); list.append(h('div', { class: 'env-empty' }, 'Could not load the variables.')); toastError('Could not load the variables', e); }
  };

  const form = h('form', {
    class: 'env-form',
    onsubmit: async (e: Event) => {
      e.preventDefault();
      problem.textContent = '';
      const n = name.value.trim();
      if (!NAME.test(n) || n.startsWith('PIER_')) {
        problem.textContent = 'A name is letters, digits and _, not starting with a digit or PIER_.';
        name.focus();
        return;
      }
      save.disabled = true;
      try {
        await setEnv(slug, n, value.value, secret.checked);
        name.value = ''; value.value = ''; secret.checked = true;
        await reload();
        name.focus();
      } catch (err) {
        problem.textContent = err instanceof ApiError ? err.message : 'Could not save the variable.';
      } finally {
        save.disabled = false;
      }
    },
  },
  h('div', { class: 'env-fields' }, name, value),
  h('div', { class: 'env-form-actions' },
    h('label', { class: 'env-check' }, secret, 'Secret (never shown again)'),
    save));

  const close = () => {
    document.removeEventListener('keydown', onKey, true);
    backdrop.remove();
    previous?.focus?.();
  };
  const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); } };
  const dialog = h('div', { class: 'modal env-dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'env-title', testid: 'env-dialog' },
    h('div', { class: 'modal-head' }, h('span', { class: 'modal-icon' }, icon('lock', 18)), h('h2', { id: 'env-title' }, 'Environment and secrets')),
    h('div', { class: 'modal-body' },
      'Given to the run command, new terminals and commands run through the API, from the next one on. Stored encrypted.',
      list, form, problem),
    h('div', { class: 'modal-actions' }, h('button', { class: 'btn btn-ghost', testid: 'env-close', onclick: close }, 'Close')));
  const backdrop = h('div', { class: 'modal-backdrop', onmousedown: (e: MouseEvent) => { if (e.target === backdrop) close(); } }, dialog);
  document.body.appendChild(backdrop);
  document.addEventListener('keydown', onKey, true);
  name.focus();
  void reload();
}
