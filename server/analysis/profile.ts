// Turning signals into a resource profile and a class. Kept apart so the thresholds live in one place.
import type { Resource } from './api-catalog';
import type { Signal } from './facts';
import type { CodeletClass, Profile } from './metadata';

export const RESOURCES: Resource[] = ['cpu', 'memory', 'io', 'gpu'];

export const zeroProfile = (): Profile => ({ cpu: 0, memory: 0, io: 0, gpu: 0 });

const round = (x: number) => Math.round(x * 100) / 100;

/** Only the strongest few signals of a resource count: a body full of small loops is not CPU-bound. */
const COUNTED_SIGNALS = 3;

/**
 * Signals on one line count once (the strongest); the strongest few across lines add up like independent
 * chances, so several costs approach but never pass 1.
 */
export function localProfile(signals: Signal[]): Profile {
  const strongest = new Map<string, number>();
  for (const s of signals) {
    const key = `${s.resource}:${s.line}`;
    strongest.set(key, Math.max(strongest.get(key) ?? 0, s.weight));
  }
  const byResource: Record<Resource, number[]> = { cpu: [], memory: [], io: [], gpu: [] };
  for (const [key, weight] of strongest) byResource[key.slice(0, key.indexOf(':')) as Resource].push(weight);
  const rest: Profile = { cpu: 1, memory: 1, io: 1, gpu: 1 };
  for (const r of RESOURCES) {
    for (const weight of byResource[r].sort((a, b) => b - a).slice(0, COUNTED_SIGNALS)) rest[r] *= 1 - weight;
  }
  return { cpu: round(1 - rest.cpu), memory: round(1 - rest.memory), io: round(1 - rest.io), gpu: round(1 - rest.gpu) };
}

/** Combines a body's own profile with what it inherits from a callee (already scaled). */
export function combine(a: Profile, b: Profile): Profile {
  const out = zeroProfile();
  for (const r of RESOURCES) out[r] = round(1 - (1 - a[r]) * (1 - b[r]));
  return out;
}

export function scale(p: Profile, factor: number): Profile {
  return { cpu: p.cpu * factor, memory: p.memory * factor, io: p.io * factor, gpu: p.gpu * factor };
}

export function maxProfile(a: Profile, b: Profile): Profile {
  return { cpu: Math.max(a.cpu, b.cpu), memory: Math.max(a.memory, b.memory), io: Math.max(a.io, b.io), gpu: Math.max(a.gpu, b.gpu) };
}

export function sameProfile(a: Profile, b: Profile): boolean {
  return RESOURCES.every((r) => Math.abs(a[r] - b[r]) < 0.005);
}

/**
 * The class: `trivial` when nothing stands out, `gpu` as soon as a GPU library is clearly used, `mixed` when
 * the two strongest resources are close, else the strongest one.
 */
export function classify(p: Profile): CodeletClass {
  if (p.gpu >= 0.4) return 'gpu';
  const ranked = (['cpu', 'memory', 'io'] as const).map((r) => [r, p[r]] as const).sort((a, b) => b[1] - a[1]);
  const [top, second] = ranked;
  if (top![1] < 0.25) return 'trivial';
  if (second![1] >= 0.4 && second![1] >= top![1] * 0.85) return 'mixed';
  return top![0] === 'cpu' ? 'cpu-bound' : top![0] === 'io' ? 'io-bound' : 'memory-bound';
}
