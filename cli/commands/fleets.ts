// `codelets fleets`: the fleets of the workspace's running agent with their load, or, with no agent
// running, the fleets its config (or the embedded default) would start.
import path from 'node:path';
import { defaultFleets, FleetsConfigError, loadFleetsFile, type FleetConfig } from '../../agent/fleets/config';
import { clientFor, runningAgent } from '../../agent/locate';
import type { FleetsResponse } from '../../agent/protocol';
import { existsSync } from 'node:fs';

export async function fleetsCommand(options: { workspace: string; json?: boolean; agent?: string }): Promise<number> {
  const workspace = path.resolve(options.workspace);
  const running = options.agent ? { client: clientFor(options.agent, workspace) } : await runningAgent(workspace);
  if (running) {
    const status = await running.client.fleets();
    if (options.json) process.stdout.write(JSON.stringify(status) + '\n');
    else printStatus(status);
    return status.configError ? 1 : 0;
  }
  const file = path.join(workspace, '.codelets', 'fleets.json');
  let configs: FleetConfig[];
  let source = 'default (no .codelets/fleets.json)';
  try {
    configs = existsSync(file) ? loadFleetsFile(file) : defaultFleets();
    if (existsSync(file)) source = file;
  } catch (error) {
    if (error instanceof FleetsConfigError) {
      process.stderr.write(`codelets fleets: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  if (options.json) process.stdout.write(JSON.stringify({ running: false, source, fleets: configs }) + '\n');
  else {
    process.stdout.write(`no agent running for ${workspace}; fleets from ${source}:\n`);
    for (const f of configs) {
      process.stdout.write(
        `  ${f.id.padEnd(12)} ${f.specialisation.padEnd(8)} ${f.runtime.padEnd(9)} workers ${f.scaling.minWorkers}-${f.scaling.maxWorkers} × ${f.capacity.concurrencyPerWorker}` +
          `${f.capacity.memoryLimitMb ? `, heap ${f.capacity.memoryLimitMb} MB` : ''}, cost ${f.costPerSecond}/s\n`,
      );
    }
  }
  return 0;
}

function printStatus(status: FleetsResponse): void {
  process.stdout.write(`fleets from ${status.source}${status.configError ? `\nconfig problem (previous fleets kept): ${status.configError}` : ''}\n`);
  process.stdout.write(`  ${'fleet'.padEnd(12)} ${'kind'.padEnd(8)} ${'runtime'.padEnd(9)} workers  capacity  running  util  queue  wait(ms)  done  failed  replaced  p95(ms)  per s\n`);
  for (const f of status.fleets) {
    process.stdout.write(
      `  ${f.id.padEnd(12)} ${f.specialisation.padEnd(8)} ${f.runtime.padEnd(9)} ${`${f.workers}/${f.maxWorkers}`.padEnd(8)} ${String(f.capacity).padEnd(9)} ${String(f.running).padEnd(8)} ` +
        `${(f.utilisation * 100).toFixed(0).padStart(3)}%  ${String(f.queueDepth).padEnd(5)}  ${f.queueWaitMs.toFixed(1).padEnd(8)}  ${String(f.completed).padEnd(4)}  ${String(f.failed).padEnd(6)}  ${String(f.replacedWorkers).padEnd(8)}  ${f.latency.p95Ms.toFixed(1).padEnd(7)}  ${f.throughput.toFixed(1)}\n`,
    );
  }
}
