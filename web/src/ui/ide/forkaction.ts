// The IDE's Fork button: saves what is open, asks Pier for a copy of the repl (files only, never its variables), and
// opens the copy.
import { forkRepl } from '../lib/api';
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import { toast, toastError } from '../lib/toast';

export function forkButton(slug: string, saveOpenFiles: () => Promise<void>): HTMLButtonElement {
  const button: HTMLButtonElement = h('button', {
    class: 'btn btn-ghost btn-sm', testid: 'repl-fork', title: 'Copy this repl\'s files into a new repl of yours (its secrets stay here)',
    onclick: async () => {
      button.disabled = true;
      try {
        await saveOpenFiles();
        const fork = await forkRepl(slug);
        toast('success', 'Forked', `Opening ${fork.title ?? fork.slug}.`);
        location.href = `/ide/${encodeURIComponent(fork.slug)}`;
      } catch (e) {
        toastError('Could not fork the repl', e);
        button.disabled = false;
      }
    },
  }, icon('fork', 13), 'Fork');
  return button;
}
