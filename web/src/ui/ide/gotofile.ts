// Go to file (Ctrl+P): a fuzzy pick over the workspace's file names, listed by the server (fs.files, bounded).
import { fileBadge } from '../lib/fileicons';
import { toastError } from '../lib/toast';
import { fuzzyScore, openPicker, PickItem } from './picker';
import { Session } from './session';

interface FilesReply { paths: string[]; truncated: boolean }
interface FileItem extends PickItem { path: string }

/** Opens the picker at once; the names fill in when the server answers. */
export function openGoToFile(session: Session, open: (path: string) => void): void {
  let paths: string[] | null = null;
  const picker = openPicker<FileItem>({
    placeholder: 'Go to file: type part of its name',
    testid: 'goto-file',
    empty: 'No matching files',
    filter: (query) => {
      if (!paths) return [];
      const name = (p: string) => p.slice(p.lastIndexOf('/') + 1);
      return paths
        .map((path) => ({ path, score: Math.max(fuzzyScore(query, path) ?? -Infinity, (fuzzyScore(query, name(path)) ?? -Infinity) + 2) }))
        .filter((x) => x.score > -Infinity)
        .sort((a, b) => b.score - a.score || a.path.localeCompare(b.path))
        .slice(0, 200)
        .map(({ path }) => {
          const slash = path.lastIndexOf('/');
          return { path, label: path.slice(slash + 1), detail: slash > 0 ? path.slice(0, slash) : '', lead: fileBadge(path) };
        });
    },
    pick: (item) => open(item.path),
  });
  session.request<FilesReply>('fs.files', {}, 30000).then(
    (reply) => { paths = reply.paths; picker.refresh(); },
    (e) => { picker.close(); toastError('Could not list the files', e); });
}
