// The Codelet Analyzer: from a TypeScript/JavaScript workspace folder to codelet metadata (metadata.ts).
// A library: no LSP, VS Code or network in it. The CLI, the language server and the agent all use it.
//
// Two passes: per file (boundaries, then facts through the checker's symbols) and per workspace (profiles
// up the call graph, classes, plans). After an edit only the edited file, and its importers when its
// exported shape changed, go through the first pass again; the second reruns where figures change.
import fs from 'node:fs';
import path from 'node:path';
import type { Boundary } from './boundaries';
import { ts } from 'ts-morph';
import { extractFile, registerFile, sameShape, unregisterFile, type ExtractContext } from './extract';
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
  /** The partial program of `preview`, grown as more files are looked at. */
  private previewProgram: WorkspaceProgram | undefined;

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

    const shapeChanged = !old || !sf || !sameShape(this.files.get(abs)?.facts.shape ?? '', oldShape ?? '');
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
    if (file === undefined) return this.result().problems;
    // One file's share of `result().problems`, in the same order, without building the whole result
    // (the language server asks after every edit).
    if (!this.workspace) this.build();
    const abs = normal(path.resolve(this.root, file));
    const rel = path.relative(this.root, path.resolve(this.root, file)).split(path.sep).join('/');
    const own = this.config.problems.filter((p) => p.file === rel);
    const state = this.files.get(abs);
    if (state) for (const p of [...(this.workspace!.readProblems.get(abs) ?? []), ...state.facts.problems]) if (p.file === rel) own.push(p);
    return own;
  }

  /**
   * A first look at a few files (an editor's open documents) before the whole workspace is analysed, in
   * a fraction of the time. A program of just these files, the files they import, and further levels of
   * imports while `maxFiles` allows (re-exports are always followed, so every imported name resolves) is
   * parsed, bound and put through both passes. Calls resolve through the checker exactly as in the whole
   * analysis, so dependencies are the same; a codelet's figures depend only on what it calls, so they are
   * final unless it calls, directly or not, into a file whose own imports were left out: such ids are
   * `pending` (their class and estimate may still change). Touches nothing `analyze`/`update` use.
   * `texts`: editor texts that differ from the files on disk.
   */
  preview(files: string[], texts: Map<string, string> = new Map(), maxFiles = 20): { codelets: Codelet[]; pending: string[] } {
    const wanted = files.map((f) => normal(path.resolve(this.root, f)));
    if (this.workspace) return { codelets: wanted.flatMap((f) => this.codelets(f)), pending: [] };
    const rootNames = new Set(this.config.rootNames);
    const start = wanted.filter((f) => rootNames.has(f) && !isDeclarationFileName(f));
    if (!start.length) return { codelets: [], pending: [] };
    const program = (this.previewProgram ??= new WorkspaceProgram(this.root, this.config, start));
    for (const [file, text] of texts) program.setText(normal(path.resolve(this.root, file)), text);

    // Breadth first over imports; re-exports come along at once (they are part of the importer's names).
    const chosen = new Set<string>(start);
    const importsOf = (file: string) => program.importsOf.get(file) ?? [];
    let level = [...start];
    let first = true;
    while (level.length) {
      program.partial([...chosen], false);
      // Re-export chains of what was just added, to the end.
      const pendingReexports = [...level];
      while (pendingReexports.length) {
        const added: string[] = [];
        for (const file of pendingReexports.splice(0)) {
          for (const i of importsOf(file)) if (i.reexport && rootNames.has(i.target) && !chosen.has(i.target)) { chosen.add(i.target); added.push(i.target); level.push(i.target); }
        }
        if (!added.length) break;
        program.partial([...chosen], false);
        pendingReexports.push(...added);
      }
      const next = new Set<string>();
      for (const file of level) for (const i of importsOf(file)) if (rootNames.has(i.target) && !chosen.has(i.target)) next.add(i.target);
      // The first level (what the files themselves import) always joins: their own calls must resolve.
      if (!next.size || (!first && chosen.size + next.size > maxFiles)) break;
      for (const f of next) chosen.add(f);
      level = [...next];
      first = false;
    }
    program.partial([...chosen], true);

    const ctx: ExtractContext = {
      checker: program.checker,
      isWorkspaceFile: (fileName) => program.isWorkspaceFile(fileName),
      relative: (fileName) => program.relative(fileName),
      codeletByDecl: new Map(),
      stateByDecl: new Map(),
      aliasPrefixes: Object.keys(program.options.paths ?? {}).map((key) => key.replace(/\*.*$/, '')),
      memberNames: new Map(),
      stateNames: new Map(),
    };
    const sources = [...chosen].map((f) => program.program.getSourceFile(f)).filter((sf): sf is ts.SourceFile => !!sf && !sf.isDeclarationFile);
    const registered = sources.map((sf) => registerFile(sf, program.relative(sf.fileName), ctx));
    const linker = new Linker();
    const seeds: string[] = [];
    const byFile = new Map<string, string[]>();
    sources.forEach((sf, i) => {
      const facts = extractFile(sf, sf.fileName, program.relative(sf.fileName), registered[i]!.boundaries, registered[i]!.state, ctx, []);
      linker.replace([], facts.codelets);
      byFile.set(sf.fileName, facts.codelets.map((c) => c.boundary.id));
      for (const c of facts.codelets) seeds.push(c.boundary.id);
    });
    linker.run(seeds);

    // Unsettled: codelets of files with imports left out, and (up the call graph) everything calling them.
    const pending = new Set<string>();
    for (const sf of sources) {
      const complete = ts.isExternalModule(sf) && importsOf(sf.fileName).every((i) => !rootNames.has(i.target) || chosen.has(i.target));
      if (!complete) for (const id of byFile.get(sf.fileName) ?? []) pending.add(id);
    }
    for (let grew = true; grew; ) {
      grew = false;
      for (const [id, f] of linker.facts) {
        if (pending.has(id)) continue;
        if (f.calls.some((c) => pending.has(c.callee!))) { pending.add(id); grew = true; }
      }
    }
    const codelets = start.flatMap((f) => (byFile.get(f) ?? []).map((id) => linker.codelets.get(id)).filter((c): c is Codelet => !!c));
    return { codelets, pending: codelets.filter((c) => pending.has(c.id)).map((c) => c.id) };
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
