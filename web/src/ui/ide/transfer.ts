// Files in and out of the IDE: uploads (a button for files or a folder, and files or folders dropped from the desktop)
// written byte-exact through the files API a few at a time with their progress, and downloads (a file as itself, a
// folder as a zip).
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import { toast } from '../lib/toast';
import { showMenu } from './contextmenu';
import { archiveUrl, fileUrl, formatBytes, saveAs } from './filesapi';
import { basename, join } from './paths';

/** One file to upload: where it goes below the target folder, and its bytes. */
export interface UploadItem { path: string; file: File }

/** How many uploads run at once. */
const PARALLEL = 3;

/** Downloads a file as itself, or a folder (or the workspace, '') as a zip. */
export function download(slug: string, path: string, isDir: boolean): void {
  if (isDir) saveAs(archiveUrl(slug, path), `${path ? basename(path) : slug}.zip`);
  else saveAs(fileUrl(slug, path, true), basename(path));
}

/** Whether a drag carries files from outside the page (the desktop), not a row of the tree. */
export const carriesFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');

/** The files of a drop, folders walked through (webkitGetAsEntry), with their paths relative to what was dropped. */
export async function itemsFromDrop(data: DataTransfer): Promise<UploadItem[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of [...data.items]) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else { const f = item.getAsFile(); if (f) loose.push(f); }
  }
  const out: UploadItem[] = loose.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  for (const entry of entries) await walkEntry(entry, entry.name, out);
  return out;
}

async function walkEntry(entry: FileSystemEntry, path: string, out: UploadItem[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path, file });
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries answers in batches (100 in Chromium) until an empty one.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (!batch.length) break;
      for (const child of batch) await walkEntry(child, `${path}/${child.name}`, out);
    }
  }
}

/** The upload button (files or a folder) and the list of uploads in flight under the file tree. */
export class Uploads {
  readonly button: HTMLElement;
  readonly el: HTMLElement;
  private filesInput: HTMLInputElement;
  private folderInput: HTMLInputElement;
  private queue: { item: UploadItem; dest: string; row: HTMLElement; done: (ok: boolean) => void }[] = [];
  private running = 0;

  constructor(private readonly slug: string, private readonly targetDir: () => string) {
    const picked = (input: HTMLInputElement) => () => {
      const items = [...(input.files ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
      input.value = '';
      void this.upload(items, this.targetDir());
    };
    this.filesInput = h('input', { type: 'file', multiple: true, hidden: true, testid: 'upload-files-input' });
    this.filesInput.addEventListener('change', picked(this.filesInput));
    this.folderInput = h('input', { type: 'file', multiple: true, hidden: true, webkitdirectory: true, testid: 'upload-folder-input' });
    this.folderInput.addEventListener('change', picked(this.folderInput));
    // The inputs sit beside the button, not in it: their click() would bubble into the button and open the menu again.
    this.button = h('span', { class: 'pane-actions' }, h('button', {
      class: 'icon-button sm', title: 'Upload files or a folder', 'aria-label': 'Upload', testid: 'tree-upload',
      onclick: (e: MouseEvent) => {
        const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
        showMenu(r.left, r.bottom + 2, [
          { label: 'Upload files…', icon: 'file', testid: 'menu-upload-files', run: () => this.filesInput.click() },
          { label: 'Upload folder…', icon: 'folder', testid: 'menu-upload-folder', run: () => this.folderInput.click() },
        ]);
      },
    }, icon('upload', 14)), this.filesInput, this.folderInput);
    this.el = h('div', { class: 'uploads', testid: 'uploads', hidden: true });
  }

  /** Uploads the items into `dir`, PARALLEL at a time; resolves with how many were written. */
  async upload(items: UploadItem[], dir: string): Promise<number> {
    if (!items.length) return 0;
    this.el.hidden = false;
    const pending = items.map((item) => new Promise<boolean>((done) => {
      const dest = join(dir, item.path);
      const row = h('div', { class: 'upload-row', testid: `upload-${dest}`, dataset: { state: 'queued' } },
        h('span', { class: 'upload-name', title: dest }, basename(dest)),
        h('span', { class: 'upload-bar' }, h('span', { class: 'upload-fill' })),
        h('span', { class: 'upload-note' }, formatBytes(item.file.size)));
      this.el.appendChild(row);
      this.queue.push({ item, dest, row, done });
    }));
    this.pump();
    const results = await Promise.all(pending);
    const ok = results.filter(Boolean).length;
    if (ok) toast('success', ok === 1 ? `Uploaded ${basename(join(dir, items[0].path))}` : `Uploaded ${ok} files`);
    if (!this.running && !this.queue.length) window.setTimeout(() => this.tidy(), 1500);
    return ok;
  }

  private pump(): void {
    while (this.running < PARALLEL && this.queue.length) {
      const next = this.queue.shift()!;
      this.running++;
      void this.send(next.item, next.dest, next.row).then((ok) => {
        this.running--;
        next.done(ok);
        this.pump();
      });
    }
  }

  /** One PUT with its progress; a failure gets its own toast naming the file and the server's reason. */
  private send(item: UploadItem, dest: string, row: HTMLElement): Promise<boolean> {
    row.dataset.state = 'sending';
    const fill = row.querySelector<HTMLElement>('.upload-fill')!;
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', `${fileUrl(this.slug, dest)}?parents=true`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) fill.style.width = `${(100 * e.loaded) / e.total}%`; };
      const fail = (why: string) => {
        row.dataset.state = 'failed';
        row.querySelector('.upload-note')!.textContent = 'failed';
        toast('error', `Could not upload ${dest}`, why);
        resolve(false);
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          row.dataset.state = 'done';
          fill.style.width = '100%';
          resolve(true);
          return;
        }
        let why = `HTTP ${xhr.status}`;
        try { why = (JSON.parse(xhr.responseText) as { message?: string }).message ?? why; } catch { /* not JSON */ }
        fail(why);
      };
      xhr.onerror = () => fail('Pier cannot be reached. Check your connection and try again.');
      xhr.send(item.file);
    });
  }

  /** Clears finished rows; failed ones stay until the next upload ends. */
  private tidy(): void {
    for (const row of [...this.el.children] as HTMLElement[]) if (row.dataset.state === 'done') row.remove();
    this.el.hidden = this.el.children.length === 0;
  }
}
