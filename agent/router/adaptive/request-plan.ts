// Whole-request placement for the learned policy: when a decomposed request starts, its steps are placed
// as one DAG across the fleets (HEFT, PEFT or `best`, agent/router/dag) from each codelet's expected time
// per fleet (the models) and the fleets' current queues; each step then runs where the plan says when it
// becomes ready. Online: when a step ends (or is still running) noticeably off the plan, or the fleet a step
// is planned on got busier than planned, the steps not yet started are re-planned, the others fixed at
// their actual times, before the next step is placed: later placements use what is now known. Re-planning
// is lazy (at the next placement) because only a placement can act on a new plan.
// Exploration still happens per step, as for single invocations (the adaptive placer's bounded share):
// when it picks another fleet, it overrides the plan and the explanation says so.
import type { Codelet } from '../../../server/analysis/metadata';
import type { PlacementExplanation, PlanExplanation } from '../../protocol';
import { placePlan, type PlanFleet, type PlanPlacement, type PlanTask } from '../dag/from-plan';
import type { Assignment, FixedAssignment } from '../dag/schedule';
import type { FleetView as AgentFleetView, PlacementDecision as AgentDecision, PlanStepDemand, RequestPlacement } from '../placement';
import type { Prediction } from '../models/perf-model';
import type { CodeletDemand, FleetView } from '../scoring/score';
import { toExplanation } from './explain';
import type { AdaptivePlacer, PlacementDecision } from './placer';

/** What a request's plan needs of the learned placement that made it. */
export interface PlanContext {
  placer: AdaptivePlacer;
  demand(codelet: Codelet): CodeletDemand;
  views(fleets: readonly AgentFleetView[]): FleetView[];
  /** Invocations the fleet can run at once (workers it may scale to × concurrency per worker). */
  slots(fleet: string): number;
  /** Typical size of the codelet's result (MB), when measured. */
  outputMb(codelet: string): number | undefined;
  /** Keeps the decision as the codelet's latest. */
  remember(codelet: string, decision: PlacementDecision): void;
  /** Epoch ms, for the explanation's `at`. */
  clock(): number;
}

/** A step handed to a fleet: where (worker = slot index within the fleet, for the scheduler) and when. */
interface Progress {
  fleet: string;
  worker: number;
  start: number;
  /** Expected finish (plan clock); moved later while the step overruns it. */
  expectedFinish: number;
  /** Spread of the step's recent runs on this fleet (ms): deviations within a few of it are noise. */
  spreadMs: number;
  finish?: number;
}

const fmt = (ms: number): string => (Math.abs(ms) >= 10 ? ms.toFixed(0) : ms.toFixed(1));

export class RequestPlan implements RequestPlacement {
  /** The plan's clock: ms since the request's plan was made. */
  private readonly t0 = performance.now();
  private readonly tasks: PlanTask[];
  private readonly taskOf = new Map<string, PlanTask>();
  private plan: PlanPlacement = { makespan: NaN, assignments: [], unplaceable: [], costMs: {} };
  private readonly planned = new Map<string, Assignment>();
  private readonly progress = new Map<string, Progress>();
  /** The fleet's expected wait when the step was placed, for its expected finish. */
  private readonly waitAt = new Map<string, number>();
  private replans = 0;
  private replannedAfter: string | undefined;
  /** Why the steps not yet started should be re-planned before the next placement. */
  private pending: string | undefined;
  private planningMs = 0;
  private planError: string | undefined;

  constructor(
    steps: readonly PlanStepDemand[],
    fleets: readonly AgentFleetView[],
    private readonly ctx: PlanContext,
  ) {
    this.tasks = steps.map((s) => {
      const out = ctx.outputMb(s.codelet.id);
      return { id: s.id, dependsOn: s.needs, codelet: ctx.demand(s.codelet), ...(out === undefined ? {} : { outputMb: out }) };
    });
    for (const t of this.tasks) this.taskOf.set(t.id, t);
    this.replan(ctx.views(fleets), 0);
  }

  /** The current plan (steps' fleets and expected times, ms from the request's start). */
  current(): PlanPlacement {
    return this.plan;
  }

