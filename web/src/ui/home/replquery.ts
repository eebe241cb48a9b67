// Which of the user's repls the home page shows, in which order: a search over title, slug and description, and a
// sort by last activity, name or creation. Pure: no DOM, so that it is tested without a browser.
import type { Repl } from '../lib/api-types';

export type ReplSort = 'active' | 'name' | 'created';

export const SORTS: { value: ReplSort; label: string }[] = [
  { value: 'active', label: 'Last active' },
  { value: 'name', label: 'Name' },
  { value: 'created', label: 'Newest' },
];

export const isReplSort = (value: unknown): value is ReplSort => SORTS.some((s) => s.value === value);

/** What a repl is called: its title, or its slug when it has none. */
export const replName = (r: Pick<Repl, 'slug' | 'title'>): string => r.title?.trim() || r.slug;

/** Whether every word of the query is in the repl's title, slug or description (case-insensitive). */
export function matchesQuery(r: Pick<Repl, 'slug' | 'title' | 'description'>, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const text = `${r.title ?? ''}\n${r.slug}\n${r.description ?? ''}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

const time = (iso: string | null | undefined) => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? 0 : t;
};

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Compares two repls for a sort; ties fall back to the newest first, then the slug, so the order never flickers. */
export function compareRepls(sort: ReplSort, a: Repl, b: Repl): number {
  const byName = () => collator.compare(replName(a), replName(b));
  const byCreated = () => time(b.createdAt) - time(a.createdAt);
  const first = sort === 'name' ? byName() : sort === 'created' ? byCreated() : time(b.lastActiveAt) - time(a.lastActiveAt);
  return first || byCreated() || a.slug.localeCompare(b.slug);
}

/** The repls that match the query, sorted. */
export function arrangeRepls(repls: readonly Repl[], query: string, sort: ReplSort): Repl[] {
  return repls.filter((r) => matchesQuery(r, query)).sort((a, b) => compareRepls(sort, a, b));
}
