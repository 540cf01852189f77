// The text of "Why this fleet?": a codelet's latest placements as the agent explained them (every
// candidate fleet with its score components, the request plan's part, exploration), newest first.
// Plain text for a read-only editor document: everything in it comes from code and from the agent, so it
// is never rendered as HTML. No VS Code in here, so it is tested without an editor.
import type { PlacementCandidate, PlacementsResponse, RunResponse } from '../../agent/protocol';

type Entry = PlacementsResponse['placements'][number] & { step?: string; codelet?: string };

const ms = (v: number): string => (!Number.isFinite(v) ? '—' : v < 1 ? `${v.toFixed(2)} ms` : v < 100 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);
const num = (v: number | null): string => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(3));

const BASIS: Record<PlacementCandidate['basis'], string> = {
  history: 'measured runs',
  regression: 'size regression',
  prior: 'static estimate',
  none: 'no figure yet',
};

/** A codelet's placements as `GET /v1/codelets/{id}/placements` returns them: up to `limit`, newest first. */
export function formatPlacements(response: PlacementsResponse, limit = 10): string {
  const header = [`Placements of ${response.codelet}`, `Policy: ${response.policy}`, ''];
  if (!response.placements.length) {
    return [...header, 'No placements yet: run the codelet (or a request that calls it) on a fleet first.', ''].join('\n');
  }
  const more = response.placements.length > limit ? [`(${response.placements.length - limit} older placements not shown)`] : [];
  return [...header, ...formatEntries(response.placements.slice(-limit).reverse()), ...more, ''].join('\n');
}

/** Every invocation of one run, in start order: where each step went and why. */
export function formatRunPlacements(run: RunResponse): string {
  const how = run.decomposition.decomposed ? `${run.decomposition.steps} steps` : `whole (${run.decomposition.reasons.join('; ')})`;
  const entries: Entry[] = run.invocations.map((i) => ({ ...i, invocation: i.id }));
  return [`Placements of request ${run.requestId}: ${run.entry}, ${how}`, '', ...formatEntries(entries), ''].join('\n');
}

function formatEntries(entries: readonly Entry[]): string[] {
  const lines: string[] = [];
  for (const p of entries) {
    const what = p.codelet ? `${p.step ?? ''} ${p.codelet}`.trim() + '  ' : '';
    lines.push(`${what}${new Date(p.end).toISOString()}  →  ${p.fleet}  (${p.ok ? 'ok' : 'failed'}, ran ${ms(p.wallMs)})`);
    lines.push(`  request ${p.requestId}, invocation ${p.invocation}`);
    lines.push(`  why: ${p.placement}`);
    const e = p.explanation;
    if (e) {
      if (e.plan) {
        const plan = e.plan;
        const who = plan.followed === 'plan' ? 'followed the plan' : plan.followed === 'explore' ? 'exploration overrode the plan' : 'the scores decided (the planned fleet could not take it)';
        lines.push(
          `  plan: ${plan.algorithm.toUpperCase()} over ${plan.steps} steps gave ${plan.fleet}, expected ${ms(plan.expectedStartMs)} → ${ms(plan.expectedFinishMs)} of a ${ms(plan.makespanMs)} makespan; ${who}`,
        );
        if (plan.replans) lines.push(`  re-planned ${plan.replans}×${plan.replannedAfter ? `, last after ${plan.replannedAfter}` : ''}`);
      }
      if (e.explored) lines.push(`  explored (${e.explored}); the scores alone pick ${e.best ?? 'no fleet'}`);
      lines.push(`  candidates (${e.mode}; lower score is better):`);
      lines.push(`    ${'fleet'.padEnd(12)} ${'score'.padStart(7)} ${'expected'.padStart(10)} ${'queue'.padStart(9)} ${'finish'.padStart(10)} ${'match'.padStart(6)} ${'cost'.padStart(9)}  basis`);
      for (const c of e.candidates) {
        if (!c.eligible) {
          lines.push(`    ${c.fleet.padEnd(12)} cannot run it: ${c.ineligible ?? 'not eligible'}`);
          continue;
        }
        lines.push(
          `    ${c.fleet.padEnd(12)} ${num(c.score).padStart(7)} ${ms(c.expectedMs).padStart(10)} ${ms(c.queueWaitMs).padStart(9)} ${ms(c.finishMs).padStart(10)} ${c.match.toFixed(2).padStart(6)} ${c.cost.toPrecision(3).padStart(9)}  ${BASIS[c.basis]}${c.runs ? `, ${c.runs} runs` : ''}`,
        );
      }
    }
    lines.push('');
  }
  return lines;
}
