// Codelet figures in words, shared by lenses, hovers and inlay hints so they always agree.
import { CLASS_LABELS, type Codelet, type CodeletClass, type Profile } from '../analysis/metadata';

const RESOURCE_WORDS: Record<keyof Profile, string> = { cpu: 'CPU', memory: 'memory', io: 'I/O', gpu: 'GPU' };

export function classWords(codelet: Pick<Codelet, 'class' | 'profile'>): string {
  if (codelet.class !== 'mixed') return CLASS_LABELS[codelet.class];
  // "mixed" alone says little: name the two heaviest resources.
  const top = (Object.keys(codelet.profile) as (keyof Profile)[])
    .sort((a, b) => codelet.profile[b] - codelet.profile[a])
    .slice(0, 2)
    .filter((key) => codelet.profile[key] > 0)
    .map((key) => RESOURCE_WORDS[key]);
  return top.length === 2 ? `mixed ${top[0]} + ${top[1]}` : 'mixed';
}

export function milliseconds(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 10) return `${ms.toFixed(1).replace(/\.0$/, '')} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
}

export function estimateWords(codelet: Pick<Codelet, 'estimatedMs' | 'measured'>): string {
  if (codelet.measured && codelet.measured.runs > 0) return `p50 ${milliseconds(codelet.measured.p50Ms)} measured`;
  return codelet.estimatedMs === null ? 'no estimate' : `est. ${milliseconds(codelet.estimatedMs)}`;
}

export function count(n: number, one: string, many = `${one}s`): string {
  return n === 0 ? `no ${many}` : `${n} ${n === 1 ? one : many}`;
}

/** The first lens: `CPU-bound · est. 12 ms · 3 deps`. */
export function summaryLine(codelet: Codelet): string {
  const parts = [classWords(codelet), estimateWords(codelet), count(codelet.dependencies.length, 'dep')];
  const parallel = codelet.parallelGroups.filter((group) => group.length > 1).length;
  if (codelet.plan.decomposable && parallel > 0) parts.push(count(parallel, 'parallel group'));
  return parts.join(' · ');
}

/** The first lens of a codelet whose callees are still being analysed: `CPU-bound · estimating… · 3 deps`. */
export function pendingSummaryLine(codelet: Codelet): string {
  return [classWords(codelet), 'estimating…', count(codelet.dependencies.length, 'dep')].join(' · ');
}

/** Inlay hint at a call site: short, so code does not jump far. */
export function callSiteLabel(codelet: Codelet): string {
  return `${classWords(codelet)} · ${estimateWords(codelet)}`;
}

export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** The name part of a codelet id (`src/a.ts#Report.render` → `Report.render`). */
export function qualifiedName(id: string): string {
  const hash = id.indexOf('#');
  return hash < 0 ? id : id.slice(hash + 1);
}
