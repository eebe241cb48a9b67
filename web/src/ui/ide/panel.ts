// The bottom panel: the Run output (channel 0, read-only) and terminals (channels 1–255) as xterm.js tabs.
import { h } from '../lib/dom';
import { icon } from '../lib/icons';
import { toast, toastError } from '../lib/toast';
import { HelloEvent, ProtocolError, RunState, Session } from './session';
import { TermSize, concatBytes, writeReplay } from './replay';
import { TermView } from './terminalview';

const UNKNOWN_CHANNEL_BUFFER = 64 * 1024;
/**
 * A full terminal reset (RIS) sent in-band: xterm.js parses writes later, so reset() would take effect before
 * output written just ahead of it.
 */
const RESET = '\x1bc';

export interface PanelOptions {
  session: Session;
  onRunState: (state: RunState | null, code: number | null) => void;
  /**
   * Whether this user may open, type into, resize and close terminals (false for a viewer, who watches the terminals
   * that are open); `onRefusedInput` is called when a viewer types into one.
   */
  canType?: boolean;
  onRefusedInput?: () => void;
}

/** Keys that only look (copying a selection, scrolling) or only modify: a viewer may press them in a terminal. */
const LOOKING_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'PageUp', 'PageDown', 'Home', 'End']);
const looksOnly = (e: KeyboardEvent) => LOOKING_KEYS.has(e.key)
  || ((e.ctrlKey || e.metaKey) && (e.key === 'c' || e.key === 'C' || e.key === 'Insert'));

export class BottomPanel {
  readonly el: HTMLElement;
  private tabsBar: HTMLElement;
  private body: HTMLElement;
  private runStatus: HTMLElement;
  private run: TermView;
  private shells: TermView[] = [];
  private active: TermView;
  private buffered = new Map<number, Uint8Array[]>();
  private opening = 0;
  runState: RunState | null = null;
  runCode: number | null = null;
  /** Set when a run ended or was asked for: the next run's first output or `running` event empties the pane. */
  private clearOnNextRun = false;
  private readonly canType: boolean;

  constructor(private readonly opts: PanelOptions) {
    this.canType = opts.canType ?? true;
    this.run = new TermView('run', (v) => this.onResize(v));
    this.run.el.setAttribute('data-testid', 'run-output');
    this.run.xterm.write('\x1b[?25l');
    this.runStatus = h('span', { class: 'run-status', testid: 'run-status' });
    this.run.tab = h('div', {
      class: 'tab panel-tab', role: 'tab', testid: 'panel-tab-run', tabindex: '0',
      onclick: () => this.show(this.run),
    }, icon('play', 12, 'tab-run-icon'), h('span', { class: 'tab-name' }, 'Run'), this.runStatus);
    this.tabsBar = h('div', { class: 'tabs panel-tabs', role: 'tablist' }, this.run.tab,
      this.canType
        ? h('button', { class: 'icon-button sm new-term', title: 'New terminal', 'aria-label': 'New terminal', testid: 'new-terminal', onclick: () => void this.openTerminal() }, icon('plus', 15))
        : null);
    this.body = h('div', { class: 'panel-body' }, this.run.el);
    this.el = h('div', { class: 'panel' },
      h('div', { class: 'panel-head' }, this.tabsBar,
        h('div', { class: 'pane-actions' },
          h('button', { class: 'icon-button sm', title: 'Clear', 'aria-label': 'Clear', testid: 'panel-clear', onclick: () => { this.active.xterm.clear(); } }, icon('eraser', 14)))),
      this.body);
    this.active = this.run;
    this.show(this.run);

    const session = opts.session;
    // A new socket replays the run output (before or after hello): start from an empty pane.
    session.onOpen(() => {
      this.buffered.clear();
      this.clearRun();
      this.clearOnNextRun = false;
    });
    session.onChannel((channel, data) => this.onData(channel, data));
    session.on('run', (e) => this.setRunState(e.state, e.code ?? null, true));
    session.on('term.exit', (e) => {
      const v = this.shells.find((s) => s.channel === e.term);
      if (v) this.markExited(v, e.code ?? null);
    });
  }

  /** On every hello: the run state, and the terminals attached again (each replays its recent output). */
  async onHello(hello: HelloEvent, first: boolean): Promise<void> {
    this.setRunState(hello.run?.state ?? null, hello.run?.code ?? null, false);
    const live = new Set((hello.terminals ?? []).map((t) => t.term));
    if (live.size === 0 && this.shells.length) {
      // The repl has no terminal any more (it was restarted, or they all lingered out): start afresh.
      const wasShown = this.active.kind === 'shell';
      for (const v of [...this.shells]) this.dropShell(v);
      await this.openTerminal(false, wasShown);
      return;
    }
    for (const v of this.shells) {
      if (v.channel !== null && !live.has(v.channel) && !v.exited) this.markExited(v, null, 'the terminal was closed while this tab was away');
    }
    for (const term of live) {
      let v = this.shells.find((s) => s.channel === term && !s.exited);
      if (!v) v = this.addShell(term);
      await this.attach(v);
    }
    if (first && live.size === 0) await this.openTerminal(false, false);
  }

