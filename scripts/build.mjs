// Bundles every entry point with esbuild: one bundle each. `tsc --noEmit` does the type-checking.
import { build } from 'esbuild';
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

const node = { platform: 'node', target: 'node20', format: 'cjs', bundle: true, sourcemap: 'linked', logLevel: 'warning' };

/** Native modules and packages that load files by path at run time stay outside the bundles. */
const nodeExternals = ['better-sqlite3', 'esbuild', 'piscina'];

const entries = [
  // VS Code client: `vscode` is provided by the extension host.
  { ...node, entryPoints: ['extension/main.ts'], outfile: 'dist/extension.js', external: ['vscode', ...nodeExternals] },
  // Language server: self-contained so the packaged extension needs no node_modules.
  // Minified (like the CLI): a smaller script compiles faster, which is part of the time to the first lenses.
  { ...node, entryPoints: ['server/lsp/main.ts'], outfile: 'dist/server.js', external: nodeExternals, minify: true },
  // The language server's analysis worker thread (loaded by dist/server.js and dist/cli.js from dist/).
  { ...node, entryPoints: ['server/lsp/analysis-worker.ts'], outfile: 'dist/analysis-worker.js', external: nodeExternals, minify: true },
  // CLI: analyze, lsp, agent, run, fleets, schedule. Minified: V8 keeps a bundle's source in memory, and
  // the unminified one (TypeScript included) added ~50 MB to the peak of `codelets analyze` (bench:analyze).
  { ...node, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js', external: nodeExternals, minify: true },
  // The program a fleet worker (thread or child process) runs.
  { ...node, entryPoints: ['agent/fleets/worker/main.ts'], outfile: 'dist/worker.js', external: nodeExternals },
  // The d3 graph, loaded by the webview.
  { platform: 'browser', target: 'chrome120', format: 'iife', bundle: true, sourcemap: 'linked', logLevel: 'warning',
    entryPoints: ['webview/main.ts'], outfile: 'dist/webview/graph.js', minify: true },
];

const started = Date.now();
await mkdir(path.join(root, 'dist/webview'), { recursive: true });
await Promise.all(entries.map((options) => build({ ...options, absWorkingDir: root })));
await cp(path.join(root, 'webview/graph.css'), path.join(root, 'dist/webview/graph.css'));
await cp(path.join(root, 'webview/media/codelets.svg'), path.join(root, 'dist/webview/codelets.svg'));
if (!watch) process.stderr.write(`built ${entries.length} bundles in ${Date.now() - started} ms\n`);
