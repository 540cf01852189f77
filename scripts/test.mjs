// Runs the test suites with node's test runner (TypeScript through tsx).
//   node scripts/test.mjs          every suite, the slow end-to-end ones included
//   node scripts/test.mjs --fast   unit and integration suites only (no *.e2e.test.ts)
//   node scripts/test.mjs FILE...  the given files
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const fast = args.includes('--fast');
const only = args.filter((a) => !a.startsWith('--'));

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'fixtures' || name === 'node_modules') continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...find(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

let files = only.length ? only.map((f) => path.resolve(f)) : find(path.join(root, 'test'));
if (fast) files = files.filter((f) => !f.endsWith('.e2e.test.ts'));
files.sort((a, b) => Number(a.endsWith('.e2e.test.ts')) - Number(b.endsWith('.e2e.test.ts')) || a.localeCompare(b));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--enable-source-maps', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, CODELETS_ROOT: root } },
);
process.exit(result.status ?? 1);
