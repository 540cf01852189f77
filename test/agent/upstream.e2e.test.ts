// The example's quoting entry (examples/src/quotes.ts#handleQuotes) through a real `codelets agent`, against
// the example's upstream services in their own process: same result as a direct call, its independent
// upstream calls overlap, the fetching codelets run on the io fleet, and an unreachable upstream fails the
// request clearly while the agent keeps serving.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { InvocationRecord } from '../../agent/protocol';
import { handleQuotes } from '../../examples/src/quotes';
import { ROOT, startAgent, type AgentProcess } from './support/spawn';
import { startUpstream, type UpstreamProcess } from './support/upstream';

const EXAMPLES = path.join(ROOT, 'examples');
const ENTRY = 'src/quotes.ts#handleQuotes';
const FETCHERS = ['fetchExchangeRates', 'fetchTaxRates', 'fetchCustomers', 'fetchFraudScores'].map((n) => `src/upstream.ts#${n}`);
/** Enough that a call's wait is clearly longer than its computing, even on a busy machine. */
const LATENCY_MS = 60;
const overlaps = (a: InvocationRecord, b: InvocationRecord): boolean => a.start < b.end && b.start < a.end;

/** A loopback port nobody listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('the quoting entry against a real upstream process', () => {
  let agent: AgentProcess;
  let upstream: UpstreamProcess;
  let state: string;

  before(async () => {
    state = mkdtempSync(path.join(os.tmpdir(), 'codelets-upstream-'));
    upstream = await startUpstream(LATENCY_MS);
    agent = await startAgent('cli', { workspace: EXAMPLES, state, placement: 'class-affinity' });
  });
  after(async () => {
    await agent?.kill();
    await upstream?.stop();
    rmSync(state, { recursive: true, force: true });
  });

  it('returns what calling handleQuotes directly returns, decomposed, with independent upstream calls overlapping', async () => {
    // The first request builds each module's bundle as its step comes up (a short load can finish while the
    // fetchers' bundle is still being built): overlap is checked once they are built.
    const first = await agent.client.run({ entry: ENTRY, args: ['data', upstream.url, 3] });
    assert.equal(first.ok, true, first.error?.message);
    for (const batch of [0, 7]) {
      const direct = JSON.parse(JSON.stringify(await handleQuotes(path.join(EXAMPLES, 'data'), upstream.url, batch)));
      const r = await agent.client.run({ entry: ENTRY, args: ['data', upstream.url, batch] });
      assert.equal(r.ok, true, r.error?.message);
      assert.deepEqual(r.result, direct);
      assert.equal(r.decomposition.decomposed, true, r.decomposition.reasons.join('; '));
      const by = (codelet: string): InvocationRecord => r.invocations.find((i) => i.codelet === codelet)!;
      const [rates, taxes, customers, scores] = FETCHERS.map(by);
      const load = by('src/order-batch.ts#loadOrderBatch');
      const pricing = by('src/pricing.ts#priceQuotes');
      // None of the first three waits for another's result (the analyser's plan says so; test/analysis): the
      // two calls wait side by side, and the load is requested before either answer is back. (The load
      // itself takes a few ms, so whether a call was handed over before it ended is timing, not dataflow.)
      const pair = [rates!, taxes!];
      assert.ok(Math.max(...pair.map((i) => i.enqueued)) < Math.min(...pair.map((i) => i.end)), `rates and tax rates are requested together: ${JSON.stringify(pair.map((i) => [i.codelet, i.fleet, i.enqueued, i.start, i.end]))}`);
      assert.ok(load.enqueued < Math.min(rates!.end, taxes!.end), 'the order batch does not wait for the calls');
      assert.ok(overlaps(rates!, taxes!), 'the rates and tax-rates calls wait at the same time');
      assert.ok(overlaps(customers!, scores!), 'the customer lookup and the fraud scoring run at the same time');
      assert.ok(customers!.start >= load.end && scores!.start >= load.end, 'both need the loaded batch');
      assert.ok(FETCHERS.map(by).every((i) => pricing.start >= i.end), 'pricing waits for every answer');
    }
  });

  it('runs the fetching codelets on the io fleet, also once their measured class counts', async () => {
    // Class affinity trusts the measured class after 5 runs, and the agent refreshes a codelet's measured
    // figures every few seconds: keep requesting until the fetchers are placed by their measured class.
    const deadline = Date.now() + 30_000;
    let batch = 0;
    let byMeasured: InvocationRecord[] = [];
    while (byMeasured.length < FETCHERS.length && Date.now() < deadline) {
      const r = await agent.client.run({ entry: ENTRY, args: ['data', upstream.url, batch++ % 20] });
      assert.equal(r.ok, true, r.error?.message);
      const fetches = r.invocations.filter((i) => FETCHERS.includes(i.codelet));
      for (const inv of fetches) assert.equal(inv.fleet, 'io', `${inv.codelet}: ${inv.placement}`);
      byMeasured = fetches.filter((i) => /^io-bound \(measured\) → io/.test(i.placement));
      if (byMeasured.length < FETCHERS.length) await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(byMeasured.length, FETCHERS.length, 'every fetcher is placed by its measured class, io-bound');
    for (const id of FETCHERS) {
      const stats = await agent.client.codeletStats(id);
      assert.equal(stats.staticClass, 'io-bound');
      assert.equal(stats.measured?.class, 'io-bound', `${id}: ${stats.measured?.reason}`);
      assert.equal(stats.byFleet.io, stats.runs, `${id} ran only on the io fleet: ${JSON.stringify(stats.byFleet)}`);
    }
  });

  it('fails clearly when the upstream is down, naming the codelet and the URL, and keeps serving', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const r = await agent.client.run({ entry: ENTRY, args: ['data', down, 0] });
    assert.equal(r.ok, false);
    assert.equal(r.error!.kind, 'user');
    assert.match(r.error!.message, /fetch(ExchangeRates|TaxRates): GET http:\/\/127\.0\.0\.1:\d+\/v1\/(rates\?base=EUR|tax-rates) failed: ECONNREFUSED/);
    assert.ok(r.error!.message.includes(down), r.error!.message);
    assert.ok(r.error!.codelet && FETCHERS.includes(r.error!.codelet), `the error names the codelet: ${r.error!.codelet}`);
    // The agent is still serving: the same request against the live upstream succeeds.
    const ok = await agent.client.run({ entry: ENTRY, args: ['data', upstream.url, 0] });
    assert.equal(ok.ok, true, ok.error?.message);
  });
});
