// End-to-end tests in a real VS Code: code-server 4.100.3 (installed on first use into
// .vscode-test/code-server) driven by headless Chromium, or a desktop VS Code through
// @vscode/test-electron when CODELETS_VSCODE_EXECUTABLE names one. The mocha suites under
// test/e2e/suite/ run inside the extension host; each of their tests becomes a subtest here.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { E2EMode, E2EResults } from './harness/protocol';
import { runInCodeServer } from './harness/run-code-server';
import { runInElectron } from './harness/run-electron';

const repoRoot = path.resolve(__dirname, '..', '..');
const desktop = process.env.CODELETS_VSCODE_EXECUTABLE;

async function runMode(t: TestContext, mode: E2EMode): Promise<void> {
  const results: E2EResults = desktop
    ? await runInElectron(repoRoot, mode, desktop)
    : await runInCodeServer({
        repoRoot,
        mode,
        screenshotDir: path.join(repoRoot, 'docs', 'screenshots'),
        log: (line) => t.diagnostic(line),
      });
  assert.ok(results.tests.length > 0, `the ${mode} suite ran no tests`);
  for (const result of results.tests) {
    await t.test(result.fullTitle, { skip: result.state === 'pending' }, (sub) => {
      sub.diagnostic(`${result.durationMs} ms inside VS Code`);
      if (result.state === 'failed') assert.fail(result.error ?? 'failed');
    });
  }
}

test(`VS Code (${desktop ? 'desktop' : 'code-server'}), trusted workspace`, { timeout: 600_000 }, (t) => runMode(t, 'trusted'));
test(`VS Code (${desktop ? 'desktop' : 'code-server'}), untrusted workspace`, { timeout: 600_000 }, (t) => runMode(t, 'untrusted'));
