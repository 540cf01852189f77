// AnalysisResult[] (one per workspace root) → the compact graph the webview draws, and the lookups the
// extension needs to act on the webview's messages (reveal: which file and range; cursor: which codelet).
import path from 'node:path';
import type { AnalysisResult, Codelet, Position } from '../../server/analysis/metadata';
import type { GraphModel, GraphNode, NodeRef } from '../../webview/protocol';

export function toGraphModel(results: AnalysisResult[]): GraphModel {
  const nodes: GraphNode[] = [];
  const edges: GraphModel['edges'] = [];
  results.forEach((result, root) => {
    const index = new Map<string, number>();
    for (const c of result.codelets) {
      index.set(c.id, nodes.length);
      nodes.push({
        root,
        id: c.id,
        name: c.name,
        file: c.file,
        class: c.class,
        estimatedMs: c.estimatedMs,
        ...(c.measured ? { measured: { runs: c.measured.runs, p50Ms: c.measured.p50Ms, p95Ms: c.measured.p95Ms, ...(c.measured.fleet ? { fleet: c.measured.fleet } : {}) } } : {}),
      });
    }
    for (const e of result.edges) {
      const from = index.get(e.from);
      const to = index.get(e.to);
      // Edges to code outside the analysed set (a library) have no node to land on.
      if (from !== undefined && to !== undefined) edges.push({ from, to, kind: e.kind });
    }
  });
  return { roots: results.map((r) => path.basename(r.root)), nodes, edges };
}

export function findCodelet(results: AnalysisResult[], ref: NodeRef): { root: string; codelet: Codelet } | undefined {
  const result = results[ref.root];
  const codelet = result?.codelets.find((c) => c.id === ref.id);
  return result && codelet ? { root: result.root, codelet } : undefined;
}

/** The first root that has a codelet with this id (the lens "Show in graph" knows only the id). */
export function refForId(results: AnalysisResult[], id: string): NodeRef | undefined {
  const root = results.findIndex((r) => r.codelets.some((c) => c.id === id));
  return root >= 0 ? { root, id } : undefined;
}

/** The innermost codelet whose range holds `position` in the file at absolute path `file`. */
export function codeletAt(results: AnalysisResult[], file: string, position: Position): NodeRef | null {
  let best: { ref: NodeRef; size: number } | null = null;
  results.forEach((result, root) => {
    const rel = path.relative(result.root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return;
    const posix = rel.split(path.sep).join('/');
    for (const c of result.codelets) {
      if (c.file !== posix || !contains(c.range, position)) continue;
      const size = (c.range.end.line - c.range.start.line) * 1e6 + (c.range.end.character - c.range.start.character);
      if (!best || size < best.size) best = { ref: { root, id: c.id }, size };
    }
  });
  return (best as { ref: NodeRef } | null)?.ref ?? null;
}

function contains(range: Codelet['range'], p: Position): boolean {
  const after = p.line > range.start.line || (p.line === range.start.line && p.character >= range.start.character);
  const before = p.line < range.end.line || (p.line === range.end.line && p.character <= range.end.character);
  return after && before;
}
