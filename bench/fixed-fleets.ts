// The embedded default fleets held at their largest size (min = max workers): benchmarks compare where and
// how fast things run, and workers starting up part-way through would blur that.
import { defaultFleets, type FleetConfig } from '../agent/fleets/config';

export function fixedSizeDefaultFleets(): FleetConfig[] {
  return defaultFleets().map((f) => ({ ...f, scaling: { ...f.scaling, minWorkers: f.scaling.maxWorkers } }));
}
