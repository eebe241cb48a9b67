// What a tab shows for a file that is not text: an image as the image (read byte-exact through the files API), any
// other binary file as its size and a download link, never its bytes as garbage in the editor.
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import { extensionOf } from '../lib/fileicons';
import { fileSize, fileUrl, formatBytes } from './filesapi';
import { download } from './transfer';
import { basename } from './paths';

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml',
  ico: 'image/x-icon', bmp: 'image/bmp', avif: 'image/avif',
};

/** Whether the IDE shows this file as an image (by its name; an SVG is text, and still shown as the image). */
export const isImagePath = (path: string) => extensionOf(path) in IMAGE_TYPES;

/** The view of `path` for a tab: the image, or the size and a download link. */
export function binaryView(slug: string, path: string): HTMLElement {
  const facts = h('span', { class: 'binary-facts', testid: 'binary-size' }, '…');
  const dl = h('button', { class: 'btn btn-ghost btn-sm', testid: 'binary-download', onclick: () => download(slug, path, false) },
    icon('download', 14), 'Download');
  const head = h('div', { class: 'binary-head' }, h('span', { class: 'binary-name mono' }, basename(path)), facts, dl);
  const el = h('div', { class: 'binary-view', testid: 'binary-view', dataset: { path, kind: isImagePath(path) ? 'image' : 'binary' } }, head);
  if (isImagePath(path)) void showImage(slug, path, el, facts);
  else {
    el.appendChild(h('div', { class: 'binary-note' }, icon('file', 28), h('div', null, 'This is a binary file: it cannot be edited here.')));
    void fileSize(slug, path).then((n) => { facts.textContent = `Binary · ${formatBytes(n)}`; facts.dataset.bytes = String(n); },
      (e: Error) => { facts.textContent = `size unknown (${e.message})`; });
  }
  return el;
}

/**
 * The image through an object URL of its bytes with the type its name says: the API sends every file as
 * application/octet-stream, which an <img> would not take for an SVG.
 */
async function showImage(slug: string, path: string, el: HTMLElement, facts: HTMLElement): Promise<void> {
  try {
    const res = await fetch(fileUrl(slug, path), { credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const bytes = await res.arrayBuffer();
    const url = URL.createObjectURL(new Blob([bytes], { type: IMAGE_TYPES[extensionOf(path)] }));
    const img = h('img', { class: 'binary-image', alt: basename(path), testid: 'binary-image', src: url });
    img.addEventListener('load', () => {
      facts.textContent = `${img.naturalWidth} × ${img.naturalHeight} · ${formatBytes(bytes.byteLength)}`;
      facts.dataset.bytes = String(bytes.byteLength);
      img.dataset.loaded = 'true';
    });
    img.addEventListener('error', () => { facts.textContent = `${formatBytes(bytes.byteLength)} · not a picture the browser can show`; });
    el.appendChild(h('div', { class: 'binary-stage' }, img));
  } catch (e) {
    facts.textContent = `could not be read (${(e as Error).message})`;
  }
}
