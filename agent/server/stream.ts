// The WebSocket `/v1/stream`: clients subscribe to topics (runs, invocations, fleets, metrics) and get
// typed, versioned frames. A malformed or unknown frame gets an error frame; the connection and everyone
// else keep being served. A client that stops reading is dropped rather than buffered without bound.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FleetManager } from '../fleets/manager';
import type { Monitor } from '../monitor/monitor';
import { ClientFrame, describeZodError, PROTOCOL_VERSION, TOPICS, type InvocationRecord, type MetricsEvent, type RunEvent, type ServerFrame, type Topic } from '../protocol';
import { authorised } from './http';

const MAX_FRAME_BYTES = 64 * 1024;
const MAX_BUFFERED_BYTES = 4 * 2 ** 20;

export interface Stream {
  /** Tell fleet subscribers that fleet state changed (throttled). */
  fleetsChanged(): void;
  close(): Promise<void>;
}

export function attachStream(server: Server, deps: { token: string; monitor: Monitor; fleets: () => FleetManager }): Stream {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const subscriptions = new Map<WebSocket, Set<Topic>>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    if (path !== '/v1/stream') return reject(socket, 404, 'Not Found');
    if (!authorised(req.headers.authorization, deps.token)) return reject(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const topics = new Set<Topic>();
    subscriptions.set(ws, topics);
    send(ws, { v: PROTOCOL_VERSION, type: 'hello', topics: [...TOPICS] });
    ws.on('message', (data, isBinary) => {
      const frame = parse(isBinary ? undefined : data.toString());
      if ('error' in frame) return send(ws, { v: PROTOCOL_VERSION, type: 'error', error: frame.error });
      const message = frame.message;
      if (message.type === 'ping') return send(ws, { v: PROTOCOL_VERSION, type: 'pong', ...(message.id ? { id: message.id } : {}) });
      for (const t of message.topics) message.type === 'subscribe' ? topics.add(t) : topics.delete(t);
      send(ws, { v: PROTOCOL_VERSION, type: 'subscribed', topics: [...topics] });
      if (message.type === 'subscribe' && message.topics.includes('fleets')) {
        send(ws, { v: PROTOCOL_VERSION, type: 'fleets', fleets: deps.fleets().status((id) => deps.monitor.fleetLatency(id)).fleets });
      }
    });
    // Oversized frames and protocol violations end up here; ws closes that connection only.
    ws.on('error', () => subscriptions.delete(ws));
    ws.on('close', () => subscriptions.delete(ws));
  });

  const broadcast = (topic: Topic, frame: ServerFrame): void => {
    for (const [ws, topics] of subscriptions) if (topics.has(topic)) send(ws, frame);
  };
  // Frames are built only when someone listens: these fire on every invocation and request.
  const onInvocation = (invocation: InvocationRecord): void => {
    if (subscriptions.size) broadcast('invocations', { v: PROTOCOL_VERSION, type: 'invocation', invocation });
  };
  const onRun = (event: RunEvent): void => {
    if (subscriptions.size) broadcast('runs', { v: PROTOCOL_VERSION, type: 'run', event });
  };
  const onMetrics = (metrics: MetricsEvent): void => {
    if (subscriptions.size) broadcast('metrics', { v: PROTOCOL_VERSION, type: 'metrics', metrics });
  };
  deps.monitor.on('invocation', onInvocation);
  deps.monitor.on('run', onRun);
  deps.monitor.on('metrics', onMetrics);

  let fleetTimer: NodeJS.Timeout | undefined;
  return {
    fleetsChanged() {
      if (fleetTimer) return;
      fleetTimer = setTimeout(() => {
        fleetTimer = undefined;
        broadcast('fleets', { v: PROTOCOL_VERSION, type: 'fleets', fleets: deps.fleets().status((id) => deps.monitor.fleetLatency(id)).fleets });
      }, 250);
      fleetTimer.unref();
    },
    async close() {
      if (fleetTimer) clearTimeout(fleetTimer);
      deps.monitor.off('invocation', onInvocation);
      deps.monitor.off('run', onRun);
      deps.monitor.off('metrics', onMetrics);
      for (const ws of subscriptions.keys()) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

function parse(text: string | undefined): { message: ClientFrame } | { error: string } {
  if (text === undefined) return { error: 'binary frames are not part of the protocol; send JSON text' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { error: `invalid JSON: ${(error as Error).message}` };
  }
  if (json && typeof json === 'object' && 'v' in json && json.v !== PROTOCOL_VERSION) {
    return { error: `unsupported protocol version ${JSON.stringify(json.v)}; this agent speaks v${PROTOCOL_VERSION}` };
  }
  const parsed = ClientFrame.safeParse(json);
  if (!parsed.success) return { error: `invalid frame: ${describeZodError(parsed.error)}` };
  return { message: parsed.data };
}

function send(ws: WebSocket, frame: ServerFrame): void {
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
    ws.close(1008, 'not reading its frames');
    return;
  }
  ws.send(JSON.stringify(frame));
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
