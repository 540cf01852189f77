// Which parts of a running request are busy, for the graph's lit edges: from the entry's plan and the
// invocations the agent reports finished, the steps whose inputs are ready are running, and data moves
// along the call edge entry → callee and along each data edge producer → consumer into them.
// Pure (no VS Code, no network) so it is testable on its own.
import type { Plan } from '../../server/analysis/metadata';
import type { LiveRequest } from '../../webview/protocol';

export class RequestTrack {
  private readonly finished = new Set<string>();
  /** The request ran undecomposed (or its plan is unknown): only the entry is lit. */
  private whole: boolean;

  constructor(
    readonly requestId: string,
    readonly entry: string,
    private plan: Plan | undefined,
  ) {
    this.whole = !plan?.decomposable || plan.steps.length === 0;
  }

  setPlan(plan: Plan | undefined): void {
    this.plan = plan;
    this.whole = !plan?.decomposable || plan.steps.length === 0 || this.finished.has('whole');
  }

  /** An invocation of the request finished (a failed attempt will be retried, so it does not count). */
  invocationFinished(step: string, ok: boolean): void {
    if (step === 'whole') this.whole = true;
    if (ok) this.finished.add(step);
  }

  view(root: number, done = false): LiveRequest {
    const base = { requestId: this.requestId, root, done };
    if (done) return { ...base, running: [], edges: [] };
    if (this.whole || !this.plan) return { ...base, running: [this.entry], edges: [] };
    const callee = new Map(this.plan.steps.map((s) => [s.id, s.callee]));
    const ready = this.plan.steps.filter((s) => !this.finished.has(s.id) && s.dependsOn.every((d) => this.finished.has(d)));
    const edges = new Map<string, { from: string; to: string }>();
    const add = (from: string, to: string) => from !== to && edges.set(`${from}>${to}`, { from, to });
    for (const step of ready) {
      add(this.entry, step.callee);
      for (const dep of step.dependsOn) add(callee.get(dep) ?? this.entry, step.callee);
    }
    return { ...base, running: [...new Set([this.entry, ...ready.map((s) => s.callee)])], edges: [...edges.values()] };
  }
}