  place(step: string, codelet: Codelet, fleets: readonly AgentFleetView[]): AgentDecision & { explanation: PlacementExplanation } {
    const now = this.elapsed();
    const views = this.ctx.views(fleets);
    const task = this.taskOf.get(step);
    // The callee's latest measured figures (class, profile) for this and later plans.
    if (task) task.codelet = this.ctx.demand(codelet);
    const reasons = [this.pending, this.overdue(now), this.busier(step, views, now)].filter((r) => r !== undefined);
    if (reasons.length) this.replan(views, now, reasons.join('; '));

    const demand = task?.codelet ?? this.ctx.demand(codelet);
    const decision = this.ctx.placer.choose(demand, views, this.ctx.clock());
    this.ctx.remember(codelet.id, decision);
    if (decision.fleet === null) {
      throw new Error(`no fleet can run ${codelet.id}: ${decision.candidates.map((c) => `${c.fleet} (${c.ineligible})`).join(', ')}`);
    }
    const a = this.planned.get(step);
    const planFleetOk = !!a && decision.candidates.some((c) => c.fleet === a.fleet && c.eligible);
    let fleet: string;
    let followed: PlanExplanation['followed'];
    let why: string;
    if (decision.explored) {
      fleet = decision.fleet;
      followed = 'explore';
      why = `${decision.reason}; overrides the plan${a ? ` (${a.fleet})` : ''}`;
    } else if (planFleetOk) {
      fleet = a!.fleet;
      followed = 'plan';
      why = `${this.ctx.placer.settings.plan.algorithm} plan: ${step} on ${fleet}, expected ${fmt(a!.start)}–${fmt(a!.finish)} ms of ${fmt(this.plan.makespan)} ms`;
      if (this.replans) why += `, re-planned ${this.replans}× (last after ${this.replannedAfter})`;
      if (decision.best !== fleet) why += `; alone it would score ${decision.best} best`;
    } else {
      fleet = decision.fleet;
      followed = 'scores';
      why = `${a ? `the plan's ${a.fleet} cannot take it now` : `no plan (${this.planError ?? 'unplaceable'})`}: ${decision.reason}`;
    }
    this.waitAt.set(step, views.find((v) => v.id === fleet)?.queueWaitMs ?? 0);
    const explanation = toExplanation({ ...decision, fleet, reason: why });
    if (a) explanation.plan = this.explainPlan(a, followed);
    return { fleet, reason: why, explanation };
  }

  started(step: string, fleet: string): void {
    const now = this.elapsed();
    const busy = new Set<number>();
    for (const p of this.progress.values()) if (p.fleet === fleet && p.finish === undefined) busy.add(p.worker);
    const a = this.planned.get(step);
    let worker = a && a.fleet === fleet && !busy.has(a.worker) ? a.worker : 0;
    while (busy.has(worker)) worker++;
    const cost = this.plan.costMs[step]?.[fleet] ?? (a ? a.finish - a.start : 0);
    const task = this.taskOf.get(step);
    const spreadMs = task ? this.predict(task.codelet, fleet).spreadMs : 0;
    this.progress.set(step, { fleet, worker, start: now, expectedFinish: now + (this.waitAt.get(step) ?? 0) + cost, spreadMs });
  }

  finished(step: string, ok: boolean): void {
    const p = this.progress.get(step);
    if (!p) return;
    if (!ok) {
      // It will be placed again (a retry) or the request fails: either way it is not done.
      this.progress.delete(step);
      return;
    }
    const now = this.elapsed();
    p.finish = now;
    const expected = p.expectedFinish - p.start;
    const off = now - p.expectedFinish;
    if (this.progress.size < this.tasks.length && Math.abs(off) > this.threshold(expected, p.spreadMs)) {
      this.pending = `${step} ended ${fmt(Math.abs(off))} ms ${off > 0 ? 'late' : 'early'} (expected ~${fmt(expected)} ms, took ${fmt(now - p.start)} ms)`;
    }
  }

  /** The models' prediction, as the placer's scoring makes it (a model keeps its statistics between runs). */
  private predict(d: CodeletDemand, fleet: string): Prediction {
    return this.ctx.placer.models.predict(d.id, fleet, { prior: d.estimatedMs ?? null, size: d.size });
  }

  private elapsed(): number {
    return performance.now() - this.t0;
  }

  /** How far off the plan a step may end before the rest is re-planned. */
  private threshold(expectedMs: number, spreadMs = 0): number {
    const s = this.ctx.placer.settings.plan;
    return Math.max(s.replanFloorMs, s.replanShare * expectedMs, s.replanSpreads * spreadMs);
  }

