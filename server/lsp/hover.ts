// Hover text for a codelet: profile with its reasons, dependencies, data dependencies, parallel groups,
// and why the body could not be decomposed. Code-derived text is escaped: it is never markup.
import type { Codelet, Profile } from '../analysis/metadata';
import { classWords, estimateWords, milliseconds, percent, qualifiedName } from './words';

export function escapeMarkdown(text: string): string {
  // Only what can start markup mid-line; lines never start with code-derived text here.
  return text.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

function code(text: string): string {
  // Inline code shows text literally; strip backticks so the span cannot be closed early.
  return `\`${text.replace(/`/g, "'")}\``;
}

function profileLine(profile: Profile): string {
  return `CPU ${percent(profile.cpu)} · memory ${percent(profile.memory)} · I/O ${percent(profile.io)} · GPU ${percent(profile.gpu)}`;
}

export function hoverMarkdown(codelet: Codelet): string {
  const lines: string[] = [];
  lines.push(`**Codelet** ${code(codelet.name)} — ${escapeMarkdown(classWords(codelet))}, ${escapeMarkdown(estimateWords(codelet))}`);
  lines.push('');
  lines.push(`Profile: ${escapeMarkdown(profileLine(codelet.profile))} (confidence ${percent(codelet.confidence)})`);
  if (codelet.estimatedMs !== null) lines.push(`\nEstimate: ${escapeMarkdown(milliseconds(codelet.estimatedMs))} — ${escapeMarkdown(codelet.estimateBasis)}`);
  if (codelet.measured) {
    const m = codelet.measured;
    lines.push(
      `\nMeasured over ${m.runs} runs: p50 ${escapeMarkdown(milliseconds(m.p50Ms))}, p95 ${escapeMarkdown(milliseconds(m.p95Ms))}, ` +
        `${escapeMarkdown(classWords(m))}${m.fleet ? ` on fleet ${code(m.fleet)}` : ''}`,
    );
  }
  if (codelet.reasons.length) {
    lines.push('\nWhy:');
    for (const reason of codelet.reasons) lines.push(`- ${escapeMarkdown(reason)}`);
  }
  lines.push(
    `\nDependencies: ${codelet.dependencies.length ? codelet.dependencies.map((id) => code(qualifiedName(id))).join(', ') : 'none'}`,
  );
  const dataDeps = dataDependencies(codelet);
  if (dataDeps.length) {
    lines.push('\nData dependencies:');
    for (const line of dataDeps) lines.push(`- ${line}`);
  }
  const groups = codelet.parallelGroups.filter((group) => group.length > 1);
  if (groups.length) {
    lines.push('\nParallel groups:');
    for (const group of groups) lines.push(`- ${group.map((id) => code(qualifiedName(id))).join(' ∥ ')}`);
  }
  if (!codelet.plan.decomposable && codelet.plan.reasons.length) {
    lines.push('\nNot decomposable:');
    for (const reason of codelet.plan.reasons) lines.push(`- ${escapeMarkdown(reason)}`);
  } else if (codelet.plan.decomposable && codelet.plan.steps.length) {
    lines.push(`\nDecomposable into ${codelet.plan.steps.length} steps.`);
  }
  const state = [...codelet.state.reads.map((s) => `reads ${code(qualifiedName(s))}`), ...codelet.state.writes.map((s) => `writes ${code(qualifiedName(s))}`)];
  if (state.length) lines.push(`\nModule state: ${state.join(', ')}`);
  return lines.join('\n');
}

/** "`b` uses the result of `a`" for each plan step that consumes an earlier step. */
function dataDependencies(codelet: Codelet): string[] {
  const callee = new Map(codelet.plan.steps.map((step) => [step.id, qualifiedName(step.callee)]));
  const lines: string[] = [];
  for (const step of codelet.plan.steps) {
    if (!step.dependsOn.length) continue;
    const from = step.dependsOn.map((id) => code(callee.get(id) ?? id)).join(', ');
    lines.push(`${code(qualifiedName(step.callee))} ← ${from}`);
  }
  return lines;
}
