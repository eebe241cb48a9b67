// The client side of the IDE session protocol (docs/protocol.md, version 1): one WebSocket per IDE tab,
// JSON requests/replies/events in text frames, terminal and run bytes in binary frames [channel, ...payload].

import type { DocGoneEvent, DocUpdateEvent } from './docsync';
import type { PresenceEvent } from './presenceview';

export type ConnState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface FsEntry { name: string; path: string; type: 'file' | 'dir' | 'link'; size?: number }
export interface FsChange { path: string; type?: 'file' | 'dir' | 'link'; kind: 'created' | 'modified' | 'deleted'; version?: string }
export type RunState = 'running' | 'exited' | 'stopped';

export interface HelloEvent {
  event: 'hello';
  protocol: number;
  slug: string;
  session: string;
  open?: string | null;
  terminals?: { term: number }[];
  run?: { state: RunState; code?: number | null } | null;
}
export interface FsEvent { event: 'fs'; changes: FsChange[]; origin?: string | null }
export interface RunEvent { event: 'run'; state: RunState; code?: number | null }
export interface TermExitEvent { event: 'term.exit'; term: number; code?: number | null }
export interface ErrorEvent { event: 'error'; error: string; message?: string }

interface EventMap {
  hello: HelloEvent;
  'doc.update': DocUpdateEvent;
  'doc.gone': DocGoneEvent;
  presence: PresenceEvent;
  fs: FsEvent;
  run: RunEvent;
  'term.exit': TermExitEvent;
  error: ErrorEvent;
}

/** A reply with `ok: false`, or a request that could not be answered (`disconnected`, `timeout`). */
export class ProtocolError extends Error {
  constructor(readonly code: string, message: string, readonly reply: Record<string, any> = {}) {
    super(message);
    this.name = 'ProtocolError';
  }
}

interface Pending {
  op: string;
  resolve: (reply: any) => void;
  reject: (err: ProtocolError) => void;
  timer: number;
}

export interface SessionOptions {
  url: string;
  /**
   * Called before every reconnect attempt with the number of failures in a row and whether the last attempt never
   * opened. It may wait (for example while the repl is started again); a rejection is counted as a failure.
   */
  beforeReconnect?: (failures: number, neverOpened: boolean) => Promise<void>;
  helloTimeoutMs?: number;
}

const BACKOFF_MS = [250, 500, 1000, 2000, 3500, 5000];
const OFFLINE_AFTER_FAILURES = 5;

export class Session {
  state: ConnState = 'connecting';
  sessionId: string | null = null;
  hello: HelloEvent | null = null;

  private ws: WebSocket | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private listeners = new Map<string, Set<(e: any) => void>>();
  private channelListeners = new Set<(channel: number, data: Uint8Array) => void>();
  private stateListeners = new Set<(s: ConnState) => void>();
  private openListeners = new Set<() => void>();
  private failures = 0;
  private retryTimer: number | undefined;
  private closedByUs = false;
  private everConnected = false;
  private encoder = new TextEncoder();
  private frameIndex = 0;
  private helloIndex = -2;

  constructor(private readonly opts: SessionOptions) {
    window.addEventListener('online', () => this.retryNow());
    window.addEventListener('offline', () => { if (this.state !== 'connected') this.setState('offline'); });
  }

  get connected(): boolean { return this.state === 'connected'; }

  /** True while handling the frame right after `hello`: where the server puts the run output's replay. */
  get handlingFrameAfterHello(): boolean { return this.frameIndex === this.helloIndex + 1; }

