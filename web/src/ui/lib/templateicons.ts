// The mark of each stack a template is made for: a small inline SVG (white strokes, 24×24 grid) on a colored tile.
// Bundled, nothing from the network; an unknown template gets a box on a tile colored by its name.
import { h } from './dom';

interface StackLook { svg: string; from: string; to: string }

const SNAKE = 'M12 7H5.5A2.5 2.5 0 0 0 3 9.5V13a2.5 2.5 0 0 0 2.5 2.5h2V13a2 2 0 0 1 2-2h5a2 2 0 0 0 2-2V5.5A2.5 2.5 0 0 0 14 3h-4a2.5 2.5 0 0 0-2.5 2.5V7';
const HEXAGON = 'M12 2.8 20 7.4v9.2L12 21.2 4 16.6V7.4z';
const BOX = '<path d="M20 8a2 2 0 0 0-1-1.7l-6-3.5a2 2 0 0 0-2 0L5 6.3A2 2 0 0 0 4 8v8a2 2 0 0 0 1 1.7l6 3.5a2 2 0 0 0 2 0l6-3.5a2 2 0 0 0 1-1.7Z"/><path d="m4.3 7 7.7 4.5L19.7 7M12 21.5v-10"/>';

/** Stacks in the order they are tried: the first whose test matches a template's name gives its look. */
const STACKS: [RegExp, StackLook][] = [
  [/react/, {
    svg: '<ellipse cx="12" cy="12" rx="9.5" ry="3.7"/><ellipse cx="12" cy="12" rx="9.5" ry="3.7" transform="rotate(60 12 12)"/>'
      + '<ellipse cx="12" cy="12" rx="9.5" ry="3.7" transform="rotate(120 12 12)"/><circle cx="12" cy="12" r="1.6" fill="#fff" stroke="none"/>',
    from: '#1b6f93', to: '#4fc3e8',
  }],
  [/express/, { svg: `<path d="${HEXAGON}"/><path d="M14.5 8.5h-5v7h5M9.5 12H14"/>`, from: '#2f6b2d', to: '#5fae4a' }],
  [/flask/, { svg: '<path d="M9 3h6M10 3v6.2L5.2 17.6A2.3 2.3 0 0 0 7.2 21h9.6a2.3 2.3 0 0 0 2-3.4L14 9.2V3"/><path d="M7.4 15h9.2"/>', from: '#23577f', to: '#3f8fc4' }],
  [/node|^js|javascript/, { svg: `<path d="${HEXAGON}"/><path d="M12 8v5.5a2 2 0 0 1-3.5 1.3"/><path d="M15.8 9.2c-.6-.8-2.6-.9-2.6.6 0 1.7 3 1.1 3 3s-2.3 1.6-3 .8" stroke-width="1.6"/>`, from: '#3c873a', to: '#6cc24a' }],
  [/python|^py/, {
    svg: `<path d="${SNAKE}"/><path d="${SNAKE}" transform="rotate(180 12 12)"/><circle cx="10" cy="5.3" r=".9" fill="#fff" stroke="none"/><circle cx="14" cy="18.7" r=".9" fill="#fff" stroke="none"/>`,
    from: '#306998', to: '#d8b52c',
  }],
  [/^go|golang/, { svg: '<path d="M2.5 9.5h4M1.5 12h5M2.5 14.5h4"/><path d="M20.5 8.6A5.8 5.8 0 1 0 21.3 13H16"/>', from: '#0090b5', to: '#5dc9e2' }],
  [/java(?!script)|kotlin/, {
    svg: '<path d="M5 10h11v4.5a5.5 5.5 0 0 1-5.5 5.5A5.5 5.5 0 0 1 5 14.5z"/><path d="M16 11.5h1.3a2.5 2.5 0 0 1 0 5H16"/><path d="M8.5 2.8c-.9 1.1.9 2.1 0 3.4M12 2.8c-.9 1.1.9 2.1 0 3.4"/>',
    from: '#c55a00', to: '#f2a54a',
  }],
  [/rust/, { svg: '<circle cx="12" cy="12" r="5.5"/><circle cx="12" cy="12" r="1.8"/><path d="M12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1"/>', from: '#9a3a0f', to: '#dea584' }],
  [/cpp|c\+\+|^c$/, {
    svg: '<path d="M8 4H7a2 2 0 0 0-2 2v3.5L3.5 12 5 14.5V18a2 2 0 0 0 2 2h1M16 4h1a2 2 0 0 1 2 2v3.5l1.5 2.5-1.5 2.5V18a2 2 0 0 1-2 2h-1"/><path d="M9.5 12h5M12 9.5v5"/>',
    from: '#00599c', to: '#659ad2',
  }],
  [/static|html|web/, { svg: '<path d="m8 7-5 5 5 5M16 7l5 5-5 5M13.8 4.5l-3.6 15"/>', from: '#d4411f', to: '#f38a4b' }],
  [/base|e2b|sandbox/, { svg: BOX, from: '#6d3bd6', to: '#a78bfa' }],
];

/** How a template looks: its stack's mark and colors, or a box on a tile colored by its name. */
export function templateLook(name: string): StackLook {
  const n = name.toLowerCase();
  for (const [test, look] of STACKS) if (test.test(n)) return look;
  let hash = 0;
  for (const c of n) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  const hue = hash % 360;
  return { svg: BOX, from: `hsl(${hue} 55% 42%)`, to: `hsl(${(hue + 40) % 360} 65% 58%)` };
}

/** A template's tile: its stack's mark on its colors, `size` pixels square. */
export function templateTile(name: string, size = 40): HTMLElement {
  const look = templateLook(name);
  const tile = h('span', {
    class: 'template-tile', dataset: { template: name },
    style: `width:${size}px;height:${size}px;background:linear-gradient(135deg, ${look.from}, ${look.to})`,
  });
  const mark = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  const markSize = String(Math.round(size * 0.62));
  for (const [k, v] of Object.entries({
    viewBox: '0 0 24 24', width: markSize, height: markSize, fill: 'none', stroke: '#fff', 'stroke-width': '1.8',
    'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true', class: 'template-mark',
  })) mark.setAttribute(k, v);
  mark.innerHTML = look.svg;
  tile.appendChild(mark);
  return tile;
}
