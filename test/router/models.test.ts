import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelStore, ModelStoreError, PerfModel, huberLocation, reclassify, typicalValue } from '../../agent/router/models';
import { seededRandom } from '../../agent/router/random';

const near = (actual: number, expected: number, rel: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= rel * expected, `${what}: ${actual}, expected ${expected} ± ${rel * 100} %`);

test('the static estimate is the prior until enough runs exist, then measurements take over', () => {
  const m = new PerfModel(100);
  assert.deepEqual(m.predict(), { ms: 100, basis: 'prior', runs: 0, spreadMs: 0 });
  m.observe(40);
  const one = m.predict();
  assert.ok(one.ms < 100 && one.ms > 40, `one run blends: ${one.ms}`);
  m.observe(42);
  m.observe(38);
  near(m.predict().ms, 40, 0.02, 'after 3 runs');
  assert.equal(m.predict().basis, 'history');
  assert.equal(new PerfModel(null).predict().basis, 'none');
});

test('one slow spike barely moves the estimate (a mean would jump)', () => {
  const random = seededRandom(3);
  const m = new PerfModel(null);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = 10 * (0.95 + 0.1 * random());
    times.push(t);
    m.observe(t);
  }
  m.observe(500);
  times.push(500);
  near(m.predict().ms, 10, 0.05, 'after a 50× spike');
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  assert.ok(mean > 30, 'the plain mean is dragged far off');
  assert.equal(m.shifts, 0);
  near(huberLocation([1, 1, 1, 1, 1000]), 1, 0.05, 'huber location');
});

test('predicts the usual run of skewed times, not a mean pulled up by the slow ones', () => {
  // Most runs take about 4 ms; a third are held up (preempted, collecting garbage) for 6–21 ms.
  const runs = [3.8, 4.1, 6.2, 3.6, 4.3, 9.0, 3.9, 4.0, 7.7, 3.5, 4.2, 21.3, 3.7, 4.4, 6.7];
  const m = new PerfModel(null);
  for (const t of runs) m.observe(t);
  const predicted = m.predict().ms;
  near(predicted, 4, 0.1, 'the usual run');
  const within15 = runs.filter((t) => Math.abs(predicted - t) / t <= 0.15).length;
  assert.ok(within15 >= runs.length / 2, `${within15} of ${runs.length} runs within 15 % of ${predicted}`);
  assert.ok(huberLocation(runs) > 4.4, 'a Huber mean sits above most runs');
  // Symmetric noise: the middle.
  near(typicalValue([9.5, 10, 10.5, 9.8, 10.2]), 10, 0.03, 'symmetric');
});

test('a sustained change of speed is believed after a few runs, both ways', () => {
  const m = new PerfModel(null);
  for (let i = 0; i < 30; i++) m.observe(10 + (i % 3));
  for (let i = 0; i < 3; i++) m.observe(55 + i);
  near(m.predict().ms, 56, 0.05, 'after 3 runs at 5×');
  assert.equal(m.shifts, 1);
  for (let i = 0; i < 3; i++) m.observe(11);
  near(m.predict().ms, 11, 0.05, 'after recovering');
  assert.equal(m.shifts, 2);
});

test('where input size varies, time = a·size^b is learned (StarPU-style log-log regression), robust to a spike', () => {
  const random = seededRandom(5);
  const m = new PerfModel(50);
  const truth = (size: number) => 0.002 * size ** 1.5;
  for (let i = 0; i < 40; i++) {
    const size = 100 * 2 ** (random() * 8); // 100 .. 25,600
    m.observe(truth(size) * (0.95 + 0.1 * random()), size);
  }
  m.observe(truth(1000) * 30, 1000);
  for (const size of [150, 3000, 20000, 100000]) {
    const p = m.predict(size);
    assert.equal(p.basis, 'regression');
    near(p.ms, truth(size), 0.1, `size ${size}`);
  }
  // Without a size, the history of times still answers.
  assert.equal(m.predict().basis, 'history');
});

test('sizes too alike for a slope fall back to history; a fleet slowing down moves the whole curve', () => {
  const alike = new PerfModel(null);
  for (let i = 0; i < 10; i++) alike.observe(20, 1000 + i);
  assert.equal(alike.predict(1000).basis, 'history');

  const m = new PerfModel(null);
  const random = seededRandom(8);
  for (let i = 0; i < 30; i++) {
    const size = 10 * 2 ** (random() * 6);
    m.observe(size, size);
  }
  near(m.predict(200).ms, 200, 0.05, 'linear fit');
  for (let i = 0; i < 3; i++) m.observe(4 * 100 * (i + 1), 100 * (i + 1));
  assert.equal(m.shifts, 1);
  near(m.predict(200).ms, 800, 0.15, 'after a 4× slowdown');
});

