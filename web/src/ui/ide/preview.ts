// The preview pane: the repl's app at its own host (<slug>.<domain>), in an iframe, and who may open it.
import '../styles/chrome.css';
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import type { Visibility } from '../lib/api';
import type { RunState } from './session';
import { PreviewHistory, previewPath } from './previewnav';

export class Preview {
  readonly el: HTMLElement;
  private frame: HTMLIFrameElement;
  private address: HTMLElement;
  private pathInput: HTMLInputElement;
  private backButton: HTMLButtonElement;
  private forwardButton: HTMLButtonElement;
  private readonly history = new PreviewHistory();
  private addressIcon: HTMLElement;
  private visibilityButton: HTMLButtonElement;
  private notice: HTMLElement;
  private loading: HTMLElement;
  private url = '';
  private visibility: Visibility = 'public';
  /** Who may open the preview is its owner's to change: for a collaborator the switch only shows it. */
  private visibilityLocked = false;
  private reloadTimer: number | undefined;
  private consoleProgram = false;
  /** Whether the repl's template is known to make a web app: until then nothing loads (a console program has no page). */
  private webApp = false;

  /** `onVisibility` changes who may open the preview; it settles once Pier has it (or throws). */
  constructor(private readonly onRun: () => void, private readonly onVisibility: (v: Visibility) => Promise<void>) {
    this.frame = h('iframe', {
      class: 'preview-frame', testid: 'preview-frame', title: 'Preview of the app',
      // The app is another origin already; the sandbox only keeps it from navigating the IDE away.
      sandbox: 'allow-scripts allow-same-origin allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox allow-downloads',
      allow: 'clipboard-read; clipboard-write',
      referrerpolicy: 'no-referrer',
      onload: () => { this.loading.hidden = true; },
    });
    this.address = h('span', { class: 'address-text mono', testid: 'preview-url' });
    this.pathInput = h('input', {
      class: 'address-path mono', testid: 'preview-path', type: 'text', value: '/', spellcheck: 'false', autocomplete: 'off',
      'aria-label': 'Path in the app', title: 'A path in the app, e.g. /about; Enter loads it in the preview',
      onkeydown: (e: KeyboardEvent) => {
        if (e.key === 'Enter') { e.preventDefault(); this.navigate(this.pathInput.value); }
        else if (e.key === 'Escape') { this.pathInput.value = this.history.current; this.pathInput.blur(); }
      },
      onfocus: () => this.pathInput.select(),
    }) as HTMLInputElement;
    const navButton = (testid: string, label: string, name: 'arrowLeft' | 'arrowRight', go: () => void) =>
      h('button', { class: 'icon-button sm', title: label, 'aria-label': label, testid, disabled: true, onclick: go }, icon(name, 14)) as HTMLButtonElement;
    this.backButton = navButton('preview-back', 'Back (in the preview)', 'arrowLeft', () => { this.history.back(); this.load(); });
    this.forwardButton = navButton('preview-forward', 'Forward (in the preview)', 'arrowRight', () => { this.history.forward(); this.load(); });
    this.addressIcon = h('span', { class: 'address-icon' }, icon('globe', 13));
    this.visibilityButton = h('button', {
      class: 'visibility-toggle', testid: 'preview-visibility', dataset: { visibility: 'public' },
      onclick: () => void this.toggle(),
    });
    this.loading = h('div', { class: 'preview-loading', hidden: true }, h('div', { class: 'progress-bar' }));
    this.notice = h('div', { class: 'preview-notice', hidden: true },
      h('div', { class: 'preview-notice-card' },
        h('div', { class: 'empty-icon' }, icon('play', 22)),
        h('div', { class: 'preview-notice-title' }, 'The app is not running'),
        h('div', { class: 'preview-notice-text' }, 'Press Run to start it; the preview reloads by itself.'),
        h('button', { class: 'btn btn-run btn-sm', onclick: onRun }, icon('play', 13), 'Run')));
    this.el = h('div', { class: 'preview' },
      h('div', { class: 'pane-head preview-head' },
        this.backButton, this.forwardButton,
        h('button', { class: 'icon-button sm', title: 'Reload preview', 'aria-label': 'Reload preview', testid: 'preview-reload', onclick: () => this.reload() }, icon('refresh', 14)),
        h('div', { class: 'address', onclick: (e: MouseEvent) => { if (e.target !== this.pathInput) this.pathInput.focus(); } },
          this.addressIcon, this.address, this.pathInput),
        this.visibilityButton,
        h('a', {
          class: 'icon-button sm', title: 'Open in a new tab', 'aria-label': 'Open in a new tab', testid: 'preview-open',
          target: '_blank', rel: 'noopener', href: '#',
          onclick: (e: MouseEvent) => { if (!this.url) e.preventDefault(); },
        }, icon('external', 14))),
      h('div', { class: 'preview-body' }, this.frame, this.loading, this.notice));
    this.renderVisibility(false);
  }

  setUrl(url: string): void {
    if (url === this.url) return;
    this.url = url;
    let shown = url;
    try {
      const u = new URL(url);
      shown = u.host;
      if (this.history.current === '/' && `${u.pathname}${u.search}` !== '/') this.history.go(`${u.pathname}${u.search}`);
    } catch { /* keep as is */ }
    this.address.textContent = shown;
    this.load();
  }

