// Drag and drop on the file tree: a row dropped onto a folder moves there (fs.rename), never into itself; files and
// folders dropped from the desktop are uploaded into the folder under the pointer (the workspace on blank space).
import { toast, toastError } from '../lib/toast';
import { basename, dirname, isWithin, join } from './paths';
import { ProtocolError, Session } from './session';
import { carriesFiles, itemsFromDrop, Uploads } from './transfer';

const ROW_TYPE = 'application/x-pier-path';

export interface TreeDragOptions {
  /** The tree's list: its rows carry data-path and data-type. */
  list: HTMLElement;
  session: Session;
  uploads: Uploads;
  /** A move the server made: the tree and the editor's tabs follow it. */
  moved: (from: string, to: string) => void;
}

/** The folder a drop at this element goes into: a folder row itself, a file row's folder, or the workspace. */
function folderAt(target: EventTarget | null): { dir: string; row: HTMLElement | null } {
  const row = (target as HTMLElement | null)?.closest?.<HTMLElement>('.tree-row[data-path]') ?? null;
  if (!row) return { dir: '', row: null };
  const path = row.dataset.path!;
  return row.dataset.type === 'dir' ? { dir: path, row } : { dir: dirname(path), row: null };
}

/** Why `from` cannot move into `dir`, or null when it can. */
export function moveRefusal(from: string, dir: string): string | null {
  if (dir === from || isWithin(dir, from)) return `${basename(from)} cannot move into itself.`;
  if (dirname(from) === dir) return 'It is in that folder already.';
  return null;
}

export function enableTreeDrag(opts: TreeDragOptions): void {
  const { list } = opts;
  let dragging: string | null = null;
  let lit: HTMLElement | null = null;
  const light = (el: HTMLElement | null) => {
    if (lit === el) return;
    lit?.classList.remove('drop-target');
    lit = el;
    lit?.classList.add('drop-target');
  };

  list.addEventListener('dragstart', (e) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('.tree-row[data-path]');
    if (!row || !e.dataTransfer) return;
    dragging = row.dataset.path!;
    e.dataTransfer.setData(ROW_TYPE, dragging);
    e.dataTransfer.setData('text/plain', dragging);
    e.dataTransfer.effectAllowed = 'move';
  });
  list.addEventListener('dragend', () => { dragging = null; light(null); });
  list.addEventListener('dragover', (e) => {
    const { dir, row } = folderAt(e.target);
    const ok = dragging !== null ? moveRefusal(dragging, dir) === null : carriesFiles(e);
    if (!ok) { light(null); return; }
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = dragging !== null ? 'move' : 'copy';
    light(row ?? list);
  });
  list.addEventListener('dragleave', (e) => { if (!list.contains(e.relatedTarget as Node)) light(null); });
  list.addEventListener('drop', (e) => {
    e.preventDefault();
    light(null);
    const { dir } = folderAt(e.target);
    const from = dragging ?? e.dataTransfer?.getData(ROW_TYPE) ?? '';
    dragging = null;
    if (from) void move(opts, from, dir);
    else if (e.dataTransfer && carriesFiles(e)) {
      void itemsFromDrop(e.dataTransfer).then((items) => opts.uploads.upload(items, dir));
    }
  });
}

async function move(opts: TreeDragOptions, from: string, dir: string): Promise<void> {
  const refusal = moveRefusal(from, dir);
  if (refusal) { toast('error', `Cannot move ${basename(from)}`, refusal); return; }
  const to = join(dir, basename(from));
  try {
    await opts.session.request('fs.rename', { from, to });
    opts.moved(from, to);
  } catch (e) {
    const err = e as ProtocolError;
    if (err.code === 'exists') toast('error', `Cannot move ${basename(from)}`, `${dir || 'The workspace'} already has a ${basename(from)}.`);
    else toastError(`Could not move ${basename(from)}`, err);
  }
}
