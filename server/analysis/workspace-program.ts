// The TypeScript program over a workspace folder: which files belong to it (tsconfig or a default allowJs
// config), reading them safely (encodings, files too deeply nested to parse) and rebuilding the program
// after an edit while reusing every unchanged source file, so the binder's work is kept.
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { getLibFiles } from '@ts-morph/common';
import { ts } from 'ts-morph';
import type { Problem } from './metadata';

export class AnalyzerInputError extends Error {
  override name = 'AnalyzerInputError';
}

export interface WorkspaceFiles {
  root: string;
  include?: string[];
  exclude?: string[];
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const DEFAULT_EXCLUDE = ['**/node_modules', '**/dist', '**/out', '**/.git'];

/** A file the workspace program takes in: sources and declaration files. */
export function isSourceFileName(fileName: string): boolean {
  return SOURCE_EXTENSIONS.some((ext) => fileName.endsWith(ext));
}

export function isDeclarationFileName(fileName: string): boolean {
  return /\.d\.[cm]?ts$/.test(fileName) || /\.d\.[^/]*\.ts$/.test(fileName);
}

/** Compiler options when the folder has no tsconfig.json: plain JavaScript and TypeScript, no DOM. */
function defaultOptions(): ts.CompilerOptions {
  return {
    allowJs: true,
    checkJs: false,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts'],
    types: [],
    noEmit: true,
    skipLibCheck: true,
    resolveJsonModule: false,
  };
}

export interface ProgramConfig {
  options: ts.CompilerOptions;
  rootNames: string[];
  problems: Problem[];
}

const origin = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Reads tsconfig.json (or jsconfig.json) when present; otherwise a default config over all sources. */
export function loadConfig(spec: WorkspaceFiles): ProgramConfig {
  const root = spec.root;
  const problems: Problem[] = [];
  let options = defaultOptions();
  let raw: { include?: string[]; exclude?: string[]; files?: string[] } = {};
  const configName = ['tsconfig.json', 'jsconfig.json'].find((name) => fs.existsSync(path.join(root, name)));
  if (configName) {
    const configPath = path.join(root, configName);
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    if (read.error) {
      problems.push({ file: configName, message: `cannot read ${configName}: ${flatten(read.error.messageText)}; using defaults`, range: origin });
    } else {
      const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
      for (const error of parsed.errors.filter((e) => e.code !== 18003)) {
        problems.push({ file: configName, message: `${configName}: ${flatten(error.messageText)}`, range: origin });
      }
      options = { ...parsed.options, noEmit: true, allowJs: parsed.options.allowJs ?? configName === 'jsconfig.json' };
      raw = { include: read.config.include, exclude: read.config.exclude, files: read.config.files };
      if (!spec.include && !spec.exclude) {
        return { options, rootNames: parsed.fileNames.filter(isSourceFileName).map(normal), problems };
      }
    }
  }
  const include = spec.include ?? raw.include ?? ['**/*'];
  const exclude = [...DEFAULT_EXCLUDE, ...(spec.exclude ?? raw.exclude ?? [])];
  const parsed = ts.parseJsonConfigFileContent({ include, exclude, compilerOptions: { allowJs: true } }, ts.sys, root);
  return { options, rootNames: parsed.fileNames.filter(isSourceFileName).map(normal), problems };
}

function flatten(message: string | ts.DiagnosticMessageChain): string {
  return ts.flattenDiagnosticMessageText(message, '\n');
}

export function normal(fileName: string): string {
  return path.resolve(fileName).split(path.sep).join('/');
}

/**
 * The user's options, narrowed to what the analysis needs: symbols of workspace code. Library declaration
 * files (@types, packages, DOM) are not loaded: calls into libraries are recognised by their import
 * specifiers (api-catalog.ts), and skipping tens of thousands of declaration lines is most of what keeps
 * the analysis at a fraction of a type check's time and memory.
 */
function analysisOptions(options: ts.CompilerOptions): ts.CompilerOptions {
  const narrowed: ts.CompilerOptions = { ...options, types: [], noEmit: true, skipLibCheck: true, declaration: false, composite: false, incremental: false };
  const webLib = /^lib\.(dom|webworker|scripthost)/i;
  const defaultLib = ts.getDefaultLibFileName(options).replace('.full.d.ts', '.d.ts');
  narrowed.lib = (options.lib ?? [defaultLib]).map((l) => path.basename(l)).filter((l) => !webLib.test(l));
  if (narrowed.lib.length === 0) narrowed.lib = [defaultLib];
  return narrowed;
}

/** Resolved modules outside the workspace (packages, anything under node_modules) are left unresolved. */
function withinWorkspace(root: string, resolved: ts.ResolvedModuleFull | undefined): boolean {
  if (!resolved) return false;
  const file = normal(resolved.resolvedFileName);
  return file.startsWith(root + '/') && !file.includes('/node_modules/') && !resolved.isExternalLibraryImport;
}

function sameParseOptions(a: ts.ScriptTarget | ts.CreateSourceFileOptions | undefined, b: ts.ScriptTarget | ts.CreateSourceFileOptions): boolean {
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  return a.languageVersion === b.languageVersion && a.impliedNodeFormat === b.impliedNodeFormat && a.jsDocParsingMode === b.jsDocParsingMode;
}

interface CachedFile {
  text: string;
  sourceFile?: ts.SourceFile;
  key?: string;
  /** The parse options of `sourceFile`. */
  options?: ts.ScriptTarget | ts.CreateSourceFileOptions;
}

/**
 * TypeScript's own lib.*.d.ts files come from ts-morph's in-memory copy: the bundled CLI and language
 * server have no typescript/lib folder next to them.
 */
const LIB_DIR = '/__codelets__/node_modules/typescript/lib';
let libTexts: Map<string, string> | undefined;
function libText(fileName: string): string | undefined {
  if (!fileName.startsWith(LIB_DIR + '/')) return undefined;
  libTexts ??= new Map(getLibFiles().map((f) => [`${LIB_DIR}/${f.fileName}`, f.text]));
  return libTexts.get(fileName);
}

/** Declaration files of libraries and of TypeScript itself, shared by every analyzer in the process. */
const sharedLibraryFiles = new Map<string, ts.SourceFile>();

/**
 * Holds the texts of the workspace files, parsed source files and the current program. `setText` records an
 * edit; `rebuild` makes a new program from the old one.
 */
export class WorkspaceProgram {
  readonly root: string;
  options: ts.CompilerOptions;
  rootNames: Set<string>;
  program: ts.Program;
  checker: ts.TypeChecker;
  /** Problems found while reading or parsing a file (encoding, nesting), by absolute file name. */
  readonly readProblems = new Map<string, Problem[]>();
  private readonly files = new Map<string, CachedFile>();
  private readonly host: ts.CompilerHost;

