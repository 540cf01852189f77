// Graphs for the webview tests and benchmark: one shaped like the example workspace's report service,
// and seeded synthetic ones of any size (a service-like DAG spread over files, with some cycles).
import type { CodeletClass } from '../../server/analysis/metadata';
import type { GraphModel, GraphNode } from '../../webview/protocol';

type Spec = [file: string, name: string, cls: CodeletClass, ms: number | null, measured?: { p50Ms: number; p95Ms: number; runs: number; fleet?: string }];

/** The shape of `examples/src/service.ts#handleReport` and what it calls. */
export function exampleGraph(): GraphModel {
  const specs: Spec[] = [
    ['src/service.ts', 'handleReport', 'mixed', 182, { p50Ms: 164, p95Ms: 241, runs: 48 }],
    ['src/io/files.ts', 'listDataFiles', 'io-bound', 4, { p50Ms: 3.2, p95Ms: 6.1, runs: 48, fleet: 'io' }],
    ['src/io/files.ts', 'readRecords', 'io-bound', 38, { p50Ms: 41, p95Ms: 77, runs: 48, fleet: 'io' }],
    ['src/io/files.ts', 'parseCsvLine', 'trivial', 0.01],
    ['src/compute/hash.ts', 'hashRecords', 'cpu-bound', 55, { p50Ms: 61, p95Ms: 70, runs: 48, fleet: 'cpu' }],
    ['src/compute/hash.ts', 'sha256Hex', 'cpu-bound', 0.4],
    ['src/compute/aggregate.ts', 'aggregateByCategory', 'cpu-bound', 22, { p50Ms: 19, p95Ms: 25, runs: 48, fleet: 'cpu' }],
    ['src/compute/aggregate.ts', 'percentile', 'trivial', 0.05],
    ['src/index/build.ts', 'buildIndex', 'memory-bound', 64, { p50Ms: 58, p95Ms: 96, runs: 48, fleet: 'memory' }],
    ['src/index/build.ts', 'tokenize', 'cpu-bound', 0.8],
    ['src/index/build.ts', 'Index.lookup', 'memory-bound', 0.3],
    ['src/report.ts', 'renderReport', 'trivial', 1.5, { p50Ms: 1.1, p95Ms: 2.4, runs: 48, fleet: 'cpu' }],
    ['src/report.ts', 'Report.summary', 'trivial', 0.2],
  ];
  const nodes = specs.map(([file, name, cls, ms, measured]) => node(0, file, name, cls, ms, measured));
  const at = (name: string) => nodes.findIndex((n) => n.name === name);
  const call = (a: string, b: string) => ({ from: at(a), to: at(b), kind: 'call' as const });
  const data = (a: string, b: string) => ({ from: at(a), to: at(b), kind: 'data' as const });
  const edges = [
    ...['listDataFiles', 'readRecords', 'hashRecords', 'aggregateByCategory', 'buildIndex', 'renderReport'].map((c) => call('handleReport', c)),
    call('readRecords', 'parseCsvLine'),
    call('hashRecords', 'sha256Hex'),
    call('aggregateByCategory', 'percentile'),
    call('buildIndex', 'tokenize'),
    call('renderReport', 'Report.summary'),
    call('renderReport', 'Index.lookup'),
    data('listDataFiles', 'readRecords'),
    data('readRecords', 'hashRecords'),
    data('readRecords', 'aggregateByCategory'),
    data('readRecords', 'buildIndex'),
    data('hashRecords', 'renderReport'),
    data('aggregateByCategory', 'renderReport'),
    data('buildIndex', 'renderReport'),
  ];
  return { roots: ['examples'], nodes, edges };
}

export function node(root: number, file: string, name: string, cls: CodeletClass, estimatedMs: number | null, measured?: GraphNode['measured']): GraphNode {
  return { root, id: `${file}#${name}`, name, file, class: cls, estimatedMs, ...(measured ? { measured } : {}) };
}

const CLASSES: CodeletClass[] = ['cpu-bound', 'io-bound', 'memory-bound', 'mixed', 'trivial', 'trivial', 'gpu'];

/** A deterministic pseudo-random graph: `n` codelets, 20 per file, each called by 1–3 codelets of the tier above. */
export function syntheticGraph(n: number, seed = 1): GraphModel {
  let s = seed >>> 0 || 1;
  const rand = () => {
    // xorshift32: fixed seed, same graph every run.
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
  const nodes: GraphNode[] = [];
  for (let i = 0; i < n; i++) {
    const file = `src/module${String(Math.floor(i / 20)).padStart(3, '0')}.ts`;
    const cls = CLASSES[Math.floor(rand() * CLASSES.length)];
    const ms = rand() < 0.1 ? null : Math.round(Math.exp(rand() * 7) * 10) / 100;
    nodes.push(node(0, file, `fn${i}`, cls, ms, rand() < 0.2 ? { p50Ms: ms ?? 1, p95Ms: (ms ?? 1) * 1.6, runs: 10, fleet: `fleet-${i % 3}` } : undefined));
  }
  // Code is shallow: 12 tiers (entry points → helpers); each codelet is called from the tier above,
  // mostly by codelets at a similar position (the same part of the program), sometimes from anywhere.
  const tiers = 12;
  const files = Math.ceil(n / 20);
  const tierOf = (i: number) => Math.min(tiers - 1, Math.floor((Math.floor(i / 20) * tiers) / files));
  const starts: number[] = [];
  for (let i = 0; i < n; i++) if (i === 0 || tierOf(i) !== tierOf(i - 1)) starts[tierOf(i)] = i;
  const tierStart = (t: number) => (t >= tiers || starts[t] === undefined ? n : starts[t]);
  const edges: GraphModel['edges'] = [];
  for (let i = 0; i < n; i++) {
    const t = tierOf(i);
    if (t === 0) continue;
    const callers = 1 + Math.floor(rand() * 3);
    for (let c = 0; c < callers; c++) {
      const from =
        rand() < 0.85
          ? Math.min(tierStart(t) - 1, tierStart(t - 1) + Math.floor(((i - tierStart(t)) / (tierStart(t + 1) - tierStart(t))) * (tierStart(t) - tierStart(t - 1)) + (rand() - 0.5) * 16))
          : Math.floor(rand() * tierStart(t));
      edges.push({ from: Math.max(0, from), to: i, kind: rand() < 0.2 ? 'data' : 'call' });
    }
  }
  for (let k = 0; k < n / 100; k++) {
    const a = Math.floor(rand() * n);
    edges.push({ from: a, to: Math.floor(rand() * n), kind: 'call' }); // a few cycles (recursion)
  }
  return { roots: ['synthetic'], nodes, edges };
}

/** The example graph plus a codelet whose name is markup. */
export function hostileGraph(): GraphModel {
  const g = exampleGraph();
  const evil = node(0, 'src/<b>evil</b>.ts', '<img src=x onerror=alert(1)>', 'cpu-bound', 12);
  g.nodes.push(evil);
  g.edges.push({ from: 0, to: g.nodes.length - 1, kind: 'call' });
  return g;
}
