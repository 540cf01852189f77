// The learned performance models persist with the history, in the state folder as `models.json`:
// written atomically (temporary file + rename, so a crash leaves the old file or the new one, never half
// of one), every few seconds while they change and at shutdown; read back at start. A damaged file is
// reported (file, field, problem) and moved aside as `models.json.corrupt`, and learning starts afresh.
// An older version is migrated (store.ts) and the log says so.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MODELS_VERSION, ModelStore, ModelStoreError } from '../router/models';

export const MODELS_FILE = 'models.json';
const SAVE_EVERY_MS = 5000;

export function modelsPath(stateDir: string): string {
  return path.join(stateDir, MODELS_FILE);
}

/** The persisted models, or an empty store (none yet, or a damaged file, which `log` reports). */
export function loadModels(stateDir: string, log: (line: string) => void): ModelStore {
  const file = modelsPath(stateDir);
  if (!existsSync(file)) return new ModelStore();
  try {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ModelStoreError(`not valid JSON (${(error as Error).message})`);
    }
    const store = ModelStore.fromJSON(data);
    const version = (data as { version?: unknown }).version;
    if (version !== MODELS_VERSION) log(`${file}: version ${String(version)} read as version ${MODELS_VERSION} (the models' CPU/wait split starts empty and fills in from the next runs)`);
    return store;
  } catch (error) {
    const aside = `${file}.corrupt`;
    try {
      renameSync(file, aside);
    } catch {
      // Left in place: the next save overwrites it.
    }
    log(`${file}: ${(error as Error).message}; starting with no learned models (the damaged file is kept as ${path.basename(aside)})`);
    return new ModelStore();
  }
}

export function saveModels(stateDir: string, models: ModelStore): void {
  const file = modelsPath(stateDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(models.toJSON()));
  renameSync(tmp, file);
}

/** Saves `models` every SAVE_EVERY_MS while `markDirty` has been called since the last save, and on close. */
export class ModelSaver {
  private dirty = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly stateDir: string,
    private readonly models: ModelStore,
    private readonly log: (line: string) => void,
    everyMs = SAVE_EVERY_MS,
  ) {
    this.timer = setInterval(() => this.saveIfDirty(), everyMs).unref();
  }

  markDirty(): void {
    this.dirty = true;
  }

  saveIfDirty(): void {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      saveModels(this.stateDir, this.models);
    } catch (error) {
      this.dirty = true;
      this.log(`could not save the learned models to ${modelsPath(this.stateDir)}: ${(error as Error).message}`);
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.saveIfDirty();
  }
}