  /** Opens a new terminal (term.open with the pane's size). */
  async openTerminal(focus = true, activate = true): Promise<void> {
    if (!this.canType) return;
    if (this.opening > 0 && !focus) return;
    this.opening++;
    const v = this.addShell(null);
    if (activate) this.show(v, focus);
    v.refit();
    try {
      const reply = await this.opts.session.request<{ term: number }>('term.open', { cols: v.xterm.cols || 80, rows: v.xterm.rows || 24 });
      this.bind(v, reply.term);
      if (focus) v.xterm.focus();
    } catch (e) {
      const err = e as ProtocolError;
      this.dropShell(v);
      if (err.code === 'too_many_terminals') toast('error', 'Too many terminals', 'A repl can have 8 terminals. Close one to open another.');
      else if (err.code !== 'disconnected') toastError('Could not open a terminal', err);
    } finally {
      this.opening--;
    }
  }

  private addShell(channel: number | null): TermView {
    const v = new TermView('shell', (x) => this.onResize(x));
    const label = h('span', { class: 'tab-name' }, 'Shell');
    v.tab = h('div', {
      class: 'tab panel-tab', role: 'tab', tabindex: '0',
      onclick: () => this.show(v),
      onauxclick: (e: MouseEvent) => { if (e.button === 1 && this.canType) void this.closeTerminal(v); },
    }, icon('terminal', 13), label,
      this.canType ? h('button', {
        class: 'tab-close', title: 'Close terminal', 'aria-label': 'Close terminal', tabindex: '-1',
        onclick: (e: MouseEvent) => { e.stopPropagation(); void this.closeTerminal(v); },
      }, icon('x', 13)) : null);
    if (!this.canType) {
      // A key that would type is not sent (Pier would refuse it): the viewer is told why instead.
      v.xterm.attachCustomKeyEventHandler((e) => {
        if (looksOnly(e)) return true;
        if (e.type === 'keydown') this.opts.onRefusedInput?.();
        return false;
      });
    }
    // Input, and the terminal's answers to the program's queries; a viewer sends neither.
    v.xterm.onData((d) => { if (this.canType && v.channel !== null && !v.exited) this.opts.session.sendChannel(v.channel, d); });
    v.xterm.onBinary((d) => {
      if (!this.canType || v.channel === null || v.exited) return;
      const bytes = new Uint8Array(d.length);
      for (let i = 0; i < d.length; i++) bytes[i] = d.charCodeAt(i) & 0xff;
      this.opts.session.sendChannel(v.channel, bytes);
    });
    this.shells.push(v);
    this.tabsBar.insertBefore(v.tab, this.tabsBar.querySelector('.new-term'));
    this.body.appendChild(v.el);
    v.el.hidden = true;
    if (channel !== null) this.bind(v, channel);
    return v;
  }

  private bind(v: TermView, channel: number): void {
    v.channel = channel;
    v.el.setAttribute('data-testid', `terminal-${channel}`);
    v.el.dataset.channel = String(channel);
    v.tab.setAttribute('data-testid', `panel-tab-${channel}`);
    (v.tab.querySelector('.tab-name') as HTMLElement).textContent = `Shell ${channel}`;
    const early = this.buffered.get(channel);
    if (early) { this.buffered.delete(channel); for (const chunk of early) v.xterm.write(chunk); }
  }

  private async attach(v: TermView): Promise<void> {
    if (v.channel === null) return;
    v.xterm.write(RESET);
    const held: Uint8Array[] = [];
    v.replay = held;
    let sizes: TermSize[] | undefined;
    try {
      sizes = (await this.opts.session.request<{ term: number; sizes?: TermSize[] }>('term.attach', { term: v.channel })).sizes;
    } catch (e) {
      const err = e as ProtocolError;
      if (err.code === 'no_such_terminal') this.markExited(v, null, 'the terminal is gone');
    }
    // Attached again meanwhile (a new socket): that attach replays.
    if (v.replay !== held) return;
    const replay = concatBytes(held.splice(0));
    // Output that comes while the replay is written waits for it, in order.
    await writeReplay(v.xterm, replay, sizes);
    if (v.replay !== held) return;
    v.replay = null;
    for (const chunk of held) v.xterm.write(chunk);
    // Back to the pane's own size (xterm reflows what was drawn); a hidden pane goes back to the size it last had.
    if (!v.refit() && v.cols && (v.xterm.cols !== v.cols || v.xterm.rows !== v.rows)) v.xterm.resize(v.cols, v.rows);
    if (v.cols) this.sendResize(v);
  }

