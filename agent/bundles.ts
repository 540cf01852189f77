// Code reaches workers as one esbuild bundle per codelet module (the module and everything it imports),
// built once per content hash and kept in `<state>/bundles/`. Inline source maps let a user's error show
// the original TypeScript file and line. A manifest remembers each module's inputs so a restart reuses
// bundles whose inputs are unchanged.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { fileStamp } from './file-stamp';

interface Entry {
  /** Absolute input paths with their size + mtime at build time. */
  inputs: { file: string; stamp: string }[];
  hash: string;
  bundle: string;
}

export class BundleError extends Error {
  override name = 'BundleError';
}

export class BundleCache {
  private readonly dir: string;
  private readonly manifestFile: string;
  private manifest: Record<string, Entry> = {};
  private readonly building = new Map<string, Promise<string>>();
  /** When each module's inputs were last found unchanged: re-checked at most every 250 ms. */
  private readonly checked = new Map<string, number>();

  constructor(
    private readonly workspace: string,
    stateDir: string,
  ) {
    this.dir = path.join(stateDir, 'bundles');
    mkdirSync(this.dir, { recursive: true });
    this.manifestFile = path.join(this.dir, 'manifest.json');
    try {
      this.manifest = JSON.parse(readFileSync(this.manifestFile, 'utf8'));
    } catch {
      this.manifest = {};
    }
  }

  /** Path of the bundle for a workspace-relative (or absolute) module, building it if its inputs changed. */
  async bundleFor(module: string): Promise<string> {
    const abs = path.resolve(this.workspace, module);
    const entry = this.manifest[abs];
    const t = Date.now();
    if (entry && t - (this.checked.get(abs) ?? 0) < 250) return entry.bundle;
    if (entry && existsSync(entry.bundle) && entry.inputs.every((i) => fileStamp(i.file) === i.stamp)) {
      this.checked.set(abs, t);
      return entry.bundle;
    }
    let pending = this.building.get(abs);
    if (!pending) {
      pending = this.build(abs).finally(() => this.building.delete(abs));
      this.building.set(abs, pending);
    }
    return pending;
  }

  private async build(abs: string): Promise<string> {
    if (!existsSync(abs)) throw new BundleError(`module ${path.relative(this.workspace, abs)} does not exist`);
    let result;
    try {
      result = await build({
        entryPoints: [abs],
        absWorkingDir: this.workspace,
        bundle: true,
        platform: 'node',
        target: `node${process.versions.node.split('.')[0]}`,
        format: 'cjs',
        sourcemap: 'inline',
        sourcesContent: false,
        write: false,
        metafile: true,
        logLevel: 'silent',
        // Native addons cannot be bundled; they load from the workspace's node_modules at run time.
        external: ['*.node'],
        outfile: path.join(this.dir, 'out.js'),
      });
    } catch (error) {
      const errors = (error as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors ?? [];
      const detail = errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`).join('; ');
      throw new BundleError(`cannot bundle ${path.relative(this.workspace, abs)}: ${detail || (error as Error).message}`);
    }
    const code = result.outputFiles[0]!.contents;
    const hash = createHash('sha256').update(code).digest('hex').slice(0, 20);
    const bundle = path.join(this.dir, `${hash}.js`);
    // Source map paths are relative to the output folder; the bundle sits in the same folder, so they hold.
    if (!existsSync(bundle)) writeFileSync(bundle, code);
    const inputs = Object.keys(result.metafile!.inputs).map((f) => {
      const file = path.resolve(this.workspace, f);
      return { file, stamp: fileStamp(file) };
    });
    this.manifest[abs] = { inputs, hash, bundle };
    this.checked.set(abs, Date.now());
    writeFileSync(this.manifestFile, JSON.stringify(this.manifest));
    return bundle;
  }
}

