// Syntax highlighting by file extension. Each language pack is its own chunk, loaded when first needed.
import type { Extension } from '@codemirror/state';
import { extensionOf } from '../lib/fileicons';

interface Lang { name: string; load: () => Promise<Extension> }

const js = (o: { jsx?: boolean; typescript?: boolean }) => () => import('@codemirror/lang-javascript').then((m) => m.javascript(o));
const LANGS: Record<string, Lang> = {
  js: { name: 'JavaScript', load: js({ jsx: true }) },
  mjs: { name: 'JavaScript', load: js({}) },
  cjs: { name: 'JavaScript', load: js({}) },
  jsx: { name: 'JavaScript JSX', load: js({ jsx: true }) },
  ts: { name: 'TypeScript', load: js({ typescript: true }) },
  mts: { name: 'TypeScript', load: js({ typescript: true }) },
  tsx: { name: 'TypeScript JSX', load: js({ typescript: true, jsx: true }) },
  py: { name: 'Python', load: () => import('@codemirror/lang-python').then((m) => m.python()) },
  html: { name: 'HTML', load: () => import('@codemirror/lang-html').then((m) => m.html()) },
  htm: { name: 'HTML', load: () => import('@codemirror/lang-html').then((m) => m.html()) },
  css: { name: 'CSS', load: () => import('@codemirror/lang-css').then((m) => m.css()) },
  json: { name: 'JSON', load: () => import('@codemirror/lang-json').then((m) => m.json()) },
  md: { name: 'Markdown', load: () => import('@codemirror/lang-markdown').then((m) => m.markdown()) },
  markdown: { name: 'Markdown', load: () => import('@codemirror/lang-markdown').then((m) => m.markdown()) },
  c: { name: 'C', load: () => import('@codemirror/lang-cpp').then((m) => m.cpp()) },
  h: { name: 'C', load: () => import('@codemirror/lang-cpp').then((m) => m.cpp()) },
  cpp: { name: 'C++', load: () => import('@codemirror/lang-cpp').then((m) => m.cpp()) },
  cc: { name: 'C++', load: () => import('@codemirror/lang-cpp').then((m) => m.cpp()) },
  cxx: { name: 'C++', load: () => import('@codemirror/lang-cpp').then((m) => m.cpp()) },
  hpp: { name: 'C++', load: () => import('@codemirror/lang-cpp').then((m) => m.cpp()) },
  java: { name: 'Java', load: () => import('@codemirror/lang-java').then((m) => m.java()) },
  go: { name: 'Go', load: () => import('@codemirror/lang-go').then((m) => m.go()) },
};

export function languageName(path: string): string {
  return LANGS[extensionOf(path)]?.name ?? 'Plain text';
}

/** The language support for a path, or null for plain text. */
export async function loadLanguage(path: string): Promise<Extension | null> {
  const lang = LANGS[extensionOf(path)];
  if (!lang) return null;
  try {
    return await lang.load();
  } catch (e) {
    console.warn('pier: could not load the language for', path, e);
    return null;
  }
}
