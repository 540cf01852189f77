// Values cross worker boundaries as V8 serialised bytes (the structured clone algorithm's format: plain objects,
// arrays, primitives incl. bigint, Date, RegExp, Map, Set, ArrayBuffer views, Error; class instances
// arrive as plain objects). Functions, symbols and native handles (sockets, streams) cannot cross: the
// error names the codelet and the path of the offending value, found only when serialising fails.
import v8 from 'node:v8';

export class SerialisationError extends Error {
  override name = 'SerialisationError';
}

/** `what` names the value for the message, e.g. `argument 1 of src/a.ts#f` or `result of src/a.ts#f`. */
export function serialise(value: unknown, what: string): Buffer {
  try {
    return v8.serialize(value);
  } catch (error) {
    const found = findUnclonable(value, '', new Set());
    const where = found ? `${what}${found.path ? ` at ${found.path}` : ''} is ${found.description}` : `${what} cannot be serialised`;
    throw new SerialisationError(`${where} (${(error as Error).message.replace(/\.$/, '')}). Only structured-clonable values (JSON-like data, Map, Set, Date, typed arrays…) can cross to a worker.`);
  }
}

export function deserialise(bytes: Uint8Array): unknown {
  return v8.deserialize(bytes);
}

/**
 * A value the agent holds in its serialised form. Results travel from worker to worker as these bytes: the
 * agent forwards them to the steps that consume them and deserialises one only where something reads into
 * it (a property of a result, the request's final result). Cloning every intermediate value into the
 * agent's thread and out again cost the agent as much CPU as the codelets it ran, on the same cores.
 */
export class PackedValue {
  private unpacked = false;
  private cached: unknown;

  constructor(readonly bytes: Uint8Array) {}

  static of(value: unknown, what: string): PackedValue {
    return new PackedValue(serialise(value, what));
  }

  get value(): unknown {
    if (!this.unpacked) {
      this.cached = deserialise(this.bytes);
      this.unpacked = true;
    }
    return this.cached;
  }
}

function clonable(value: unknown): boolean {
  try {
    v8.serialize(value);
    return true;
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'symbol') return `a symbol (${String(value.description)})`;
  const ctor = (value as object | null)?.constructor?.name;
  return ctor ? `a ${ctor} object` : 'a value that cannot be cloned';
}

/** Descends into the first child that fails to serialise; the deepest such value is the culprit. */
function findUnclonable(value: unknown, path: string, seen: Set<unknown>): { path: string; description: string } | undefined {
  if (typeof value === 'function' || typeof value === 'symbol') return { path, description: describe(value) };
  if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
  seen.add(value);
  const children: [string, unknown][] =
    value instanceof Map
      ? [...value.entries()].flatMap(([k, v], i) => [[`${path}<map key ${i}>`, k], [`${path}.get(${JSON.stringify(String(k))})`, v]] as [string, unknown][])
      : value instanceof Set
        ? [...value].map((v, i) => [`${path}<set item ${i}>`, v] as [string, unknown])
        : Array.isArray(value)
          ? value.map((v, i) => [`${path}[${i}]`, v] as [string, unknown])
          : Object.keys(value).map((k) => [/^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, (value as Record<string, unknown>)[k]] as [string, unknown]);
  for (const [childPath, child] of children) {
    if (!clonable(child)) return findUnclonable(child, childPath, seen) ?? { path: childPath, description: describe(child) };
  }
  return { path, description: describe(value) };
}