  /**
   * Workspace files each file imports (resolved), and whether through a re-export (`export … from`);
   * recorded as the program resolves them, for `partial`.
   */
  readonly importsOf = new Map<string, { target: string; reexport: boolean }[]>();

  /** `only`: a partial program of just these files (see `partial`); the checker then comes from `partial`. */
  constructor(root: string, config: ProgramConfig, only?: string[]) {
    this.root = root;
    this.options = analysisOptions(config.options);
    this.rootNames = new Set(config.rootNames);
    this.host = this.createHost();
    if (only) {
      this.program = ts.createProgram({ rootNames: only, options: { ...this.options, noResolve: true }, host: this.host });
      this.checker = undefined as unknown as ts.TypeChecker;
      return;
    }
    this.program = ts.createProgram({ rootNames: [...this.rootNames], options: this.options, host: this.host });
    this.checker = this.program.getTypeChecker();
  }

  /**
   * A program of exactly `files` (imports are resolved and recorded in `importsOf`, but the files they
   * name join only when listed): a first look at a few files without parsing the whole workspace. Parsed
   * files are kept, so growing the list costs only the new files. `bind`: make the checker too.
   */
  partial(files: string[], bind: boolean): void {
    this.program = ts.createProgram({ rootNames: files, options: { ...this.options, noResolve: true }, host: this.host, oldProgram: this.program });
    if (bind) this.checker = this.program.getTypeChecker();
  }

