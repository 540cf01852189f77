// Incremental updates: after each edit the analyser's state equals a fresh analysis of the same files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { analyzeFolder, WorkspaceAnalyzer } from '../../server/analysis/index';

const fixture = path.resolve(__dirname, '..', 'fixtures', 'analysis', 'cross');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codelets-incremental-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.cpSync(fixture, dir, { recursive: true });

const analyzer = WorkspaceAnalyzer.open({ root: dir });
analyzer.analyze();

/** Writes the file (so a fresh analysis sees it too) and tells the analyser. */
function edit(rel: string, text: string | undefined): string[] {
  const file = path.join(dir, rel);
  if (text === undefined) fs.rmSync(file);
  else fs.writeFileSync(file, text);
  return analyzer.update(file, text).changedFiles;
}

function assertSameAsFresh(): void {
  assert.deepEqual(analyzer.result(), analyzeFolder({ root: dir }));
}

test('a body edit in a callee re-profiles its callers in other files', () => {
  const math = fs.readFileSync(path.join(dir, 'src/lib/math.ts'), 'utf8');
  const changed = edit('src/lib/math.ts', `import { readFileSync } from 'node:fs';\n${math.replace('return x * x;', "return x * x + readFileSync('/etc/hostname', 'utf8').length;")}`);
  assert.ok(changed.includes('src/lib/math.ts'));
  assert.ok(changed.includes('src/app.ts'), `changed: ${changed.join(', ')}`);
  assert.equal(analyzer.codelet('src/lib/math.ts#square')!.class, 'io-bound');
  assert.ok(analyzer.codelet('src/app.ts#Service.lookup')!.profile.io > 0.3);
  assertSameAsFresh();
});

test('an edit that changes nothing visible leaves other files alone', () => {
  const store = fs.readFileSync(path.join(dir, 'src/lib/store.ts'), 'utf8');
  const changed = edit('src/lib/store.ts', store.replace('return value;', 'return value; // same'));
  assert.deepEqual(changed, ['src/lib/store.ts']);
  assertSameAsFresh();
});

test('a comment outside any body leaves importers alone', () => {
  const math = fs.readFileSync(path.join(dir, 'src/lib/math.ts'), 'utf8');
  const changed = edit('src/lib/math.ts', `// a note at the top\n${math}`);
  assert.deepEqual(changed, ['src/lib/math.ts']);
  assertSameAsFresh();
  assert.deepEqual(edit('src/lib/math.ts', math), ['src/lib/math.ts']);
  assertSameAsFresh();
});

test('renaming an export re-resolves its importers', () => {
  const math = fs.readFileSync(path.join(dir, 'src/lib/math.ts'), 'utf8');
  edit('src/lib/math.ts', math.replace('export const cube', 'export const cubed'));
  assert.equal(analyzer.codelet('src/lib/math.ts#cube'), undefined);
  assert.ok(!analyzer.codelet('src/app.ts#compute')!.dependencies.includes('src/lib/math.ts#cube'));
  assertSameAsFresh();
});

test('deleting a file drops its codelets and the calls into them', () => {
  const changed = edit('src/state.ts', undefined);
  assert.ok(changed.includes('src/state.ts'));
  assert.ok(changed.includes('src/app.ts'));
  assert.equal(analyzer.codelets('src/state.ts').length, 0);
  assert.deepEqual(analyzer.codelet('src/app.ts#api.handle')!.dependencies, []);
  assertSameAsFresh();
});

test('adding a file and importing it', () => {
  edit('src/extra.ts', "import { writeFile } from 'node:fs/promises';\nexport async function save(x: string): Promise<void> {\n  await writeFile('/tmp/x', x);\n}\n");
  const app = fs.readFileSync(path.join(dir, 'src/app.ts'), 'utf8');
  edit('src/app.ts', `import { save } from './extra';\n${app}\nexport async function persist(x: string) {\n  await save(x);\n}\n`);
  assert.deepEqual(analyzer.codelet('src/app.ts#persist')!.dependencies, ['src/extra.ts#save']);
  assert.equal(analyzer.codelet('src/app.ts#persist')!.class, 'io-bound');
  assertSameAsFresh();
});

test('a syntax error is a problem until it is fixed', () => {
  const extra = fs.readFileSync(path.join(dir, 'src/extra.ts'), 'utf8');
  edit('src/extra.ts', extra.replace('(x: string)', '(x: string'));
  assert.ok(analyzer.problems('src/extra.ts').length > 0);
  assertSameAsFresh();
  edit('src/extra.ts', extra);
  assert.equal(analyzer.problems('src/extra.ts').length, 0);
  assertSameAsFresh();
});

test('a new file the tsconfig does not include stays out', () => {
  fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
  const changed = edit('scripts/tool.ts', 'export function tool(): number {\n  return 1;\n}\n');
  assert.deepEqual(changed, []);
  assert.equal(analyzer.codelets('scripts/tool.ts').length, 0);
  assertSameAsFresh();
});
