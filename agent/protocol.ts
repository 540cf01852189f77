// The one definition of the agent's messages: HTTP bodies and WebSocket frames, version 1.
// Both the agent (validating what comes in) and the client (typing what comes back) import it.
import { z } from 'zod';
import { CodeletClass, Measured } from '../server/analysis/metadata';

export const PROTOCOL_VERSION = 1 as const;

// ---------------------------------------------------------------- HTTP: POST /v1/requests

export const RunRequest = z.object({
  /** Codelet id of the entry: `<workspace-relative path>#<name>`. */
  entry: z.string().min(1),
  /** Positional arguments of the entry, as JSON. */
  args: z.array(z.unknown()).default([]),
  /** Whole-request deadline; running invocations are cancelled when it passes. */
  timeoutMs: z.number().int().positive().max(24 * 3600_000).optional(),
  /** Extra attempts for a user exception (worker crashes are always retried, within the fleet's bound). */
  retryUserErrors: z.number().int().min(0).max(10).default(0),
});
export type RunRequest = z.input<typeof RunRequest>;
export type RunRequestParsed = z.output<typeof RunRequest>;

/** One fleet considered by a placement, with the parts of its score (lower is better). */
export const PlacementCandidate = z.object({
  fleet: z.string(),
  eligible: z.boolean(),
  /** Why the fleet cannot run the codelet. */
  ineligible: z.string().optional(),
  /** Fit of the codelet's profile to the fleet's specialisation, 0..1. */
  match: z.number(),
  queueWaitMs: z.number(),
  expectedMs: z.number(),
  transferMs: z.number(),
  finishMs: z.number(),
  cost: z.number(),
  /** Where the expected time comes from: measured history, size regression, the static estimate, nothing. */
  basis: z.enum(['history', 'regression', 'prior', 'none']),
  runs: z.number().int().min(0),
  components: z.object({ time: z.number(), cost: z.number(), match: z.number() }),
  /** Null for a fleet that cannot run the codelet. */
  score: z.number().nullable(),
});
export type PlacementCandidate = z.infer<typeof PlacementCandidate>;

/** A decomposed request's step placed as part of the request's plan (a DAG list schedule across fleets). */
export const PlanExplanation = z.object({
  algorithm: z.enum(['heft', 'peft', 'best']),
  /** The fleet the plan gives this step. */
  fleet: z.string(),
  /** What chose `fleet` of the decision: the plan, exploration overriding it, or the scores (the plan's fleet could not take it). */
  followed: z.enum(['plan', 'explore', 'scores']),
  /** Expected start and finish of the step, and the whole plan's makespan: ms from the request's start. */
  expectedStartMs: z.number(),
  expectedFinishMs: z.number(),
  makespanMs: z.number(),
  /** Steps in the plan. */
  steps: z.number().int().min(1),
  /** Times the request was re-planned before this decision, and why the last time. */
  replans: z.number().int().min(0),
  replannedAfter: z.string().optional(),
  /** Time spent planning this request so far (ms). */
  planningMs: z.number(),
});
export type PlanExplanation = z.infer<typeof PlanExplanation>;

/** Why a placement chose its fleet: every candidate, and whether the choice was exploration. */
export const PlacementExplanation = z.object({
  codelet: z.string(),
  fleet: z.string(),
  /** The fleet the scores alone pick (differs from `fleet` when exploring). */
  best: z.string().nullable(),
  /** False, or why another fleet was tried: its first runs (`warm-up`) or a re-check (`explore`). */
  explored: z.union([z.literal(false), z.enum(['warm-up', 'explore'])]),
  mode: z.enum(['weighted', 'cheapest-within']),
  reason: z.string(),
  /** Epoch ms. */
  at: z.number(),
  /** Best first; ineligible last. */
  candidates: z.array(PlacementCandidate),
  /** Present when the step was placed as part of its request's plan (decomposed requests, learned placement). */
  plan: PlanExplanation.optional(),
});
export type PlacementExplanation = z.infer<typeof PlacementExplanation>;

