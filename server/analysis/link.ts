// The whole-workspace pass: profiles flow up the call graph (a caller that awaits an I/O-bound callee is
// partly I/O-bound), then each codelet gets its class, estimate, final plan (ordering on shared state,
// callees that cannot run alone), parallel groups and advice. Cheap: no AST, only the per-file facts, so
// after an edit it reruns only where something changed.
import type { CallSite, CodeletFacts } from './facts';
import type { Advice, Codelet, Edge, Plan, PlanStep, Profile } from './metadata';
import { classify, combine, localProfile, maxProfile, RESOURCES, sameProfile, scale, zeroProfile } from './profile';

interface Derived {
  profile: Profile;
  confidence: number;
  reasons: string[];
  estimatedMs: number | null;
  basis: string;
  /** Module state read/written by the codelet or anything it calls. */
  reads: ReadonlySet<string>;
  writes: ReadonlySet<string>;
}

/** Most codelets touch no module state: they share one empty set instead of two each. */
const NO_STATE: ReadonlySet<string> = new Set();

/** Nanoseconds-scale cost of one simple loop iteration, for literal-bound loops. */
const MS_PER_ITERATION = 0.00001;
const MAX_RECOMPUTE = 8;

export class Linker {
  readonly facts = new Map<string, CodeletFacts>();
  private readonly callers = new Map<string, Set<string>>();
  private readonly derived = new Map<string, Derived>();
  readonly codelets = new Map<string, Codelet>();
  private readonly outEdges = new Map<string, Edge[]>();

  /** Replaces the codelets of one file. Returns the ids whose callers must be looked at again. */
  replace(oldIds: string[], next: CodeletFacts[]): Set<string> {
    const touched = new Set<string>();
    for (const id of oldIds) {
      const f = this.facts.get(id);
      if (f) for (const c of f.calls) this.callers.get(c.callee!)?.delete(id);
      this.facts.delete(id);
      this.derived.delete(id);
      // The old record stays until `run` rebuilds it, so a record that comes out the same is not reported
      // as changed (an importer re-extracted after an edit usually is unchanged).
      this.outEdges.delete(id);
      touched.add(id);
    }
    for (const f of next) {
      this.facts.set(f.boundary.id, f);
      touched.add(f.boundary.id);
    }
    for (const f of next) {
      for (const c of f.calls) {
        let set = this.callers.get(c.callee!);
        if (!set) this.callers.set(c.callee!, (set = new Set()));
        set.add(f.boundary.id);
      }
    }
    return touched;
  }

  /**
   * Recomputes derived figures from `seeds` upwards through callers until nothing changes, then rebuilds the
   * final records of every codelet affected. Returns the ids whose records changed or vanished.
   */
  run(seeds: Iterable<string>): Set<string> {
    const queue: string[] = [];
    const queued = new Set<string>();
    const enqueue = (id: string) => {
      if (!queued.has(id)) {
        queued.add(id);
        queue.push(id);
      }
    };
    for (const id of this.calleesFirst(seeds)) enqueue(id);
    const affected = new Set<string>();
    const counts = new Map<string, number>();
    while (queue.length > 0) {
      const id = queue.shift()!;
      queued.delete(id);
      affected.add(id);
      const f = this.facts.get(id);
      if (!f) {
        for (const caller of this.callers.get(id) ?? []) enqueue(caller);
        continue;
      }
      const count = (counts.get(id) ?? 0) + 1;
      counts.set(id, count);
      const before = this.derived.get(id);
      const after = this.derive(f);
      this.derived.set(id, after);
      if (!before || !sameDerived(before, after)) {
        // Callers' plans read this codelet's state and profile: their records are rebuilt either way,
        // their figures only while the recomputation limit (for cycles) allows.
        for (const caller of this.callers.get(id) ?? []) {
          affected.add(caller);
          if (count < MAX_RECOMPUTE) enqueue(caller);
        }
      }
    }
    const changed = new Set<string>();
    for (const id of affected) {
      const f = this.facts.get(id);
      const old = this.codelets.get(id);
      if (!f) {
        if (old) changed.add(id);
        this.codelets.delete(id);
        continue;
      }
      const record = this.finalize(f);
      if (!old || JSON.stringify(old) !== JSON.stringify(record)) changed.add(id);
      this.codelets.set(id, record);
    }
    for (const id of seeds) if (!this.facts.has(id)) changed.add(id);
    return changed;
  }

