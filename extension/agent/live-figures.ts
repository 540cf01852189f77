// Carries one workspace folder's agent figures to the editor: while an agent runs (the supervisor knows),
// it listens on the agent's stream for runs and invocations, fetches the `measured` figures once on
// connect and after runs finish (throttled), and forwards them to the language server and the graph, with
// the lit edges of requests in flight. Nothing polls while nothing runs; when the stream drops it
// reconnects with backoff, and an agent the supervisor restarts is picked up when it is ready again.
// No VS Code in here: the sinks are callbacks (extension/agent/index.ts wires them).
import type { AgentClient, Subscription } from '../../agent/client';
import type { ServerFrame } from '../../agent/protocol';
import type { Measured, Plan } from '../../server/analysis/metadata';
import type { LiveRequest, LiveStat } from '../../webview/protocol';
import { RequestTrack } from './live-requests';
import type { AgentSupervisor } from './supervisor';

export interface LiveSinks {
  /** The folder's whole snapshot of figures (codelet id → measured), for the language server. */
  measured(root: string, figures: Record<string, Measured>): Promise<void> | void;
  /** Per-codelet figures and requests in flight, for the graph. */
  live(update: { stats?: LiveStat[]; requests?: LiveRequest[] }): void;
  /** The entry codelet's plan (undefined when unknown), to light the edges its request uses. */
  plan(entry: string): Promise<Plan | undefined>;
  log(line: string): void;
}

export interface LiveFiguresOptions {
  folder: string;
  supervisor: AgentSupervisor;
  /** Index of the folder among the graph's roots. */
  rootIndex(): number;
  sinks: LiveSinks;
  /** At most one `measured` fetch per this many ms while runs keep finishing. */
  throttleMs?: number;
  /** Reconnect delays: first, doubling up to max, for so many attempts (then wait for the supervisor). */
  backoff?: { initialMs: number; maxMs: number; attempts: number };
}

export class LiveFigures {
  private client: AgentClient | undefined;
  private subscription: Subscription | undefined;
  private connecting: Promise<void> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;
  private fetchTimer: ReturnType<typeof setTimeout> | undefined;
  private fetching: Promise<void> | undefined;
  private lastFetch = 0;
  private last: Record<string, Measured> | undefined;
  private readonly requests = new Map<string, RequestTrack>();
  private readonly stopWatching: () => void;
  private disposed = false;

  constructor(private readonly options: LiveFiguresOptions) {
    this.stopWatching = options.supervisor.onState((state) => {
      if (state === 'ready') void this.connect();
    });
  }

  /** Connects now if an agent is already running for the folder (never starts one). */
  start(): Promise<void> {
    return this.connect();
  }

  /** The last snapshot, sent again (a restarted language server starts with none). */
  async resend(): Promise<void> {
    if (this.last) await this.options.sinks.measured(this.options.folder, this.last);
  }

  get connected(): boolean {
    return this.subscription !== undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.stopWatching();
    clearTimeout(this.retryTimer);
    clearTimeout(this.fetchTimer);
    this.subscription?.close();
    this.subscription = undefined;
  }

  private connect(): Promise<void> {
    if (this.disposed || this.subscription) return Promise.resolve();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = await this.options.supervisor.current();
    if (!client || this.disposed) {
      if (this.retries > 0) this.retry(); // a drop we are recovering from: keep trying a while
      return;
    }
    const subscription = client.subscribe(['runs', 'invocations'], (frame) => this.onFrame(frame), () => this.onClose(subscription));
    this.subscription = subscription;
    this.client = client;
    try {
      await subscription.ready;
    } catch {
      return; // onClose has seen to it
    }
    this.retries = 0;
    this.options.sinks.log(`live figures: listening to the agent for ${this.options.folder}`);
    this.fetchSoon(true);
  }

  private onClose(subscription: Subscription): void {
    if (this.subscription !== subscription) return;
    this.subscription = undefined;
    this.client = undefined;
    // Requests in flight will never report their end on this stream: put their edges out.
    const root = this.options.rootIndex();
    const ended = [...this.requests.values()].map((r) => r.view(root, true));
    this.requests.clear();
    if (ended.length) this.options.sinks.live({ requests: ended });
    if (!this.disposed) this.retry();
  }

  private retry(): void {
    const backoff = this.options.backoff ?? { initialMs: 500, maxMs: 15_000, attempts: 7 };
    if (this.retryTimer || this.retries >= backoff.attempts) {
      if (!this.retryTimer) {
        this.retries = 0;
        this.options.sinks.log(`live figures: the agent for ${this.options.folder} is gone; waiting until one runs again`);
      }
      return;
    }
    const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** this.retries++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }

  private onFrame(frame: ServerFrame): void {
    const root = this.options.rootIndex();
    if (frame.type === 'run') {
      const { requestId, entry, phase } = frame.event;
      if (phase === 'started') {
        const track = new RequestTrack(requestId, entry, undefined);
        this.requests.set(requestId, track);
        this.options.sinks.live({ requests: [track.view(root)] });
        void this.options.sinks.plan(entry).then(
          (plan) => {
            if (this.requests.get(requestId) !== track) return;
            track.setPlan(plan);
            this.options.sinks.live({ requests: [track.view(root)] });
          },
          () => {},
        );
      } else {
        const track = this.requests.get(requestId) ?? new RequestTrack(requestId, entry, undefined);
        this.requests.delete(requestId);
        this.options.sinks.live({ requests: [track.view(root, true)] });
        this.fetchSoon();
      }
    } else if (frame.type === 'invocation') {
      const track = this.requests.get(frame.invocation.requestId);
      if (!track) return;
      track.invocationFinished(frame.invocation.step, frame.invocation.ok);
      this.options.sinks.live({ requests: [track.view(root)] });
    }
  }

  /** Fetches the figures now (on connect) or within the throttle window (after runs). */
  private fetchSoon(now = false): void {
    if (this.fetchTimer) return;
    const throttle = this.options.throttleMs ?? 1000;
    const delay = now ? 0 : Math.max(0, this.lastFetch + throttle - Date.now());
    this.fetchTimer = setTimeout(() => {
      this.fetchTimer = undefined;
      this.lastFetch = Date.now();
      // One fetch at a time; a run that finishes meanwhile gets the next one.
      this.fetching = (this.fetching ?? Promise.resolve()).then(() => this.fetchMeasured());
    }, delay);
  }

  private async fetchMeasured(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      const { codelets } = await client.measured();
      const figures: Record<string, Measured> = Object.fromEntries(codelets.map((c) => [c.id, c.measured]));
      this.last = figures;
      const root = this.options.rootIndex();
      this.options.sinks.live({
        stats: codelets.map(({ id, measured: m }) => ({ root, id, runs: m.runs, p50Ms: m.p50Ms, p95Ms: m.p95Ms, ...(m.fleet ? { fleet: m.fleet } : {}) })),
      });
      await this.options.sinks.measured(this.options.folder, figures);
    } catch (error) {
      this.options.sinks.log(`live figures: could not fetch the measured figures: ${(error as Error).message}`);
    }
  }
}
