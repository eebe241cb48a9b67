// The editor's look, matched to the IDE's palette; syntax colors in the spirit of One Dark.
import { EditorView } from '@codemirror/view';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

const c = {
  bg: '#0f1319',
  gutter: '#0f1319',
  fg: '#d5dbe4',
  dim: '#5c6675',
  activeLine: 'rgba(255,255,255,0.035)',
  selection: 'rgba(91,157,255,0.28)',
  cursor: '#7fb2ff',
  violet: '#c792ea',
  blue: '#82aaff',
  cyan: '#89ddff',
  green: '#a5d98a',
  orange: '#f7a86b',
  yellow: '#ffcb6b',
  red: '#f07178',
  comment: '#5f6b7c',
};

const editorTheme = EditorView.theme({
  '&': { color: c.fg, backgroundColor: c.bg, height: '100%', fontSize: '13.5px' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.6' },
  '.cm-content': { caretColor: c.cursor, padding: '10px 0' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: c.cursor, borderLeftWidth: '2px' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': { backgroundColor: c.selection },
  '.cm-activeLine': { backgroundColor: c.activeLine },
  '.cm-gutters': { backgroundColor: c.gutter, color: c.dim, border: 'none', paddingLeft: '6px' },
  '.cm-activeLineGutter': { backgroundColor: 'transparent', color: '#aab4c3' },
  '.cm-lineNumbers .cm-gutterElement': { padding: '0 12px 0 8px', minWidth: '32px' },
  '.cm-foldPlaceholder': { backgroundColor: '#1d232d', border: 'none', color: '#8b95a5' },
  '.cm-matchingBracket, .cm-nonmatchingBracket': { backgroundColor: 'rgba(130,170,255,0.18)', outline: '1px solid rgba(130,170,255,0.35)' },
  '.cm-searchMatch': { backgroundColor: 'rgba(255,203,107,0.22)', outline: '1px solid rgba(255,203,107,0.4)' },
  '.cm-searchMatch.cm-searchMatch-selected': { backgroundColor: 'rgba(255,203,107,0.4)' },
  '.cm-selectionMatch': { backgroundColor: 'rgba(130,170,255,0.12)' },
  '.cm-panels': { backgroundColor: '#161b23', color: c.fg, borderColor: '#232a35' },
  '.cm-panels.cm-panels-top': { borderBottom: '1px solid #232a35' },
  '.cm-panel input, .cm-panel button': { fontFamily: 'inherit' },
  '.cm-textfield': { backgroundColor: '#0f1319', border: '1px solid #303947', borderRadius: '5px', color: c.fg },
  '.cm-button': { backgroundImage: 'none', backgroundColor: '#1d232d', border: '1px solid #303947', borderRadius: '5px', color: c.fg },
  '.cm-tooltip': { backgroundColor: '#161b23', border: '1px solid #303947', borderRadius: '6px', color: c.fg },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: '#2a3a57', color: c.fg },
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
  { tag: t.invalid, color: '#ff5370' },
]);

export const pierEditorTheme = [editorTheme, syntaxHighlighting(highlight)];
