// Start progress: asks the scheduler to start the repl and shows the real steps while it does,
// by polling the repl's record: placing on a node → starting the container on that node → connecting → ready.
import { h, clear, sleep } from '../lib/dom';
import { icon, logo } from '../lib/icons';
import { ApiError, Repl, errorTitle, getRepl, signOut, startRepl } from '../lib/api';
import { signInHref } from '../lib/auth';
import { templateTile } from '../lib/fileicons';
import { Stopwatch, elapsedLabel } from './stopwatch';

type StepId = 'place' | 'container' | 'connect';
type StepState = 'todo' | 'active' | 'done' | 'error';

const POLL_MS = 500;
const STEP_LABELS = [['place', 'Placing on a node'], ['container', 'Starting the container'], ['connect', 'Connecting']] as const;

export class StartProgress {
  readonly el: HTMLElement;
  private card: HTMLElement;
  private stepsEl: HTMLElement;
  private detail: HTMLElement;
  private errorBox: HTMLElement;
  private stoppedActions: HTMLElement;
  private elapsed: HTMLElement;
  private head: HTMLElement;
  private steps = new Map<StepId, { el: HTMLElement; label: HTMLElement; state: StepState }>();
  private readonly watch = new Stopwatch();
  private clock: number | undefined;

  constructor(private readonly slug: string) {
    this.stepsEl = h('ol', { class: 'steps' });
    for (const [id, label] of STEP_LABELS) {
      const labelEl = h('span', { class: 'step-label' }, label);
      const el = h('li', { class: 'step', dataset: { step: id, state: 'todo' } },
        h('span', { class: 'step-mark' }, h('span', { class: 'step-dot' })), labelEl);
      this.stepsEl.appendChild(el);
      this.steps.set(id, { el, label: labelEl, state: 'todo' });
    }
    this.detail = h('div', { class: 'start-detail' });
    this.errorBox = h('div', { class: 'start-error', hidden: true });
    this.stoppedActions = h('div', { class: 'start-actions', hidden: true });
    this.elapsed = h('span', { class: 'start-elapsed mono' });
    this.head = h('div', { class: 'start-head' },
      templateTile('', 44),
      h('div', null,
        h('div', { class: 'start-title' }, 'Starting your repl'),
        h('div', { class: 'start-slug mono' }, slug)),
      this.elapsed);
    this.card = h('div', { class: 'start-card' }, this.head, this.stepsEl, this.detail, this.errorBox, this.stoppedActions);
    this.el = h('div', { class: 'start-overlay', testid: 'start-progress', hidden: true, dataset: { step: 'loading' }, role: 'status', 'aria-live': 'polite' },
      h('a', { class: 'brand start-brand', href: '/' }, logo(24), 'Pier'),
      this.card);
  }

  setTemplate(name: string): void {
    const tile = this.head.querySelector('.template-tile');
    tile?.replaceWith(templateTile(name, 44));
  }

  show(title = 'Starting your repl'): void {
    (this.head.querySelector('.start-title') as HTMLElement).textContent = title;
    // Counted from when the overlay came up: shown again while up (a retry, a reconnection) it keeps counting.
    const wasUp = !this.el.hidden && !this.el.classList.contains('leaving') && this.el.dataset.step !== 'stopped';
    if (!wasUp) this.watch.stop();
    this.watch.start();
    this.el.hidden = false;
    this.el.classList.remove('leaving');
    this.errorBox.hidden = true;
    this.el.dataset.step = 'loading';
    for (const [id, label] of STEP_LABELS) this.set(id, 'todo', label);
    this.note('');
    if (this.clock === undefined) {
      this.clock = window.setInterval(() => { this.elapsed.textContent = elapsedLabel(this.watch.seconds()); }, 250);
    }
  }

  hide(): void {
    this.el.dataset.step = 'ready';
    this.el.classList.add('leaving');
    this.watch.stop();
    if (this.clock !== undefined) { clearInterval(this.clock); this.clock = undefined; }
    window.setTimeout(() => { if (this.el.classList.contains('leaving')) this.el.hidden = true; }, 260);
  }

  /** Shows the steps that the record tells: a busy start has a node once it is placed. */
  fromRecord(r: Repl): void {
    if (r.state === 'running') {
      this.set('place', 'done', r.node ? `Placed on ${r.node}` : 'Placed on a node');
      this.set('container', 'done', r.node ? `Container running on ${r.node}` : 'Container running');
      return;
    }
    if (r.state === 'starting' && r.node) {
      this.set('place', 'done', `Placed on ${r.node}`);
      this.set('container', 'active', `Starting container on ${r.node}`);
      this.note('Restoring your files and waiting for the app to answer.');
      this.el.dataset.step = 'container';
    } else if (r.state === 'stopping') {
      this.set('place', 'active', 'Waiting for the last stop to finish');
      this.el.dataset.step = 'place';
    } else {
      this.set('place', 'active', 'Placing on a node');
      this.note('Choosing the node with the most room.');
      this.el.dataset.step = 'place';
    }
  }

  connecting(): void {
    this.set('place', 'done');
    this.set('container', 'done');
    this.set('connect', 'active', 'Connecting');
    this.note('Opening the session: files, terminals and the run output.');
    this.el.dataset.step = 'connect';
  }

  connected(): void {
    this.set('connect', 'done', 'Connected');
    this.note('');
  }

  note(text: string): void { this.detail.textContent = text; }