  on<K extends keyof EventMap>(event: K, fn: (e: EventMap[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => set!.delete(fn);
  }

  onChannel(fn: (channel: number, data: Uint8Array) => void): () => void {
    this.channelListeners.add(fn);
    return () => this.channelListeners.delete(fn);
  }

  /** Called when a socket opens, before any of its frames: a place to forget what the last socket showed. */
  onOpen(fn: () => void): () => void {
    this.openListeners.add(fn);
    return () => this.openListeners.delete(fn);
  }

  onState(fn: (s: ConnState) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  /** Opens the connection; resolves with the first `hello`. Later drops reconnect by themselves. */
  connect(): Promise<HelloEvent> {
    this.closedByUs = false;
    return new Promise((resolve) => {
      const off = this.on('hello', (hello) => { off(); resolve(hello); });
      void this.attempt();
    });
  }

  /** Skips the current backoff wait and tries at once. */
  retryNow(): void {
    if (this.state === 'connected' || this.closedByUs) return;
    if (this.retryTimer !== undefined) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      void this.attempt();
    }
  }

  close(): void {
    this.closedByUs = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.ws?.close(1000, 'closed');
  }

  /** Sends a request and resolves with its reply (`ok: true`), or rejects with a ProtocolError. */
  request<T = Record<string, any>>(op: string, args: Record<string, unknown> = {}, timeoutMs = 30000): Promise<T> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || this.state !== 'connected') {
      return Promise.reject(new ProtocolError('disconnected', 'Not connected to the repl.'));
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        reject(new ProtocolError('timeout', `No answer to ${op} within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
      this.pending.set(id, { op, resolve, reject, timer });
      ws.send(JSON.stringify({ id, op, ...args }));
    });
  }

  /** Sends bytes on a channel (terminal input). Dropped while disconnected. */
  sendChannel(channel: number, data: string | Uint8Array): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || this.state !== 'connected') return false;
    const payload = typeof data === 'string' ? this.encoder.encode(data) : data;
    const frame = new Uint8Array(payload.length + 1);
    frame[0] = channel;
    frame.set(payload, 1);
    ws.send(frame);
    return true;
  }

  private setState(s: ConnState): void {
    if (this.state === s) return;
    this.state = s;
    for (const fn of this.stateListeners) fn(s);
  }

  private emit(event: string, payload: unknown): void {
    const set = this.listeners.get(event);
    if (set) for (const fn of [...set]) {
      try { fn(payload); } catch (e) { console.error(`pier: ${event} handler failed`, e); }
    }
  }

  private async attempt(): Promise<void> {
    this.retryTimer = undefined;
    if (this.closedByUs) return;
    let opened = false;
    let helloSeen = false;
    const ws = new WebSocket(this.opts.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    const helloTimer = window.setTimeout(() => {
      if (!helloSeen && this.ws === ws) ws.close(4000, 'no hello');
    }, this.opts.helloTimeoutMs ?? 15000);

    ws.onopen = () => {
      opened = true;
      for (const fn of this.openListeners) fn();
    };
    ws.onmessage = (m) => {
      if (this.ws !== ws) return;
      this.frameIndex++;
      if (typeof m.data === 'string') {
        let msg: any;
        try { msg = JSON.parse(m.data); } catch { console.warn('pier: a text frame that is not JSON', m.data); return; }
        if (msg && typeof msg.event === 'string') {
          if (msg.event === 'hello') {
            helloSeen = true;
            this.helloIndex = this.frameIndex;
            clearTimeout(helloTimer);
            this.sessionId = msg.session ?? null;
            this.hello = msg;
            this.failures = 0;
            this.everConnected = true;
            this.setState('connected');
          }
          this.emit(msg.event, msg);
        } else if (msg && typeof msg.id === 'number') {
          const p = this.pending.get(msg.id);
          if (!p) return;
          this.pending.delete(msg.id);
          clearTimeout(p.timer);
          if (msg.ok) p.resolve(msg);
          else p.reject(new ProtocolError(String(msg.error ?? 'error'), String(msg.message ?? msg.error ?? 'request failed'), msg));
        }
      } else {
        const bytes = new Uint8Array(m.data as ArrayBuffer);
        if (bytes.length === 0) return;
        const channel = bytes[0];
        const payload = bytes.subarray(1);
        for (const fn of this.channelListeners) fn(channel, payload);
      }
    };
    ws.onclose = () => {
      clearTimeout(helloTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new ProtocolError('disconnected', `The connection dropped before ${p.op} was answered.`));
        this.pending.delete(id);
      }
      if (this.closedByUs) { this.setState('offline'); return; }
      this.failures++;
      this.scheduleReconnect(!opened || !helloSeen);
    };
    ws.onerror = () => { /* onclose follows */ };
  }

  private scheduleReconnect(neverOpened: boolean): void {
    const offline = !navigator.onLine || this.failures >= OFFLINE_AFTER_FAILURES;
    this.setState(offline ? 'offline' : this.everConnected ? 'reconnecting' : 'connecting');
    const delay = BACKOFF_MS[Math.min(this.failures - 1, BACKOFF_MS.length - 1)];
    const jitter = Math.round(delay * 0.2 * Math.random());
    this.retryTimer = window.setTimeout(async () => {
      this.retryTimer = undefined;
      if (this.closedByUs) return;
      if (this.opts.beforeReconnect) {
        try {
          await this.opts.beforeReconnect(this.failures, neverOpened);
        } catch (e) {
          console.warn('pier: before reconnect', e);
          this.failures++;
          this.scheduleReconnect(true);
          return;
        }
      }
      void this.attempt();
    }, delay + jitter);
  }
}
