// Small fleets for tests: one of each specialisation, threads and processes, a low heap limit where OOM is tested.
import type { FleetConfig } from '../../../agent/fleets/config';

const scaling = (min: number, max: number) => ({ minWorkers: min, maxWorkers: max, scaleUpQueueWaitMs: 5, idleMs: 60_000 });
const retries = { attempts: 3, backoffMs: 10 };

export function testFleets(): FleetConfig[] {
  return [
    { id: 'cpu', specialisation: 'cpu', runtime: 'threads', costPerSecond: 1, capacity: { concurrencyPerWorker: 1 }, scaling: scaling(1, 2), retries },
    { id: 'io', specialisation: 'io', runtime: 'processes', costPerSecond: 0.2, capacity: { concurrencyPerWorker: 16 }, scaling: scaling(1, 2), retries },
    { id: 'memory', specialisation: 'memory', runtime: 'processes', costPerSecond: 1, capacity: { concurrencyPerWorker: 1, memoryLimitMb: 64 }, scaling: scaling(1, 1), retries },
    { id: 'general', specialisation: 'general', runtime: 'threads', costPerSecond: 0.5, capacity: { concurrencyPerWorker: 4 }, scaling: scaling(1, 2), retries },
  ];
}
