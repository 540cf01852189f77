// The agent: fleets + router + orchestrator + monitor behind HTTP and a WebSocket, for one workspace.
// Used by `codelets agent` (a long-lived process), by `codelets run` (embedded, for one call) and by tests.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { BundleCache } from './bundles';
import type { CodeletCatalog } from './codelets/catalog';
import type { FleetConfig } from './fleets/config';
import { FleetManager } from './fleets/manager';
import { Monitor } from './monitor/monitor';
import type { RetentionPolicy } from './monitor/history';
import { Orchestrator } from './orchestrator/orchestrator';
import type { AdaptiveOptions } from './router/adaptive';
import { PlacementLoop, type PlacementPolicy } from './router/learning';
import type { Placement } from './router/placement';
import { createHttpServer } from './server/http';
import { attachStream, type Stream } from './server/stream';
import { clearAgentRecord, defaultStateDir, ensureStateDir, writeAgentRecord, writeToken } from './state';

export interface AgentOptions {
  workspace: string;
  /** Default `<workspace>/.codelets/state`. */
  stateDir?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Where codelets come from; default: the workspace analyser. */
  catalog?: CodeletCatalog | (() => Promise<CodeletCatalog>);
  /** Fixed fleets instead of `.codelets/fleets.json` / the default. */
  fleets?: FleetConfig[];
  /** A placement of your own, or one of ours: `learned` (default; learns from measurements) or `class-affinity`. */
  placement?: Placement | PlacementPolicy;
  /**
   * Settings of the learned placement (exploration share, warm-up runs, seed, scoring weights, and `plan`:
   * how a decomposed request is placed as a whole, e.g. `{ plan: { algorithm: 'best', budgetMs: 0.5 } }`).
   */
  adaptive?: AdaptiveOptions;
  maxBodyBytes?: number;
  retention?: RetentionPolicy;
  /** Record this agent in the state folder so `codelets run` can find it. */
  record?: boolean;
  /** Skip the HTTP server (embedded use from the CLI and benchmarks). */
  listen?: boolean;
  log?: (line: string) => void;
}

export class Agent {
  private stream: Stream | undefined;
  private closed = false;

  private constructor(
    readonly workspace: string,
    readonly stateDir: string,
    readonly fleets: FleetManager,
    readonly monitor: Monitor,
    readonly orchestrator: Orchestrator,
    readonly catalog: CodeletCatalog,
    readonly placement: PlacementLoop,
    readonly token: string,
    readonly tokenFile: string,
    private readonly server: Server | undefined,
    readonly url: string,
    private readonly recorded: boolean,
  ) {}

  static async start(options: AgentOptions): Promise<Agent> {
    const workspace = path.resolve(options.workspace);
    const stateDir = path.resolve(options.stateDir ?? defaultStateDir(workspace));
    ensureStateDir(stateDir);
    const log = options.log ?? (() => {});
    const catalog = typeof options.catalog === 'function' ? await options.catalog() : (options.catalog ?? (await analyzerCatalog(workspace)));
    let stream: Stream | undefined;
    const fleets = new FleetManager({
      workspace,
      fleets: options.fleets,
      watch: true,
      onChange: () => stream?.fleetsChanged(),
      onConfigError: (e) => log(`fleets config: ${e.message} (the fleets in service stay: the last good ones, or the default at start)`),
    });
    const monitor = new Monitor(stateDir, () => fleets.status().fleets, options.retention);
    // The measured class is explained against the analyser's.
    monitor.staticClassOf = (id) => catalog.codelet(id)?.class;
    const chosen = options.placement ?? 'learned';
    const placement = new PlacementLoop({
      policy: typeof chosen === 'string' ? chosen : 'class-affinity',
      stateDir,
      monitor,
      fleetConfig: (id) => fleets.get(id)?.config,
      adaptive: options.adaptive,
      log,
    });
    const orchestrator = new Orchestrator({
      catalog,
      fleets,
      placement: typeof chosen === 'string' ? placement.placement : chosen,
      bundles: new BundleCache(workspace, stateDir),
      monitor,
    });
    const { token, file: tokenFile } = writeToken(stateDir);
    let server: Server | undefined;
    let url = '';
    if (options.listen !== false) {
      server = createHttpServer({ token, workspace, orchestrator, fleets, monitor, catalog, placements: { log: placement.log, policy: typeof chosen === 'string' ? chosen : 'custom' }, maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024, started: Date.now() });
      stream = attachStream(server, { token, monitor, fleets: () => fleets });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
      });
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      url = `http://${host}:${address.port}`;
    }
    await fleets.ready();
    const recorded = options.record === true && !!server;
    if (recorded) writeAgentRecord(stateDir, { url, pid: process.pid, tokenFile, workspace, started: Date.now() });
    const agent = new Agent(workspace, stateDir, fleets, monitor, orchestrator, catalog, placement, token, tokenFile, server, url, recorded);
    agent.stream = stream;
    return agent;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.recorded) clearAgentRecord(this.stateDir);
    await this.stream?.close();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((r) => this.server!.close(() => r()));
    }
    await this.fleets.close();
    this.placement.close();
    this.catalog.close?.();
    this.monitor.close();
  }
}

async function analyzerCatalog(workspace: string): Promise<CodeletCatalog> {
  const { AnalyzerCatalog } = await import('./codelets/analyzer-catalog');
  return new AnalyzerCatalog(workspace);
}
