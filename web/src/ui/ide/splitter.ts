// Draggable splitters that set a CSS length variable on a container; sizes are remembered.
import { h } from '../lib/dom';
import { recallLayout, rememberLayout } from './persist';

export interface SplitterOptions {
  /** Element whose CSS variable holds the size. */
  host: HTMLElement;
  variable: string;
  axis: 'x' | 'y';
  /** +1 when dragging towards larger coordinates grows the pane, -1 when it shrinks it. */
  direction: 1 | -1;
  initial: number;
  min: number;
  max: () => number;
  onResize?: () => void;
  testid?: string;
}

export function splitter(o: SplitterOptions): HTMLElement {
  const layout = recallLayout();
  let size = clamp(layout[o.variable] ?? o.initial);
  o.host.style.setProperty(o.variable, `${size}px`);

  /** Keeps a size within bounds; the upper bound only counts once the layout has a size. */
  function clamp(v: number): number {
    const max = o.host.isConnected && o.host.clientWidth > 0 ? o.max() : Infinity;
    return Math.round(Math.max(o.min, Math.min(max, v)));
  }

  const el = h('div', {
    class: `splitter splitter-${o.axis}`, role: 'separator', 'aria-orientation': o.axis === 'x' ? 'vertical' : 'horizontal',
    testid: o.testid, tabindex: '-1',
    ondblclick: () => { size = clamp(o.initial); apply(); save(); },
  });
  const apply = () => { o.host.style.setProperty(o.variable, `${size}px`); o.onResize?.(); };
  const save = () => { const l = recallLayout(); l[o.variable] = size; rememberLayout(l); };

  el.addEventListener('pointerdown', (down: PointerEvent) => {
    if (down.button !== 0) return;
    down.preventDefault();
    el.setPointerCapture(down.pointerId);
    const start = o.axis === 'x' ? down.clientX : down.clientY;
    const startSize = size;
    document.body.classList.add(o.axis === 'x' ? 'resizing-x' : 'resizing-y');
    el.classList.add('dragging');
    const move = (e: PointerEvent) => {
      const pos = o.axis === 'x' ? e.clientX : e.clientY;
      size = clamp(startSize + (pos - start) * o.direction);
      apply();
    };
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
      document.body.classList.remove('resizing-x', 'resizing-y');
      el.classList.remove('dragging');
      save();
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
  });
  const reclamp = () => { const c = clamp(size); if (c !== size) { size = c; apply(); } };
  window.addEventListener('resize', reclamp);
  requestAnimationFrame(reclamp);
  return el;
}
