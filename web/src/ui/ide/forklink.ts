// The Share dialog's fork link, its owner's only: a switch that lets any signed-in account fork the repl (PATCH
// forkable) and, while it is on, the link to hand out with a Copy button. The link leads to the home page, which shows
// what the repl is and a Fork button (home/forkcard.ts); the fork gets the files, never the variables or secrets.
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import { Repl, forkLink, isUnauthenticated, setForkable } from '../lib/api';

/** `onProblem` shows a refusal in the dialog; `onChanged` gets the repl as the API answered it. */
export function forkLinkSection(repl: Repl, onProblem: (what: string, err: unknown) => void, onChanged: (r: Repl) => void): HTMLElement {
  const link = forkLink(repl.slug);
  const toggle = h('input', { type: 'checkbox', testid: 'fork-link-toggle', checked: !!repl.forkable }) as HTMLInputElement;
  const address = h('input', {
    class: 'share-input mono', type: 'text', readonly: true, value: link, testid: 'fork-link-url', 'aria-label': 'Fork link',
    onfocus: (e: FocusEvent) => (e.target as HTMLInputElement).select(),
  }) as HTMLInputElement;
  const copy = h('button', {
    class: 'btn btn-ghost btn-sm', type: 'button', testid: 'fork-link-copy',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(link);
        copy.replaceChildren(icon('check', 13), 'Copied');
      } catch {
        // No clipboard (an insecure origin, a denied permission): select the link for Ctrl+C instead.
        address.focus();
      }
    },
  }, icon('code', 13), 'Copy') as HTMLButtonElement;
  const row = h('div', { class: 'share-invite-row', hidden: !repl.forkable }, address, copy);
  toggle.addEventListener('change', async () => {
    const wanted = toggle.checked;
    toggle.disabled = true;
    try {
      const updated = await setForkable(repl.slug, wanted);
      row.hidden = !updated.forkable;
      onChanged(updated);
    } catch (e) {
      toggle.checked = !wanted;
      if (!isUnauthenticated(e)) onProblem('Could not change the fork link:', e);
    } finally {
      toggle.disabled = false;
    }
  });
  return h('div', { class: 'share-invite fork-link', testid: 'fork-link' },
    h('label', { class: 'fork-link-switch' }, toggle,
      h('span', null, h('strong', null, 'Fork link'), ' — anyone signed in with the link can fork this repl (files only, never its secrets).')),
    row);
}
