// The Fleet Specialization Manager: the set of fleets from `.codelets/fleets.json` (or the embedded
// default), reloaded when the file changes. A bad file leaves the running fleets in service and its
// problem (file, field, what is wrong) in `configError`.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { FleetsResponse, FleetStatus } from '../protocol';
import { PROTOCOL_VERSION } from '../protocol';
import { defaultFleets, FleetsConfigError, loadFleetsFile, type FleetConfig } from './config';
import { Fleet } from './fleet';

export interface FleetManagerOptions {
  workspace: string;
  /** Defaults to `<workspace>/.codelets/fleets.json`. */
  configFile?: string;
  /** Fleets to use instead of a file or the default (tests, benchmarks). */
  fleets?: FleetConfig[];
  watch?: boolean;
  onChange?: () => void;
  onConfigError?: (error: FleetsConfigError) => void;
}

export class FleetManager {
  private fleets = new Map<string, Fleet>();
  private source = 'default';
  private configError: string | null = null;
  private watcher: FSWatcher | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  readonly configFile: string;

  constructor(private readonly options: FleetManagerOptions) {
    this.configFile = options.configFile ?? path.join(options.workspace, '.codelets', 'fleets.json');
    let configs: FleetConfig[];
    if (options.fleets) {
      configs = options.fleets;
      this.source = 'given';
    } else {
      configs = defaultFleets();
      if (existsSync(this.configFile)) {
        try {
          configs = loadFleetsFile(this.configFile);
          this.source = this.configFile;
        } catch (error) {
          // No last good fleets yet: the default serves until the file is fixed.
          this.reportError(error);
        }
      }
    }
    this.apply(configs);
    if (options.watch && !options.fleets) this.startWatching();
  }

  list(): Fleet[] {
    return [...this.fleets.values()];
  }

  get(id: string): Fleet | undefined {
    return this.fleets.get(id);
  }

  async ready(): Promise<void> {
    await Promise.all(this.list().map((f) => f.ready()));
  }

  /** `latency` supplies each fleet's latency percentiles (kept by the monitor). */
  status(latency?: (fleet: string) => FleetStatus['latency']): FleetsResponse {
    return { v: PROTOCOL_VERSION, source: this.source, configError: this.configError, fleets: this.list().map((f) => f.status(latency?.(f.id))) };
  }

  /** Re-reads the config file. Returns the error if it was bad (the current fleets stay). */
  reload(): FleetsConfigError | undefined {
    let configs: FleetConfig[];
    if (!existsSync(this.configFile)) {
      configs = defaultFleets();
      this.source = 'default';
    } else {
      try {
        configs = loadFleetsFile(this.configFile);
        this.source = this.configFile;
      } catch (error) {
        return this.reportError(error);
      }
    }
    this.configError = null;
    this.apply(configs);
    this.options.onChange?.();
    return undefined;
  }

  async close(): Promise<void> {
    this.watcher?.close();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    await Promise.all(this.list().map((f) => f.close()));
    this.fleets.clear();
  }

  private reportError(error: unknown): FleetsConfigError {
    const e = error instanceof FleetsConfigError ? error : new FleetsConfigError(this.configFile, '(file)', String(error));
    this.configError = e.message;
    this.options.onConfigError?.(e);
    this.options.onChange?.();
    return e;
  }

  /** Keeps fleets whose config is unchanged (their workers and queues), replaces the others. */
  private apply(configs: FleetConfig[]): void {
    const next = new Map<string, Fleet>();
    for (const config of configs) {
      const current = this.fleets.get(config.id);
      if (current && JSON.stringify(current.config) === JSON.stringify(config)) next.set(config.id, current);
      else next.set(config.id, new Fleet(config, this.options.workspace, () => this.options.onChange?.()));
    }
    for (const [id, fleet] of this.fleets) if (next.get(id) !== fleet) void fleet.close();
    this.fleets = next;
  }

  private startWatching(): void {
    // Watch the folder: editors replace files (rename), and the file may not exist yet.
    const dir = path.dirname(this.configFile);
    if (!existsSync(dir)) return;
    try {
      this.watcher = watch(dir, (_event, name) => {
        if (name && name !== path.basename(this.configFile)) return;
        if (this.reloadTimer) clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => this.reload(), 100);
      });
      this.watcher.unref();
    } catch {
      // Watching is a convenience; POST-less reloads still happen on restart.
    }
  }
}
