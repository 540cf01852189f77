// Decides whether an entry's plan can be executed step by step here, and if not, says why. The analyser
// decides what is safe in the code; this checks what the agent needs: every callee reachable by a worker
// and a dependency graph without holes or cycles.
import { stepsIn, type Codelet, type PlanStep } from '../../server/analysis/metadata';
import type { CodeletCatalog } from '../codelets/catalog';

export type Decomposed =
  | { decomposed: true; steps: { step: PlanStep; callee: Codelet; needs: string[] }[] }
  | { decomposed: false; reasons: string[] };

export function decompose(entry: Codelet, catalog: CodeletCatalog): Decomposed {
  const plan = entry.plan;
  if (plan.steps.length === 0) return { decomposed: false, reasons: ['its body calls no other codelet'] };
  if (!plan.decomposable) return { decomposed: false, reasons: plan.reasons.length ? plan.reasons : ['the analyser marked its body as not decomposable'] };
  const reasons: string[] = [];
  const ids = new Set(plan.steps.map((s) => s.id));
  const steps = [];
  for (const step of plan.steps) {
    const callee = catalog.codelet(step.callee);
    if (!callee) reasons.push(`step ${step.id} calls ${step.callee}, which the analyser did not find`);
    else if (!callee.invoke) reasons.push(`step ${step.id} calls ${step.callee}, which a worker cannot reach (not exported, or needs \`this\`)`);
    const needs = new Set(step.dependsOn);
    for (const a of step.args) stepsIn(a, needs);
    for (const n of needs) if (!ids.has(n)) reasons.push(`step ${step.id} depends on unknown step ${n}`);
    if (callee) steps.push({ step, callee, needs: [...needs] });
  }
  for (const n of stepsIn(plan.result)) if (!ids.has(n)) reasons.push(`the result reads unknown step ${n}`);
  if (!reasons.length && hasCycle(steps)) reasons.push('its steps depend on each other in a cycle');
  return reasons.length ? { decomposed: false, reasons } : { decomposed: true, steps };
}

function hasCycle(steps: { step: PlanStep; needs: string[] }[]): boolean {
  const needs = new Map(steps.map((s) => [s.step.id, s.needs]));
  const state = new Map<string, 1 | 2>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 2) return false;
    if (state.get(id) === 1) return true;
    state.set(id, 1);
    for (const n of needs.get(id) ?? []) if (visit(n)) return true;
    state.set(id, 2);
    return false;
  };
  return steps.some((s) => visit(s.step.id));
}
