// Addresses of the repl's files REST API (docs/protocol.md#files-and-archives) as the IDE uses them: byte-exact reads
// and writes, downloads and folder archives. The session protocol carries text; bytes travel here.

const segments = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/** A file's bytes; `download` asks the server to send it as an attachment. */
export const fileUrl = (slug: string, path: string, download = false) =>
  `/api/repls/${encodeURIComponent(slug)}/files/${segments(path)}${download ? '?download=true' : ''}`;

/** A folder (or, for '', the whole workspace) as a zip archive. */
export const archiveUrl = (slug: string, folder: string) =>
  `/api/repls/${encodeURIComponent(slug)}/archive${folder ? `/${segments(folder)}` : ''}?format=zip`;

/** Starts the browser's download of `url` as `name`. */
export function saveAs(url: string, name: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** The size of a file, from its stat. */
export async function fileSize(slug: string, path: string): Promise<number> {
  const res = await fetch(`${fileUrl(slug, path)}?stat=true`, { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const stat = (await res.json()) as { size?: number };
  return stat.size ?? 0;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} byte${n === 1 ? '' : 's'}`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}
