// The repl's name in the IDE header: its title (its slug beneath when it has one), a button that opens the rename
// dialog. The page's title follows it.
import { h, append } from '../lib/dom';
import { icon } from '../lib/icons';
import { Repl } from '../lib/api';
import { toast } from '../lib/toast';
import { renameDialog } from '../lib/renamedialog';

export class ReplName {
  readonly el: HTMLButtonElement;

  constructor(private repl: Repl, private readonly onRenamed: (repl: Repl) => void) {
    this.el = h('button', {
      class: 'repl-name-button', type: 'button', testid: 'repl-name', title: 'Rename this repl',
      onclick: () => void this.rename(),
    });
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
      icon('pencil', 12, 'repl-name-edit')]);
    this.el.setAttribute('aria-label', `Rename ${title ?? repl.slug}`);
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