/** What was measured for one invocation. Times are epoch milliseconds; sizes bytes. */
export const InvocationRecord = z.object({
  id: z.string(),
  requestId: z.string(),
  /** Plan step id, or `whole` when the entry ran undecomposed. */
  step: z.string(),
  codelet: z.string(),
  fleet: z.string(),
  worker: z.string(),
  attempt: z.number().int().min(1),
  placement: z.string(),
  /** The placement's candidates and scores (learned placement only). */
  explanation: PlacementExplanation.optional(),
  ok: z.boolean(),
  error: z.string().optional(),
  enqueued: z.number(),
  start: z.number(),
  end: z.number(),
  queueWaitMs: z.number(),
  wallMs: z.number(),
  /** CPU time of the thread (thread fleets) or process (process fleets) that ran it. */
  cpuMs: z.number(),
  /** Time the worker's event loop sat idle during the invocation: waiting on I/O and timers. */
  ioWaitMs: z.number(),
  heapGrowthBytes: z.number(),
  heapPeakBytes: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
});
export type InvocationRecord = z.infer<typeof InvocationRecord>;

export const Decomposition = z.object({
  decomposed: z.boolean(),
  /** Why the entry ran whole (empty when decomposed). */
  reasons: z.array(z.string()),
  steps: z.number().int(),
});
export type Decomposition = z.infer<typeof Decomposition>;