test('models persist to JSON and come back predicting the same; damaged files are refused naming the field', () => {
  const store = new ModelStore();
  store.model('a.ts#f', 'cpu', 30);
  for (let i = 0; i < 5; i++) store.observe({ codelet: 'a.ts#f', fleet: 'cpu', ms: 12 + i, at: 1000 + i });
  for (let i = 1; i <= 8; i++) store.observe({ codelet: 'a.ts#g', fleet: 'io', ms: 3 * i, size: i * 100 });
  const json = JSON.parse(JSON.stringify(store.toJSON()));
  const back = ModelStore.fromJSON(json);
  for (const [codelet, fleet, size] of [['a.ts#f', 'cpu', undefined], ['a.ts#g', 'io', 450], ['a.ts#g', 'io', undefined]] as const) {
    assert.deepEqual(back.predict(codelet, fleet, { size }), store.predict(codelet, fleet, { size }));
  }
  assert.equal(back.model('a.ts#f', 'cpu').lastAt, 1004);
  assert.deepEqual(back.predict('a.ts#h', 'cpu', { prior: 7 }), { ms: 7, basis: 'prior', runs: 0, spreadMs: 0 });

  json.models[0].model.times[2] = -4;
  assert.throws(() => ModelStore.fromJSON(json), (e: Error) => e instanceof ModelStoreError && /models\.0\.model\.times\.2/.test(e.message));
  assert.throws(() => ModelStore.fromJSON({ version: 9, models: [] }), /version/);
});

test('measured profiles refine the class: a "CPU-bound" codelet that mostly waits becomes I/O-bound, and says so', () => {
  const io = reclassify('cpu-bound', { runs: 10, wallMs: 2000, cpuMs: 150 });
  assert.equal(io!.class, 'io-bound');
  assert.equal(io!.changed, true);
  assert.match(io!.reason, /spends 93 % of its wall time waiting over 10 runs: io-bound, not cpu-bound as the code suggested/);
  assert.deepEqual(io!.profile, { cpu: 0.08, memory: 0, io: 0.93, gpu: 0 });
  const cpu = reclassify('cpu-bound', { runs: 10, wallMs: 1000, cpuMs: 950 });
  assert.equal(cpu!.changed, false);
  assert.equal(reclassify('io-bound', { runs: 6, wallMs: 600, cpuMs: 300, peakMemoryMb: 900 })!.class, 'memory-bound');
  assert.equal(reclassify('cpu-bound', { runs: 2, wallMs: 100, cpuMs: 1 }), null, 'too few runs to overrule the analysis');
});

test('inputs all of one size (the agent passes bytes in): a fleet slowing down is still noticed', () => {
  const m = new PerfModel(null);
  for (let i = 0; i < 20; i++) m.observe(10 + (i % 3), 4096);
  near(m.predict(4096).ms, 11, 0.1, 'before');
  for (let i = 0; i < 3; i++) m.observe(50 + i, 4096);
  assert.equal(m.shifts, 1);
  near(m.predict(4096).ms, 51, 0.1, 'after a 5× slowdown, within a few runs');
});

test('a model splits the expected time into computing and waiting, and stretches only the computing part under contention', () => {
  const store = new ModelStore();
  const random = seededRandom(11);
  // 10 ms runs: 4 ms of CPU, 6 ms waiting on I/O.
  for (let i = 0; i < 12; i++) {
    const k = 0.95 + 0.1 * random();
    store.observe({ codelet: 'a.ts#f', fleet: 'io', ms: 10 * k, cpuMs: 4 * k, waitMs: 6 * k });
  }
  const p = store.predict('a.ts#f', 'io');
  near(p.ms, 10, 0.05, 'expected time');
  near(p.cpuMs!, 4, 0.05, 'computing part');
  near(p.waitMs!, 6, 0.05, 'waiting part');
  // Twice the contention for the cores: 6 + 2 × 4 ms, not 2 × 10 ms.
  near(store.predict('a.ts#f', 'io', { contention: 2 }).ms, 14, 0.05, 'under contention');
  near(store.predict('a.ts#f', 'io', { contention: 1 }).ms, p.ms, 1e-9, 'as learned');
  // Runs without measurements of CPU and waiting: no split is claimed.
  const plain = new ModelStore();
  for (let i = 0; i < 5; i++) plain.observe({ codelet: 'a.ts#f', fleet: 'io', ms: 10 });
  assert.equal(plain.predict('a.ts#f', 'io').cpuMs, undefined);
});

test('models saved by the previous version are read (their times kept, the split empty), and the log says so', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { loadModels } = await import('../../agent/monitor/model-persistence');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codelets-models-v1-'));
  try {
    const v1 = { version: 1, models: [{ codelet: 'a.ts#f', fleet: 'cpu', model: { prior: null, runs: 3, times: [20, 21, 19], sized: [], lastAt: 5, shifts: 0 } }] };
    writeFileSync(path.join(dir, 'models.json'), JSON.stringify(v1));
    const lines: string[] = [];
    const store = loadModels(dir, (line) => lines.push(line));
    near(store.predict('a.ts#f', 'cpu').ms, 20, 0.02, 'migrated history');
    assert.equal(store.predict('a.ts#f', 'cpu').cpuMs, undefined);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /models\.json: version 1 read as version 2/);
    assert.equal(store.toJSON().version, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
