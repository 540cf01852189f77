// The Codelet Analyzer on fixtures: classes, cross-file resolution, plans, problems and odd input.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { AnalyzerInputError, analyzeFolder, WorkspaceAnalyzer } from '../../server/analysis/index';
import { AnalysisResult, type Codelet } from '../../server/analysis/metadata';

const fixtures = path.resolve(__dirname, '..', 'fixtures', 'analysis');
const examples = path.resolve(__dirname, '..', '..', 'examples');

const temps: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codelets-analysis-'));
  temps.push(dir);
  return dir;
}
after(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

function byId(result: AnalysisResult): Map<string, Codelet> {
  return new Map(result.codelets.map((c) => [c.id, c]));
}

function get(result: AnalysisResult, id: string): Codelet {
  const c = result.codelets.find((x) => x.id === id);
  assert.ok(c, `no codelet ${id}; found ${result.codelets.map((x) => x.id).join(', ')}`);
  return c;
}

describe('classes', () => {
  const result = analyzeFolder({ root: path.join(fixtures, 'classes') });
  const expected: Record<string, Codelet['class']> = {
    add: 'trivial',
    crunch: 'cpu-bound',
    hashAll: 'cpu-bound',
    compress: 'cpu-bound',
    fib: 'cpu-bound',
    readConfig: 'io-bound',
    download: 'io-bound',
    queryUsers: 'io-bound',
    cached: 'io-bound',
    loadAndCount: 'io-bound',
    allocate: 'memory-bound',
    collect: 'memory-bound',
    matmulOnGpu: 'gpu',
    archive: 'mixed',
  };
  for (const [name, cls] of Object.entries(expected)) {
    test(`${name} is ${cls}`, () => {
      const c = get(result, `src/kinds.ts#${name}`);
      assert.equal(c.class, cls, `${name}: ${JSON.stringify(c.profile)} ${c.reasons.join('; ')}`);
      assert.ok(c.reasons.length > 0);
    });
  }

  test('ONNX Runtime is GPU work only when a CUDA provider is asked for', () => {
    assert.equal(get(result, 'src/onnx-gpu.ts#inferOnGpu').class, 'gpu');
    assert.equal(get(result, 'src/onnx-cpu.ts#inferOnCpu').class, 'cpu-bound');
  });

  test('the output validates against the zod schema', () => {
    AnalysisResult.parse(result);
  });

  test('an I/O callee makes its awaiting caller partly I/O-bound, with the callee named as the reason', () => {
    const caller = get(result, 'src/kinds.ts#loadAndCount');
    assert.ok(caller.profile.io > 0.3);
    assert.deepEqual(caller.dependencies, ['src/kinds.ts#readConfig']);
    assert.ok(caller.reasons.some((r) => r.includes('src/kinds.ts#readConfig')));
  });

  test('recursion is a reason; literal loop bounds give an estimate, data-dependent ones do not', () => {
    assert.ok(get(result, 'src/kinds.ts#fib').reasons.some((r) => r.includes('recursive')));
    const crunch = get(result, 'src/kinds.ts#crunch');
    assert.ok(crunch.estimatedMs !== null && crunch.estimatedMs > 1, crunch.estimateBasis);
    assert.match(crunch.estimateBasis, /1,000,000 loop iterations/);
    const collect = get(result, 'src/kinds.ts#collect');
    assert.equal(collect.estimatedMs, null);
    assert.match(collect.estimateBasis, /loop bound depends on the input/);
  });

  test('module state read through a client is reported', () => {
    assert.deepEqual(get(result, 'src/kinds.ts#cached').state.reads, ['src/kinds.ts#redis']);
  });

  test('a body mixing I/O and hashing gets split advice', () => {
    const archive = get(result, 'src/kinds.ts#archive');
    assert.equal(archive.advice.length, 1);
    assert.match(archive.advice[0]!.message, /mixes I\/O .* and CPU-heavy work/);
  });
});

describe('cross-file resolution', () => {
  const result = analyzeFolder({ root: path.join(fixtures, 'cross') });

  test('calls through a barrel (export *, renamed and default re-exports) resolve to the defining files', () => {
    const compute = get(result, 'src/app.ts#compute');
    assert.deepEqual(new Set(compute.dependencies), new Set([
      'src/lib/store.ts#Store.create', 'src/lib/store.ts#Store.get', 'src/lib/store.ts#identity', 'src/lib/math.ts#cube', 'src/lib/math.ts#sumTo',
    ]));
    assert.ok(result.edges.some((e) => e.from === 'src/app.ts#compute' && e.to === 'src/lib/math.ts#sumTo' && e.kind === 'call'));
  });

  test('methods on typed receivers (this.store: Repository<number>) resolve to the generic class', () => {
    assert.deepEqual(get(result, 'src/app.ts#Service.lookup').dependencies, ['src/lib/store.ts#Store.get', 'src/lib/math.ts#square']);
    const warm = get(result, 'src/app.ts#Service.warm');
    assert.deepEqual(warm.dependencies, ['src/lib/store.ts#Store.load']);
    assert.equal(warm.class, 'io-bound');
  });

  test('kinds, exports and invoke paths', () => {
    assert.equal(get(result, 'src/lib/math.ts#cube').kind, 'const-function');
    assert.equal(get(result, 'src/app.ts#Service.lookup').kind, 'method');
    assert.equal(get(result, 'src/app.ts#Service.lookup').invoke, null);
    assert.deepEqual(get(result, 'src/lib/store.ts#Store.create').invoke, { module: 'src/lib/store.ts', exportPath: ['Store', 'create'] });
    assert.deepEqual(get(result, 'src/lib/math.ts#sumTo').invoke, { module: 'src/lib/math.ts', exportPath: ['default'] });
    const ping = get(result, 'src/app.ts#api.nested.ping');
    assert.equal(ping.kind, 'object-method');
    assert.deepEqual(ping.invoke, { module: 'src/app.ts', exportPath: ['api', 'nested', 'ping'] });
  });

  test('ranges are exact and 0-based', () => {
    const lookup = get(result, 'src/app.ts#Service.lookup');
    assert.deepEqual(lookup.selectionRange, { start: { line: 6, character: 2 }, end: { line: 6, character: 8 } });
    assert.deepEqual(lookup.range.start, { line: 6, character: 2 });
    assert.deepEqual(lookup.range.end, { line: 9, character: 3 });
  });

  test('module state writes and reads are found, and order the steps that share them', () => {
    assert.deepEqual(get(result, 'src/state.ts#record').state.writes, ['src/state.ts#requests', 'src/state.ts#seen']);
    assert.deepEqual(get(result, 'src/state.ts#report').state.reads, ['src/state.ts#requests', 'src/state.ts#seen']);
    const handle = get(result, 'src/app.ts#api.handle');
    assert.equal(handle.plan.decomposable, true);
    const [record, report] = handle.plan.steps;
    assert.equal(record!.callee, 'src/state.ts#record');
    assert.equal(report!.callee, 'src/state.ts#report');
    assert.deepEqual(report!.dependsOn, [record!.id]);
    assert.deepEqual(handle.parallelGroups, []);
  });

  test('independent calls share a parallel group; a dependent one waits', () => {
    const flow = get(result, 'src/app.ts#flow');
    assert.equal(flow.plan.decomposable, true, flow.plan.reasons.join('; '));
    assert.deepEqual(flow.parallelGroups, [['src/app.ts#compute', 'src/lib/math.ts#square']]);
    const cube = flow.plan.steps.find((s) => s.callee === 'src/lib/math.ts#cube')!;
    assert.deepEqual(cube.args, [{ kind: 'step', step: 's1' }]);
    assert.deepEqual(cube.dependsOn, ['s1']);
    assert.deepEqual(flow.plan.result, {
      kind: 'object',
      entries: [
        { key: 'a', value: { kind: 'step', step: 's1' } },
        { key: 'b', value: { kind: 'step', step: 's2' } },
        { key: 'c', value: { kind: 'step', step: 's3' } },
      ],
    });
  });

  test('plans that cannot be decomposed say why', () => {
    assert.match(get(result, 'src/app.ts#pipeline').plan.reasons.join('\n'), /cannot run on its own \(an instance method\)/);
    assert.match(get(result, 'src/app.ts#Service.lookup').plan.reasons.join('\n'), /uses `this`/);
    assert.match(get(result, 'src/state.ts#record').plan.reasons.join('\n'), /writes module state `src\/state.ts#requests`/);
    assert.deepEqual(get(result, 'src/lib/math.ts#sumTo').plan.reasons, ['no codelet calls: it runs whole']);
    assert.match(get(result, 'src/closures.ts#pick').plan.reasons.join('\n'), /line 12: control flow \(an if\)/);
    const closure = get(result, 'src/closures.ts#sumSquares');
    assert.equal(closure.plan.decomposable, false);
    assert.match(closure.plan.reasons.join('\n'), /line 5: a closure over the mutable local `total`/);
    assert.deepEqual(closure.dependencies, ['src/lib/math.ts#square']);
  });

  test('include narrows the analysed files', () => {
    const lib = analyzeFolder({ root: path.join(fixtures, 'cross'), include: ['src/lib/**/*'] });
    assert.ok(lib.codelets.length > 0);
    assert.ok(lib.codelets.every((c) => c.file.startsWith('src/lib/')), lib.codelets.map((c) => c.file).join(', '));
  });
});

describe('JavaScript without a tsconfig', () => {
  const result = analyzeFolder({ root: path.join(fixtures, 'js') });

  test('CommonJS and ESM files are analysed and require() calls resolve', () => {
    assert.deepEqual(get(result, 'main.cjs#summarise').dependencies, ['lib/files.js#readAll']);
    assert.equal(get(result, 'lib/files.js#readAll').class, 'io-bound');
    assert.equal(get(result, 'worker.mjs#digestMany').class, 'cpu-bound');
    assert.deepEqual(get(result, 'lib/files.js#countLines').invoke, { module: 'lib/files.js', exportPath: ['countLines'] });
    assert.deepEqual(get(result, 'main.cjs#summarise').invoke, { module: 'main.cjs', exportPath: ['summarise'] });
  });
});

describe('problems and odd input', () => {
  test('syntax errors are problems and the rest of the file is still analysed', () => {
    const result = analyzeFolder({ root: path.join(fixtures, 'syntax') });
    assert.ok(result.problems.length > 0);
    assert.ok(result.problems.every((p) => p.file === 'broken.ts'));
    assert.equal(result.problems[0]!.range.start.line, 4);
    assert.deepEqual(get(result, 'broken.ts#after').dependencies, ['broken.ts#before']);
    get(result, 'good.ts#fine');
  });

  test('a missing folder and an empty folder are input errors naming the folder', () => {
    const missing = path.join(tempDir(), 'nope');
    assert.throws(() => WorkspaceAnalyzer.open({ root: missing }), (e: unknown) => e instanceof AnalyzerInputError && e.message.includes(missing));
    const empty = tempDir();
    fs.writeFileSync(path.join(empty, 'README.md'), '# not code\n');
    assert.throws(() => WorkspaceAnalyzer.open({ root: empty }), (e: unknown) => e instanceof AnalyzerInputError && /no TypeScript or JavaScript sources/.test(e.message));
  });

  test('a 5 MB file is analysed', () => {
    const dir = tempDir();
    let text = 'export function first(n: number): number {\n  let s = 0;\n  for (let i = 0; i < n; i++) s += i;\n  return s;\n}\n';
    text += 'export const TABLE = [\n';
    const row = '  { id: 123456, name: "a fairly long product name here", price: 12.5, tags: ["x", "y", "z"] },\n';
    text += row.repeat(Math.ceil((5 * 1024 * 1024) / row.length));
    text += '];\nexport function last(): number {\n  return first(10) + TABLE.length;\n}\n';
    fs.writeFileSync(path.join(dir, 'big.ts'), text);
    assert.ok(text.length >= 5 * 1024 * 1024);
    const result = analyzeFolder({ root: dir });
    assert.equal(get(result, 'big.ts#first').class, 'cpu-bound');
    assert.deepEqual(get(result, 'big.ts#last').dependencies, ['big.ts#first']);
  });

  test('non-UTF-8 bytes are reported and the file is still analysed', () => {
    const dir = tempDir();
    const head = Buffer.from('// caf');
    const bad = Buffer.from([0xe9, 0xff, 0xfe]);
    const rest = Buffer.from('\nexport function ok(): number {\n  return 1;\n}\n');
    fs.writeFileSync(path.join(dir, 'latin1.ts'), Buffer.concat([head, bad, rest]));
    const result = analyzeFolder({ root: dir });
    get(result, 'latin1.ts#ok');
    assert.ok(result.problems.some((p) => p.file === 'latin1.ts' && /not valid UTF-8/.test(p.message)));
  });

  test('deeply nested expressions: a 5,000-term chain is analysed, 5,000 nested parens are a problem, not a crash', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'chain.ts'), `export function chain(a: number): number {\n  return ${Array(5000).fill('a').join(' + ')};\n}\nexport function user(): number {\n  return chain(1);\n}\n`);
    fs.writeFileSync(path.join(dir, 'parens.ts'), `export function parens(): number {\n  return ${'('.repeat(5000)}1${')'.repeat(5000)};\n}\n`);
    fs.writeFileSync(path.join(dir, 'calls.ts'), `declare function f(x: unknown): unknown;\nexport function calls(): unknown {\n  return ${'f('.repeat(5000)}0${')'.repeat(5000)};\n}\n`);
    const result = analyzeFolder({ root: dir });
    assert.deepEqual(get(result, 'chain.ts#user').dependencies, ['chain.ts#chain']);
    assert.ok(result.problems.some((p) => p.file === 'parens.ts' && /nested too deeply/.test(p.message)));
    assert.ok(result.problems.some((p) => p.file === 'calls.ts' && /nested too deeply/.test(p.message)));
  });
});

