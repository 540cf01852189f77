// The same suite in a VS Code desktop binary, where one exists (CODELETS_VSCODE_EXECUTABLE), through
// @vscode/test-electron. No screenshots here: there is no browser page to photograph.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { RESULTS_FILE, type E2EMode, type E2EResults } from './protocol';
import { prepareRun } from './run-code-server';

export async function runInElectron(repoRoot: string, mode: E2EMode, vscodeExecutablePath: string): Promise<E2EResults> {
  const { runDir, runner, workspace } = prepareRun(repoRoot, mode, false);
  const state = path.join(repoRoot, '.vscode-test', 'e2e', `electron-state-${mode}`);
  rmSync(state, { recursive: true, force: true });
  mkdirSync(path.join(state, 'user-data', 'User'), { recursive: true });
  writeFileSync(
    path.join(state, 'user-data', 'User', 'settings.json'),
    JSON.stringify({ 'security.workspace.trust.enabled': mode === 'untrusted', 'workbench.startupEditor': 'none' }),
  );
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: runner,
      launchArgs: [
        workspace,
        '--user-data-dir', path.join(state, 'user-data'),
        '--extensions-dir', path.join(state, 'extensions'),
        '--disable-extensions',
      ],
    });
  } catch (error) {
    // runTests rejects when a test failed; the results file says which.
    if (!existsSync(path.join(runDir, RESULTS_FILE))) throw error;
  }
  const file = path.join(runDir, RESULTS_FILE);
  if (!existsSync(file)) throw new Error(`VS Code (${vscodeExecutablePath}) exited without writing ${file}`);
  return JSON.parse(readFileSync(file, 'utf8')) as E2EResults;
}