  /** Loads `input` (a path in the app) and makes it the pane's next history entry. */
  navigate(input: string): void {
    const path = previewPath(this.url, input);
    if (path === null) {
      this.pathInput.setCustomValidity('Only paths of this app open in the preview');
      this.pathInput.reportValidity();
      return;
    }
    this.pathInput.setCustomValidity('');
    this.history.go(path);
    this.load();
  }

  /** The address of the history's current entry in the app. */
  private currentUrl(): string {
    try { return new URL(this.history.current, this.url).href; } catch { return this.url; }
  }

  private load(): void {
    this.backButton.disabled = !this.history.canGoBack;
    this.forwardButton.disabled = !this.history.canGoForward;
    if (document.activeElement !== this.pathInput || this.pathInput.value !== this.history.current) this.pathInput.value = this.history.current;
    (this.el.querySelector('[data-testid="preview-open"]') as HTMLAnchorElement).href = this.currentUrl();
    this.reload();
  }

  setVisibility(v: Visibility): void {
    this.visibility = v;
    this.renderVisibility(false);
  }

  /** Locks the Public / Private switch (a collaborator's IDE): it shows the visibility, only the owner changes it. */
  lockVisibility(): void {
    this.visibilityLocked = true;
    this.renderVisibility(false);
  }

  /** Loads the app again. Assigning src navigates even to the same URL. */
  reload(): void {
    if (!this.url || !this.webApp) return;
    if (this.reloadTimer !== undefined) { clearTimeout(this.reloadTimer); this.reloadTimer = undefined; }
    this.loading.hidden = false;
    const target = this.currentUrl();
    // Replaced, not pushed: a load in the frame would otherwise become an entry of the page's own history.
    const w = this.frame.contentWindow;
    if (this.frame.getAttribute('src') && w) {
      try { w.location.replace(target); return; } catch { /* not allowed here: set src */ }
    }
    this.frame.src = target;
  }

  /** Reloads shortly after the app (re)starts, giving it a moment to listen. */
  reloadSoon(ms = 900): void {
    if (this.reloadTimer !== undefined) clearTimeout(this.reloadTimer);
    this.reloadTimer = window.setTimeout(() => { this.reloadTimer = undefined; this.reload(); }, ms);
  }

  setRunState(state: RunState | null): void {
    if (this.consoleProgram) return;
    this.notice.hidden = state !== 'exited' && state !== 'stopped';
  }

  /** A console program has no page: the pane says where its output goes, whatever the run does. */
  /** Once the template is known: a web app's page loads; a console program's pane says where its output goes. */
  setMode(mode: 'web' | 'console'): void {
    if (mode === 'console') {
      this.showConsole();
    } else {
      this.webApp = true;
      this.reload();
    }
  }

  private showConsole(): void {
    this.consoleProgram = true;
    // No page: no address to show or share.
    (this.address.parentElement as HTMLElement).hidden = true;
    this.visibilityButton.hidden = true;
    (this.el.querySelector('[data-testid="preview-open"]') as HTMLElement).hidden = true;
    this.frame.removeAttribute('src');
    this.loading.hidden = true;
    this.notice.replaceChildren(h('div', { class: 'preview-notice-card', testid: 'preview-console' },
      h('div', { class: 'empty-icon' }, icon('terminal', 22)),
      h('div', { class: 'preview-notice-title' }, 'A console program'),
      h('div', { class: 'preview-notice-text' }, 'It prints to the Run tab below; there is no page to preview. Press Run to run it again.'),
      h('button', { class: 'btn btn-run btn-sm', onclick: this.onRun }, icon('play', 13), 'Run')));
    this.notice.hidden = false;
  }

  private async toggle(): Promise<void> {
    if (this.visibilityButton.disabled) return;
    const next: Visibility = this.visibility === 'public' ? 'private' : 'public';
    this.renderVisibility(true);
    try {
      await this.onVisibility(next);
      this.visibility = next;
      // The frame loads again, through sign-in when it became private, as anyone else would see it.
      this.reload();
    } finally {
      this.renderVisibility(false);
    }
  }

  private renderVisibility(busy: boolean): void {
    const isPrivate = this.visibility === 'private';
    const b = this.visibilityButton;
    b.disabled = busy || this.visibilityLocked;
    b.dataset.visibility = this.visibility;
    b.replaceChildren(busy ? h('div', { class: 'spinner' }) : icon(isPrivate ? 'lock' : 'globe', 12), isPrivate ? 'Private' : 'Public');
    if (this.visibilityLocked) {
      b.title = isPrivate
        ? 'Private: only the owner and the accounts it is shared with can open the preview, signed in. Only the owner can change this.'
        : 'Public: anyone with the link can open the preview. Only the owner can change this.';
      b.setAttribute('aria-label', isPrivate ? 'Preview is private' : 'Preview is public');
    } else {
      b.title = isPrivate
        ? 'Private: only you (and the accounts you share the repl with) can open the preview, signed in. Click to share it with anyone who has the link.'
        : 'Public: anyone with the link can open the preview. Click to make it private.';
      b.setAttribute('aria-label', isPrivate ? 'Preview is private; make it public' : 'Preview is public; make it private');
    }
    this.addressIcon.replaceChildren(icon(isPrivate ? 'lock' : 'globe', 13));
    (this.addressIcon.parentElement as HTMLElement | null)?.setAttribute('title',
      isPrivate ? 'The app; only you can open this link' : 'The app, as everyone with the link sees it');
  }
}