  private async closeTerminal(v: TermView): Promise<void> {
    if (v.channel !== null && !v.exited && this.opts.session.connected) {
      try {
        await this.opts.session.request('term.close', { term: v.channel });
      } catch (e) {
        const err = e as ProtocolError;
        if (err.code !== 'no_such_terminal') { toastError('Could not close the terminal', err); return; }
      }
    }
    this.dropShell(v);
  }

  private dropShell(v: TermView): void {
    const i = this.shells.indexOf(v);
    if (i < 0) return;
    this.shells.splice(i, 1);
    const wasActive = this.active === v;
    v.dispose();
    if (wasActive) this.show(this.shells[Math.min(i, this.shells.length - 1)] ?? this.run);
  }

  private markExited(v: TermView, code: number | null, why?: string): void {
    if (v.exited) return;
    v.exited = true;
    v.tab.classList.add('exited');
    const detail = why ? ` (${why})` : code !== null && code !== 0 ? ` (code ${code})` : '';
    v.xterm.write(`\r\n\x1b[2m[process exited]${detail}\x1b[0m\r\n`);
  }

  private onData(channel: number, data: Uint8Array): void {
    if (channel === 0) {
      // The first output of a new run may come before its `run` event: the pane is cleared by whichever is first.
      // The replay right after hello is the current output, not a new run's.
      if (this.clearOnNextRun && !this.opts.session.handlingFrameAfterHello) { this.clearOnNextRun = false; this.clearRun(); }
      this.run.xterm.write(data);
      return;
    }
    const v = this.shells.find((s) => s.channel === channel && !s.exited);
    if (v?.replay) { v.replay.push(data.slice()); return; }
    if (v) { v.xterm.write(data); return; }
    // Output for a channel this tab has not bound yet (a reply racing its first output): keep a little.
    const list = this.buffered.get(channel) ?? [];
    const size = list.reduce((n, c) => n + c.length, 0);
    if (size + data.length <= UNKNOWN_CHANNEL_BUFFER) { list.push(data.slice()); this.buffered.set(channel, list); }
  }

  private onResize(v: TermView): void {
    if (v.refit()) this.sendResize(v);
  }

  private sendResize(v: TermView): void {
    // A viewer watches at the size the terminal has: resizing it is a change (Pier refuses it).
    if (!this.canType || v.kind !== 'shell' || v.channel === null || v.exited || !this.opts.session.connected) return;
    this.opts.session.request('term.resize', { term: v.channel, cols: v.cols, rows: v.rows }).catch(() => { /* gone or offline */ });
  }

  show(v: TermView, focus = true): void {
    this.active.tab.classList.remove('active');
    this.active.el.hidden = true;
    this.active = v;
    v.tab.classList.add('active');
    v.el.hidden = false;
    if (focus && v.kind === 'shell') v.xterm.focus();
    requestAnimationFrame(() => { if (v.refit()) this.sendResize(v); });
  }

  showRun(): void { this.show(this.run, false); }

  /** A user pressed Run: the pane empties now and again when the new run's output begins. */
  runRequested(): void {
    this.clearRun();
    this.clearOnNextRun = true;
  }

  /** Empties the run output pane. */
  clearRun(): void {
    this.run.xterm.write(`${RESET}\x1b[?25l`);
  }

  private setRunState(state: RunState | null, code: number | null, fromEvent: boolean): void {
    const wasRunning = this.runState === 'running';
    this.runState = state;
    this.runCode = code;
    if (state === 'running') {
      if (fromEvent && this.clearOnNextRun) this.clearRun();
      this.clearOnNextRun = false;
    } else {
      // A run that ended keeps its output on screen until the next one starts.
      this.clearOnNextRun = state !== null;
    }
    if (fromEvent && wasRunning && state === 'exited' && code === 0) {
      this.run.xterm.write('\r\n\x1b[2m[finished: exit code 0]\x1b[0m\r\n');
    } else if (fromEvent && wasRunning && state === 'exited') {
      this.run.xterm.write(`\r\n\x1b[2m[exited${code !== null ? ` with code ${code}` : ''}]\x1b[0m\r\n`);
    } else if (fromEvent && wasRunning && state === 'stopped') {
      this.run.xterm.write('\r\n\x1b[2m[stopped]\x1b[0m\r\n');
    }
    // A run that ended with code 0 succeeded (a console program's normal end): not shown as a failure.
    this.runStatus.className = `run-status run-${state === 'exited' && code === 0 ? 'finished' : state ?? 'none'}`;
    this.runStatus.title = state === 'running' ? 'Running' : state === 'exited' ? `Exited${code !== null ? ` with code ${code}` : ''}` : state === 'stopped' ? 'Stopped' : '';
    this.opts.onRunState(state, code);
  }

  /** Refits every visible terminal (after a splitter moved). */
  relayout(): void {
    if (this.active.refit()) this.sendResize(this.active);
  }
}
