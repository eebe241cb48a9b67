// The editor's look, matched to the IDE's palette; syntax colors in the spirit of One Dark (and One Light).
import { EditorView } from '@codemirror/view';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

// Every color is a CSS variable (styles/scheme.css): the editor follows the light or dark scheme without rebuilding.
const v = (name: string) => `var(--cm-${name})`;
const c = {
  bg: v('bg'),
  gutter: v('bg'),
  fg: v('fg'),
  dim: v('dim'),
  activeLine: v('active-line'),
  selection: v('selection'),
  cursor: v('cursor'),
  violet: v('violet'),
  blue: v('blue'),
  cyan: v('cyan'),
  green: v('green'),
  orange: v('orange'),
  yellow: v('yellow'),
  red: v('red'),
  comment: v('comment'),
  panel: v('panel'),
  line: v('line'),
  raised: v('raised'),
};

const editorTheme = EditorView.theme({
  '&': { color: c.fg, backgroundColor: c.bg, height: '100%', fontSize: '13.5px' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.6' },
  '.cm-content': { caretColor: c.cursor, padding: '10px 0' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: c.cursor, borderLeftWidth: '2px' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': { backgroundColor: c.selection },
  '.cm-activeLine': { backgroundColor: c.activeLine },
  '.cm-gutters': { backgroundColor: c.gutter, color: c.dim, border: 'none', paddingLeft: '6px' },
  '.cm-activeLineGutter': { backgroundColor: 'transparent', color: v('active-gutter') },
  '.cm-lineNumbers .cm-gutterElement': { padding: '0 12px 0 8px', minWidth: '32px' },
  '.cm-foldPlaceholder': { backgroundColor: c.raised, border: 'none', color: c.dim },
  '.cm-matchingBracket, .cm-nonmatchingBracket': { backgroundColor: 'rgba(130,170,255,0.18)', outline: '1px solid rgba(130,170,255,0.35)' },
  '.cm-searchMatch': { backgroundColor: 'rgba(255,203,107,0.22)', outline: '1px solid rgba(255,203,107,0.4)' },
  '.cm-searchMatch.cm-searchMatch-selected': { backgroundColor: 'rgba(255,203,107,0.4)' },
  '.cm-selectionMatch': { backgroundColor: 'rgba(130,170,255,0.12)' },
  '.cm-panels': { backgroundColor: c.panel, color: c.fg, borderColor: c.line },
  '.cm-panels.cm-panels-top': { borderBottom: `1px solid ${c.line}` },
  '.cm-panel input, .cm-panel button': { fontFamily: 'inherit' },
  '.cm-textfield': { backgroundColor: c.bg, border: `1px solid ${c.line}`, borderRadius: '5px', color: c.fg },
  '.cm-button': { backgroundImage: 'none', backgroundColor: c.raised, border: `1px solid ${c.line}`, borderRadius: '5px', color: c.fg },
  '.cm-tooltip': { backgroundColor: c.panel, border: `1px solid ${c.line}`, borderRadius: '6px', color: c.fg },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: v('picked'), color: c.fg },
  '.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--font-mono)' },
}, { dark: true });

const highlight = HighlightStyle.define([
  { tag: t.keyword, color: c.violet },
  { tag: [t.name, t.deleted, t.character, t.macroName], color: c.fg },
  { tag: [t.propertyName], color: c.blue },
  { tag: [t.function(t.variableName), t.function(t.propertyName), t.labelName], color: c.blue },
  { tag: [t.color, t.constant(t.name), t.standard(t.name)], color: c.orange },
  { tag: [t.definition(t.name), t.separator], color: c.fg },
  { tag: [t.typeName, t.className, t.changed, t.annotation, t.modifier, t.self, t.namespace], color: c.yellow },
  { tag: [t.number, t.bool, t.null, t.atom], color: c.orange },
  { tag: [t.operator, t.operatorKeyword, t.url, t.escape, t.regexp, t.link, t.special(t.string)], color: c.cyan },
  { tag: [t.meta, t.comment], color: c.comment, fontStyle: 'italic' },
  { tag: t.strong, fontWeight: 'bold' },
  { tag: t.emphasis, fontStyle: 'italic' },
  { tag: t.strikethrough, textDecoration: 'line-through' },
  { tag: t.link, textDecoration: 'underline' },
  { tag: t.heading, fontWeight: 'bold', color: c.red },
  { tag: [t.string, t.inserted], color: c.green },
  { tag: [t.tagName], color: c.red },
  { tag: [t.attributeName], color: c.yellow },
  { tag: t.invalid, color: c.red },
]);

export const pierEditorTheme = [editorTheme, syntaxHighlighting(highlight)];
