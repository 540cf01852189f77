// The agent's HTTP interface. Every route but /healthz needs `Authorization: Bearer <token>`.
//   POST /v1/requests            {entry, args} → RunResponse (200 ok; 422 user error; 502 worker; 504 timeout)
//   GET  /v1/fleets              FleetsResponse
//   GET  /v1/codelets            MeasuredResponse: measured figures of every codelet with history
//   GET  /v1/codelets/{id}/stats CodeletStats (id URL-encoded)
//   GET  /v1/codelets/{id}/placements?limit=N  PlacementsResponse: the last N placements, explained
//   GET  /metrics                Prometheus text
//   GET  /healthz                Health (no token)
// Bodies above maxBodyBytes get 413; invalid JSON or fields get 400 naming the problem.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FleetManager } from '../fleets/manager';
import type { Monitor } from '../monitor/monitor';
import { percentile } from '../monitor/history';
import { RequestInputError, type Orchestrator } from '../orchestrator/orchestrator';
import type { CodeletCatalog } from '../codelets/catalog';
import type { PlacementLog } from '../router/learning';
import { describeZodError, PROTOCOL_VERSION, RunRequest, type CodeletStats, type ErrorBody, type PlacementsResponse, type RunResponse } from '../protocol';

export interface HttpDeps {
  token: string;
  workspace: string;
  orchestrator: Orchestrator;
  fleets: FleetManager;
  monitor: Monitor;
  catalog: CodeletCatalog;
  placements?: { log: PlacementLog; policy: string };
  maxBodyBytes: number;
  started: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export function authorised(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const STATUS_FOR_FAILURE: Record<NonNullable<RunResponse['error']>['kind'], number> = {
  user: 422,
  serialisation: 422,
  worker: 502,
  timeout: 504,
  cancelled: 499,
  internal: 500,
};

export function createHttpServer(deps: HttpDeps): Server {
  return createServer((req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      if (error instanceof HttpError) sendError(res, error.status, error.message, error.detail);
      else sendError(res, 500, 'internal error', error instanceof Error ? error.message : String(error));
    });
  });
}

async function handle(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://agent');
  const route = url.pathname;
  if (route === '/healthz') {
    return sendJson(res, 200, { v: PROTOCOL_VERSION, ok: true, pid: process.pid, workspace: deps.workspace, uptimeMs: Date.now() - deps.started });
  }
  if (!authorised(req.headers.authorization, deps.token)) {
    req.resume();
    res.setHeader('WWW-Authenticate', 'Bearer');
    throw new HttpError(401, 'missing or wrong bearer token', 'send Authorization: Bearer <token from the agent.token file in the state folder>');
  }
  if (route === '/v1/requests') {
    allow(req, 'POST');
    const body = await readJson(req, deps.maxBodyBytes);
    const parsed = RunRequest.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid request', describeZodError(parsed.error));
    const abort = new AbortController();
    // The caller hung up before the answer: stop its invocations.
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    let response: RunResponse;
    try {
      response = await deps.orchestrator.run(parsed.data, abort.signal);
    } catch (error) {
      if (error instanceof RequestInputError) throw new HttpError(400, error.message);
      throw error;
    }
    return sendJson(res, response.ok ? 200 : STATUS_FOR_FAILURE[response.error!.kind], response);
  }
  if (route === '/v1/fleets') {
    allow(req, 'GET');
    return sendJson(res, 200, deps.fleets.status((id) => deps.monitor.fleetLatency(id)));
  }
  if (route === '/v1/codelets') {
    allow(req, 'GET');
    return sendJson(res, 200, { v: PROTOCOL_VERSION, codelets: deps.monitor.allMeasured() });
  }
  const stats = /^\/v1\/codelets\/(.+)\/stats$/.exec(route);
  if (stats) {
    allow(req, 'GET');
    let id: string;
    try {
      id = decodeURIComponent(stats[1]!);
    } catch {
      throw new HttpError(400, 'codelet id is not valid URL encoding');
    }
    return sendJson(res, 200, codeletStats(deps, id));
  }
  const placements = /^\/v1\/codelets\/(.+)\/placements$/.exec(route);
  if (placements) {
    allow(req, 'GET');
    return sendJson(res, 200, codeletPlacements(deps, decodeId(placements[1]!), url.searchParams.get('limit')));
  }
  if (route === '/metrics') {
    allow(req, 'GET');
    const text = await deps.monitor.registry.metrics();
    res.writeHead(200, { 'Content-Type': deps.monitor.registry.contentType });
    res.end(text);
    return;
  }
  throw new HttpError(404, `no route ${route}`);
}

function decodeId(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new HttpError(400, 'codelet id is not valid URL encoding');
  }
}

function codeletPlacements(deps: HttpDeps, id: string, limitParam: string | null): PlacementsResponse {
  let limit = 20;
  if (limitParam !== null) {
    limit = Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new HttpError(400, `limit: must be a whole number from 1 to 1000, got "${limitParam}"`);
  }
  const latest = deps.placements?.log.latest(id, limit) ?? [];
  if (latest.length === 0 && !deps.catalog.codelet(id)) throw new HttpError(404, `unknown codelet "${id}": not in the workspace and never placed`);
  return { v: PROTOCOL_VERSION, codelet: id, policy: deps.placements?.policy ?? 'unknown', placements: latest };
}

function codeletStats(deps: HttpDeps, id: string): CodeletStats {
  const codelet = deps.catalog.codelet(id);
  const a = deps.monitor.aggregate(id);
  if (!codelet && a.runs === 0) throw new HttpError(404, `unknown codelet "${id}": not in the workspace and never run`);
  const window = Math.max(0.001, (a.lastEnd - a.firstEnd) / 1000);
  return {
    v: PROTOCOL_VERSION,
    codelet: id,
    runs: a.runs,
    errors: a.errors,
    throughput: a.runs > 1 ? a.runs / window : 0,
    p50Ms: percentile(a.walls, 50),
    p95Ms: percentile(a.walls, 95),
    p99Ms: percentile(a.walls, 99),
    meanCpuMs: a.meanCpuMs,
    meanIoWaitMs: a.meanIoWaitMs,
    meanQueueWaitMs: a.meanQueueWaitMs,
    byFleet: a.byFleet,
    staticClass: codelet?.class ?? null,
    measured: deps.monitor.measured(id, true) ?? null,
  };
}

function allow(req: IncomingMessage, method: string): void {
  if (req.method !== method) {
    req.resume();
    throw new HttpError(405, `${req.method} not allowed here; use ${method}`);
  }
}

function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      reject(new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, `request body exceeds the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject(new HttpError(400, 'invalid JSON body', (error as Error).message));
      }
    });
  });
}

/** JSON for the wire: bigint as a decimal string, Map as an object, Set as an array (see the README). */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, replacer);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: string, detail?: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body: ErrorBody = { v: PROTOCOL_VERSION, error, ...(detail ? { detail } : {}) };
  // Close after an oversized body instead of reading the rest of it.
  if (status === 413) res.setHeader('Connection', 'close');
  sendJson(res, status, body);
}
