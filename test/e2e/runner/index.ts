// The mocha runner VS Code loads from `extensionTestsPath`: it runs inside the real extension host, so
// the suites get the full `vscode` API. It reports through files next to itself (see harness/protocol.ts).
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { CONFIG_FILE, PROGRESS_FILE, RESULTS_FILE, type E2EConfig, type E2EResults } from '../harness/protocol';

/** The suites that run in each mode: the untrusted instance only checks what trust turns off. */
function suitesFor(config: E2EConfig, suiteDir: string): string[] {
  return readdirSync(suiteDir)
    .filter((name) => name.endsWith('.suite.js'))
    .filter((name) => (name === 'untrusted.suite.js') === (config.mode === 'untrusted'))
    .sort()
    .map((name) => path.join(suiteDir, name));
}

export async function run(): Promise<void> {
  // The bundle lives in <run>/runner/index.js.
  const runDir = path.resolve(__dirname, '..');
  const config = JSON.parse(readFileSync(path.join(runDir, CONFIG_FILE), 'utf8')) as E2EConfig;
  process.env.CODELETS_E2E_DIR = runDir;
  const progress = (line: string) => appendFileSync(path.join(runDir, PROGRESS_FILE), `${new Date().toISOString()} ${line}\n`);

  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false, reporter: 'dot' });
  for (const file of suitesFor(config, path.join(runDir, 'suite'))) mocha.addFile(file);

  const results: E2EResults = { passed: 0, failed: 0, pending: 0, tests: [] };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('test', (test) => progress(`start ${test.fullTitle()}`));
    runner.on('pass', (test) => {
      results.passed++;
      results.tests.push({ fullTitle: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 });
      progress(`pass ${test.fullTitle()}`);
    });
    runner.on('fail', (test, error: Error) => {
      results.failed++;
      results.tests.push({
        fullTitle: test.fullTitle(),
        state: 'failed',
        durationMs: test.duration ?? 0,
        error: error?.stack ?? String(error),
      });
      progress(`fail ${test.fullTitle()}: ${error?.message}`);
    });
    runner.on('pending', (test) => {
      results.pending++;
      results.tests.push({ fullTitle: test.fullTitle(), state: 'pending', durationMs: 0 });
    });
  });
  writeFileSync(path.join(runDir, RESULTS_FILE), JSON.stringify(results, null, 2));
  if (results.failed > 0) throw new Error(`${results.failed} end-to-end test(s) failed`);
}
