// The Codelet Analyzer: from a TypeScript/JavaScript workspace folder to codelet metadata (metadata.ts).
// A library: no LSP, VS Code or network in it. The CLI, the language server and the agent all use it.
//
// Two passes: per file (boundaries, then facts through the checker's symbols) and per workspace (profiles
// up the call graph, classes, plans). After an edit only the edited file, and its importers when its
// exported shape changed, go through the first pass again; the second reruns where figures change.
import fs from 'node:fs';
import path from 'node:path';
import type { Boundary } from './boundaries';
import type { ts } from 'ts-morph';
import { extractFile, registerFile, unregisterFile, type ExtractContext } from './extract';
import type { FileFacts } from './facts';
import { Linker } from './link';
import { SCHEMA_VERSION, type AnalysisResult, type Codelet, type Problem } from './metadata';
import { AnalyzerInputError, isDeclarationFileName, isSourceFileName, loadConfig, normal, WorkspaceProgram, type ProgramConfig } from './workspace-program';

export { AnalyzerInputError } from './workspace-program';
export type { AnalysisResult, Codelet, Problem } from './metadata';

export interface AnalyzerOptions {
  /** Folder; its tsconfig.json (or jsconfig.json) is honoured, else a default allowJs config. */
  root: string;
  /** Globs relative to root (default: all .ts/.tsx/.js/.mjs/.cjs minus node_modules, dist, out, .git). */
  include?: string[];
  exclude?: string[];
  onProgress?: (done: number, total: number) => void;
}

interface FileState {
  source: ts.SourceFile;
  boundaries: Boundary[];
  stateNames: Map<string, string>;
  facts: FileFacts;
}

export class WorkspaceAnalyzer {
  readonly root: string;
  private readonly options: AnalyzerOptions;
  private config: ProgramConfig;
  private workspace: WorkspaceProgram | undefined;
  private files = new Map<string, FileState>();
  private linker = new Linker();
  private context: ExtractContext | undefined;
  private cached: AnalysisResult | undefined;

