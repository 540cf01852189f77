// One end-to-end run in code-server: bundle the suite, copy the example workspace, start code-server and
// Chromium, answer screenshot requests, wait for the results file (failing loudly on timeout), and always
// stop both.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeFolder } from '../../../server/analysis/index';
import { bundleSuite } from './bundle';
import { startCodeServer, type RunningCodeServer } from './code-server';
import { installCodeServer } from './install-code-server';
import {
  CONFIG_FILE, EXPECTED_FILE, PROGRESS_FILE, RESULTS_FILE, type E2EConfig, type E2EMode, type E2EResults, type ScreenshotRequest,
} from './protocol';
import { openWorkbench, type Workbench } from './workbench';

export interface RunOptions {
  repoRoot: string;
  mode: E2EMode;
  /** Names the run's folders under .vscode-test/e2e (default: the mode), so runs can sit side by side. */
  label?: string;
  /** Where screenshots go (docs/screenshots). */
  screenshotDir: string;
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** A fresh copy of the example workspace, so the suite's edits never touch the repository. */
export function prepareWorkspace(repoRoot: string, target: string): string {
  // CODELETS_E2E_EXAMPLES points the suite at another copy of the examples (debugging the harness).
  const source = process.env.CODELETS_E2E_EXAMPLES ?? path.join(repoRoot, 'examples');
  if (!existsSync(path.join(source, 'src'))) throw new Error(`the example workspace ${source}/src is missing`);
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, {
    recursive: true,
    filter: (file) => !/[\\/](node_modules|\.codelets|\.codelets-state|dist)$/.test(file),
  });
  return target;
}

export function prepareRun(
  repoRoot: string,
  mode: E2EMode,
  screenshots: boolean,
  label: string = mode,
): { runDir: string; runner: string; workspace: string } {
  for (const bundle of ['dist/extension.js', 'dist/server.js']) {
    if (!existsSync(path.join(repoRoot, bundle))) throw new Error(`${bundle} is missing: run \`npm run build\` first`);
  }
  const runDir = path.join(repoRoot, '.vscode-test', 'e2e', label);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const { runner } = bundleSuite(repoRoot, runDir);
  const workspace = prepareWorkspace(repoRoot, path.join(repoRoot, '.vscode-test', 'e2e', `workspace-${label}`));
  const config: E2EConfig = { mode, workspace, screenshots, repoRoot };
  writeFileSync(path.join(runDir, CONFIG_FILE), JSON.stringify(config, null, 2));
  // What the analyser itself says about the workspace: the suites check the editor shows exactly that.
  writeFileSync(path.join(runDir, EXPECTED_FILE), JSON.stringify(analyzeFolder({ root: workspace }), null, 2));
  return { runDir, runner, workspace };
}

async function answerScreenshots(runDir: string, workbench: Workbench, screenshotDir: string, log: (l: string) => void): Promise<void> {
  for (const name of readdirSync(runDir)) {
    if (!name.startsWith('screenshot-') || !name.endsWith('.request')) continue;
    const requestFile = path.join(runDir, name);
    const request = JSON.parse(readFileSync(requestFile, 'utf8')) as ScreenshotRequest;
    rmSync(requestFile);
    const base = requestFile.replace(/\.request$/, '');
    try {
      if (request.waitFor) {
        await workbench.page.waitForFunction(
          ({ selector, min }) => document.querySelectorAll(selector).length >= min,
          { selector: request.waitFor, min: request.minCount ?? 1 },
          { timeout: 30_000 },
        );
      }
      await workbench.page.waitForTimeout(500); // let the last frame paint
      mkdirSync(screenshotDir, { recursive: true });
      const file = path.join(screenshotDir, `${request.name}.png`);
      await workbench.page.screenshot({ path: file });
      log(`screenshot saved: ${path.relative(process.cwd(), file)}`);
      writeFileSync(`${base}.done`, file);
    } catch (error) {
      writeFileSync(`${base}.error`, String((error as Error).message));
    }
  }
}

export async function runInCodeServer(options: RunOptions): Promise<E2EResults> {
  const log = options.log ?? (() => {});
  const { repoRoot, mode } = options;
  const label = options.label ?? mode;
  const install = installCodeServer(repoRoot, log);
  const { runDir, runner, workspace } = prepareRun(repoRoot, mode, true, label);
  const timeoutMs = options.timeoutMs ?? 300_000;

  let server: RunningCodeServer | undefined;
  let workbench: Workbench | undefined;
  try {
    server = await startCodeServer({
      entry: install.entry,
      stateDir: path.join(repoRoot, '.vscode-test', 'e2e', `state-${label}`),
      workspace,
      env: { CODELETS_LSP_LOG: path.join(runDir, 'server.log') },
      userSettings: {
        'security.workspace.trust.enabled': mode === 'untrusted',
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
        'editor.minimap.enabled': false,
        'window.commandCenter': false,
      },
    });
    log(`code-server (${mode}) listening on ${server.url}`);
    workbench = await openWorkbench({
      port: server.port,
      workspace,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: runner,
    });
    const deadline = Date.now() + timeoutMs;
    const resultsFile = path.join(runDir, RESULTS_FILE);
    while (!existsSync(resultsFile)) {
      if (Date.now() > deadline) {
        const progress = existsSync(path.join(runDir, PROGRESS_FILE)) ? readFileSync(path.join(runDir, PROGRESS_FILE), 'utf8') : '(the runner never started)';
        throw new Error(
          `the end-to-end suite (${mode}) did not report within ${timeoutMs / 1000} s\n` +
            `--- runner progress ---\n${progress.split('\n').slice(-15).join('\n')}\n` +
            `--- workbench console ---\n${workbench.log()}\n` +
            `--- code-server output ---\n${server.output().slice(-3000)}`,
        );
      }
      await answerScreenshots(runDir, workbench, options.screenshotDir, log);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return JSON.parse(readFileSync(resultsFile, 'utf8')) as E2EResults;
  } finally {
    await workbench?.close();
    await server?.stop();
  }
}
