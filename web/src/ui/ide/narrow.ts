// On a narrow screen (≤ 760 px) the IDE shows one pane at a time, picked in a tab bar at the bottom:
// Files / Code / Preview / Terminal. Wider, the usual side-by-side layout with its splitters comes back as it was.
import '../styles/chrome.css';
import { h } from '../lib/dom';
import { icon } from '../lib/icons';

export type NarrowPane = 'files' | 'code' | 'preview' | 'terminal';

export interface NarrowParts {
  ide: HTMLElement;
  tree: HTMLElement;
  center: HTMLElement;
  editor: HTMLElement;
  panel: HTMLElement;
  preview: HTMLElement;
  /** Called after a pane was shown (terminals refit). */
  onShow?: (pane: NarrowPane) => void;
}

export const NARROW_QUERY = '(max-width: 760px)';
const TABS: readonly [NarrowPane, string, Parameters<typeof icon>[0]][] = [
  ['files', 'Files', 'folder'], ['code', 'Code', 'code'], ['preview', 'Preview', 'globe'], ['terminal', 'Terminal', 'terminal'],
];

export class NarrowLayout {
  readonly bar: HTMLElement;
  private pane: NarrowPane = 'code';
  private readonly media = matchMedia(NARROW_QUERY);

  constructor(private readonly parts: NarrowParts) {
    this.bar = h('nav', { class: 'narrow-tabs', role: 'tablist', 'aria-label': 'Panes', testid: 'narrow-tabs' },
      ...TABS.map(([pane, label, name]) => h('button', {
        class: 'narrow-tab', role: 'tab', type: 'button', testid: `narrow-tab-${pane}`, dataset: { pane },
        onclick: () => this.show(pane),
      }, icon(name, 16), h('span', null, label))));
    this.media.addEventListener('change', () => this.apply());
    this.apply();
  }

  get narrow(): boolean { return this.media.matches; }

  /** Shows `pane` (on a narrow screen; remembered for when the screen gets narrow otherwise). */
  show(pane: NarrowPane): void {
    this.pane = pane;
    this.apply();
    this.parts.onShow?.(pane);
  }

  private apply(): void {
    const { ide, tree, center, editor, panel, preview } = this.parts;
    const narrow = this.media.matches;
    ide.classList.toggle('narrow', narrow);
    this.bar.hidden = !narrow;
    const shown: Record<NarrowPane, HTMLElement[]> = {
      files: [tree], code: [center, editor], preview: [preview], terminal: [center, panel],
    };
    for (const el of [tree, center, editor, panel, preview]) el.classList.toggle('narrow-off', narrow && !shown[this.pane].includes(el));
    for (const b of this.bar.querySelectorAll<HTMLElement>('.narrow-tab')) {
      const on = b.dataset.pane === this.pane;
      b.classList.toggle('active', on);
      b.setAttribute('aria-selected', String(on));
    }
  }
}