  /** Shows that the repl is stopped (its files kept) with a Start button; resolves when Start is pressed. */
  stopped(): Promise<void> {
    (this.head.querySelector('.start-title') as HTMLElement).textContent = 'This repl is stopped';
    if (this.clock !== undefined) { clearInterval(this.clock); this.clock = undefined; }
    this.watch.stop();
    this.elapsed.textContent = '';
    this.el.hidden = false;
    this.el.classList.remove('leaving');
    this.el.dataset.step = 'stopped';
    this.stepsEl.hidden = true;
    this.note('Its container has ended; its files are kept in storage. Start it to edit, run and open terminals.');
    this.errorBox.hidden = true;
    clear(this.stoppedActions);
    this.stoppedActions.hidden = false;
    return new Promise((resolve) => {
      this.stoppedActions.append(
        h('a', { class: 'btn btn-ghost', href: '/' }, icon('arrowLeft', 14), 'All repls'),
        h('button', {
          class: 'btn btn-primary', testid: 'start-repl',
          onclick: () => { this.stoppedActions.hidden = true; this.stepsEl.hidden = false; resolve(); },
        }, icon('play', 14), 'Start'));
    });
  }

  /** Shows an error with Retry; resolves when Retry is pressed. */
  error(err: unknown, retryLabel = 'Retry'): Promise<void> {
    const e = err as ApiError;
    for (const [id, s] of this.steps) if (s.state === 'active') this.set(id, 'error');
    (this.head.querySelector('.start-title') as HTMLElement).textContent = 'The repl could not start';
    this.el.dataset.step = 'error';
    this.note('');
    clear(this.errorBox);
    this.errorBox.hidden = false;
    return new Promise((resolve) => {
      const lines = (e?.message ?? String(err)).split('\n');
      this.errorBox.append(
        h('div', { class: 'start-error-title' }, icon('alert', 16), errorTitle(e?.code ?? ''), e?.code ? h('code', null, e.code) : null),
        lines.length > 1
          ? h('pre', { class: 'start-error-log' }, lines.join('\n'))
          : h('div', { class: 'start-error-message', testid: 'start-error' }, lines[0]),
        h('div', { class: 'start-actions' },
          h('a', { class: 'btn btn-ghost', href: '/' }, icon('arrowLeft', 14), 'All repls'),
          h('button', {
            class: 'btn btn-primary', testid: 'start-retry',
            onclick: () => { this.errorBox.hidden = true; resolve(); },
          }, icon('restart', 14), retryLabel)));
      if (lines.length > 1) this.errorBox.querySelector('pre')?.setAttribute('data-testid', 'start-error');
    });
  }

  private set(id: StepId, state: StepState, label?: string): void {
    const s = this.steps.get(id)!;
    s.state = state;
    s.el.dataset.state = state;
    if (label) s.label.textContent = label;
    const mark = s.el.querySelector('.step-mark')!;
    clear(mark);
    mark.append(state === 'active' ? h('div', { class: 'spinner' }) : state === 'done' ? icon('check', 13) : state === 'error' ? icon('x', 13) : h('span', { class: 'step-dot' }));
  }

  /**
   * Makes sure the repl runs: reads it, starts it if needed while polling its record every 500 ms,
   * and retries on errors when the user asks. Throws only for a repl that does not exist or is not the user's.
   */
  async ensureRunning(): Promise<Repl> {
    for (;;) {
      try {
        let repl = await getRepl(this.slug);
        this.setTemplate(repl.template);
        if (repl.state === 'running') { this.fromRecord(repl); return repl; }
        this.fromRecord(repl);
        let settled = false;
        const start = startRepl(this.slug).finally(() => { settled = true; });
        start.catch(() => { /* handled below */ });
        while (!settled) {
          await Promise.race([sleep(POLL_MS), start.catch(() => undefined)]);
          if (settled) break;
          try {
            const r = await getRepl(this.slug);
            if (!settled) this.fromRecord(r);
          } catch { /* the start call tells */ }
        }
        repl = await start;
        this.fromRecord(repl);
        return repl;
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) throw e;
        await this.error(e);
        this.show();
      }
    }
  }
}

/** The page for a slug that does not exist. */
export function notFoundView(slug: string): HTMLElement {
  return h('div', { class: 'start-overlay', testid: 'not-found' },
    h('a', { class: 'brand start-brand', href: '/' }, logo(24), 'Pier'),
    h('div', { class: 'start-card not-found' },
      h('div', { class: 'empty-icon' }, icon('search', 24)),
      h('h1', null, 'No such repl'),
      h('p', null, 'There is no repl called ', h('code', null, slug || '(none)'), '. It may have been deleted, or the link is mistyped.'),
      h('a', { class: 'btn btn-primary', href: '/' }, icon('home', 14), 'Go to your repls')));
}

/** The page for a repl of another account that is not shared with this one (403). */
export function forbiddenView(slug: string): HTMLElement {
  const next = `/ide/${encodeURIComponent(slug)}`;
  const switchAccount = h('button', {
    class: 'btn btn-ghost', testid: 'switch-account',
    onclick: async () => {
      switchAccount.disabled = true;
      await signOut().catch(() => { /* signed out or not: the sign-in page tells */ });
      location.href = signInHref(next);
    },
  }, icon('logOut', 14), 'Switch account');
  return h('div', { class: 'start-overlay', testid: 'forbidden' },
    h('a', { class: 'brand start-brand', href: '/' }, logo(24), 'Pier'),
    h('div', { class: 'start-card not-found' },
      h('div', { class: 'empty-icon' }, icon('lock', 24)),
      h('h1', null, 'Not your repl'),
      h('p', null, 'The repl ', h('code', null, slug), ' belongs to another account and is not shared with you. Sign in as its owner or an account it is shared with to open it.'),
      h('div', { class: 'start-actions centered' },
        switchAccount,
        h('a', { class: 'btn btn-primary', href: '/' }, icon('home', 14), 'Go to your repls'))));
}
