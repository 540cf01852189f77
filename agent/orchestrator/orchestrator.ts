// The orchestrator: a request (entry + args) becomes invocations. A decomposable entry runs step by step
// (ready steps concurrently, each fed its producers' results); any other runs whole on one fleet and the
// response says why. A worker that dies costs an attempt (bounded, with backoff) on a fresh worker; a user
// exception is reported (with its source-mapped stack) and retried only when asked. Every invocation
// settles exactly once: the fleet drops late or duplicate results.
// A placement that can plan a whole request (the learned one) places a decomposed request's steps as one
// DAG when it starts and is told as steps start and finish, so it can re-plan; otherwise (and for whole
// requests) each invocation is placed on its own when it is dispatched.
import { randomUUID } from 'node:crypto';
import type { Codelet } from '../../server/analysis/metadata';
import type { BundleCache } from '../bundles';
import { BundleError } from '../bundles';
import type { CodeletCatalog } from '../codelets/catalog';
import type { Fleet, FleetOutcome } from '../fleets/fleet';
import { PackedValue, SerialisationError } from '../fleets/serialise';
import type { Monitor } from '../monitor/monitor';
import { PROTOCOL_VERSION, type InvocationRecord, type RunRequestParsed, type RunResponse } from '../protocol';
import type { Placement, RequestPlacement } from '../router/placement';
import { decompose } from './decompose';
import { evaluate } from './evaluate';

export interface FleetSet {
  list(): Fleet[];
  get(id: string): Fleet | undefined;
}

export interface OrchestratorDeps {
  catalog: CodeletCatalog;
  fleets: FleetSet;
  placement: Placement;
  bundles: BundleCache;
  monitor: Monitor;
}

/** The request names no codelet the agent knows, or one it cannot call: the caller's mistake (400). */
export class RequestInputError extends Error {
  override name = 'RequestInputError';
}

type FailureKind = NonNullable<RunResponse['error']>['kind'];
export class InvocationFailure extends Error {
  override name = 'InvocationFailure';
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly codelet?: string,
    readonly userStack?: string,
  ) {
    super(message);
  }
}

const now = (): number => performance.timeOrigin + performance.now();

class RequestContext {
  readonly records: InvocationRecord[] = [];
  readonly active = new Map<string, Fleet>();
  /** Every invocation started for this request, so a failed request still records them all. */
  readonly started = new Set<Promise<unknown>>();
  failure: InvocationFailure | undefined;
  private wake = new Set<() => void>();

  constructor(readonly id: string) {}

  abort(failure: InvocationFailure): void {
    if (this.failure) return;
    this.failure = failure;
    for (const [invocation, fleet] of this.active) fleet.cancel(invocation);
    for (const w of this.wake) w();
  }