export const RunResponse = z.object({
  v: z.literal(PROTOCOL_VERSION),
  requestId: z.string(),
  entry: z.string(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z
    .object({ kind: z.enum(['user', 'worker', 'timeout', 'cancelled', 'serialisation', 'internal']), message: z.string(), stack: z.string().optional(), codelet: z.string().optional() })
    .optional(),
  decomposition: Decomposition,
  start: z.number(),
  end: z.number(),
  invocations: z.array(InvocationRecord),
});
export type RunResponse = z.infer<typeof RunResponse>;

// ---------------------------------------------------------------- HTTP: GET /v1/fleets

export const FleetStatus = z.object({
  id: z.string(),
  specialisation: z.enum(['cpu', 'memory', 'gpu', 'io', 'general']),
  runtime: z.enum(['threads', 'processes']),
  workers: z.number().int(),
  minWorkers: z.number().int(),
  maxWorkers: z.number().int(),
  concurrencyPerWorker: z.number().int(),
  memoryLimitMb: z.number().nullable(),
  costPerSecond: z.number(),
  /** Invocation slots: workers × concurrency per worker (current), and at max scale. */
  capacity: z.number().int(),
  maxCapacity: z.number().int(),
  running: z.number().int(),
  /** running / capacity, 0..1. */
  utilisation: z.number(),
  queueDepth: z.number().int(),
  /** Wait of the oldest queued invocation now, and the mean wait of recently started ones. */
  queueWaitMs: z.number(),
  meanQueueWaitMs: z.number(),
  /**
   * From the placement's expected execution times (the fleet's recent mean run time for tasks without
   * one): when a new invocation would start with the workers there are, and the expected work left in
   * the running and queued invocations (ms). Scaling up follows the expected wait.
   */
  expectedWaitMs: z.number(),
  expectedWorkMs: z.number(),
  completed: z.number().int(),
  failed: z.number().int(),
  /** Invocations finished per second over the last 10 s. */
  throughput: z.number(),
  /** Latency percentiles of successful invocations since the agent started (histogram). */
  latency: z.object({ count: z.number().int(), p50Ms: z.number(), p95Ms: z.number(), p99Ms: z.number() }),
  replacedWorkers: z.number().int(),
});
export type FleetStatus = z.infer<typeof FleetStatus>;

export const FleetsResponse = z.object({
  v: z.literal(PROTOCOL_VERSION),
  /** Where the fleets came from: the config file, or `default` (embedded, sized to this machine). */
  source: z.string(),
  /** The last config problem, kept until a good config loads (the previous fleets stay in service). */
  configError: z.string().nullable(),
  fleets: z.array(FleetStatus),
});
export type FleetsResponse = z.infer<typeof FleetsResponse>;

// ---------------------------------------------------------------- HTTP: GET /v1/codelets

/** Measured figures of every codelet with history, to merge into analyser metadata as `Codelet.measured`. */
export const MeasuredResponse = z.object({
  v: z.literal(PROTOCOL_VERSION),
  codelets: z.array(z.object({ id: z.string(), measured: Measured })),
});
export type MeasuredResponse = z.infer<typeof MeasuredResponse>;

// ---------------------------------------------------------------- HTTP: GET /v1/codelets/{id}/stats

export const CodeletStats = z.object({
  v: z.literal(PROTOCOL_VERSION),
  codelet: z.string(),
  runs: z.number().int(),
  errors: z.number().int(),
  /** Runs per second over the window of recorded history. */
  throughput: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  p99Ms: z.number(),
  meanCpuMs: z.number(),
  meanIoWaitMs: z.number(),
  meanQueueWaitMs: z.number(),
  byFleet: z.record(z.string(), z.number().int()),
  /** Static class from the analyser, and the figures merged back into its metadata. */
  staticClass: CodeletClass.nullable(),
  measured: Measured.nullable(),
});
export type CodeletStats = z.infer<typeof CodeletStats>;

// ---------------------------------------------------------------- HTTP: GET /v1/codelets/{id}/placements

/** The latest placements of a codelet (newest last), each with its invocation's outcome. */
export const PlacementsResponse = z.object({
  v: z.literal(PROTOCOL_VERSION),
  codelet: z.string(),
  /** The policy placing invocations now: `learned` or `class-affinity`. */
  policy: z.string(),
  placements: z.array(
    z.object({
      invocation: z.string(),
      requestId: z.string(),
      fleet: z.string(),
      ok: z.boolean(),
      /** Measured execution time (queue wait excluded). */
      wallMs: z.number(),
      end: z.number(),
      placement: z.string(),
      explanation: PlacementExplanation.optional(),
    }),
  ),
});
export type PlacementsResponse = z.infer<typeof PlacementsResponse>;

export const ErrorBody = z.object({ v: z.literal(PROTOCOL_VERSION), error: z.string(), detail: z.string().optional() });
export type ErrorBody = z.infer<typeof ErrorBody>;

export const Health = z.object({ v: z.literal(PROTOCOL_VERSION), ok: z.literal(true), pid: z.number(), workspace: z.string(), uptimeMs: z.number() });
export type Health = z.infer<typeof Health>;

// ---------------------------------------------------------------- WebSocket: /v1/stream

export const TOPICS = ['runs', 'invocations', 'fleets', 'metrics'] as const;
export const Topic = z.enum(TOPICS);
export type Topic = z.infer<typeof Topic>;

/** Frames a client sends. */
export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal('subscribe'), topics: z.array(Topic).min(1) }),
  z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal('unsubscribe'), topics: z.array(Topic).min(1) }),
  z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal('ping'), id: z.string().optional() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const RunEvent = z.object({
  requestId: z.string(),
  entry: z.string(),
  phase: z.enum(['started', 'finished']),
  ok: z.boolean().optional(),
  durationMs: z.number().optional(),
  decomposed: z.boolean().optional(),
});
export type RunEvent = z.infer<typeof RunEvent>;

export const MetricsEvent = z.object({
  codelet: z.string(),
  runs: z.number().int(),
  errors: z.number().int(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  fleet: z.string(),
});
export type MetricsEvent = z.infer<typeof MetricsEvent>;

/** Frames the agent sends. */
export const ServerFrame = z.discriminatedUnion('type', [
  z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal('hello'), topics: z.array(Topic) }),
  z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal('subscribed'), topics: z.array(Topic) }),
  z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal('pong'), id: z.string().optional() }),
  z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal('error'), error: z.string() }),
  z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal('run'), event: RunEvent }),
  z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal('invocation'), invocation: InvocationRecord }),
  z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal('fleets'), fleets: z.array(FleetStatus) }),
  z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal('metrics'), metrics: MetricsEvent }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Human-readable summary of a zod error: `field: problem; …`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
