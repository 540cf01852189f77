// First looks (`WorkspaceAnalyzer.preview`): the codelets of an open file before the whole workspace is
// analysed. Dependencies must match the whole analysis; figures must match wherever they are not pending.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { generateWorkspace } from '../../bench/analyze/generate';
import { WorkspaceAnalyzer, type Codelet } from '../../server/analysis/index';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codelets-preview-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
// Modules that call each other in a chain, through barrels (`export *`) and typed receivers.
generateWorkspace(dir, 8);
const whole = WorkspaceAnalyzer.open({ root: dir });
whole.analyze();

function assertAgrees(preview: { codelets: Codelet[]; pending: string[] }): void {
  for (const codelet of preview.codelets) {
    const final = whole.codelet(codelet.id);
    assert.ok(final, `${codelet.id} is not in the whole analysis`);
    assert.deepEqual(codelet.dependencies, final.dependencies, `dependencies of ${codelet.id}`);
    if (!preview.pending.includes(codelet.id)) assert.deepEqual(codelet, final, `${codelet.id} is not pending, so it must be final`);
  }
}

test('a first look gives the same dependencies as the whole analysis, and final figures where not pending', () => {
  const preview = WorkspaceAnalyzer.open({ root: dir }).preview(['src/mod0/service.ts']);
  assert.deepEqual(preview.codelets.map((c) => c.id), whole.codelets('src/mod0/service.ts').map((c) => c.id));
  assert.ok(preview.codelets.some((c) => c.dependencies.some((d) => !d.startsWith('src/mod0/'))), 'some calls cross modules');
  assertAgrees(preview);
});

test('with room for no more than the imports, codelets calling beyond them are pending', () => {
  const preview = WorkspaceAnalyzer.open({ root: dir }).preview(['src/mod0/service.ts'], new Map(), 0);
  assert.ok(preview.pending.length > 0, 'the chain of services reaches past the first level of imports');
  assert.ok(preview.pending.length < preview.codelets.length, 'codelets calling only into their own module are settled');
  assertAgrees(preview);
});

test('every file of the workspace, looked at alone, agrees with the whole analysis', () => {
  const files = [...new Set(whole.result().codelets.map((c) => c.file))];
  for (const file of files) assertAgrees(WorkspaceAnalyzer.open({ root: dir }).preview([file], new Map(), 0));
});

test('the editor text is looked at, not the file on disk', () => {
  const analyzer = WorkspaceAnalyzer.open({ root: dir });
  const file = 'src/mod1/service.ts';
  const text = `${fs.readFileSync(path.join(dir, file), 'utf8')}\nexport function fresh(): number {\n  return score0([], 1);\n}\n`.replace(/^/, "import { score0 } from './calc';\n");
  const preview = analyzer.preview([file], new Map([[file, text]]));
  assert.deepEqual(preview.codelets.find((c) => c.name === 'fresh')?.dependencies, ['src/mod1/calc.ts#score0']);
});

test('after the whole analysis, a first look is the analysis itself', () => {
  const preview = whole.preview(['src/mod2/handlers.ts']);
  assert.deepEqual(preview.codelets, whole.codelets('src/mod2/handlers.ts'));
  assert.deepEqual(preview.pending, []);
});
