// Installs code-server (a real VS Code whose extension host is plain Node) into the git-ignored cache
// `.vscode-test/code-server`, following shared/real-vscode-offline.md. Idempotent: a marker file records
// a finished install, and a half-finished one is wiped and redone.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, copyFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

export interface CodeServerInstall {
  /** The folder holding node_modules/code-server. */
  dir: string;
  /** `out/node/entry.js`, run with node. */
  entry: string;
}

function run(cwd: string, command: string, args: string[], log: (line: string) => void): void {
  log(`[code-server install] ${path.relative(process.cwd(), cwd) || '.'}: ${command} ${args.join(' ')}`);
  try {
    execFileSync(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(
      `code-server install step failed in ${cwd}: ${command} ${args.join(' ')}\n${e.stderr?.toString() ?? ''}${e.stdout?.toString().slice(-4000) ?? ''}`,
    );
  }
}

function which(binary: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${binary}`]).toString().trim();
  } catch {
    throw new Error(`code-server install needs "${binary}" on PATH (Debian package ${binary === 'rg' ? 'ripgrep' : binary})`);
  }
}

export function installCodeServer(repoRoot: string, log: (line: string) => void = () => {}): CodeServerInstall {
  const dir = path.join(repoRoot, '.vscode-test', 'code-server');
  const marker = path.join(dir, `.installed-${CODE_SERVER_VERSION}`);
  const pkg = path.join(dir, 'node_modules', 'code-server');
  const result = { dir, entry: path.join(pkg, 'out', 'node', 'entry.js') };
  if (existsSync(marker) && existsSync(result.entry)) return result;

  const started = Date.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // A package.json of its own, so npm installs here and not into the repository.
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'codelets-code-server-cache', private: true }));
  const npm = 'npm';
  // Its postinstall refuses to run as root under npm 11, so its steps run by hand below.
  run(dir, npm, ['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts', '--no-save'], log);
  run(dir, npm, ['rebuild', 'argon2'], log);

  const vscodeDir = path.join(pkg, 'lib', 'vscode');
  run(vscodeDir, npm, ['install', '--omit=dev', '--ignore-scripts'], log);
  // @vscode/ripgrep downloads a binary from the internet unless its bin/ exists: use Debian's rg.
  const rgBin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  copyFileSync(which('rg'), path.join(rgBin, 'rg'));
  run(vscodeDir, npm, ['rebuild'], log);
  const link = (target: string, at: string) => {
    rmSync(at, { force: true });
    symlinkSync(target, at);
  };
  link('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  link('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  link('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
  run(path.join(vscodeDir, 'extensions'), npm, ['install', '--omit=dev'], log);

  if (!existsSync(result.entry)) throw new Error(`code-server install finished but ${result.entry} is missing`);
  writeFileSync(marker, new Date().toISOString());
  log(`[code-server install] done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return result;
}

// `npx tsx test/e2e/harness/install-code-server.ts` installs it on its own.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  installCodeServer(path.resolve(__dirname, '../../..'), (line) => console.log(line));
}
