// The elapsed time the start overlay shows: counted from when the overlay appeared, on a monotonic clock, and never
// going back while it stays up (a reconnection that shows the overlay again with a new title does not restart it).

export class Stopwatch {
  private startedAt: number | null = null;
  private shown = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Starts counting, unless it already counts. */
  start(): void {
    if (this.startedAt === null) { this.startedAt = this.now(); this.shown = 0; }
  }

  /** Stops; the next start counts from zero. */
  stop(): void { this.startedAt = null; this.shown = 0; }

  get running(): boolean { return this.startedAt !== null; }

  /** Whole seconds since start, never less than last read. */
  seconds(): number {
    if (this.startedAt === null) return 0;
    this.shown = Math.max(this.shown, Math.floor(Math.max(0, this.now() - this.startedAt) / 1000));
    return this.shown;
  }
}

/** The overlay's label: nothing in the first second, then `7s`, `1m 05s`. */
export function elapsedLabel(seconds: number): string {
  if (!(seconds >= 1)) return '';
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
}
