// The agent's measured figures, held apart from the analysis and merged into codelets as they are served.
// Kept apart (by root and codelet id) so a re-analysis of a file never loses them and merging never needs
// the analyser: lenses, hovers, hints, diagnostics and `codelets/graph` all read through `merge…`.
import path from 'node:path';
import type { AnalysisResult, Codelet, Measured } from '../analysis/metadata';

export class MeasuredFigures {
  private readonly byRoot = new Map<string, Map<string, Measured>>();

  /** Replaces a root's figures with a snapshot; returns the ids whose figures changed (added, altered, gone). */
  replace(root: string, figures: Record<string, Measured>): string[] {
    const key = path.resolve(root);
    const before = this.byRoot.get(key) ?? new Map<string, Measured>();
    const after = new Map(Object.entries(figures));
    const changed = new Set<string>();
    for (const [id, measured] of after) if (JSON.stringify(before.get(id)) !== JSON.stringify(measured)) changed.add(id);
    for (const id of before.keys()) if (!after.has(id)) changed.add(id);
    if (after.size) this.byRoot.set(key, after);
    else this.byRoot.delete(key);
    return [...changed];
  }

  forget(root: string): void {
    this.byRoot.delete(path.resolve(root));
  }

  /** The codelet with the agent's figures for it, if any (the codelet itself is never changed). */
  merge(root: string, codelet: Codelet): Codelet;
  merge(root: string, codelet: Codelet | undefined): Codelet | undefined;
  merge(root: string, codelet: Codelet | undefined): Codelet | undefined {
    const measured = codelet && this.byRoot.get(root)?.get(codelet.id);
    return measured ? { ...codelet!, measured } : codelet;
  }

  mergeAll(root: string, codelets: Codelet[]): Codelet[] {
    if (!this.byRoot.has(root)) return codelets;
    return codelets.map((c) => this.merge(root, c));
  }

  mergeResult(root: string, result: AnalysisResult): AnalysisResult {
    if (!this.byRoot.has(root)) return result;
    return { ...result, codelets: this.mergeAll(root, result.codelets) };
  }
}