  isWorkspaceFile(fileName: string): boolean {
    return this.rootNames.has(fileName);
  }

  relative(fileName: string): string {
    return path.relative(this.root, fileName).split(path.sep).join('/');
  }

  /**
   * Records new text for a file (undefined: deleted). `addToWorkspace`: a new file the config includes
   * becomes a root of the program.
   */
  setText(fileName: string, text: string | undefined, addToWorkspace = false): void {
    if (text === undefined || !this.files.has(fileName)) this.probes.clear();
    if (text === undefined) {
      this.files.delete(fileName);
      this.rootNames.delete(fileName);
      this.readProblems.delete(fileName);
      return;
    }
    this.files.set(fileName, { text });
    this.readProblems.delete(fileName);
    if (addToWorkspace) this.rootNames.add(fileName);
  }

  rebuild(): void {
    this.program = ts.createProgram({ rootNames: [...this.rootNames], options: this.options, host: this.host, oldProgram: this.program });
    this.checker = this.program.getTypeChecker();
  }

  workspaceSourceFiles(): ts.SourceFile[] {
    const out: ts.SourceFile[] = [];
    for (const name of this.rootNames) {
      const sf = this.program.getSourceFile(name);
      if (sf) out.push(sf);
    }
    return out;
  }

  private readSource(fileName: string): string | undefined {
    const lib = libText(fileName);
    if (lib !== undefined) return lib;
    let text: string;
    try {
      // Decoding straight to a string keeps no Buffer alive; the bytes are looked at again only when the
      // text has a replacement character or a UTF-16 byte-order mark.
      text = fs.readFileSync(fileName, 'utf8');
    } catch {
      return undefined;
    }
    if (text.charCodeAt(0) === 0xfeff) return text.slice(1);
    if (!text.includes('\ufffd')) return text;
    const bytes = fs.readFileSync(fileName);
    if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
      const swapped = Buffer.from(bytes.subarray(2));
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
    if (!isUtf8(bytes) && this.rootNames.has(fileName)) {
      this.addReadProblem(fileName, 'the file is not valid UTF-8; invalid bytes were read as U+FFFD');
    }
    return text;
  }

  /**
   * File-system probes of module resolution, remembered: every edit re-resolves the edited file's imports,
   * and asking the disk each time showed up in the per-keystroke profile. Forgotten when files come or go.
   */
  private readonly probes = new Map<string, boolean>();
  private probe(key: string, ask: (key: string) => boolean): boolean {
    let known = this.probes.get(key);
    if (known === undefined) this.probes.set(key, (known = ask(key)));
    return known;
  }

  private addReadProblem(fileName: string, message: string): void {
    const list = this.readProblems.get(fileName) ?? [];
    list.push({ file: this.relative(fileName), message, range: origin });
    this.readProblems.set(fileName, list);
  }

