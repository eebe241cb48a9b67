// One xterm.js terminal of the bottom panel (the Run output or a shell), fitted to its box and following the color
// scheme, with the themes it is drawn in.
import { Terminal, ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { h, debounce } from '../lib/dom';
import { isLight, onSchemeChange } from '../lib/colorscheme';

export const TERMINAL_THEME: ITheme = {
  background: '#0c0f14',
  foreground: '#d5dbe4',
  cursor: '#7fb2ff',
  cursorAccent: '#0c0f14',
  selectionBackground: 'rgba(91,157,255,0.35)',
  black: '#1d232d', red: '#f07178', green: '#a5d98a', yellow: '#ffcb6b',
  blue: '#82aaff', magenta: '#c792ea', cyan: '#89ddff', white: '#d5dbe4',
  brightBlack: '#5f6b7c', brightRed: '#ff8b92', brightGreen: '#c3e88d', brightYellow: '#ffd98a',
  brightBlue: '#a3c1ff', brightMagenta: '#ddb3ff', brightCyan: '#b2ecff', brightWhite: '#ffffff',
};

export const TERMINAL_THEME_LIGHT: ITheme = {
  background: '#ffffff',
  foreground: '#24292f',
  cursor: '#2f6fe0',
  cursorAccent: '#ffffff',
  selectionBackground: 'rgba(47,111,224,0.25)',
  black: '#24292f', red: '#cf222e', green: '#116329', yellow: '#8a5a00',
  blue: '#0969da', magenta: '#8250df', cyan: '#1b7c83', white: '#6e7781',
  brightBlack: '#57606a', brightRed: '#a40e26', brightGreen: '#1a7f37', brightYellow: '#633c01',
  brightBlue: '#218bff', brightMagenta: '#a475f9', brightCyan: '#3192aa', brightWhite: '#8c959f',
};

const terminalTheme = () => (isLight() ? TERMINAL_THEME_LIGHT : TERMINAL_THEME);

const FONT = 'ui-monospace, "SF Mono", "Cascadia Code", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';

export class TermView {
  readonly xterm: Terminal;
  readonly fit = new FitAddon();
  readonly el: HTMLElement;
  tab!: HTMLElement;
  channel: number | null = null;
  exited = false;
  cols = 0;
  rows = 0;
  /** While attaching: the replay's bytes, held until the reply says which sizes they were drawn at. */
  replay: Uint8Array[] | null = null;
  private observer: ResizeObserver;
  private stopFollowingScheme: () => void;

  constructor(readonly kind: 'run' | 'shell', onResize: (v: TermView) => void) {
    this.xterm = new Terminal({
      fontFamily: FONT,
      fontSize: 13,
      lineHeight: 1.25,
      theme: terminalTheme(),
      cursorBlink: kind === 'shell',
      cursorStyle: kind === 'shell' ? 'bar' : 'underline',
      cursorInactiveStyle: kind === 'shell' ? 'outline' : 'none',
      disableStdin: kind === 'run',
      scrollback: 5000,
      allowTransparency: false,
      drawBoldTextInBrightColors: true,
    });
    this.xterm.loadAddon(this.fit);
    this.stopFollowingScheme = onSchemeChange(() => { this.xterm.options.theme = terminalTheme(); });
    this.el = h('div', { class: `term term-${kind}` });
    const body = h('div', { class: 'term-body' });
    this.el.appendChild(body);
    this.xterm.open(body);
    const resized = debounce(() => onResize(this), 60);
    this.observer = new ResizeObserver(() => resized());
    this.observer.observe(this.el);
  }

  /** Fits the terminal to its box; true when the size changed. */
  refit(): boolean {
    if (!this.el.offsetParent || this.el.clientWidth < 20 || this.el.clientHeight < 20) return false;
    try { this.fit.fit(); } catch { return false; }
    const changed = this.xterm.cols !== this.cols || this.xterm.rows !== this.rows;
    this.cols = this.xterm.cols;
    this.rows = this.xterm.rows;
    return changed;
  }

  dispose(): void {
    this.observer.disconnect();
    this.stopFollowingScheme();
    this.xterm.dispose();
    this.el.remove();
    this.tab?.remove();
  }
}