  edges(): Edge[] {
    return [...this.outEdges.values()].flat();
  }

  /** Seeds ordered so that callees come before their callers (post-order over the call graph). */
  private calleesFirst(seeds: Iterable<string>): string[] {
    const order: string[] = [];
    const seen = new Set<string>();
    const seedSet = new Set(seeds);
    for (const root of seedSet) {
      if (seen.has(root)) continue;
      // Iterative DFS: call chains in generated code can be long.
      const stack: [string, number][] = [[root, 0]];
      seen.add(root);
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const calls = this.facts.get(top[0])?.calls ?? [];
        if (top[1] < calls.length) {
          const next = calls[top[1]++]!.callee!;
          if (!seen.has(next) && seedSet.has(next)) {
            seen.add(next);
            stack.push([next, 0]);
          }
        } else {
          stack.pop();
          order.push(top[0]);
        }
      }
    }
    return order;
  }

  private derive(f: CodeletFacts): Derived {
    const id = f.boundary.id;
    const local = localProfile(f.signals);
    let inherited = zeroProfile();
    const strongest = new Map<string, { callee: string; value: number }>();
    let reads: ReadonlySet<string> = f.stateReads.length ? new Set(f.stateReads) : NO_STATE;
    let writes: ReadonlySet<string> = f.stateWrites.length ? new Set(f.stateWrites) : NO_STATE;
    const calleeConfidence: number[] = [];
    let estimate: number | null = (f.loopIterations ?? 0) * MS_PER_ITERATION + f.fixedMs + 0.001;
    let basis = f.loopIterations ? `~${f.loopIterations.toLocaleString('en-US')} loop iterations at ~10 ns each` : 'straight-line code';
    if (local.io > 0) {
      estimate = null;
      basis = 'it does I/O: the time depends on the device or the network';
    } else if (f.loopIterations === null) {
      estimate = null;
      basis = 'a loop bound depends on the input';
    } else if (f.unresolved.length > 0) {
      estimate = null;
      basis = `it calls code the analyser cannot see (${f.unresolved[0]})`;
    } else if (local.gpu > 0) {
      estimate = null;
      basis = 'GPU work: the time depends on the device';
    } else if (f.opaqueCall) {
      estimate = null;
      basis = `it calls ${f.opaqueCall}, whose time depends on its input`;
    }
    const seenCallees = new Set<string>();
    for (const call of f.calls) {
      const calleeId = call.callee!;
      if (calleeId === id) {
        if (estimate !== null) {
          estimate = null;
          basis = 'recursive: the depth depends on the input';
        }
        continue;
      }
      const d = this.derived.get(calleeId);
      if (!d) {
        if (!this.facts.has(calleeId) && estimate !== null) {
          estimate = null;
          basis = `it calls ${calleeId}, which is gone`;
        }
        continue;
      }
      const factor = factorOf(call, this.facts.get(calleeId)?.boundary.async ?? false);
      const contribution = scale(d.profile, factor);
      inherited = maxProfile(inherited, contribution);
      for (const r of RESOURCES) {
        const best = strongest.get(r);
        if (contribution[r] >= 0.15 && (!best || contribution[r] > best.value)) strongest.set(r, { callee: calleeId, value: contribution[r] });
      }
      if (d.reads.size > 0) reads = union(reads, d.reads);
      if (d.writes.size > 0) writes = union(writes, d.writes);
      if (seenCallees.has(calleeId)) continue;
      seenCallees.add(calleeId);
      calleeConfidence.push(d.confidence);
      if (estimate !== null) {
        if (d.estimatedMs === null) {
          estimate = null;
          basis = `it calls ${calleeId}, which has no estimate`;
        } else if (call.inLoop) {
          estimate = null;
          basis = `it calls ${calleeId} in a loop`;
        } else {
          estimate += d.estimatedMs;
        }
      }
    }
    if (estimate !== null && seenCallees.size > 0) basis += ` plus ${seenCallees.size} callee estimate${seenCallees.size > 1 ? 's' : ''}`;

    const profile = combine(local, inherited);
    const reasons: string[] = [];
    const own = [...f.signals].sort((a, b) => b.weight - a.weight || a.line - b.line);
    for (const s of own) {
      if (reasons.length >= 5) break;
      if (!reasons.includes(s.reason)) reasons.push(s.reason);
    }
    for (const r of RESOURCES) {
      const best = strongest.get(r);
      if (best && best.value > local[r]) reasons.push(`calls ${best.callee} (${r} ${round2(best.value)})`);
    }
    if (f.unresolved.length > 0) {
      reasons.push(`${f.unresolved.length} call${f.unresolved.length > 1 ? 's' : ''} it cannot resolve (${f.unresolved.slice(0, 2).join(', ')})`);
    }
    if (reasons.length === 0) reasons.push('no loops, I/O or heavy calls');

    let confidence = f.signals.length > 0 || f.calls.length > 0 ? 0.7 : 0.85;
    confidence -= Math.min(0.3, 0.1 * f.unresolved.length);
    if (f.loopIterations === null) confidence -= 0.05;
    if (calleeConfidence.length > 0) confidence = 0.5 * confidence + 0.5 * (calleeConfidence.reduce((a, b) => a + b, 0) / calleeConfidence.length);
    confidence = round2(Math.max(0.2, Math.min(0.95, confidence)));
    if (estimate !== null) estimate = Math.round(estimate * 1000) / 1000;
    return { profile, confidence, reasons, estimatedMs: estimate, basis, reads, writes };
  }

  private finalize(f: CodeletFacts): Codelet {
    const b = f.boundary;
    const d = this.derived.get(b.id)!;
    const plan = this.finalPlan(f);
    const edges: Edge[] = [];
    const seen = new Set<string>();
    for (const c of f.calls) {
      if (c.callee === b.id || seen.has(c.callee!)) continue;
      seen.add(c.callee!);
      edges.push({ from: b.id, to: c.callee!, kind: 'call' });
    }
    const stepCallee = new Map(plan.steps.map((s) => [s.id, s.callee]));
    const dataSeen = new Set<string>();
    for (const s of plan.steps) {
      for (const dep of s.dependsOn) {
        const from = stepCallee.get(dep)!;
        const key = `${from}>${s.callee}`;
        if (from === s.callee || dataSeen.has(key)) continue;
        dataSeen.add(key);
        edges.push({ from, to: s.callee, kind: 'data' });
      }
    }
    this.outEdges.set(b.id, edges);
    return {
      id: b.id,
      name: b.name,
      kind: b.kind,
      file: b.id.slice(0, b.id.indexOf('#')),
      range: b.range,
      selectionRange: b.selectionRange,
      exported: b.exported,
      async: b.async,
      invoke: b.invoke,
      profile: d.profile,
      class: classify(d.profile),
      confidence: d.confidence,
      reasons: d.reasons,
      dependencies: [...seen],
      state: { reads: [...f.stateReads].sort(), writes: [...f.stateWrites].sort() },
      estimatedMs: d.estimatedMs,
      estimateBasis: d.basis,
      parallelGroups: plan.decomposable ? parallelGroups(plan.steps) : [],
      plan,
      advice: advice(f),
    };
  }

  private finalPlan(f: CodeletFacts): Plan {
    const draft = f.draft;
    const reasons = [...draft.reasons];
    for (const s of draft.steps) {
      const callee = this.facts.get(s.callee);
      if (!callee) reasons.push(`line ${s.line}: calls ${s.callee}, which no longer exists`);
      else if (!callee.boundary.invoke) {
        reasons.push(`line ${s.line}: calls ${s.callee}, which cannot run on its own (${callee.boundary.kind === 'method' && !callee.boundary.isStatic ? 'an instance method' : 'not exported'})`);
      }
    }
    if (reasons.length > 0) return { decomposable: false, reasons, params: draft.params, steps: [], result: null };
    const steps: PlanStep[] = draft.steps.map((s) => ({ id: s.id, callee: s.callee, args: s.args, dependsOn: [...s.dependsOn], range: s.range }));
    // Steps that touch the same module state keep their order: a writer before later readers and writers.
    for (let j = 0; j < steps.length; j++) {
      const dj = this.derived.get(steps[j]!.callee);
      if (!dj) continue;
      for (let i = 0; i < j; i++) {
        const di = this.derived.get(steps[i]!.callee);
        if (!di || steps[j]!.dependsOn.includes(steps[i]!.id)) continue;
        if (conflicts(di, dj)) steps[j]!.dependsOn.push(steps[i]!.id);
      }
    }
    return { decomposable: true, reasons: [], params: draft.params, steps, result: draft.result };
  }
}