  /** Running steps well past their expected finish: assume each runs as long again as it has overrun. */
  private overdue(now: number): string | undefined {
    const late: string[] = [];
    for (const [step, p] of this.progress) {
      if (p.finish !== undefined) continue;
      const over = now - p.expectedFinish;
      if (over > this.threshold(p.expectedFinish - p.start, p.spreadMs)) {
        p.expectedFinish = now + over;
        late.push(`${step} still running ${fmt(over)} ms past its expected finish`);
      }
    }
    return late.length ? late.join('; ') : undefined;
  }

  /**
   * The step's planned fleet would start it later than planned (other work arrived there) while another
   * fleet could start it sooner: a queue that grew everywhere changes nothing, and re-planning is not free.
   */
  private busier(step: string, views: readonly FleetView[], now: number): string | undefined {
    const a = this.planned.get(step);
    if (!a) return undefined;
    // This request's own steps running there explain its queue; their overruns are `overdue`'s business.
    for (const p of this.progress.values()) if (p.fleet === a.fleet && p.finish === undefined) return undefined;
    const wait = views.find((v) => v.id === a.fleet)?.queueWaitMs;
    if (wait === undefined) return undefined;
    const planned = Math.max(0, a.start - now);
    const margin = this.threshold(a.finish - a.start);
    if (wait <= planned + margin) return undefined;
    const other = Math.min(...views.filter((v) => v.id !== a.fleet).map((v) => v.queueWaitMs ?? 0));
    if (!(other < wait - margin)) return undefined;
    return `${a.fleet} got busier (a new step starts in ~${fmt(wait)} ms, planned ${fmt(planned)} ms)`;
  }

  private replan(views: readonly FleetView[], now: number, reason?: string): void {
    const t = performance.now();
    const settings = this.ctx.placer.settings;
    const started: FixedAssignment[] = [];
    const usedWorkers = new Map<string, number>();
    for (const [task, p] of this.progress) {
      started.push({ task, fleet: p.fleet, worker: p.worker, start: p.start, finish: p.finish ?? Math.max(p.expectedFinish, now) });
      usedWorkers.set(p.fleet, Math.max(usedWorkers.get(p.fleet) ?? 0, p.worker + 1));
    }
    const known = new Set(views.map((v) => v.id));
    const fleets: PlanFleet[] = views.map((v) => ({
      ...v,
      workers: Math.max(1, Math.min(this.ctx.slots(v.id), this.tasks.length), usedWorkers.get(v.id) ?? 0),
      readyMs: now + (v.queueWaitMs ?? 0),
    }));
    // A fleet gone since a step ran there (configuration reloaded): keep it, unable to take new steps.
    for (const [id, workers] of usedWorkers) if (!known.has(id)) fleets.push({ id, specialisation: 'general', available: false, workers });
    try {
      const algorithm = settings.plan.algorithm === 'off' ? 'peft' : settings.plan.algorithm;
      this.plan = placePlan(this.tasks, fleets, (_c, f, d) => this.predict(d, f), {
        algorithm,
        budgetMs: settings.plan.budgetMs,
        unknownMs: settings.scoring.unknownMs ?? 10,
        seed: settings.seed,
        ...(now > 0 || started.length ? { progress: { started, now } } : {}),
      });
      this.planError = this.plan.unplaceable.length ? this.plan.unplaceable.map((u) => `${u.step}: ${u.reasons.join(', ')}`).join('; ') : undefined;
    } catch (error) {
      // Keep the last plan: a step whose planned fleet cannot take it falls back to the scores.
      this.planError = (error as Error).message;
    }
    this.planned.clear();
    for (const a of this.plan.assignments) this.planned.set(a.task, a);
    if (reason !== undefined) {
      this.replans++;
      this.replannedAfter = reason;
    }
    this.pending = undefined;
    this.planningMs += performance.now() - t;
  }

  private explainPlan(a: Assignment, followed: PlanExplanation['followed']): PlanExplanation {
    const algorithm = this.ctx.placer.settings.plan.algorithm;
    return {
      algorithm: algorithm === 'off' ? 'peft' : algorithm,
      fleet: a.fleet,
      followed,
      expectedStartMs: a.start,
      expectedFinishMs: a.finish,
      makespanMs: this.plan.makespan,
      steps: this.tasks.length,
      replans: this.replans,
      ...(this.replannedAfter === undefined ? {} : { replannedAfter: this.replannedAfter }),
      planningMs: this.planningMs,
    };
  }
}
