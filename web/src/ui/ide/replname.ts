// The repl's name in the IDE header: its title (its slug beneath when it has one), a button that opens the rename
// dialog for its owner, plain text for a collaborator (naming it is the owner's). The page's title follows it.
import { h, append } from '../lib/dom';
import { icon } from '../lib/icons';
import { Repl } from '../lib/api';
import { toast } from '../lib/toast';
import { renameDialog } from '../lib/renamedialog';

export class ReplName {
  readonly el: HTMLElement;

  constructor(private repl: Repl, private readonly onRenamed: (repl: Repl) => void, private readonly canRename = true) {
    this.el = canRename
      ? h('button', {
        class: 'repl-name-button', type: 'button', testid: 'repl-name', title: 'Rename this repl',
        onclick: () => void this.rename(),
      })
      : h('span', { class: 'repl-name-button static', testid: 'repl-name', title: `Owned by ${repl.owner}` });
    this.show(repl);
  }

  /** Shows the repl's names as the record has them. */
  show(repl: Repl): void {
    this.repl = repl;
    const title = repl.title?.trim() || null;
    this.el.replaceChildren();
    append(this.el, [
      title ? h('span', { class: 'repl-name', testid: 'repl-title' }, title) : null,
      h('span', { class: title ? 'repl-name-slug mono' : 'repl-name mono', testid: 'repl-slug' }, repl.slug),
      this.canRename ? icon('pencil', 12, 'repl-name-edit') : null]);
    if (this.canRename) this.el.setAttribute('aria-label', `Rename ${title ?? repl.slug}`);
    document.title = `${title ?? repl.slug} · Pier`;
  }

  private async rename(): Promise<void> {
    const renamed = await renameDialog(this.repl);
    if (!renamed) return;
    this.show(renamed);
    this.onRenamed(renamed);
    toast('success', 'Repl renamed', renamed.title?.trim() || renamed.slug, undefined, 'rename');
  }
}
