// What the IDE remembers per repl in this browser: open tabs, expanded folders, panel sizes.

export interface Remembered {
  tabs?: string[];
  active?: string | null;
  expanded?: string[];
}

const key = (slug: string) => `pier.ide.${slug}`;

export function recall(slug: string): Remembered | null {
  try {
    const raw = localStorage.getItem(key(slug));
    return raw ? (JSON.parse(raw) as Remembered) : null;
  } catch {
    return null;
  }
}

export function remember(slug: string, patch: Remembered): void {
  try {
    const now = recall(slug) ?? {};
    localStorage.setItem(key(slug), JSON.stringify({ ...now, ...patch }));
  } catch { /* storage full or disabled: not important */ }
}

export function recallLayout(): Record<string, number> {
  try { return JSON.parse(localStorage.getItem('pier.ide.layout') ?? '{}'); } catch { return {}; }
}

export function rememberLayout(layout: Record<string, number>): void {
  try { localStorage.setItem('pier.ide.layout', JSON.stringify(layout)); } catch { /* ignore */ }
}
