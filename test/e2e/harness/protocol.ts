// What the harness (outside) and the mocha runner (inside the VS Code extension host) exchange, through
// files in the run folder: the runner bundle's own folder, so nothing depends on environment variables
// reaching the extension host.
export type E2EMode = 'trusted' | 'untrusted';

/** `config.json` in the run folder, written by the harness before VS Code starts. */
export interface E2EConfig {
  mode: E2EMode;
  /** Absolute path of the workspace folder VS Code opened. */
  workspace: string;
  /** Whether a harness is watching for screenshot requests (not under @vscode/test-electron). */
  screenshots: boolean;
  /** Repository root, for suites that read the analyser's expectations. */
  repoRoot: string;
}

export interface E2ETestResult {
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

/** `results.json`, written by the runner when mocha finishes. */
export interface E2EResults {
  passed: number;
  failed: number;
  pending: number;
  tests: E2ETestResult[];
}

export const CONFIG_FILE = 'config.json';
export const RESULTS_FILE = 'results.json';
/** The analyser's own AnalysisResult for the workspace, computed outside VS Code. */
export const EXPECTED_FILE = 'expected.json';
/** The runner appends one line per test event, so a hang can be pinned on a test. */
export const PROGRESS_FILE = 'progress.log';
/** `screenshot-<name>.request` (JSON ScreenshotRequest) → harness writes `screenshot-<name>.done`. */
export interface ScreenshotRequest {
  name: string;
  /** A CSS selector in the workbench page to wait for before taking the picture. */
  waitFor?: string;
  /** Minimum count of elements matching waitFor. */
  minCount?: number;
}
