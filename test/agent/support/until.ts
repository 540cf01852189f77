/** Polls `probe` until it gives a value, or fails naming what it waited for: no fixed sleeps in tests. */
export async function until<T>(what: string, probe: () => T | undefined | false, ms = 60_000, everyMs = 25): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