function factorOf(call: CallSite, calleeAsync: boolean): number {
  if (call.inLoop) return 0.9;
  if (calleeAsync && !call.awaited) return 0.4;
  return 0.75;
}

function union(a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> {
  if (a.size === 0) return b;
  let out: Set<string> | undefined;
  for (const s of b) {
    if (a.has(s)) continue;
    out ??= new Set(a);
    out.add(s);
  }
  return out ?? a;
}

function conflicts(a: Derived, b: Derived): boolean {
  for (const s of a.writes) if (b.reads.has(s) || b.writes.has(s)) return true;
  for (const s of b.writes) if (a.reads.has(s)) return true;
  return false;
}

function sameDerived(a: Derived, b: Derived): boolean {
  return sameProfile(a.profile, b.profile) && a.confidence === b.confidence && a.estimatedMs === b.estimatedMs && a.basis === b.basis &&
    a.reasons.join('\n') === b.reasons.join('\n') && a.reads.size === b.reads.size && a.writes.size === b.writes.size;
}

/** Steps at the same depth of the DAG cannot depend on each other: each such set is a parallel group. */
export function parallelGroups(steps: PlanStep[]): string[][] {
  const level = new Map<string, number>();
  for (const s of steps) level.set(s.id, 1 + Math.max(-1, ...s.dependsOn.map((d) => level.get(d) ?? 0)));
  const byLevel = new Map<number, Set<string>>();
  for (const s of steps) {
    const l = level.get(s.id)!;
    if (!byLevel.has(l)) byLevel.set(l, new Set());
    byLevel.get(l)!.add(s.callee);
  }
  return [...byLevel.entries()].sort((a, b) => a[0] - b[0]).map(([, ids]) => [...ids]).filter((g) => g.length > 1);
}

function advice(f: CodeletFacts): Advice[] {
  const out: Advice[] = [];
  const local = localProfile(f.signals);
  if (local.io >= 0.3 && local.cpu >= 0.3 && f.firstIoLine !== undefined && f.firstCpuLine !== undefined) {
    const [first, second] = f.firstIoLine <= f.firstCpuLine ? [f.firstIoLine, f.firstCpuLine] : [f.firstCpuLine, f.firstIoLine];
    const statementOf = (line: number) => Math.max(-1, ...f.statementLines.filter((l) => l <= line));
    const split = statementOf(second);
    const range = { start: { line: Math.max(0, split), character: 0 }, end: { line: Math.max(0, split), character: 0 } };
    const what = f.firstIoLine <= f.firstCpuLine ? 'I/O (from line ' + (first + 1) + ') and CPU-heavy work (from line ' + (second + 1) + ')' : 'CPU-heavy work (from line ' + (first + 1) + ') and I/O (from line ' + (second + 1) + ')';
    if (split >= 0 && split > statementOf(first)) {
      out.push({ message: `mixes ${what}: could be split into two codelets at line ${split + 1}`, range });
    } else {
      out.push({ message: `mixes ${what} in the same statement: separating them would let each run on a fitting fleet`, range: f.boundary.selectionRange });
    }
  }
  return out;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
