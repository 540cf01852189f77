// Evaluates a plan's ValueExpr trees against the entry's arguments and the results of finished steps.
// Results are held serialised (PackedValue); only those an expression reads are deserialised.
import type { ValueExpr } from '../../server/analysis/metadata';
import type { PackedValue } from '../fleets/serialise';

export class PlanError extends Error {
  override name = 'PlanError';
}

export function evaluate(expr: ValueExpr, params: readonly unknown[], results: ReadonlyMap<string, PackedValue>): unknown {
  switch (expr.kind) {
    case 'param':
      return params[expr.index];
    case 'step':
      if (!results.has(expr.step)) throw new PlanError(`step ${expr.step} has no result yet`);
      return results.get(expr.step)!.value;
    case 'literal':
      return structuredClone(expr.value);
    case 'undefined':
      return undefined;
    case 'get': {
      const object = evaluate(expr.object, params, results);
      if (object === null || object === undefined) throw new TypeError(`Cannot read properties of ${object} (reading '${String(expr.key)}')`);
      return (object as Record<string | number, unknown>)[expr.key];
    }
    case 'array':
      return expr.items.map((item) => evaluate(item, params, results));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const { key, value } of expr.entries) out[key] = evaluate(value, params, results);
      return out;
    }
  }
}

