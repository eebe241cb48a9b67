// The preview pane's own history: the paths typed into its address bar, with back and forward. Kept apart from the
// page's history: the IDE's Back button leaves the IDE, it does not step through the app.

/**
 * The path (with query and fragment) that `input` names on the app at `base`: `/about`, `about`, `?q=1`, or a full
 * address of the app itself. Null for an address of another site: the preview shows only the repl's app.
 */
export function previewPath(base: string, input: string): string | null {
  const text = input.trim();
  if (!text) return '/';
  let app: URL;
  try { app = new URL(base); } catch { return null; }
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(text) || text.startsWith('//');
  let u: URL;
  try { u = new URL(absolute ? text : text.startsWith('/') || text.startsWith('?') || text.startsWith('#') ? text : `/${text}`, app); } catch { return null; }
  if (u.origin !== app.origin) return null;
  return `${u.pathname}${u.search}${u.hash}`;
}

export class PreviewHistory {
  private entries: string[] = ['/'];
  private index = 0;

  get current(): string { return this.entries[this.index]; }
  get canGoBack(): boolean { return this.index > 0; }
  get canGoForward(): boolean { return this.index < this.entries.length - 1; }

  /** A new place: what was forward of here is dropped, as in a browser. The same path again adds nothing. */
  go(path: string): void {
    if (path === this.current) return;
    this.entries = this.entries.slice(0, this.index + 1);
    this.entries.push(path);
    if (this.entries.length > 100) this.entries.shift();
    this.index = this.entries.length - 1;
  }

  back(): string { if (this.canGoBack) this.index--; return this.current; }
  forward(): string { if (this.canGoForward) this.index++; return this.current; }
}
