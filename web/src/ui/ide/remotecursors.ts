// Other people's cursors and selections in a co-edited file: a coloured bar with their name at each cursor, their
// selection shaded in their colour. Positions come from presence events and are moved with every change made after.
import { EditorState, Extension, RangeSetBuilder, StateEffect, StateField } from '@codemirror/state';
import { Decoration, DecorationSet, EditorView, WidgetType } from '@codemirror/view';

export interface RemoteRange { anchor: number; head: number }
export interface RemoteCursor { session: string; user: string; color: string; ranges: RemoteRange[] }

/** Replaces the cursors shown (those of the people in this file). */
export const setRemoteCursors = StateEffect.define<RemoteCursor[]>();

class CursorWidget extends WidgetType {
  constructor(readonly user: string, readonly color: string) { super(); }
  eq(other: CursorWidget): boolean { return other.user === this.user && other.color === this.color; }
  toDOM(): HTMLElement {
    const bar = document.createElement('span');
    bar.className = 'cm-remote-cursor';
    bar.style.borderLeftColor = this.color;
    bar.dataset.user = this.user;
    const label = document.createElement('span');
    label.className = 'cm-remote-cursor-label';
    label.style.backgroundColor = this.color;
    label.textContent = this.user;
    bar.appendChild(label);
    return bar;
  }
  ignoreEvent(): boolean { return true; }
}

function build(state: EditorState, cursors: RemoteCursor[]): DecorationSet {
  const max = state.doc.length;
  const clamp = (n: number) => Math.max(0, Math.min(max, n));
  const items: { from: number; to: number; deco: Decoration }[] = [];
  for (const c of cursors) {
    for (const r of c.ranges) {
      const a = clamp(r.anchor);
      const h = clamp(r.head);
      if (a !== h) {
        items.push({ from: Math.min(a, h), to: Math.max(a, h), deco: Decoration.mark({ class: 'cm-remote-selection', attributes: { style: `background-color: ${c.color}33` } }) });
      }
      items.push({ from: h, to: h, deco: Decoration.widget({ widget: new CursorWidget(c.user, c.color), side: 1 }) });
    }
  }
  items.sort((x, y) => x.from - y.from || (x.to - x.from) - (y.to - y.from));
  const b = new RangeSetBuilder<Decoration>();
  for (const i of items) b.add(i.from, i.to, i.deco);
  return b.finish();
}

const cursorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    for (const e of tr.effects) if (e.is(setRemoteCursors)) return build(tr.state, e.value);
    return tr.docChanged ? deco.map(tr.changes) : deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const cursorTheme = EditorView.baseTheme({
  '.cm-remote-cursor': { position: 'relative', borderLeft: '2px solid', marginLeft: '-1px', marginRight: '-1px' },
  '.cm-remote-cursor-label': {
    position: 'absolute', top: '-1.25em', left: '-2px', padding: '0 4px', borderRadius: '3px 3px 3px 0',
    color: '#fff', fontSize: '11px', lineHeight: '1.25em', whiteSpace: 'nowrap', pointerEvents: 'none', zIndex: '10',
    fontFamily: 'system-ui, sans-serif',
  },
});

/** The extension that shows remote cursors; feed it with setRemoteCursors. */
export function remoteCursors(): Extension {
  return [cursorField, cursorTheme];
}