  /** Throws AnalyzerInputError when the folder does not exist or holds no sources. */
  static open(options: AnalyzerOptions): WorkspaceAnalyzer {
    const root = normal(path.resolve(options.root));
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(root);
    } catch {
      throw new AnalyzerInputError(`folder not found: ${root}`);
    }
    if (!stat.isDirectory()) throw new AnalyzerInputError(`not a folder: ${root}`);
    const config = loadConfig({ root, include: options.include, exclude: options.exclude });
    if (!config.rootNames.some((f) => !isDeclarationFileName(f))) {
      throw new AnalyzerInputError(`no TypeScript or JavaScript sources in ${root}`);
    }
    return new WorkspaceAnalyzer(root, options, config);
  }

  private constructor(root: string, options: AnalyzerOptions, config: ProgramConfig) {
    this.root = root;
    this.options = options;
    this.config = config;
  }

  /** The whole workspace; computed once, then kept current by `update`. */
  analyze(): AnalysisResult {
    if (!this.workspace) this.build();
    return this.result();
  }

  /**
   * A file changed (`text`) or was deleted (`undefined`). Re-analyses it, and its importers when what it
   * exports changed; returns the workspace-relative files whose codelets changed.
   */
  update(file: string, text: string | undefined): { changedFiles: string[] } {
    if (!this.workspace) this.build();
    const workspace = this.workspace!;
    const abs = normal(path.resolve(this.root, file));
    const base = path.basename(abs);
    if (base === 'tsconfig.json' || base === 'jsconfig.json') {
      const before = new Set(this.files.keys());
      this.config = loadConfig({ root: this.root, include: this.options.include, exclude: this.options.exclude });
      this.build();
      const all = new Set([...before, ...this.files.keys()]);
      return { changedFiles: [...all].map((f) => workspace.relative(f)).sort() };
    }
    const wasInWorkspace = workspace.isWorkspaceFile(abs);
    let joins = false;
    if (!wasInWorkspace) {
      if (text === undefined || !isSourceFileName(abs) || !abs.startsWith(this.root + '/')) return { changedFiles: [] };
      // A new file: it joins only if the config's include/exclude take it (a rare event, worth a listing).
      this.config = { ...this.config, rootNames: loadConfig({ root: this.root, include: this.options.include, exclude: this.options.exclude }).rootNames };
      joins = this.config.rootNames.includes(abs);
      if (!joins) return { changedFiles: [] };
    }
    workspace.setText(abs, text, joins);
    workspace.rebuild();
    const ctx = this.newContext();

    const old = this.files.get(abs);
    const oldShape = old?.facts.shape;
    if (old) unregisterFile(old.boundaries, old.source, old.stateNames, ctx);

    const redo = new Set<string>();
    const sf = text === undefined ? undefined : workspace.program.getSourceFile(abs);
    if (sf && !sf.isDeclarationFile) {
      const registered = registerFile(sf, workspace.relative(abs), ctx);
      this.files.set(abs, { source: sf, boundaries: registered.boundaries, stateNames: registered.state, facts: old?.facts ?? emptyFacts(abs, workspace.relative(abs)) });
      redo.add(abs);
    } else {
      this.files.delete(abs);
    }

    const seeds = new Set<string>();
    const extractOne = (name: string) => {
      const state = this.files.get(name);
      const source = workspace.program.getSourceFile(name);
      if (!state || !source) return;
      const previousIds = state.facts.codelets.map((c) => c.boundary.id);
      state.facts = extractFile(source, name, workspace.relative(name), state.boundaries, state.stateNames, ctx, workspace.program.getSyntacticDiagnostics(source));
      for (const id of this.linker.replace(previousIds, state.facts.codelets)) seeds.add(id);
    };
    for (const name of redo) extractOne(name);
    if (!sf && old) for (const id of this.linker.replace(old.facts.codelets.map((c) => c.boundary.id), [])) seeds.add(id);

    const shapeChanged = !old || !sf || this.files.get(abs)?.facts.shape !== oldShape;
    const changedFiles = new Set<string>([workspace.relative(abs)]);
    if (shapeChanged) {
      // Importers resolve names into this file: they get a new look, and so do importers of files that
      // re-export it. A new file may satisfy an import that did not resolve before.
      const stem = path.basename(abs).replace(/\.[^.]+$/, '');
      const pending = [abs];
      const done = new Set<string>([abs]);
      while (pending.length > 0) {
        const target = pending.pop()!;
        for (const [name, state] of this.files) {
          if (done.has(name)) continue;
          const importsIt = state.facts.imports.has(target) || (!old && target === abs && workspace.program.getSourceFile(name)?.text.includes(stem));
          if (!importsIt) continue;
          done.add(name);
          extractOne(name);
          if (state.facts.reexports.has(target)) pending.push(name);
        }
      }
    }
    for (const id of this.linker.run(seeds)) changedFiles.add(id.slice(0, id.indexOf('#')));
    this.cached = undefined;
    return { changedFiles: [...changedFiles].sort() };
  }

  result(): AnalysisResult {
    if (!this.workspace) this.build();
    if (this.cached) return this.cached;
    const codelets: Codelet[] = [];
    const problems: Problem[] = [...this.config.problems];
    const names = [...this.files.keys()].sort();
    for (const name of names) {
      const state = this.files.get(name)!;
      for (const c of state.facts.codelets) {
        const record = this.linker.codelets.get(c.boundary.id);
        if (record) codelets.push(record);
      }
      problems.push(...(this.workspace!.readProblems.get(name) ?? []), ...state.facts.problems);
    }
    const edges = this.linker.edges().sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
    this.cached = { schemaVersion: SCHEMA_VERSION, root: this.root, codelets, edges, problems };
    return this.cached;
  }

  /** Codelets of one file (absolute or workspace-relative), or of the whole workspace. */
  codelets(file?: string): Codelet[] {
    if (file === undefined) return this.result().codelets;
    if (!this.workspace) this.build();
    const state = this.files.get(normal(path.resolve(this.root, file)));
    if (!state) return [];
    return state.facts.codelets.map((c) => this.linker.codelets.get(c.boundary.id)).filter((c): c is Codelet => c !== undefined);
  }

  codelet(id: string): Codelet | undefined {
    if (!this.workspace) this.build();
    return this.linker.codelets.get(id);
  }

  problems(file?: string): Problem[] {
    const all = this.result().problems;
    if (file === undefined) return all;
    const rel = path.relative(this.root, path.resolve(this.root, file)).split(path.sep).join('/');
    return all.filter((p) => p.file === rel);
  }

  private newContext(): ExtractContext {
    const workspace = this.workspace!;
    const ctx = this.context!;
    ctx.checker = workspace.checker;
    return ctx;
  }

  private build(): void {
    // Parsing and binding come first and take a while: report 0 so a progress bar can show up at once.
    this.options.onProgress?.(0, this.config.rootNames.filter((f) => !isDeclarationFileName(f)).length);
    const workspace = new WorkspaceProgram(this.root, this.config);
    this.workspace = workspace;
    this.files = new Map();
    this.linker = new Linker();
    this.cached = undefined;
    const aliasPrefixes = Object.keys(workspace.options.paths ?? {}).map((key) => key.replace(/\*.*$/, ''));
    this.context = {
      checker: workspace.checker,
      isWorkspaceFile: (fileName) => workspace.isWorkspaceFile(fileName),
      relative: (fileName) => workspace.relative(fileName),
      codeletByDecl: new Map(),
      stateByDecl: new Map(),
      aliasPrefixes,
      memberNames: new Map(),
      stateNames: new Map(),
    };
    const ctx = this.context;
    const sources = workspace.workspaceSourceFiles().filter((sf) => !sf.isDeclarationFile);
    for (const sf of sources) {
      const rel = workspace.relative(sf.fileName);
      const registered = registerFile(sf, rel, ctx);
      this.files.set(sf.fileName, { source: sf, boundaries: registered.boundaries, stateNames: registered.state, facts: emptyFacts(sf.fileName, rel) });
    }
    const seeds: string[] = [];
    let done = 0;
    for (const sf of sources) {
      const state = this.files.get(sf.fileName)!;
      state.facts = extractFile(sf, sf.fileName, workspace.relative(sf.fileName), state.boundaries, state.stateNames, ctx, workspace.program.getSyntacticDiagnostics(sf));
      this.linker.replace([], state.facts.codelets);
      for (const c of state.facts.codelets) seeds.push(c.boundary.id);
      this.options.onProgress?.(++done, sources.length);
    }
    this.linker.run(seeds);
  }
}

function emptyFacts(file: string, rel: string): FileFacts {
  return { file, rel, codelets: [], problems: [], imports: new Set(), reexports: new Set(), shape: '' };
}

/** Analyses a folder once. Throws AnalyzerInputError for a missing folder or one without sources. */
export function analyzeFolder(options: AnalyzerOptions): AnalysisResult {
  return WorkspaceAnalyzer.open(options).analyze();
}
