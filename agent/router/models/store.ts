// All execution-time models, per codelet and fleet, with their persisted form (JSON, validated with zod
// when read back, so a damaged file is refused with the field at fault rather than half-loaded).
import { z } from 'zod';
import { DEFAULT_MODEL_SETTINGS, PerfModel, type ModelSettings, type Prediction } from './perf-model';

export const MODELS_VERSION = 1 as const;

const finiteNonNegative = z.number().finite().min(0);
export const PerfModelStateSchema = z.object({
  prior: finiteNonNegative.nullable(),
  runs: z.number().int().min(0),
  times: z.array(finiteNonNegative),
  sized: z.array(z.tuple([z.number().finite().positive(), finiteNonNegative])),
  lastAt: z.number().finite().nullable(),
  shifts: z.number().int().min(0),
});

export const ModelStoreState = z.object({
  version: z.literal(MODELS_VERSION),
  models: z.array(z.object({ codelet: z.string().min(1), fleet: z.string().min(1), model: PerfModelStateSchema })),
});
export type ModelStoreState = z.infer<typeof ModelStoreState>;

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

  predict(codelet: string, fleet: string, options: { prior?: number | null; size?: number } = {}): Prediction {
    const m = this.models.get(codelet)?.get(fleet);
    if (m) return m.predict(options.size);
    const prior = options.prior ?? null;
    return prior === null ? { ms: NaN, basis: 'none', runs: 0, spreadMs: 0 } : { ms: prior, basis: 'prior', runs: 0, spreadMs: 0 };
  }

  observe(o: Observation): void {
    this.model(o.codelet, o.fleet).observe(o.ms, o.size, o.at);
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

  /** Reads a persisted store (already JSON-parsed); throws ModelStoreError naming the field at fault. */
  static fromJSON(data: unknown, settings: ModelSettings = DEFAULT_MODEL_SETTINGS): ModelStore {
    const parsed = ModelStoreState.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
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
