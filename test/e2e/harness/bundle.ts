// Bundles the mocha runner and every suite under test/e2e/suite/ into a run folder. `vscode` is
// provided by the extension host; mocha is loaded from the repository's node_modules.
import { buildSync } from 'esbuild';
import { readdirSync } from 'node:fs';
import path from 'node:path';

export interface E2EBundle {
  runner: string;
  suites: string[];
}

export function bundleSuite(repoRoot: string, outDir: string): E2EBundle {
  const e2e = path.join(repoRoot, 'test', 'e2e');
  const suites = readdirSync(path.join(e2e, 'suite'))
    .filter((name) => name.endsWith('.suite.ts'))
    .map((name) => path.join(e2e, 'suite', name));
  if (suites.length === 0) throw new Error(`no *.suite.ts files in ${path.join(e2e, 'suite')}`);
  buildSync({
    entryPoints: [path.join(e2e, 'runner', 'index.ts'), ...suites],
    outdir: outDir,
    outbase: e2e,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
    absWorkingDir: repoRoot,
  });
  return {
    runner: path.join(outDir, 'runner', 'index.js'),
    suites: suites.map((file) => path.join(outDir, 'suite', path.basename(file).replace(/\.ts$/, '.js'))),
  };
}
