// Fleet configuration: the zod schema of `.codelets/fleets.json` (the JSON Schema in
// schemas/fleets.schema.json is generated from it), loading with errors that name file + field, and the
// embedded default sized to this machine.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { z } from 'zod';

export const SPECIALISATIONS = ['cpu', 'memory', 'gpu', 'io', 'general'] as const;
export const Specialisation = z.enum(SPECIALISATIONS);
export type Specialisation = z.infer<typeof Specialisation>;

export const FleetConfig = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _').describe('Unique fleet id.'),
    specialisation: Specialisation.describe('Which codelet class this fleet is for (cpu-bound → cpu, io-bound → io, …).'),
    runtime: z.enum(['threads', 'processes']).default('threads').describe('Where workers run: worker threads or child processes of the agent.'),
    capacity: z
      .object({
        concurrencyPerWorker: z.number().int().min(1).max(1000).default(1).describe('Invocations a worker runs at once (high for I/O-bound work).'),
        memoryLimitMb: z.number().int().min(16).max(1 << 20).optional().describe('V8 heap limit per worker in MB; a worker that exceeds it is replaced.'),
      })
      .strict()
      .default({ concurrencyPerWorker: 1 }),
    costPerSecond: z.number().min(0).default(0).describe('What one worker-second costs, in your unit.'),
    scaling: z
      .object({
        minWorkers: z.number().int().min(0).max(256).default(1),
        maxWorkers: z.number().int().min(1).max(256).default(1),
        scaleUpQueueWaitMs: z.number().min(0).default(20).describe('Add a worker when the oldest queued invocation has waited this long.'),
        idleMs: z.number().min(0).default(30_000).describe('Remove a worker above minWorkers after it has been idle this long.'),
      })
      .strict()
      .refine((s) => s.minWorkers <= s.maxWorkers, { message: 'minWorkers must not exceed maxWorkers', path: ['minWorkers'] })
      .default({ minWorkers: 1, maxWorkers: 1, scaleUpQueueWaitMs: 20, idleMs: 30_000 }),
    retries: z
      .object({
        attempts: z.number().int().min(1).max(10).default(3).describe('Attempts when a worker crashes or runs out of memory.'),
        backoffMs: z.number().min(0).max(60_000).default(50).describe('Delay before the second attempt; doubles after each.'),
      })
      .strict()
      .default({ attempts: 3, backoffMs: 50 }),
  })
  .strict();
export type FleetConfig = z.output<typeof FleetConfig>;

export const FleetsFile = z
  .object({
    $schema: z.string().optional(),
    fleets: z
      .array(FleetConfig)
      .min(1)
      .superRefine((fleets, ctx) => {
        const seen = new Set<string>();
        fleets.forEach((f, i) => {
          if (seen.has(f.id)) ctx.addIssue({ code: 'custom', message: `duplicate fleet id "${f.id}"`, path: [i, 'id'] });
          seen.add(f.id);
        });
      }),
  })
  .strict();
export type FleetsFile = z.output<typeof FleetsFile>;

export class FleetsConfigError extends Error {
  override name = 'FleetsConfigError';
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field}: ${problem}`);
  }
}

/** Reads and validates a fleets file; throws FleetsConfigError naming the file, the field and the problem. */
export function loadFleetsFile(file: string): FleetConfig[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FleetsConfigError(file, '(file)', `cannot read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FleetsConfigError(file, '(file)', `invalid JSON: ${(error as Error).message}`);
  }
  const parsed = FleetsFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FleetsConfigError(file, fieldName(issue.path, json), issue.message);
  }
  return parsed.data.fleets;
}

/** `fleets[1].scaling.maxWorkers`, with the fleet's id when known: `fleets[1] (id "io").scaling.maxWorkers`. */
function fieldName(path: PropertyKey[], json: unknown): string {
  let out = '';
  for (const [i, key] of path.entries()) {
    out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
    if (i === 1 && path[0] === 'fleets' && typeof key === 'number') {
      const id = (json as { fleets?: { id?: unknown }[] }).fleets?.[key]?.id;
      if (typeof id === 'string') out += ` (id "${id}")`;
    }
  }
  return out || '(root)';
}

/**
 * The embedded default: a cpu fleet sized to the cores, an io fleet running many invocations per worker, a
 * memory fleet of child processes with a large heap, a general fleet. No gpu fleet: none is detected here
 * (Node has no portable GPU probe; configure one in fleets.json where a GPU runtime exists).
 * The io fleet may grow to one thread per core: waiting is free, but each I/O invocation still costs its
 * worker CPU (protocol parsing, JSON, moving arguments and results across the thread boundary), so a single
 * io thread caps I/O-heavy traffic at one core (measured with bench:fleets on 2 cores: the lone io thread's
 * event loop was never idle with 32 requests in flight). Idle io threads block and scale down after idleMs.
 */
export function defaultFleets(cores = os.availableParallelism(), totalMemMb = Math.floor(os.totalmem() / 2 ** 20)): FleetConfig[] {
  const heapMb = Math.max(512, Math.min(8192, Math.floor(totalMemMb / 4)));
  const retries = { attempts: 3, backoffMs: 50 };
  return [
    {
      id: 'cpu', specialisation: 'cpu', runtime: 'threads', costPerSecond: 1, retries,
      capacity: { concurrencyPerWorker: 1 },
      scaling: { minWorkers: 1, maxWorkers: cores, scaleUpQueueWaitMs: 5, idleMs: 30_000 },
    },
    {
      id: 'io', specialisation: 'io', runtime: 'threads', costPerSecond: 0.2, retries,
      capacity: { concurrencyPerWorker: 64 },
      scaling: { minWorkers: 1, maxWorkers: cores, scaleUpQueueWaitMs: 20, idleMs: 30_000 },
    },
    {
      id: 'memory', specialisation: 'memory', runtime: 'processes', costPerSecond: 1.5, retries,
      capacity: { concurrencyPerWorker: 1, memoryLimitMb: heapMb },
      scaling: { minWorkers: 1, maxWorkers: Math.max(1, Math.ceil(cores / 2)), scaleUpQueueWaitMs: 20, idleMs: 30_000 },
    },
    {
      id: 'general', specialisation: 'general', runtime: 'threads', costPerSecond: 0.5, retries,
      capacity: { concurrencyPerWorker: 4 },
      scaling: { minWorkers: 1, maxWorkers: cores, scaleUpQueueWaitMs: 10, idleMs: 30_000 },
    },
  ];
}

/** The JSON Schema shipped in schemas/fleets.schema.json (VS Code validates .codelets/fleets.json with it). */
export function fleetsJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(FleetsFile, { io: 'input' }), title: 'Codelets fleets (.codelets/fleets.json)' };
}

export function fleetsJsonSchemaText(): string {
  return JSON.stringify(fleetsJsonSchema(), null, 2) + '\n';
}
