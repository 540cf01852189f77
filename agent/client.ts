// A small typed client of the agent (HTTP + WebSocket), used by the CLI, the extension and tests.
// Responses are validated against the protocol, so a mismatched agent gives a clear error.
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import type { z } from 'zod';
import {
  CodeletStats,
  describeZodError,
  ErrorBody,
  FleetsResponse,
  Health,
  MeasuredResponse,
  PlacementsResponse,
  PROTOCOL_VERSION,
  RunResponse,
  ServerFrame,
  type RunRequest,
  type Topic,
} from './protocol';

export class AgentClientError extends Error {
  override name = 'AgentClientError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface Subscription {
  /** Resolves once the agent confirmed the subscription. */
  readonly ready: Promise<void>;
  close(): void;
}

export class AgentClient {
  private readonly base: string;

  constructor(
    url: string,
    private readonly token: string,
  ) {
    this.base = url.replace(/\/+$/, '');
  }

  /** Reads the token from the agent's token file (`<state>/agent.token`). */
  static fromTokenFile(url: string, tokenFile: string): AgentClient {
    return new AgentClient(url, readFileSync(tokenFile, 'utf8').trim());
  }

  health(): Promise<Health> {
    return this.request('GET', '/healthz', Health);
  }

  /**
   * Runs a request. A run that failed inside (user exception, dead workers, timeout) resolves with
   * `ok: false` and its error; only transport and input problems reject.
   */
  async run(request: RunRequest, signal?: AbortSignal): Promise<RunResponse> {
    return this.request('POST', '/v1/requests', RunResponse, request, signal, true);
  }

  fleets(): Promise<FleetsResponse> {
    return this.request('GET', '/v1/fleets', FleetsResponse);
  }

  /** Measured figures of every codelet the agent has run (merge into metadata as `Codelet.measured`). */
  measured(): Promise<MeasuredResponse> {
    return this.request('GET', '/v1/codelets', MeasuredResponse);
  }

  codeletStats(id: string): Promise<CodeletStats> {
    return this.request('GET', `/v1/codelets/${encodeURIComponent(id)}/stats`, CodeletStats);
  }

  /** The last `limit` placements of a codelet (newest last), each with its candidates and scores. */
  placements(id: string, limit?: number): Promise<PlacementsResponse> {
    return this.request('GET', `/v1/codelets/${encodeURIComponent(id)}/placements${limit === undefined ? '' : `?limit=${limit}`}`, PlacementsResponse);
  }

  async metrics(): Promise<string> {
    const res = await fetch(this.base + '/metrics', { headers: { Authorization: `Bearer ${this.token}` } });
    if (!res.ok) throw new AgentClientError(`GET /metrics: ${res.status}`, res.status);
    return res.text();
  }

  /** Opens the stream and subscribes; `onFrame` gets every validated frame (errors included). */
  subscribe(topics: Topic[], onFrame: (frame: ServerFrame) => void, onClose?: (reason: string) => void): Subscription {
    const ws = new WebSocket(this.base.replace(/^http/, 'ws') + '/v1/stream', { headers: { Authorization: `Bearer ${this.token}` } });
    let resolveReady!: () => void;
    let rejectReady!: (e: Error) => void;
    const ready = new Promise<void>((res, rej) => ((resolveReady = res), (rejectReady = rej)));
    ws.on('open', () => ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'subscribe', topics })));
    ws.on('message', (data) => {
      const parsed = ServerFrame.safeParse(safeJson(data.toString()));
      if (!parsed.success) return;
      if (parsed.data.type === 'subscribed') resolveReady();
      onFrame(parsed.data);
    });
    ws.on('error', (e) => rejectReady(e));
    ws.on('close', (code, reason) => {
      rejectReady(new AgentClientError(`stream closed (${code})`));
      onClose?.(reason.toString() || String(code));
    });
    return { ready, close: () => ws.close() };
  }

  private async request<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    body?: unknown,
    signal?: AbortSignal,
    acceptFailedRun = false,
  ): Promise<z.infer<S>> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      throw new AgentClientError(`cannot reach the agent at ${this.base}: ${(error as Error).message}`);
    }
    const json = safeJson(await res.text());
    if (res.ok || (acceptFailedRun && res.status !== 400 && res.status !== 401 && res.status !== 413 && res.status !== 404)) {
      const parsed = schema.safeParse(json);
      if (parsed.success) return parsed.data;
      if (res.ok) throw new AgentClientError(`${method} ${path}: unexpected response: ${describeZodError(parsed.error)}`, res.status);
    }
    const error = ErrorBody.safeParse(json);
    const message = error.success ? `${error.data.error}${error.data.detail ? ` (${error.data.detail})` : ''}` : `HTTP ${res.status}`;
    throw new AgentClientError(`${method} ${path}: ${message}`, res.status);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
