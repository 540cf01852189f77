// The codelet metadata: the one definition of what the analyser produces and every other part
// (CLI, language server, agent, webview) consumes. Zod schemas give both the TypeScript types and the
// validation at the edges; `schemas/analysis.schema.json` is generated from them (schemaVersion 1).
import { z } from 'zod';

export const SCHEMA_VERSION = 1 as const;

/** 0-based, as in LSP. */
export const Position = z.object({ line: z.number().int().min(0), character: z.number().int().min(0) });
export type Position = z.infer<typeof Position>;

export const Range = z.object({ start: Position, end: Position });
export type Range = z.infer<typeof Range>;

const unit = z.number().min(0).max(1);

/** How much of each resource a codelet uses, each in 0..1. */
export const Profile = z.object({ cpu: unit, memory: unit, io: unit, gpu: unit });
export type Profile = z.infer<typeof Profile>;

export const CODELET_CLASSES = ['cpu-bound', 'io-bound', 'memory-bound', 'gpu', 'mixed', 'trivial'] as const;
export const CodeletClass = z.enum(CODELET_CLASSES);
export type CodeletClass = z.infer<typeof CodeletClass>;

/** How every view (lenses, hovers, the graph's legend) names a class, so they always agree. */
export const CLASS_LABELS: Record<CodeletClass, string> = {
  'cpu-bound': 'CPU-bound',
  'io-bound': 'I/O-bound',
  'memory-bound': 'memory-bound',
  gpu: 'GPU',
  mixed: 'mixed',
  trivial: 'trivial',
};

/**
 * `function`: a top-level function declaration; `const-function`: an arrow or function expression bound
 * to a module-level const; `method`: a class method (static or not); `object-method`: a method or
 * function-valued property of an object literal.
 */
export const CodeletKind = z.enum(['function', 'const-function', 'method', 'object-method']);
export type CodeletKind = z.infer<typeof CodeletKind>;

/**
 * How a worker reaches the codelet's function from its module: `exportPath` walks the module's exports
 * (`['f']`, `['default']`, `['api', 'handle']`, `['Report', 'create']` for a static method). Null when the
 * codelet cannot be called on its own (not exported, instance method needing `this`).
 */
export const Invoke = z.object({ module: z.string(), exportPath: z.array(z.string()).min(1) });
export type Invoke = z.infer<typeof Invoke>;

/**
 * A value inside a plan, as a small JSON tree the orchestrator evaluates: an argument of the entry, the
 * result of an earlier step, a JSON literal, or a shape built from those.
 */
export type ValueExpr =
  | { kind: 'param'; index: number }
  | { kind: 'step'; step: string }
  | { kind: 'literal'; value: unknown }
  | { kind: 'undefined' }
  | { kind: 'get'; object: ValueExpr; key: string | number }
  | { kind: 'array'; items: ValueExpr[] }
  | { kind: 'object'; entries: { key: string; value: ValueExpr }[] };
export const ValueExpr: z.ZodType<ValueExpr> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('param'), index: z.number().int().min(0) }),
    z.object({ kind: z.literal('step'), step: z.string() }),
    z.object({ kind: z.literal('literal'), value: z.unknown() }),
    z.object({ kind: z.literal('undefined') }),
    z.object({ kind: z.literal('get'), object: ValueExpr, key: z.union([z.string(), z.number()]) }),
    z.object({ kind: z.literal('array'), items: z.array(ValueExpr) }),
    z.object({ kind: z.literal('object'), entries: z.array(z.object({ key: z.string(), value: ValueExpr })) }),
  ]),
);

/** The step ids a plan value reads: what a step (or the result) must wait for. */
export function stepsIn(expr: ValueExpr | null, into = new Set<string>()): Set<string> {
  if (!expr) return into;
  switch (expr.kind) {
    case 'step':
      into.add(expr.step);
      break;
    case 'get':
      stepsIn(expr.object, into);
      break;
    case 'array':
      for (const item of expr.items) stepsIn(item, into);
      break;
    case 'object':
      for (const e of expr.entries) stepsIn(e.value, into);
      break;
  }
  return into;
}

/** One codelet invocation in a body's plan. */
export const PlanStep = z.object({
  id: z.string(),
  callee: z.string(),
  args: z.array(ValueExpr),
  /** Step ids whose results this step consumes, or must follow (shared state, ordering). */
  dependsOn: z.array(z.string()),
  range: Range,
});
export type PlanStep = z.infer<typeof PlanStep>;

/**
 * The body of a codelet as a DAG of codelet invocations. When `decomposable` is false, `reasons` says why
 * (closure over mutable state, a value that cannot be serialised, dynamic `this`, control flow…) and the
 * codelet runs whole.
 */
export const Plan = z.object({
  decomposable: z.boolean(),
  reasons: z.array(z.string()),
  params: z.array(z.string()),
  steps: z.array(PlanStep),
  result: ValueExpr.nullable(),
});
export type Plan = z.infer<typeof Plan>;

/** Figures measured by the agent, merged into the metadata when they exist. */
export const Measured = z.object({
  runs: z.number().int().min(0),
  p50Ms: z.number().min(0),
  p95Ms: z.number().min(0),
  class: CodeletClass,
  profile: Profile,
  fleet: z.string().optional(),
  /** Why the measurements give this class, against the static one (`spends 85 % of its wall time waiting over 12 runs: io-bound, not cpu-bound as the code suggested`). */
  reason: z.string().optional(),
});
export type Measured = z.infer<typeof Measured>;

export const Advice = z.object({ message: z.string(), range: Range });
export type Advice = z.infer<typeof Advice>;

export const Codelet = z.object({
  /** Stable across unrelated edits: `<workspace-relative posix path>#<Qualified.name>`. */
  id: z.string(),
  name: z.string(),
  kind: CodeletKind,
  /** Workspace-relative, posix separators. */
  file: z.string(),
  range: Range,
  /** The range of the codelet's name (where lenses and hovers anchor). */
  selectionRange: Range,
  exported: z.boolean(),
  async: z.boolean(),
  invoke: Invoke.nullable(),
  profile: Profile,
  class: CodeletClass,
  confidence: unit,
  reasons: z.array(z.string()),
  /** Ids of the codelets it calls. */
  dependencies: z.array(z.string()),
  /** Module-level state it reads and writes, as `<file>#<name>`. */
  state: z.object({ reads: z.array(z.string()), writes: z.array(z.string()) }),
  estimatedMs: z.number().min(0).nullable(),
  estimateBasis: z.string(),
  /** Groups of callee ids whose invocations in this body may run concurrently. */
  parallelGroups: z.array(z.array(z.string())),
  plan: Plan,
  advice: z.array(Advice),
  measured: Measured.optional(),
});
export type Codelet = z.infer<typeof Codelet>;

export const Edge = z.object({ from: z.string(), to: z.string(), kind: z.enum(['call', 'data']) });
export type Edge = z.infer<typeof Edge>;

export const Problem = z.object({ file: z.string(), message: z.string(), range: Range });
export type Problem = z.infer<typeof Problem>;

export const AnalysisResult = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  /** Absolute path of the analysed folder. */
  root: z.string(),
  codelets: z.array(Codelet),
  edges: z.array(Edge),
  problems: z.array(Problem),
});
export type AnalysisResult = z.infer<typeof AnalysisResult>;
