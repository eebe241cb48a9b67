// The preview pane: the repl's app at its own host (<slug>.<domain>), in an iframe.
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import type { RunState } from './session';

export class Preview {
  readonly el: HTMLElement;
  private frame: HTMLIFrameElement;
  private address: HTMLElement;
  private notice: HTMLElement;
  private loading: HTMLElement;
  private url = '';
  private reloadTimer: number | undefined;

  constructor(onRun: () => void) {
    this.frame = h('iframe', {
      class: 'preview-frame', testid: 'preview-frame', title: 'Preview of the app',
      // The app is another origin already; the sandbox only keeps it from navigating the IDE away.
      sandbox: 'allow-scripts allow-same-origin allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox allow-downloads',
      allow: 'clipboard-read; clipboard-write',
      referrerpolicy: 'no-referrer',
      onload: () => { this.loading.hidden = true; },
    });
    this.address = h('span', { class: 'address-text mono', testid: 'preview-url' });
    this.loading = h('div', { class: 'preview-loading', hidden: true }, h('div', { class: 'progress-bar' }));
    this.notice = h('div', { class: 'preview-notice', hidden: true },
      h('div', { class: 'preview-notice-card' },
        h('div', { class: 'empty-icon' }, icon('play', 22)),
        h('div', { class: 'preview-notice-title' }, 'The app is not running'),
        h('div', { class: 'preview-notice-text' }, 'Press Run to start it; the preview reloads by itself.'),
        h('button', { class: 'btn btn-run btn-sm', onclick: onRun }, icon('play', 13), 'Run')));
    this.el = h('div', { class: 'preview' },
      h('div', { class: 'pane-head preview-head' },
        h('button', { class: 'icon-button sm', title: 'Reload preview', 'aria-label': 'Reload preview', testid: 'preview-reload', onclick: () => this.reload() }, icon('refresh', 14)),
        h('div', { class: 'address', title: 'The app, as everyone with the link sees it' }, icon('globe', 13), this.address),
        h('a', {
          class: 'icon-button sm', title: 'Open in a new tab', 'aria-label': 'Open in a new tab', testid: 'preview-open',
          target: '_blank', rel: 'noopener', href: '#',
          onclick: (e: MouseEvent) => { if (!this.url) e.preventDefault(); },
        }, icon('external', 14))),
      h('div', { class: 'preview-body' }, this.frame, this.loading, this.notice));
  }

  setUrl(url: string): void {
    if (url === this.url) return;
    this.url = url;
    let shown = url;
    try { const u = new URL(url); shown = `${u.host}${u.pathname === '/' ? '' : u.pathname}`; } catch { /* keep as is */ }
    this.address.textContent = shown;
    (this.el.querySelector('[data-testid="preview-open"]') as HTMLAnchorElement).href = url;
    this.reload();
  }

  /** Loads the app again. Assigning src navigates even to the same URL. */
  reload(): void {
    if (!this.url) return;
    if (this.reloadTimer !== undefined) { clearTimeout(this.reloadTimer); this.reloadTimer = undefined; }
    this.loading.hidden = false;
    this.frame.src = this.url;
  }

  /** Reloads shortly after the app (re)starts, giving it a moment to listen. */
  reloadSoon(ms = 900): void {
    if (this.reloadTimer !== undefined) clearTimeout(this.reloadTimer);
    this.reloadTimer = window.setTimeout(() => { this.reloadTimer = undefined; this.reload(); }, ms);
  }

  setRunState(state: RunState | null): void {
    this.notice.hidden = state !== 'exited' && state !== 'stopped';
  }
}
