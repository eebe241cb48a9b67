// Workspace paths as the protocol has them: relative, '/'-separated, '' for the root.

export const dirname = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
export const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
export const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** True when `p` is `ancestor` or lies inside it. */
export const isWithin = (p: string, ancestor: string) => ancestor === '' || p === ancestor || p.startsWith(`${ancestor}/`);

/** Replaces the prefix `from` of `p` by `to` (for renames of folders). */
export const rebase = (p: string, from: string, to: string) => (p === from ? to : `${to}${p.slice(from.length)}`);

/** A name the user typed: no empty segments, no '.'/'..', no leading '/'. Returns an error text or null. */
export function checkName(name: string): string | null {
  if (!name.trim()) return 'A name is required.';
  if (name.startsWith('/')) return 'Use a path relative to the folder.';
  for (const seg of name.split('/')) {
    if (!seg) return 'Empty folder names are not allowed.';
    if (seg === '.' || seg === '..') return '"." and ".." are not allowed.';
    if (seg.includes('\0')) return 'NUL is not allowed.';
  }
  return null;
}