describe('the example workspace', () => {
  const result = analyzeFolder({ root: examples });
  const handler = get(result, 'src/service.ts#handleReport');

  test('its CPU, I/O and memory functions carry those classes', () => {
    assert.equal(get(result, 'src/loaders.ts#loadOrders').class, 'io-bound');
    assert.equal(get(result, 'src/loaders.ts#loadEvents').class, 'io-bound');
    assert.equal(get(result, 'src/aggregate.ts#summariseOrders').class, 'cpu-bound');
    assert.equal(get(result, 'src/fingerprint.ts#fingerprintEvents').class, 'cpu-bound');
    assert.equal(get(result, 'src/search-index.ts#buildSearchIndex').class, 'memory-bound');
  });

  test('the quoting handler calls its loader and first two services independently, the rest after the batch', () => {
    const quotes = get(result, 'src/quotes.ts#handleQuotes');
    assert.equal(quotes.plan.decomposable, true, quotes.plan.reasons.join('; '));
    const step = (name: string) => quotes.plan.steps.find((s) => s.callee.endsWith(`#${name}`))!;
    for (const name of ['loadOrderBatch', 'fetchExchangeRates', 'fetchTaxRates']) assert.deepEqual(step(name).dependsOn, [], name);
    for (const name of ['fetchCustomers', 'fetchFraudScores']) assert.deepEqual(step(name).dependsOn, [step('loadOrderBatch').id], name);
    assert.deepEqual(
      [...step('priceQuotes').dependsOn].sort(),
      ['loadOrderBatch', 'fetchExchangeRates', 'fetchTaxRates', 'fetchCustomers', 'fetchFraudScores'].map((n) => step(n).id).sort(),
    );
  });

  test('the handler depends on codelets in other files and its plan is decomposable', () => {
    assert.ok(handler.dependencies.includes('src/loaders.ts#loadOrders'));
    assert.ok(handler.dependencies.includes('src/search-index.ts#buildSearchIndex'));
    assert.deepEqual(handler.invoke, { module: 'src/service.ts', exportPath: ['handleReport'] });
    assert.equal(handler.plan.decomposable, true, handler.plan.reasons.join('; '));
    assert.deepEqual(handler.plan.params, ['dataDir']);
    const loadOrders = handler.plan.steps.find((s) => s.callee === 'src/loaders.ts#loadOrders')!;
    assert.deepEqual(loadOrders.args, [{ kind: 'param', index: 0 }]);
    assert.deepEqual(loadOrders.dependsOn, []);
  });

  test("the handler's independent calls share parallel groups", () => {
    const groups = handler.parallelGroups.map((g) => new Set(g));
    assert.ok(groups.some((g) => g.has('src/loaders.ts#loadOrders') && g.has('src/loaders.ts#loadEvents')), JSON.stringify(handler.parallelGroups));
    assert.ok(groups.some((g) => g.has('src/aggregate.ts#summariseOrders') && g.has('src/fingerprint.ts#fingerprintEvents') && g.has('src/search-index.ts#buildSearchIndex')));
    assert.ok(result.edges.some((e) => e.kind === 'data' && e.from === 'src/loaders.ts#loadEvents' && e.to === 'src/fingerprint.ts#fingerprintEvents'));
  });
});

describe('stable ids', () => {
  test('ids survive an unrelated edit; ranges follow the code', () => {
    const dir = tempDir();
    fs.cpSync(path.join(fixtures, 'cross'), dir, { recursive: true });
    const before = byId(analyzeFolder({ root: dir }));
    const file = path.join(dir, 'src/app.ts');
    fs.writeFileSync(file, `// a comment line\nexport function added(): number {\n  return 1;\n}\n${fs.readFileSync(file, 'utf8')}`);
    const afterEdit = byId(analyzeFolder({ root: dir }));
    for (const [id, c] of before) {
      const now = afterEdit.get(id);
      assert.ok(now, `id ${id} vanished`);
      if (c.file === 'src/app.ts') assert.equal(now.range.start.line, c.range.start.line + 4);
    }
    assert.ok(afterEdit.has('src/app.ts#added'));
  });
});
