// What the per-file pass learns about each codelet, before anything is combined across the call graph.
import type { ts } from 'ts-morph';
import type { ApiCost, Resource } from './api-catalog';
import type { Boundary } from './boundaries';
import type { Problem, Range, ValueExpr } from './metadata';

export interface Signal {
  resource: Resource;
  weight: number;
  reason: string;
  line: number;
}

export interface CallSite {
  /** Workspace codelet called, when resolved. */
  callee?: string;
  /** Library or built-in called, when known. */
  api?: ApiCost;
  awaited: boolean;
  inLoop: boolean;
  /** 0-based line. */
  line: number;
  node: ts.CallExpression;
}

export interface DraftStep {
  id: string;
  callee: string;
  args: ValueExpr[];
  dependsOn: string[];
  range: Range;
  line: number;
  /** A statement of its own whose result nobody reads: later steps wait for it. */
  barrier: boolean;
}

export interface DraftPlan {
  params: string[];
  steps: DraftStep[];
  result: ValueExpr | null;
  reasons: string[];
}

export interface CodeletFacts {
  boundary: Boundary;
  signals: Signal[];
  calls: CallSite[];
  /** Calls the analyser could not resolve to code it knows (callbacks, `any` receivers). */
  unresolved: string[];
  stateReads: string[];
  stateWrites: string[];
  usesThis: boolean;
  /** Product of literal loop bounds; null when some bound depends on data; undefined without loops. */
  loopIterations: number | null | undefined;
  /** Sum of fixed per-call costs of known APIs (ms). */
  fixedMs: number;
  /** The first library call whose time depends on its input (`gzipSync()`), which rules out an estimate. */
  opaqueCall?: string;
  /** Lines of the first I/O and first CPU-heavy signal found in the body itself (for advice). */
  firstIoLine?: number;
  firstCpuLine?: number;
  /** Top-level statements of the body, as lines, for split advice. */
  statementLines: number[];
  draft: DraftPlan;
}

export interface FileFacts {
  /** Absolute, normalised. */
  file: string;
  rel: string;
  codelets: CodeletFacts[];
  problems: Problem[];
  /** Workspace files this file imports from (absolute). */
  imports: Set<string>;
  /** Workspace files it re-exports from: a change there changes this file's exports too. */
  reexports: Set<string>;
  /** The file with codelet bodies left out: when it is unchanged, importers need no new look. */
  shape: string;
}
