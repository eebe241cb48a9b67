import { h } from './dom';
import { icon } from './icons';

interface Badge { label: string; color: string }

const BY_EXT: Record<string, Badge> = {
  js: { label: 'JS', color: '#f1d54b' }, mjs: { label: 'JS', color: '#f1d54b' }, cjs: { label: 'JS', color: '#f1d54b' },
  jsx: { label: 'JSX', color: '#61dafb' }, ts: { label: 'TS', color: '#4b9bff' }, tsx: { label: 'TSX', color: '#4b9bff' },
  py: { label: 'PY', color: '#6fa8dc' }, html: { label: '<>', color: '#f0764b' }, htm: { label: '<>', color: '#f0764b' },
  css: { label: '#', color: '#5aa7f0' }, scss: { label: '#', color: '#e76fa6' }, json: { label: '{}', color: '#e8c547' },
  md: { label: 'M↓', color: '#8fb3d9' }, markdown: { label: 'M↓', color: '#8fb3d9' },
  c: { label: 'C', color: '#7aa7d8' }, h: { label: 'H', color: '#a78bfa' }, cpp: { label: 'C++', color: '#6b9be0' },
  cc: { label: 'C++', color: '#6b9be0' }, hpp: { label: 'H++', color: '#a78bfa' }, java: { label: 'J', color: '#f29111' },
  go: { label: 'GO', color: '#4fc6d8' }, rs: { label: 'RS', color: '#dea584' }, rb: { label: 'RB', color: '#e0555a' },
  sh: { label: '$', color: '#8bd17c' }, bash: { label: '$', color: '#8bd17c' }, yml: { label: 'Y', color: '#cb6fb6' },
  yaml: { label: 'Y', color: '#cb6fb6' }, toml: { label: 'T', color: '#b8a07a' }, txt: { label: '≡', color: '#9aa7b4' },
  svg: { label: 'SVG', color: '#f6b64b' }, png: { label: 'IMG', color: '#a98bf5' }, jpg: { label: 'IMG', color: '#a98bf5' },
  gif: { label: 'IMG', color: '#a98bf5' }, lock: { label: '⚿', color: '#8c96a3' }, env: { label: '⚙', color: '#d6c35a' },
};

const BY_NAME: Record<string, Badge> = {
  'package.json': { label: 'npm', color: '#e05d5d' },
  'package-lock.json': { label: 'npm', color: '#b44b4b' },
  'requirements.txt': { label: 'PY', color: '#6fa8dc' },
  'dockerfile': { label: '🐳', color: '#4aa3df' },
  'makefile': { label: 'MK', color: '#d98e48' },
  '.gitignore': { label: 'GIT', color: '#e8674c' },
  'readme.md': { label: 'i', color: '#5b9dff' },
};

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1) : dot === 0 ? name.slice(1) : '';
}

export function fileBadge(path: string): HTMLElement {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const badge = BY_NAME[name] ?? BY_EXT[extensionOf(path)];
  if (!badge) return h('span', { class: 'file-icon file-icon-generic' }, icon('file', 14));
  return h('span', { class: 'file-icon', style: `color:${badge.color}`, 'data-len': String(badge.label.length) }, badge.label);
}

// Template tiles have their own module; imported from here by earlier code.
export { templateTile } from './templateicons';
