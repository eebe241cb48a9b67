// A terminal's replay drawn as it was: the node-agent says which sizes the held output was drawn at (term.attach's
// `sizes`), and each stretch is written to xterm at its size, so lines the shell wrapped with cursor moves for its
// width come back whole instead of broken at another width. The caller fits the terminal to its own box afterwards;
// xterm reflows what was drawn.
import type { Terminal } from '@xterm/xterm';

export interface TermSize { at: number; cols: number; rows: number }
export interface ReplayChunk { from: number; to: number; cols: number; rows: number }

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.floor(n)));

/** Splits `length` bytes of replay into stretches, each at the size in force from its offset on. */
export function replayChunks(length: number, sizes: readonly TermSize[] | undefined): ReplayChunk[] {
  const valid = (sizes ?? [])
    .filter((s) => Number.isFinite(s.at) && Number.isFinite(s.cols) && Number.isFinite(s.rows) && s.cols > 0 && s.rows > 0)
    .map((s) => ({ at: clamp(s.at, 0, length), cols: clamp(s.cols, 2, 1000), rows: clamp(s.rows, 1, 500) }))
    .sort((a, b) => a.at - b.at);
  if (length === 0 || valid.length === 0) return [];
  const chunks: ReplayChunk[] = [];
  for (let i = 0; i < valid.length; i++) {
    // Bytes before the first recorded size were drawn at it too (older sizes were trimmed).
    const from = i === 0 ? 0 : valid[i].at;
    const to = i + 1 < valid.length ? valid[i + 1].at : length;
    if (to > from) chunks.push({ from, to, cols: valid[i].cols, rows: valid[i].rows });
  }
  return chunks;
}

const written = (xterm: Terminal, data: Uint8Array | string) => new Promise<void>((resolve) => xterm.write(data, resolve));

/**
 * Writes `data` to `xterm`, resizing it to each recorded size before the bytes drawn at that size. xterm parses
 * writes later than it resizes, so each stretch is waited for before the next resize. Without sizes it is one write.
 */
export async function writeReplay(xterm: Terminal, data: Uint8Array, sizes: readonly TermSize[] | undefined): Promise<void> {
  const chunks = replayChunks(data.length, sizes);
  if (chunks.length === 0) { if (data.length) await written(xterm, data); return; }
  for (const c of chunks) {
    if (xterm.cols !== c.cols || xterm.rows !== c.rows) xterm.resize(c.cols, c.rows);
    await written(xterm, data.subarray(c.from, c.to));
  }
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