  private createHost(): ts.CompilerHost {
    const base = ts.createCompilerHost(this.options, true);
    // Called for every file on every rebuild: names are normalised once, and the options key is built
    // from the fields that change how a file parses.
    const names = new Map<string, string>();
    const getSourceFile = (fileName: string, languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions): ts.SourceFile | undefined => {
      let name = names.get(fileName);
      if (name === undefined) names.set(fileName, (name = normal(fileName)));
      // Fast path, taken by every unchanged file on a rebuild: same parse options as last time.
      const known = this.files.get(name);
      if (known?.sourceFile && sameParseOptions(known.options, languageVersion)) return known.sourceFile;
      const key = typeof languageVersion === 'object' ? `${languageVersion.languageVersion}|${languageVersion.impliedNodeFormat}|${languageVersion.jsDocParsingMode}` : String(languageVersion);
      const shared = !this.rootNames.has(name) && /\/node_modules\//.test(name);
      if (shared) {
        const hit = sharedLibraryFiles.get(name + key);
        if (hit) return hit;
      }
      let entry = this.files.get(name);
      if (!entry) {
        const text = this.readSource(name);
        if (text === undefined) return undefined;
        entry = { text };
        if (!shared) this.files.set(name, entry);
      }
      if (entry.sourceFile && entry.key === key) {
        entry.options = languageVersion;
        return entry.sourceFile;
      }
      let sourceFile: ts.SourceFile;
      try {
        sourceFile = ts.createSourceFile(fileName, entry.text, languageVersion, false);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        // The parser recurses once per nesting level; a file nested thousands deep cannot be parsed.
        this.addReadProblem(name, 'the file is nested too deeply to parse (maximum call stack exceeded); it was skipped');
        sourceFile = ts.createSourceFile(fileName, '', languageVersion, false);
      }
      if (shared) sharedLibraryFiles.set(name + key, sourceFile);
      else {
        entry.sourceFile = sourceFile;
        entry.key = key;
        entry.options = languageVersion;
      }
      return sourceFile;
    };
    const cache = ts.createModuleResolutionCache(this.root, (f) => f, this.options);
    const resolveModuleNameLiterals = (literals: readonly ts.StringLiteralLike[], containingFile: string, redirected: ts.ResolvedProjectReference | undefined, options: ts.CompilerOptions, containingSourceFile: ts.SourceFile): ts.ResolvedModuleWithFailedLookupLocations[] =>
      literals.map((literal) => {
        if (!literal.text.startsWith('.') && !literal.text.startsWith('/') && !options.paths && !options.baseUrl) {
          return { resolvedModule: undefined };
        }
        const mode = ts.getModeForUsageLocation(containingSourceFile, literal, options);
        const result = ts.resolveModuleName(literal.text, containingFile, options, host, cache, redirected, mode);
        // Only the resolution is kept: the failed lookup locations serve file watchers, which we are not.
        return { resolvedModule: withinWorkspace(this.root, result.resolvedModule) ? result.resolvedModule : undefined };
      });
    const recordingResolve: typeof resolveModuleNameLiterals = (literals, containingFile, redirected, options, containingSourceFile) => {
      const resolved = resolveModuleNameLiterals(literals, containingFile, redirected, options, containingSourceFile);
      const imports: { target: string; reexport: boolean }[] = [];
      resolved.forEach((r, i) => {
        if (r.resolvedModule) imports.push({ target: normal(r.resolvedModule.resolvedFileName), reexport: literals[i]!.parent?.kind === ts.SyntaxKind.ExportDeclaration });
      });
      this.importsOf.set(normal(containingFile), imports);
      return resolved;
    };
    const host: ts.CompilerHost = {
      ...base,
      // JSDoc matters for types only in JavaScript; TypeScript files skip parsing it, as tsc does.
      jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeInfo,
      resolveModuleNameLiterals: recordingResolve,
      resolveTypeReferenceDirectiveReferences: (refs) => refs.map(() => ({ resolvedTypeReferenceDirective: undefined })),
      getSourceFile,
      getDefaultLibLocation: () => LIB_DIR,
      getDefaultLibFileName: (options) => `${LIB_DIR}/${ts.getDefaultLibFileName(options)}`,
      fileExists: (fileName) => this.files.has(normal(fileName)) || libText(fileName) !== undefined || this.probe(fileName, base.fileExists),
      directoryExists: (dir) => this.probe(`${dir}/`, (d) => base.directoryExists?.(d.slice(0, -1)) ?? true),
      readFile: (fileName) => this.files.get(normal(fileName))?.text ?? libText(fileName) ?? base.readFile(fileName),
    };
    return host;
  }
}
