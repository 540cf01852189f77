// Turns the graph the extension sent into what is on screen: class and file filters, an n-hop
// neighbourhood focus, lanes by file or fleet, and collapsing by file when the graph is too large to read.
// Pure: no DOM.
import type { CodeletClass } from '../server/analysis/metadata';
import type { GraphModel, GraphNode, LiveStat } from './protocol';

export type GroupBy = 'none' | 'file' | 'fleet';
export type CollapseMode = 'auto' | 'on' | 'off';

/** Above this many visible codelets, `auto` collapses by file. */
export const COLLAPSE_AT = 400;

export interface ViewOptions {
  hiddenClasses: ReadonlySet<string>;
  /** `fileKey` of the only file shown, or null. */
  file: string | null;
  focus: { key: string; hops: number } | null;
  groupBy: GroupBy;
  collapse: CollapseMode;
  /** In collapsed mode, files (fileKey) shown as their codelets. */
  expanded: ReadonlySet<string>;
}

export interface ViewNode {
  key: string;
  /** The codelet, or null for a collapsed file. */
  codelet: GraphNode | null;
  label: string;
  fileKey: string;
  cls: CodeletClass;
  /** Measured p50 when known, else the estimate; null when neither exists. */
  ms: number | null;
  live: LiveStat | undefined;
  lane: string;
  /** Codelets inside a collapsed file. */
  members: number;
}

export interface ViewEdge {
  from: number;
  to: number;
  kind: 'call' | 'data';
}

export interface ViewGraph {
  nodes: ViewNode[];
  edges: ViewEdge[];
  collapsed: boolean;
  /** Codelets that pass the filters (before collapsing). */
  codelets: number;
  /** For each graph node, the view node showing it (itself or its collapsed file), or -1. */
  at: Int32Array;
}

export const nodeKey = (root: number, id: string) => `${root}|${id}`;
export const fileKey = (root: number, file: string) => `${root}|${file}`;
export const clusterKey = (fk: string) => `file:${fk}`;

export function fileLabel(graph: GraphModel, fk: string): string {
  const bar = fk.indexOf('|');
  const root = Number(fk.slice(0, bar));
  const file = fk.slice(bar + 1);
  return graph.roots.length > 1 ? `${graph.roots[root] ?? root}/${file}` : file;
}

export function buildView(graph: GraphModel, live: ReadonlyMap<string, LiveStat>, opt: ViewOptions): ViewGraph {
  const n = graph.nodes.length;
  const keys = graph.nodes.map((c) => nodeKey(c.root, c.id));
  const files = graph.nodes.map((c) => fileKey(c.root, c.file));

  let keep = graph.nodes.map((c, i) => !opt.hiddenClasses.has(c.class) && (opt.file === null || files[i] === opt.file));
  if (opt.focus) keep = neighbourhood(graph, keys.indexOf(opt.focus.key), opt.focus.hops, keep);
  const codelets = keep.filter(Boolean).length;

  const collapsed = opt.collapse === 'on' || (opt.collapse === 'auto' && codelets > COLLAPSE_AT);
  const nodes: ViewNode[] = [];
  const at = new Int32Array(n).fill(-1);
  const clusterAt = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    const c = graph.nodes[i];
    const stat = live.get(keys[i]);
    const fleet = stat?.fleet ?? c.measured?.fleet;
    const lane = opt.groupBy === 'file' ? fileLabel(graph, files[i]) : opt.groupBy === 'fleet' ? fleet ?? 'not placed' : '';
    const ms = stat?.p50Ms ?? c.measured?.p50Ms ?? c.estimatedMs;
    if (collapsed && !opt.expanded.has(files[i])) {
      let ci = clusterAt.get(files[i]);
      if (ci === undefined) {
        ci = nodes.length;
        clusterAt.set(files[i], ci);
        nodes.push({ key: clusterKey(files[i]), codelet: null, label: fileLabel(graph, files[i]), fileKey: files[i], cls: c.class, ms: null, live: undefined, lane, members: 0 });
      }
      const cluster = nodes[ci];
      cluster.members++;
      if (ms !== null) cluster.ms = (cluster.ms ?? 0) + ms;
      at[i] = ci;
      continue;
    }
    at[i] = nodes.length;
    nodes.push({ key: keys[i], codelet: c, label: c.name, fileKey: files[i], cls: c.class, ms, live: stat, lane, members: 1 });
  }
  if (collapsed) dominantClasses(graph, at, nodes);

  const seen = new Set<string>();
  const edges: ViewEdge[] = [];
  for (const e of graph.edges) {
    const from = at[e.from];
    const to = at[e.to];
    if (from < 0 || to < 0 || from === to) continue;
    const id = `${from}>${to}>${e.kind}`;
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({ from, to, kind: e.kind });
  }
  return { nodes, edges, collapsed, codelets, at };
}

/** Nodes within `hops` edges (either direction) of `start`, among those kept. */
function neighbourhood(graph: GraphModel, start: number, hops: number, keep: boolean[]): boolean[] {
  const out = keep.map(() => false);
  if (start < 0) return keep;
  const nb: number[][] = graph.nodes.map(() => []);
  for (const e of graph.edges) {
    nb[e.from].push(e.to);
    nb[e.to].push(e.from);
  }
  out[start] = true;
  let frontier = [start];
  for (let h = 0; h < hops && frontier.length; h++) {
    const next: number[] = [];
    for (const v of frontier)
      for (const w of nb[v])
        if (!out[w] && keep[w]) {
          out[w] = true;
          next.push(w);
        }
    frontier = next;
  }
  return out;
}

/** A collapsed file takes the class most of its codelets have. */
function dominantClasses(graph: GraphModel, at: Int32Array, nodes: ViewNode[]) {
  const counts = new Map<number, Map<CodeletClass, number>>();
  graph.nodes.forEach((c, i) => {
    const v = at[i];
    if (v < 0 || nodes[v].codelet) return;
    const m = counts.get(v) ?? new Map<CodeletClass, number>();
    m.set(c.class, (m.get(c.class) ?? 0) + 1);
    counts.set(v, m);
  });
  for (const [v, m] of counts) nodes[v].cls = [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
}

/** Case-insensitive substring match on the name, qualified name and file. */
export function matches(node: ViewNode, query: string): boolean {
  if (!query) return false;
  const q = query.toLowerCase();
  return node.label.toLowerCase().includes(q) || (node.codelet?.id.toLowerCase().includes(q) ?? false);
}
