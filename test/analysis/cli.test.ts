// `codelets analyze` as a user runs it: the built CLI in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import { analysisJsonSchemaText } from '../../server/analysis/json-schema';
import type { AnalysisResult } from '../../server/analysis/metadata';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'bin', 'codelets.js');

before(() => {
  // `npm test` builds first; a bare run of this file builds the bundle if it is missing.
  if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
});

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

test('the committed JSON Schema is generated from the zod schemas (run scripts/gen-schemas.ts if this fails)', () => {
  assert.equal(fs.readFileSync(path.join(root, 'schemas', 'analysis.schema.json'), 'utf8'), analysisJsonSchemaText());
});

test('`codelets analyze examples --json` prints schema-valid metadata with the expected classes and groups', () => {
  const out = run('analyze', 'examples', '--json');
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stderr, '', 'no progress bar when stdout is piped');
  const result = JSON.parse(out.stdout) as AnalysisResult;
  const schema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'analysis.schema.json'), 'utf8'));
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  assert.ok(validate(result), JSON.stringify(validate.errors?.slice(0, 5)));
  const cls = (id: string) => result.codelets.find((c) => c.id === id)?.class;
  assert.equal(cls('src/loaders.ts#loadOrders'), 'io-bound');
  assert.equal(cls('src/aggregate.ts#summariseOrders'), 'cpu-bound');
  assert.equal(cls('src/search-index.ts#buildSearchIndex'), 'memory-bound');
  const handler = result.codelets.find((c) => c.id === 'src/service.ts#handleReport')!;
  assert.ok(handler.parallelGroups.some((g) => g.includes('src/loaders.ts#loadOrders') && g.includes('src/loaders.ts#loadEvents')));
});

test('the schema rejects metadata with a wrong field', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'analysis.schema.json'), 'utf8'));
  const validate = new Ajv2020({ strict: false }).compile(schema);
  assert.equal(validate({ schemaVersion: 1, root: '/x', codelets: [{ id: 'a#b' }], edges: [], problems: [] }), false);
});

test('the default output is a table; --out writes a file', () => {
  const out = run('analyze', 'examples');
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /^codelet\s+class\s+profile\s+dependencies/);
  assert.match(out.stdout, /src\/service\.ts#handleReport\s+mixed/);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'codelets-cli-')), 'out.json');
  const written = run('analyze', 'examples', '--json', '--out', file);
  assert.equal(written.status, 0, written.stderr);
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).schemaVersion, 1);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('syntax errors still exit 0; a missing or empty folder exits 2 with a message', () => {
  const broken = run('analyze', 'test/fixtures/analysis/syntax', '--json');
  assert.equal(broken.status, 0, broken.stderr);
  assert.ok(JSON.parse(broken.stdout).problems.length > 0);
  const missing = run('analyze', 'no/such/folder');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /folder not found: .*no\/such\/folder/);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'codelets-empty-'));
  const none = run('analyze', empty);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no TypeScript or JavaScript sources/);
  fs.rmSync(empty, { recursive: true, force: true });
});
