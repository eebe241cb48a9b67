// The dialog that names a repl: its title and description, as PATCH /api/repls/<slug> takes them. What the API refuses
// (400 invalid_title / invalid_description, with its message) shows under the field it is about, in the dialog.
import '../styles/names.css';
import { h } from './dom';
import { icon } from './icons';
import { ApiError, Repl, setNames, isUnauthenticated } from './api';

const MAX_TITLE = 80;
const MAX_DESCRIPTION = 500;

/** Opens the dialog for a repl; resolves the repl as the API answered, or null when cancelled. */
export function renameDialog(repl: Repl): Promise<Repl | null> {
  return new Promise((resolve) => {
    const previous = document.activeElement as HTMLElement | null;
    let busy = false;
    const done = (value: Repl | null) => {
      document.removeEventListener('keydown', onKey, true);
      backdrop.classList.add('leaving');
      window.setTimeout(() => backdrop.remove(), 120);
      previous?.focus?.();
      resolve(value);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busy) { e.preventDefault(); e.stopPropagation(); done(null); }
    };

    const title = h('input', {
      class: 'names-input', type: 'text', name: 'title', testid: 'rename-title', autocomplete: 'off', spellcheck: 'false',
      placeholder: repl.slug, 'aria-describedby': 'rename-title-error',
    });
    title.value = repl.title ?? '';
    const description = h('textarea', {
      class: 'names-input names-textarea', name: 'description', rows: '3', testid: 'rename-description',
      placeholder: 'What is this repl for?', 'aria-describedby': 'rename-description-error',
    });
    description.value = repl.description ?? '';
    const titleCount = h('span', { class: 'names-count' });
    const descriptionCount = h('span', { class: 'names-count' });
    const titleError = h('div', { class: 'names-error', id: 'rename-title-error', testid: 'rename-title-error', role: 'alert', hidden: true });
    const descriptionError = h('div', { class: 'names-error', id: 'rename-description-error', testid: 'rename-description-error', role: 'alert', hidden: true });
    const formError = h('div', { class: 'names-error names-form-error', testid: 'rename-error', role: 'alert', hidden: true });
    const save = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'rename-save' }, 'Save');
    const cancel = h('button', { class: 'btn btn-ghost', type: 'button', testid: 'rename-cancel', onclick: () => { if (!busy) done(null); } }, 'Cancel');

    const counts = () => {
      const t = [...title.value.trim()].length;
      const d = [...description.value.trim()].length;
      titleCount.textContent = `${t}/${MAX_TITLE}`;
      titleCount.classList.toggle('over', t > MAX_TITLE);
      descriptionCount.textContent = `${d}/${MAX_DESCRIPTION}`;
      descriptionCount.classList.toggle('over', d > MAX_DESCRIPTION);
    };
    const showError = (box: HTMLElement, field: HTMLElement | null, message: string | null) => {
      box.hidden = message === null;
      box.replaceChildren(...(message === null ? [] : [icon('alert', 13), h('span', null, message)]));
      field?.closest('.names-field')?.classList.toggle('invalid', message !== null);
    };
    const clearErrors = () => {
      showError(titleError, title, null);
      showError(descriptionError, description, null);
      showError(formError, null, null);
    };
    title.addEventListener('input', () => { counts(); showError(titleError, title, null); });
    description.addEventListener('input', () => { counts(); showError(descriptionError, description, null); });
    counts();

    const submit = async (e: Event) => {
      e.preventDefault();
      if (busy) return;
      busy = true;
      clearErrors();
      form.classList.add('busy');
      save.disabled = true;
      try {
        done(await setNames(repl.slug, title.value, description.value));
      } catch (err) {
        if (isUnauthenticated(err)) { done(null); return; }
        const apiError = err instanceof ApiError ? err : null;
        if (apiError?.code === 'invalid_title') { showError(titleError, title, apiError.message); title.focus(); }
        else if (apiError?.code === 'invalid_description') { showError(descriptionError, description, apiError.message); description.focus(); }
        else showError(formError, null, `Could not save: ${(err as Error).message}`);
      } finally {
        busy = false;
        form.classList.remove('busy');
        save.disabled = false;
      }
    };

    const form = h('form', { class: 'modal names-dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'rename-heading', testid: 'rename-dialog', onsubmit: submit, novalidate: true },
      h('div', { class: 'modal-head' },
        h('span', { class: 'modal-icon names-icon' }, icon('pencil', 16)),
        h('h2', { id: 'rename-heading' }, 'Rename repl')),
      h('p', { class: 'names-slug' }, 'Its address stays ', h('code', null, repl.slug), '.'),
      h('label', { class: 'names-field' },
        h('span', { class: 'names-label' }, 'Title', titleCount), title, titleError),
      h('label', { class: 'names-field' },
        h('span', { class: 'names-label' }, 'Description', descriptionCount), description, descriptionError),
      formError,
      h('div', { class: 'modal-actions' }, cancel, save));
    const backdrop = h('div', { class: 'modal-backdrop', onmousedown: (e: MouseEvent) => { if (e.target === backdrop && !busy) done(null); } }, form);
    document.body.appendChild(backdrop);
    document.addEventListener('keydown', onKey, true);
    title.focus();
    title.select();
  });
}
