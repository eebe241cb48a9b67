// The Search view: the sidebar's second face (Ctrl+Shift+F), text across the workspace's files through fs.search,
// hits grouped by file; a hit opens its file at its line with the match selected.
import '../styles/find.css';
import { h, clear } from '../lib/dom';
import { icon } from '../lib/icons';
import { fileBadge } from '../lib/fileicons';
import { Session } from './session';

/** A match: `line` from 1, `column` from 0 in the line; `previewColumn` where it starts in `preview`. */
export interface SearchHit { path: string; line: number; column: number; length: number; preview: string; previewColumn: number }
interface SearchReply { hits: SearchHit[]; truncated: boolean }

export interface SearchViewOptions {
  session: Session;
  onOpenHit: (hit: SearchHit) => void;
  onClose: () => void;
}

export class SearchView {
  readonly el: HTMLElement;
  private input: HTMLInputElement;
  private caseButton: HTMLButtonElement;
  private regexButton: HTMLButtonElement;
  private results: HTMLElement;
  private summary: HTMLElement;
  private caseSensitive = false;
  private regex = false;
  /** The latest search: an older reply arriving late is dropped. */
  private asked = 0;
  private timer = 0;

  constructor(private readonly opts: SearchViewOptions) {
    this.input = h('input', {
      class: 'input search-input', type: 'search', placeholder: 'Search files', spellcheck: 'false',
      testid: 'search-input', 'aria-label': 'Search in files',
    });
    this.input.addEventListener('input', () => this.soon());
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); void this.search(); }
      if (e.key === 'Escape') { e.preventDefault(); this.opts.onClose(); }
    });
    this.caseButton = this.toggle('Aa', 'Match case', 'search-case', () => { this.caseSensitive = !this.caseSensitive; return this.caseSensitive; });
    this.regexButton = this.toggle('.*', 'Use regular expression', 'search-regex', () => { this.regex = !this.regex; return this.regex; });
    this.summary = h('div', { class: 'search-summary', testid: 'search-summary' });
    this.results = h('div', { class: 'search-results', testid: 'search-results', role: 'tree' });
    this.el = h('div', { class: 'sidebar search-view', testid: 'search-view', hidden: true },
      h('div', { class: 'pane-head' },
        h('span', { class: 'pane-title' }, 'Search'),
        h('div', { class: 'pane-actions' },
          h('button', { class: 'icon-button sm', title: 'Back to files', 'aria-label': 'Back to files', onclick: () => this.opts.onClose() }, icon('x', 14)))),
      h('div', { class: 'search-box' }, this.input, this.caseButton, this.regexButton),
      this.summary,
      this.results);
  }

  /** Shows the view with the cursor in its field, the text selected so that typing replaces it. */
  focus(initial?: string): void {
    if (initial) { this.input.value = initial; this.soon(); }
    this.input.focus();
    this.input.select();
  }

  private toggle(label: string, title: string, testid: string, flip: () => boolean): HTMLButtonElement {
    const b: HTMLButtonElement = h('button', {
      class: 'search-toggle mono', title, 'aria-label': title, 'aria-pressed': 'false', testid,
      onclick: () => { b.setAttribute('aria-pressed', String(flip())); void this.search(); },
    }, label);
    return b;
  }

  private soon(): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.search(), 250);
  }

  private async search(): Promise<void> {
    window.clearTimeout(this.timer);
    const query = this.input.value;
    const mine = ++this.asked;
    if (!query) { clear(this.results); this.summary.textContent = ''; return; }
    this.summary.textContent = 'Searching…';
    try {
      const reply = await this.opts.session.request<SearchReply>('fs.search', { query, regex: this.regex, caseSensitive: this.caseSensitive }, 30000);
      if (mine === this.asked) this.render(reply);
    } catch (e) {
      if (mine !== this.asked) return;
      clear(this.results);
      this.summary.textContent = (e as Error).message;
      this.summary.classList.add('error');
    }
  }

  private render(reply: SearchReply): void {
    this.summary.classList.remove('error');
    clear(this.results);
    const byFile = new Map<string, SearchHit[]>();
    for (const hit of reply.hits) {
      const list = byFile.get(hit.path) ?? [];
      list.push(hit);
      byFile.set(hit.path, list);
    }
    const n = reply.hits.length;
    this.summary.textContent = n === 0 ? 'No results'
      : `${n}${reply.truncated ? '+' : ''} result${n === 1 ? '' : 's'} in ${byFile.size} file${byFile.size === 1 ? '' : 's'}${reply.truncated ? ' (stopped early: narrow the search)' : ''}`;
    for (const [path, hits] of byFile) {
      const slash = path.lastIndexOf('/');
      this.results.append(
        h('div', { class: 'search-file', testid: 'search-file', dataset: { path }, title: path },
          fileBadge(path),
          h('span', { class: 'search-file-name' }, path.slice(slash + 1)),
          h('span', { class: 'search-file-dir' }, slash > 0 ? path.slice(0, slash) : ''),
          h('span', { class: 'search-count' }, String(hits.length))));
      for (const hit of hits) this.results.append(this.hitRow(hit));
    }
  }

  private hitRow(hit: SearchHit): HTMLElement {
    // A narrow sidebar shows a line's start only: a match further in is shown with a little before it.
    const cut = hit.previewColumn > 24 ? hit.previewColumn - 16 : 0;
    const line = (cut ? '…' : '') + hit.preview.slice(cut);
    const lead = Math.max(0, Math.min(line.length, hit.previewColumn - cut + (cut ? 1 : 0)));
    const end = Math.min(line.length, lead + hit.length);
    return h('div', {
      class: 'search-hit mono', testid: 'search-hit', role: 'treeitem', tabindex: '0',
      dataset: { path: hit.path, line: String(hit.line) }, title: `${hit.path}:${hit.line}`,
      onclick: () => this.opts.onOpenHit(hit),
      onkeydown: (e: KeyboardEvent) => { if (e.key === 'Enter') this.opts.onOpenHit(hit); },
    },
    h('span', { class: 'search-line' }, String(hit.line)),
    h('span', { class: 'search-preview' }, line.slice(0, lead), h('mark', {}, line.slice(lead, end)), line.slice(end)));
  }
}