  /** A backoff that ends early when the request is aborted. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.wake.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wake.add(done);
    });
  }
}

export class Orchestrator {
  constructor(private readonly deps: OrchestratorDeps) {}

  /** Looks the entry up (RequestInputError if unknown) and runs it; failures come back in the response. */
  async run(request: RunRequestParsed, signal?: AbortSignal): Promise<RunResponse> {
    const { catalog, monitor } = this.deps;
    catalog.refresh?.();
    const entry = catalog.codelet(request.entry);
    if (!entry) throw new RequestInputError(`unknown entry "${request.entry}": no codelet with that id in the workspace (ids look like src/file.ts#name)`);
    const plan = decompose(entry, catalog);
    if (!plan.decomposed && !entry.invoke) {
      throw new RequestInputError(`entry ${entry.id} cannot be called on its own (not exported, or needs \`this\`) and its body cannot be decomposed: ${plan.reasons.join('; ')}`);
    }
    const ctx = new RequestContext(randomUUID());
    const start = now();
    monitor.runEvent({ requestId: ctx.id, entry: entry.id, phase: 'started', decomposed: plan.decomposed });
    const timer = request.timeoutMs
      ? setTimeout(() => ctx.abort(new InvocationFailure('timeout', `request timed out after ${request.timeoutMs} ms`)), request.timeoutMs)
      : undefined;
    const onAbort = (): void => ctx.abort(new InvocationFailure('cancelled', 'request cancelled by the caller'));
    signal?.addEventListener('abort', onAbort);

    let result: unknown;
    let failure: InvocationFailure | undefined;
    try {
      if (plan.decomposed) {
        result = await this.runSteps(entry, plan.steps, request, ctx);
      } else {
        let args: PackedValue[];
        try {
          args = request.args.map((_, i) => packEntryArgument(entry, request.args, i));
        } catch (error) {
          throw new InvocationFailure('serialisation', (error as Error).message, entry.id);
        }
        result = (await this.invoke(entry, args, 'whole', request, ctx)).value;
      }
    } catch (error) {
      failure = ctx.failure ?? toFailure(error);
      ctx.abort(failure);
      // Cancelled siblings settle at once; wait so their attempts are in the response and the history.
      await Promise.allSettled(ctx.started);
    } finally {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    const end = now();
    ctx.records.sort((a, b) => a.start - b.start);
    monitor.recordRequest(entry.id, !failure, ctx.records);
    monitor.runEvent({ requestId: ctx.id, entry: entry.id, phase: 'finished', ok: !failure, durationMs: end - start, decomposed: plan.decomposed });
    return {
      v: PROTOCOL_VERSION,
      requestId: ctx.id,
      entry: entry.id,
      ok: !failure,
      ...(failure
        ? { error: { kind: failure.kind, message: failure.message, ...(failure.userStack ? { stack: failure.userStack } : {}), ...(failure.codelet ? { codelet: failure.codelet } : {}) } }
        : { result }),
      decomposition: { decomposed: plan.decomposed, reasons: plan.decomposed ? [] : plan.reasons, steps: plan.decomposed ? plan.steps.length : 1 },
      start,
      end,
      invocations: ctx.records,
    };
  }

  private runSteps(
    entry: Codelet,
    steps: { step: { id: string; args: Codelet['plan']['steps'][number]['args'] }; callee: Codelet; needs: string[] }[],
    request: RunRequestParsed,
    ctx: RequestContext,
  ): Promise<unknown> {
    const results = new Map<string, PackedValue>();
    // The entry's arguments, serialised once however many steps take them.
    const params = new Map<number, PackedValue>();
    const started = new Set<string>();
    const plan = this.deps.placement.planRequest?.(
      steps.map(({ step, callee, needs }) => ({ id: step.id, needs, codelet: this.latest(callee) })),
      this.deps.fleets.list(),
    );
    return new Promise((resolve, reject) => {
      const launch = (): void => {
        if (ctx.failure) return;
        if (results.size === steps.length) {
          try {
            resolve(entry.plan.result ? evaluate(entry.plan.result, request.args, results) : undefined);
          } catch (error) {
            reject(error);
          }
          return;
        }
        for (const { step, callee, needs } of steps) {
          if (started.has(step.id) || !needs.every((n) => results.has(n))) continue;
          started.add(step.id);
          let args: PackedValue[];
          try {
            args = step.args.map((a, i) => {
              // A result or an entry argument passed as it is goes on as the bytes it already is.
              if (a.kind === 'step') return results.get(a.step)!;
              if (a.kind === 'param') {
                let p = params.get(a.index);
                if (!p) params.set(a.index, (p = packEntryArgument(entry, request.args, a.index)));
                return p;
              }
              return PackedValue.of(evaluate(a, request.args, results), `argument ${i + 1} of ${callee.id}`);
            });
          } catch (error) {
            reject(
              error instanceof SerialisationError
                ? new InvocationFailure('serialisation', error.message, callee.id)
                : new InvocationFailure('user', `step ${step.id} (${callee.id}): ${(error as Error).message}`, callee.id),
            );
            return;
          }
          const call = this.invoke(callee, args, step.id, request, ctx, plan);
          ctx.started.add(call);
          call.then((value) => {
            results.set(step.id, value);
            launch();
          }, reject);
        }
      };
      launch();
    });
  }

  /** The codelet as placement should see it: the catalog's latest, with the measured figures merged in. */
  private latest(codelet: Codelet): Codelet {
    const current = this.deps.catalog.codelet(codelet.id) ?? codelet;
    const measured = this.deps.monitor.measured(codelet.id);
    return measured ? { ...current, measured } : current;
  }

  /** One codelet call, with its attempts. Resolves with the (serialised) value or throws InvocationFailure. */
  private async invoke(codelet: Codelet, packed: PackedValue[], step: string, request: RunRequestParsed, ctx: RequestContext, plan?: RequestPlacement): Promise<PackedValue> {
    const { fleets, placement, bundles, monitor } = this.deps;
    if (!codelet.invoke) throw new InvocationFailure('user', `${codelet.id} cannot be called on its own`, codelet.id);
    const args = packed.map((p) => p.bytes);
    const bytesIn = args.reduce((n, a) => n + a.byteLength, 0);
    let bundle: string;
    try {
      bundle = await bundles.bundleFor(codelet.invoke.module);
    } catch (error) {
      if (error instanceof BundleError) throw new InvocationFailure('user', error.message, codelet.id);
      throw error;
    }
    let crashes = 0;
    let userErrors = 0;
    for (let attempt = 1; ; attempt++) {
      if (ctx.failure) throw ctx.failure;
      const current = this.latest(codelet);
      const decision = plan ? plan.place(step, current, fleets.list()) : placement.place(current, fleets.list());
      const fleet = fleets.get(decision.fleet)!;
      const id = `${ctx.id}:${step}:${attempt}`;
      ctx.active.set(id, fleet);
      plan?.started(step, fleet.id);
      const outcome = await fleet.submit({ id, codelet: codelet.id, bundle, exportPath: codelet.invoke.exportPath, args, expectedMs: decision.explanation?.candidates.find((c) => c.fleet === fleet.id)?.expectedMs });
      ctx.active.delete(id);
      const record = toRecord(outcome, { id, requestId: ctx.id, step, codelet: codelet.id, fleet: fleet.id, attempt, placement: decision.reason, bytesIn, ...(decision.explanation ? { explanation: decision.explanation } : {}) });
      ctx.records.push(record);
      // Announced first: the models learn this run before the plan decides whether to re-plan.
      monitor.announce(record);
      plan?.finished(step, record.ok);

      if (outcome.kind === 'done') {
        const m = outcome.message;
        if (m.ok) return new PackedValue(m.result);
        if (m.error.kind === 'serialisation') throw new InvocationFailure('serialisation', m.error.message, codelet.id);
        if (m.error.kind === 'user' && userErrors < request.retryUserErrors) {
          userErrors++;
          await ctx.sleep(fleet.config.retries.backoffMs * 2 ** (userErrors - 1));
          continue;
        }
        const what = m.error.kind === 'load' ? `cannot load ${codelet.id}` : `${codelet.id} threw`;
        throw new InvocationFailure('user', `${what}: ${m.error.name}: ${m.error.message}`, codelet.id, m.error.stack);
      }
      if (outcome.kind === 'cancelled') throw ctx.failure ?? new InvocationFailure('cancelled', 'invocation cancelled', codelet.id);
      crashes++;
      const limit = fleet.config.retries.attempts;
      if (crashes >= limit) {
        throw new InvocationFailure('worker', `${codelet.id}: ${outcome.reason}; gave up after ${crashes} attempt${crashes === 1 ? '' : 's'}`, codelet.id);
      }
      await ctx.sleep(fleet.config.retries.backoffMs * 2 ** (crashes - 1));
    }
  }
}

/** One of the request's arguments to `entry`, serialised (SerialisationError naming it if it cannot be). */
function packEntryArgument(entry: Codelet, args: readonly unknown[], index: number): PackedValue {
  return PackedValue.of(args[index], `argument ${index + 1} of ${entry.id}`);
}

function toFailure(error: unknown): InvocationFailure {
  if (error instanceof InvocationFailure) return error;
  if (error instanceof SerialisationError) return new InvocationFailure('serialisation', error.message);
  return new InvocationFailure('internal', error instanceof Error ? error.message : String(error));
}

function toRecord(
  outcome: FleetOutcome,
  base: Pick<InvocationRecord, 'id' | 'requestId' | 'step' | 'codelet' | 'fleet' | 'attempt' | 'placement' | 'explanation' | 'bytesIn'>,
): InvocationRecord {
  const t = now();
  if (outcome.kind === 'done') {
    const m = outcome.message.m;
    const wallMs = m.end - m.start;
    return {
      ...base,
      worker: outcome.worker,
      ok: outcome.message.ok,
      ...(outcome.message.ok ? {} : { error: `${outcome.message.error.name}: ${outcome.message.error.message}` }),
      enqueued: outcome.enqueued,
      start: m.start,
      end: m.end,
      queueWaitMs: Math.max(0, outcome.dispatched - outcome.enqueued),
      wallMs,
      cpuMs: m.cpuMs,
      ioWaitMs: Math.min(wallMs, m.idleMs),
      heapGrowthBytes: m.heapAfter - m.heapBefore,
      heapPeakBytes: m.heapPeak,
      bytesOut: m.bytesOut,
    };
  }
  const start = outcome.dispatched ?? t;
  return {
    ...base,
    worker: outcome.worker ?? '',
    ok: false,
    error: outcome.kind === 'lost' ? outcome.reason : 'cancelled',
    enqueued: outcome.enqueued,
    start,
    end: t,
    queueWaitMs: Math.max(0, start - outcome.enqueued),
    wallMs: t - start,
    cpuMs: 0,
    ioWaitMs: 0,
    heapGrowthBytes: 0,
    heapPeakBytes: 0,
    bytesOut: 0,
  };
}
