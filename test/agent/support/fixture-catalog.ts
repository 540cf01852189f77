// Hand-built codelet metadata for test/fixtures/agent/ws, standing in for the analyser so the agent's
// tests do not depend on its output (the example's e2e test uses the real analyser).
import path from 'node:path';
import type { Codelet, CodeletClass, PlanStep, ValueExpr } from '../../../server/analysis/metadata';

export const FIXTURE_WS = path.resolve(__dirname, '../../fixtures/agent/ws');

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

export function codelet(
  file: string,
  name: string,
  options: { cls?: CodeletClass; exportPath?: string[] | null; steps?: Omit<PlanStep, 'range'>[]; result?: ValueExpr | null; decomposable?: boolean; reasons?: string[] } = {},
): Codelet {
  const steps = (options.steps ?? []).map((s) => ({ ...s, range }));
  return {
    id: `${file}#${name}`,
    name,
    kind: 'function',
    file,
    range,
    selectionRange: range,
    exported: options.exportPath !== null,
    async: false,
    invoke: options.exportPath === null ? null : { module: file, exportPath: options.exportPath ?? [name] },
    profile: { cpu: 0.5, memory: 0.1, io: 0.1, gpu: 0 },
    class: options.cls ?? 'mixed',
    confidence: 0.5,
    reasons: [],
    dependencies: steps.map((s) => s.callee),
    state: { reads: [], writes: [] },
    estimatedMs: null,
    estimateBasis: 'test',
    parallelGroups: [],
    plan: {
      decomposable: options.decomposable ?? steps.length > 0,
      reasons: options.reasons ?? [],
      params: [],
      steps,
      result: options.result ?? null,
    },
    advice: [],
  };
}

const M = 'src/math.ts';
const E = 'src/effects.ts';
const param = (index: number): ValueExpr => ({ kind: 'param', index });
const step = (id: string): ValueExpr => ({ kind: 'step', step: id });
const lit = (value: unknown): ValueExpr => ({ kind: 'literal', value });

export function fixtureCodelets(): Codelet[] {
  return [
    codelet(M, 'add', { cls: 'trivial' }),
    codelet(M, 'square', { cls: 'cpu-bound' }),
    codelet(M, 'combine', { cls: 'trivial' }),
    codelet(M, 'pipeline', {
      steps: [
        { id: 's1', callee: `${M}#square`, args: [param(0)], dependsOn: [] },
        { id: 's2', callee: `${M}#add`, args: [param(0), lit(1)], dependsOn: [] },
        { id: 's3', callee: `${M}#combine`, args: [step('s1'), step('s2'), lit('p')], dependsOn: ['s1', 's2'] },
      ],
      result: step('s3'),
    }),
    codelet(M, 'boom', { cls: 'trivial' }),
    codelet(M, 'giveFunction', { cls: 'trivial' }),
    codelet(M, 'noop', { cls: 'trivial' }),
    codelet(M, 'burn', { cls: 'cpu-bound' }),
    codelet(M, 'wait', { cls: 'io-bound' }),
    codelet(M, 'both', {
      steps: [
        { id: 's1', callee: `${M}#wait`, args: [param(0), lit('a')], dependsOn: [] },
        { id: 's2', callee: `${M}#wait`, args: [param(0), lit('b')], dependsOn: [] },
      ],
      result: { kind: 'array', items: [step('s1'), step('s2')] },
    }),
    codelet(M, 'failing', {
      steps: [
        { id: 's1', callee: `${M}#wait`, args: [param(0), lit('slow')], dependsOn: [] },
        { id: 's2', callee: `${M}#boom`, args: [lit('early')], dependsOn: [] },
      ],
      result: step('s1'),
    }),
    codelet(M, 'api.describe', { cls: 'trivial', exportPath: ['api', 'describe'] }),
    codelet(M, 'Shapes.area', { cls: 'trivial', exportPath: ['Shapes', 'area'] }),
    codelet(M, 'hidden', { exportPath: null, decomposable: false, reasons: ['reads module state'] }),
    codelet(E, 'slowAppend', { cls: 'io-bound' }),
    codelet(E, 'hog', { cls: 'memory-bound' }),
  ];
}
