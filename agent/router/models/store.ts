// All execution-time models, per codelet and fleet, with their persisted form (JSON, validated with zod
// when read back, so a damaged file is refused with the field at fault rather than half-loaded).
import { z } from 'zod';
import { DEFAULT_MODEL_SETTINGS, PerfModel, type ModelSettings, type Prediction } from './perf-model';

// Version 2 added each model's CPU/wait split (`usage`). A version 1 file is read as version 2 with no
// split yet (its times stay valid); the split fills in from the next runs.
export const MODELS_VERSION = 2 as const;

const finiteNonNegative = z.number().finite().min(0);
export const PerfModelStateSchema = z.object({
  prior: finiteNonNegative.nullable(),
  runs: z.number().int().min(0),
  times: z.array(finiteNonNegative),
  sized: z.array(z.tuple([z.number().finite().positive(), finiteNonNegative])),
  lastAt: z.number().finite().nullable(),
  shifts: z.number().int().min(0),
  usage: z.array(z.tuple([finiteNonNegative, finiteNonNegative, finiteNonNegative])),
});

export const ModelStoreState = z.object({
  version: z.literal(MODELS_VERSION),
  models: z.array(z.object({ codelet: z.string().min(1), fleet: z.string().min(1), model: PerfModelStateSchema })),
});
export type ModelStoreState = z.infer<typeof ModelStoreState>;

/** Version 1: the same without `usage`. */
const ModelStoreStateV1 = z.object({
  version: z.literal(1),
  models: z.array(z.object({ codelet: z.string().min(1), fleet: z.string().min(1), model: PerfModelStateSchema.omit({ usage: true }) })),
});

/** Validates a persisted store of either version (the older one comes back as the current one). */
function parseState(data: unknown): { data: ModelStoreState } | { issue: { path: PropertyKey[]; message: string } } {
  const version = data !== null && typeof data === 'object' ? (data as { version?: unknown }).version : undefined;
  if (version === 1) {
    const v1 = ModelStoreStateV1.safeParse(data);
    if (!v1.success) return { issue: v1.error.issues[0]! };
    return { data: { version: MODELS_VERSION, models: v1.data.models.map((m) => ({ ...m, model: { ...m.model, usage: [] } })) } };
  }
  const parsed = ModelStoreState.safeParse(data);
  return parsed.success ? { data: parsed.data } : { issue: parsed.error.issues[0]! };
}

export class ModelStoreError extends Error {
  override name = 'ModelStoreError';
}

export interface Observation {
  codelet: string;
  fleet: string;
  /** Measured execution time (ms), queue wait excluded. */
  ms: number;
  /** Input size (bytes, items…: any measure the time grows with), for the size regression. */
  size?: number;
  /** When it finished (any monotonic clock the caller uses consistently, e.g. epoch ms). */
  at?: number;
  /** CPU time of the thread or process that ran it (ms), when measured. */
  cpuMs?: number;
  /** Time it spent waiting (its event loop idle: I/O, timers) (ms), when measured. */
  waitMs?: number;
}

export interface PredictOptions {
  /** The static estimate, used while the model has too few runs (or none). */
  prior?: number | null;
  /** Input size, for the size regression. */
  size?: number;
  /**
   * Expected stretch of computing time against the runs the model learned from (1: the same contention for
   * the cores; 2: twice as many ready threads per core). Only the computing part of the time is scaled.
   */
  contention?: number;
}

export class ModelStore {
  private readonly models = new Map<string, Map<string, PerfModel>>();

  constructor(readonly settings: ModelSettings = DEFAULT_MODEL_SETTINGS) {}

  /** The model of `codelet` on `fleet`, created with `prior` (the static estimate) when new. */
  model(codelet: string, fleet: string, prior: number | null = null): PerfModel {
    let perFleet = this.models.get(codelet);
    if (!perFleet) this.models.set(codelet, (perFleet = new Map()));
    let m = perFleet.get(fleet);
    if (!m) perFleet.set(fleet, (m = new PerfModel(prior, this.settings)));
    else if (m.prior === null && prior !== null && prior >= 0) m.prior = prior;
    return m;
  }

  has(codelet: string, fleet: string): boolean {
    return this.models.get(codelet)?.has(fleet) ?? false;
  }

  predict(codelet: string, fleet: string, options: PredictOptions = {}): Prediction {
    const m = this.models.get(codelet)?.get(fleet);
    if (m) return m.predict(options.size, options.contention);
    const prior = options.prior ?? null;
    return prior === null ? { ms: NaN, basis: 'none', runs: 0, spreadMs: 0 } : { ms: prior, basis: 'prior', runs: 0, spreadMs: 0 };
  }

  observe(o: Observation): void {
    this.model(o.codelet, o.fleet).observe(o.ms, o.size, o.at, { cpuMs: o.cpuMs, waitMs: o.waitMs });
  }

  /** Fleets with a model for this codelet. */
  fleetsOf(codelet: string): string[] {
    return [...(this.models.get(codelet)?.keys() ?? [])];
  }

  toJSON(): ModelStoreState {
    const models: ModelStoreState['models'] = [];
    for (const [codelet, perFleet] of this.models) for (const [fleet, m] of perFleet) models.push({ codelet, fleet, model: m.toJSON() });
    return { version: MODELS_VERSION, models };
  }

  /**
   * Reads a persisted store (already JSON-parsed; version 1 is migrated); throws ModelStoreError naming the
   * field at fault.
   */
  static fromJSON(data: unknown, settings: ModelSettings = DEFAULT_MODEL_SETTINGS): ModelStore {
    const parsed = parseState(data);
    if ('issue' in parsed) {
      const { issue } = parsed;
      throw new ModelStoreError(`performance models: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    }
    const store = new ModelStore(settings);
    for (const { codelet, fleet, model } of parsed.data.models) {
      let perFleet = store.models.get(codelet);
      if (!perFleet) store.models.set(codelet, (perFleet = new Map()));
      perFleet.set(fleet, PerfModel.fromJSON(model, settings));
    }
    return store;
  }
}
