// Files in and out, hooked into the IDE with a few lines: the upload button and the download items of the tree,
// drag and drop on it, and the view of images and binary files in the editor's tabs. A viewer (`canChange` false) gets
// the downloads and the views, not the uploads nor the moves.
import '../styles/files.css';
import type { FileTree, FileTreeOptions } from './filetree';
import { binaryView, isImagePath } from './binaryview';
import { Session } from './session';
import { enableTreeDrag } from './treedrag';
import { download, Uploads } from './transfer';

export function fileHooks(slug: string, session: Session, canChange = true) {
  let tree: FileTree | null = null;
  const uploads = new Uploads(slug, () => tree?.targetDir() ?? '');
  const treeOptions: Pick<FileTreeOptions, 'actions' | 'menuItems' | 'readOnly'> = {
    actions: canChange ? [uploads.button] : [],
    readOnly: !canChange,
    menuItems: (row) => {
      if (row?.type === 'link') return [];
      const folder = !row || row.type === 'dir';
      return [{ label: folder ? 'Download as zip' : 'Download', icon: 'download', testid: 'menu-download', run: () => download(slug, row?.path ?? '', folder) }];
    },
  };
  return {
    tree: treeOptions,
    binaryView: { isImage: isImagePath, view: (path: string) => binaryView(slug, path) },
    /** Adds the uploads' progress under the tree and its drag and drop. */
    attach(t: FileTree): void {
      tree = t;
      if (!canChange) return;
      t.el.appendChild(uploads.el);
      enableTreeDrag({ list: t.el.querySelector<HTMLElement>('.tree-list')!, session, uploads, moved: (from, to) => t.applyMove(from, to) });
    },
  };
}
