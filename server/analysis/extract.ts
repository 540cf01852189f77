// The per-file pass: walks each codelet's body once over the raw TypeScript AST, resolving calls through
// the type checker's symbols (never full signatures or types) and collecting what the body does: loops,
// calls into I/O, CPU and GPU libraries, allocations, module state, `this`.
import { ts } from 'ts-morph';
import {
  allocationCost, GROWING_METHODS, globalCallCost, ITERATING_METHODS, KNOWN_GLOBALS, moduleCallCost, REGEX_METHODS,
  type ApiCost,
} from './api-catalog';
import { findBoundaries, nodeRange, type Boundary } from './boundaries';
import type { CallSite, CodeletFacts, FileFacts, Signal } from './facts';
import type { Problem } from './metadata';
import { draftPlan } from './plan';
import { accessPath, unwrapExpression } from './syntax';

// ts-morph's `ts` namespace exposes its members through getters; the hot paths read each one once.
const {
  flattenDiagnosticMessageText,
  forEachChild,
  getModifiers,
  isArrayLiteralExpression,
  isArrowFunction,
  isAwaitExpression,
  isBinaryExpression,
  isBindingElement,
  isBlock,
  isCallExpression,
  isClassDeclaration,
  isClassExpression,
  isConstructorDeclaration,
  isDeleteExpression,
  isElementAccessExpression,
  isExportDeclaration,
  isExternalModule,
  isExternalModuleReference,
  isForInStatement,
  isForOfStatement,
  isForStatement,
  isFunctionDeclaration,
  isFunctionExpression,
  isIdentifier,
  isImportDeclaration,
  isImportEqualsDeclaration,
  isInterfaceDeclaration,
  isMethodDeclaration,
  isMethodSignature,
  isModuleDeclaration,
  isNamedExports,
  isNamedImports,
  isNamespaceImport,
  isNewExpression,
  isNumericLiteral,
  isObjectBindingPattern,
  isObjectLiteralExpression,
  isOmittedExpression,
  isParameter,
  isParenthesizedExpression,
  isPostfixUnaryExpression,
  isPrefixUnaryExpression,
  isPrivateIdentifier,
  isPropertyAccessExpression,
  isPropertyAssignment,
  isPropertyDeclaration,
  isPropertySignature,
  isQualifiedName,
  isRegularExpressionLiteral,
  isReturnStatement,
  isSourceFile,
  isStringLiteral,
  isStringLiteralLike,
  isTypeReferenceNode,
  isVariableDeclaration,
  isVariableStatement,
} = ts;
const SK = ts.SyntaxKind;
const NodeFlags = ts.NodeFlags;
const SymbolFlags = ts.SymbolFlags;


export interface ExtractContext {
  checker: ts.TypeChecker;
  isWorkspaceFile(fileName: string): boolean;
  relative(fileName: string): string;
  /** Declaration node → codelet id, for every workspace file. */
  codeletByDecl: Map<ts.Node, string>;
  /** Declaration node → module state id. */
  stateByDecl: Map<ts.Node, string>;
  /** `paths` prefixes of the tsconfig: such specifiers are workspace modules, not packages. */
  aliasPrefixes: string[];
  /**
   * Member names a codelet can be reached by (method and function names, export names), counted per file
   * that declares them. A call `x.name()` whose name is not here cannot be a codelet: no checker needed.
   */
  memberNames: Map<string, number>;
  /** Names of module state variables anywhere in the workspace, counted likewise. */
  stateNames: Map<string, number>;
}

function countName(map: Map<string, number>, name: string, delta: number): void {
  const next = (map.get(name) ?? 0) + delta;
  if (next <= 0) map.delete(name);
  else map.set(name, next);
}

/** The names under which a file's codelets and state can be reached from elsewhere. */
function reachableNames(boundaries: Boundary[], sf: ts.SourceFile): { members: Set<string>; state: Set<string> } {
  const members = new Set<string>();
  for (const b of boundaries) {
    members.add(b.name.replace(/~\d+$/, '').split('.').pop()!);
    for (const part of b.invoke?.exportPath ?? []) members.add(part);
  }
  const state = new Set<string>();
  for (const stmt of sf.statements) {
    if (isExportDeclaration(stmt) && stmt.exportClause && isNamedExports(stmt.exportClause)) {
      for (const el of stmt.exportClause.elements) members.add(el.name.text);
    }
  }
  return { members, state };
}

/** What a local name refers to when it comes from a package: the module and the member path below it. */
interface Origin {
  module: string;
  path: string[];
}

const MUTATING_METHODS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'set', 'add', 'delete', 'clear', 'copyWithin']);


function isPackageSpecifier(specifier: string, aliasPrefixes: string[]): boolean {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return false;
  return !aliasPrefixes.some((prefix) => specifier.startsWith(prefix));
}

/** Phase one for a file: its codelets and module-level state, registered in the context maps. */
export function registerFile(sf: ts.SourceFile, rel: string, ctx: ExtractContext): { boundaries: Boundary[]; state: Map<string, string> } {
  const boundaries = findBoundaries(sf, rel);
  for (const b of boundaries) ctx.codeletByDecl.set(b.declaration, b.id);
  for (const name of reachableNames(boundaries, sf).members) countName(ctx.memberNames, name, 1);
  const state = new Map<string, string>();
  for (const stmt of sf.statements) {
    if (!isVariableStatement(stmt)) continue;
    const isConst = (stmt.declarationList.flags & NodeFlags.Const) !== 0;
    for (const decl of stmt.declarationList.declarations) {
      if (!isIdentifier(decl.name)) continue;
      const init = decl.initializer && unwrapExpression(decl.initializer);
      if (init && (isArrowFunction(init) || isFunctionExpression(init) || isClassExpression(init))) continue;
      if (init && isCallExpression(init) && isIdentifier(init.expression) && init.expression.text === 'require') continue;
      // A const is state only when it holds something mutable (object, array, Map, instance).
      const mutable = !isConst || (init !== undefined && (isObjectLiteralExpression(init) || isArrayLiteralExpression(init) || isNewExpression(init)));
      if (!mutable) continue;
      const id = `${rel}#${decl.name.text}`;
      ctx.stateByDecl.set(decl, id);
      state.set(decl.name.text, id);
      countName(ctx.stateNames, decl.name.text, 1);
    }
  }
  return { boundaries, state };
}

/** Undoes registerFile for a file's old source (before an edit or a deletion). */
export function unregisterFile(boundaries: Boundary[], sf: ts.SourceFile, state: Map<string, string>, ctx: ExtractContext): void {
  for (const b of boundaries) ctx.codeletByDecl.delete(b.declaration);
  for (const name of reachableNames(boundaries, sf).members) countName(ctx.memberNames, name, -1);
  for (const name of state.keys()) countName(ctx.stateNames, name, -1);
  for (const stmt of sf.statements) {
    if (isVariableStatement(stmt)) for (const decl of stmt.declarationList.declarations) ctx.stateByDecl.delete(decl);
  }
}

/** Phase two for a file: the facts of each codelet. Needs every file registered first. */
export function extractFile(sf: ts.SourceFile, file: string, rel: string, boundaries: Boundary[], stateNames: Map<string, string>, ctx: ExtractContext, syntaxProblems: readonly ts.Diagnostic[]): FileFacts {
  const origins = new Map<string, Origin>();
  const imports = new Set<string>();
  const reexports = new Set<string>();
  /** Names that may denote module state: this file's state plus every imported binding. */
  const stateCandidates = new Set<string>(stateNames.keys());

  const noteModule = (specifier: ts.Expression, reexport: boolean) => {
    if (!isStringLiteralLike(specifier) || isPackageSpecifier(specifier.text, ctx.aliasPrefixes)) return;
    const target = ctx.checker.getSymbolAtLocation(specifier)?.valueDeclaration;
    if (target && isSourceFile(target) && ctx.isWorkspaceFile(target.fileName)) {
      imports.add(target.fileName);
      if (reexport) reexports.add(target.fileName);
    }
  };

  for (const stmt of sf.statements) {
    if (isImportDeclaration(stmt) && isStringLiteral(stmt.moduleSpecifier)) {
      const specifier = stmt.moduleSpecifier.text;
      const pkg = isPackageSpecifier(specifier, ctx.aliasPrefixes);
      noteModule(stmt.moduleSpecifier, false);
      const clause = stmt.importClause;
      if (!clause) continue;
      if (clause.name) {
        if (pkg) origins.set(clause.name.text, { module: specifier, path: [] });
        else if (ctx.stateNames.has(clause.name.text)) stateCandidates.add(clause.name.text);
      }
      const bindings = clause.namedBindings;
      if (bindings && isNamespaceImport(bindings) && pkg) origins.set(bindings.name.text, { module: specifier, path: [] });
      if (bindings && isNamedImports(bindings)) {
        for (const el of bindings.elements) {
          if (pkg) origins.set(el.name.text, { module: specifier, path: [(el.propertyName ?? el.name).text] });
          else if (ctx.stateNames.has((el.propertyName ?? el.name).text)) stateCandidates.add(el.name.text);
        }
      }
    } else if (isExportDeclaration(stmt) && stmt.moduleSpecifier) {
      noteModule(stmt.moduleSpecifier, true);
    } else if (isImportEqualsDeclaration(stmt) && isExternalModuleReference(stmt.moduleReference)) {
      const spec = stmt.moduleReference.expression;
      if (isStringLiteral(spec) && isPackageSpecifier(spec.text, ctx.aliasPrefixes)) origins.set(stmt.name.text, { module: spec.text, path: [] });
      else noteModule(spec, false);
    } else if (isVariableStatement(stmt)) {
      for (const decl of stmt.declarationList.declarations) {
        if (!decl.initializer) continue;
        const required = requireSpecifier(decl.initializer);
        if (required !== undefined) {
          if (isPackageSpecifier(required.text, ctx.aliasPrefixes)) bindOrigin(decl.name, { module: required.text, path: [] }, origins);
          else {
            noteModule(required, false);
            const names = new Set<string>();
            collectNames(decl.name, names);
            for (const name of names) if (ctx.stateNames.has(name)) stateCandidates.add(name);
          }
        } else if (isIdentifier(decl.name)) {
          // `const client = new Redis()`: calls on `client` are Redis calls even without its types.
          const origin = clientOrigin(decl.initializer, origins);
          if (origin) origins.set(decl.name.text, origin);
        }
      }
    }
  }

  const gpuHint = /\bcuda\b|'dml'|"dml"|\bwebgpu\b/i.test(sf.text);
  const walker = new BodyWalker(sf, ctx, origins, stateCandidates, gpuHint);
  const codelets = boundaries.map((b) => walker.walk(b));

  const problems: Problem[] = syntaxProblems.map((d) => ({
    file: rel,
    message: flattenDiagnosticMessageText(d.messageText, '\n'),
    range: nodeRangeOf(sf, d.start ?? 0, (d.start ?? 0) + (d.length ?? 0)),
  }));
  return { file, rel, codelets, problems, imports, reexports, shape: shapeOf(sf, boundaries) };
}

function nodeRangeOf(sf: ts.SourceFile, start: number, end: number) {
  const s = sf.getLineAndCharacterOfPosition(start);
  const e = sf.getLineAndCharacterOfPosition(Math.min(end, sf.text.length));
  return { start: { line: s.line, character: s.character }, end: { line: e.line, character: e.character } };
}

function shapeOf(sf: ts.SourceFile, boundaries: Boundary[]): string {
  const bodies = boundaries
    .map((b) => b.fn.body)
    .filter((body): body is ts.ConciseBody => body !== undefined)
    .map((body) => [body.pos, body.end] as const)
    .sort((a, b) => a[0] - b[0]);
  let out = boundaries.map((b) => `${b.id}:${b.exported}:${b.invoke?.exportPath.join('.') ?? ''}`).join('|') + '\n';
  let at = 0;
  for (const [pos, end] of bodies) {
    if (pos < at) continue;
    out += sf.text.slice(at, pos) + '{}';
    at = end;
  }
  return out + sf.text.slice(at);
}

/**
 * Whether two shapes (see `shapeOf`) differ only in comments and white space: then importers need no new
 * look. Tokens are compared without a parser, so a shape with a `/` (regular expression or division) or a
 * template with substitutions, which a bare scanner may misread, counts as changed.
 */
export function sameShape(a: string, b: string): boolean {
  if (a === b) return true;
  // The first line lists the codelets (ids, exports): it must match as it is.
  const na = a.indexOf('\n');
  if (na !== b.indexOf('\n') || a.slice(0, na) !== b.slice(0, na)) return false;
  const ta = shapeTokens(a.slice(na + 1));
  return ta !== undefined && ta === shapeTokens(b.slice(na + 1));
}

function shapeTokens(text: string): string | undefined {
  const { SyntaxKind } = ts;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const parts: string[] = [];
  for (let kind = scanner.scan(); kind !== SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === SyntaxKind.SlashToken || kind === SyntaxKind.SlashEqualsToken || kind === SyntaxKind.TemplateHead || kind === SyntaxKind.Unknown) return undefined;
    parts.push(scanner.getTokenText());
  }
  return parts.join('\u0000');
}

function requireSpecifier(expr: ts.Expression): ts.StringLiteral | undefined {
  const e = unwrapExpression(expr);
  if (isCallExpression(e) && isIdentifier(e.expression) && e.expression.text === 'require' && e.arguments.length === 1) {
    const arg = e.arguments[0]!;
    if (isStringLiteral(arg)) return arg;
  }
  if (isPropertyAccessExpression(e)) return requireSpecifier(e.expression);
  return undefined;
}

function bindOrigin(name: ts.BindingName, origin: Origin, origins: Map<string, Origin>): void {
  if (isIdentifier(name)) origins.set(name.text, origin);
  else if (isObjectBindingPattern(name)) {
    for (const el of name.elements) {
      if (!isIdentifier(el.name)) continue;
      const key = el.propertyName && isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
      origins.set(el.name.text, { module: origin.module, path: [...origin.path, key] });
    }
  }
}

function collectNames(name: ts.BindingName, into: Set<string>): void {
  if (isIdentifier(name)) into.add(name.text);
  else for (const el of name.elements) if (!isOmittedExpression(el)) collectNames(el.name, into);
}


function originOf(expr: ts.Expression, origins: Map<string, Origin>): Origin | undefined {
  const path = accessPath(expr, true);
  if (!path) return undefined;
  const origin = origins.get(path[0]!);
  return origin && { module: origin.module, path: [...origin.path, ...path.slice(1)] };
}

const NODE_BUILTINS = new Set(['fs', 'fs/promises', 'path', 'url', 'util', 'os', 'crypto', 'zlib', 'stream', 'child_process', 'http', 'https', 'net', 'events', 'readline', 'buffer', 'dns', 'tls']);

/**
 * The origin a local variable inherits from its initializer: a client object (`new Redis()`,
 * `pg.connect()`, `createHash()`), not plain data a built-in returned (`await readFile()`).
 */
function clientOrigin(init: ts.Expression, origins: Map<string, Origin>): Origin | undefined {
  const origin = originOf(init, origins);
  if (!origin) return undefined;
  let e = unwrapExpression(init);
  if (isAwaitExpression(e)) e = unwrapExpression(e.expression);
  if (isNewExpression(e)) return origin;
  const builtin = NODE_BUILTINS.has(origin.module.replace(/^node:/, ''));
  if (!builtin) return origin;
  const last = origin.path[origin.path.length - 1] ?? '';
  return /^(create|connect|open|spawn|fork|exec)/.test(last) ? origin : undefined;
}

/** `this.pool.query()` where the class declares `pool: Pool` (Pool from a package): the package and path. */
function thisFieldOrigin(callee: ts.Expression, origins: Map<string, Origin>): Origin | undefined {
  const parts: string[] = [];
  let e = callee;
  while (isPropertyAccessExpression(e)) {
    parts.unshift(e.name.text);
    e = unwrapExpression(e.expression);
  }
  if (e.kind !== SK.ThisKeyword || parts.length < 2) return undefined;
  const origin = origins.get(`this.${parts[0]}`);
  return origin && { module: origin.module, path: [...origin.path, ...parts.slice(1)] };
}

/** Origins of the fields of a method's class (`private pool: Pool`, `constructor(private db: Db)`). */
function classFieldOrigins(fn: ts.Node, origins: Map<string, Origin>, setOrigin: (name: string, origin: Origin) => void): void {
  const cls = fn.parent;
  if (!cls || !(isClassDeclaration(cls) || isClassExpression(cls))) return;
  for (const member of cls.members) {
    if (isPropertyDeclaration(member) && isIdentifier(member.name)) {
      const origin = (member.type && typeOrigin(member.type, origins)) || (member.initializer && clientOrigin(member.initializer, origins));
      if (origin) setOrigin(`this.${member.name.text}`, origin);
    } else if (isConstructorDeclaration(member)) {
      for (const p of member.parameters) {
        if (isIdentifier(p.name) && p.type && getModifiers(p)?.length) {
          const origin = typeOrigin(p.type, origins);
          if (origin) setOrigin(`this.${p.name.text}`, origin);
        }
      }
    }
  }
}

function siblingMethod(member: ts.Node, name: string): ts.Node | undefined {
  const cls = member.parent;
  if (!cls || !(isClassDeclaration(cls) || isClassExpression(cls))) return undefined;
  return cls.members.find((m) => (isMethodDeclaration(m) || isPropertyDeclaration(m)) && m.name !== undefined && isIdentifier(m.name) && m.name.text === name);
}

/** The first `let`/`var` local of the body that a nested function refers to. */
function capturedMutable(closures: ts.Node[], mutable: Set<string>): { closure: ts.Node; name: string } | undefined {
  for (const closure of closures) {
    let found: string | undefined;
    const look = (n: ts.Node): boolean | undefined => {
      if (isIdentifier(n) && mutable.has(n.escapedText as string) && !(isVariableDeclaration(n.parent) && n.parent.name === n)) {
        found = n.text;
        return true;
      }
      return forEachChild(n, look);
    };
    if (forEachChild(closure, look)) return { closure, name: found! };
  }
  return undefined;
}

function typeOrigin(type: ts.TypeNode, origins: Map<string, Origin>): Origin | undefined {
  if (!isTypeReferenceNode(type)) return undefined;
  let name: ts.EntityName = type.typeName;
  while (isQualifiedName(name)) name = name.left;
  return origins.get(name.text);
}

function literalNumber(expr: ts.Expression | undefined): number | null {
  if (!expr) return null;
  const e = unwrapExpression(expr);
  if (isNumericLiteral(e)) return Number(e.text.replace(/_/g, ''));
  if (isBinaryExpression(e) && e.operatorToken.kind === SK.AsteriskToken) {
    const a = literalNumber(e.left);
    const b = literalNumber(e.right);
    return a !== null && b !== null ? a * b : null;
  }
  if (isBinaryExpression(e) && e.operatorToken.kind === SK.AsteriskAsteriskToken) {
    const a = literalNumber(e.left);
    const b = literalNumber(e.right);
    return a !== null && b !== null ? a ** b : null;
  }
  return null;
}

interface LoopRecord {
  line: number;
  depth: number;
  bound: number | null;
  what: string;
  hasAwait: boolean;
  /** The body grows collections: its time goes into allocation more than computation. */
  hasGrowth: boolean;
}

interface Frame {
  node: ts.Node;
  loops: LoopRecord[];
}

const MAX_DEPTH = 800;

class BodyWalker {
  constructor(
    private readonly sf: ts.SourceFile,
    private readonly ctx: ExtractContext,
    private readonly fileOrigins: Map<string, Origin>,
    private readonly stateCandidates: Set<string>,
    private readonly gpuHint: boolean,
  ) {}

  walk(boundary: Boundary): CodeletFacts {
    const sf = this.sf;
    const signals: Signal[] = [];
    const calls: CallSite[] = [];
    const unresolved: string[] = [];
    const reads = new Set<string>();
    const writes = new Set<string>();
    const loops: LoopRecord[] = [];
    // Copied only when the body binds a local to a package object: most bodies do not.
    let origins = this.fileOrigins;
    const setOrigin = (name: string, origin: Origin) => {
      if (origins === this.fileOrigins) origins = new Map(origins);
      origins.set(name, origin);
    };
    const loopCallbacks = new Map<ts.Node, string>();
    let usesThis = false;
    let fixedMs = 0;
    let opaqueCall: string | undefined;
    const mutableLocals = new Set<string>();
    const closures: ts.Node[] = [];
    let firstIoLine: number | undefined;
    let firstCpuLine: number | undefined;
    const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
    const signal = (resource: Signal['resource'], weight: number, reason: string, line: number) => {
      if (weight <= 0) return;
      signals.push({ resource, weight, reason, line });
      if (resource === 'io' && firstIoLine === undefined) firstIoLine = line;
      if (resource === 'cpu' && weight >= 0.3 && firstCpuLine === undefined) firstCpuLine = line;
    };
    const apiSignal = (cost: ApiCost, name: string, node: ts.Node, loopsHere: LoopRecord[]) => {
      const line = lineOf(node);
      if (cost.fixedMs !== undefined) fixedMs += cost.fixedMs;
      else opaqueCall ??= name;
      const inLoop = loopsHere.length > 0;
      const weight = inLoop ? Math.min(1, cost.weight * 1.35) : cost.weight;
      signal(cost.resource, weight, `line ${line + 1}: ${name} (${cost.what})${inLoop ? ' in a loop' : ''}`, line);
    };

    const fn = boundary.fn;
    if (boundary.kind === 'method') classFieldOrigins(boundary.declaration, origins, setOrigin);
    // `pool: Pool` with Pool from 'pg': calls on `pool` are PostgreSQL calls even when pg's types are missing.
    for (const p of fn.parameters) {
      const origin = p.type && typeOrigin(p.type, origins);
      if (origin && isIdentifier(p.name)) setOrigin(p.name.text, origin);
    }
    // Recursive walk over the raw AST with no allocation per node; past MAX_DEPTH the subtree is queued
    // and walked from a fresh stack, so 5,000-deep expressions cannot overflow.
    let enclosing: LoopRecord[] = [];
    let depth = 0;
    const deferred: Frame[] = [];
    const visit = (node: ts.Node): undefined => {
      const saved = enclosing;
      let childLoops = enclosing;
      switch (node.kind) {
        case SK.ForStatement:
        case SK.ForOfStatement:
        case SK.ForInStatement:
        case SK.WhileStatement:
        case SK.DoStatement: {
          const rec = this.loopRecord(node as ts.IterationStatement, enclosing.length + 1, lineOf(node));
          loops.push(rec);
          childLoops = [...enclosing, rec];
          break;
        }
        case SK.ThisKeyword:
          usesThis = true;
          break;
        case SK.AwaitExpression:
          for (const l of enclosing) l.hasAwait = true;
          break;
        case SK.RegularExpressionLiteral:
          if (enclosing.length > 0) signal('cpu', 0.2, `line ${lineOf(node) + 1}: a regular expression in a loop`, lineOf(node));
          break;
        case SK.VariableDeclaration: {
          const decl = node as ts.VariableDeclaration;
          if (isIdentifier(decl.name)) {
            const origin = (decl.initializer && clientOrigin(decl.initializer, origins)) || (decl.type && typeOrigin(decl.type, origins));
            if (origin) setOrigin(decl.name.text, origin);
            if ((decl.parent.flags & (NodeFlags.Const | NodeFlags.Using)) === 0) mutableLocals.add(decl.name.escapedText as string);
          }
          break;
        }
        case SK.Identifier: {
          // escapedText is a plain field (`text` is a getter); they differ only for names starting with `__`.
          const id = node as ts.Identifier;
          if (this.stateCandidates.has(id.escapedText as string)) this.noteState(id, reads, writes);
          break;
        }
        case SK.BinaryExpression: {
          const bin = node as ts.BinaryExpression;
          if (enclosing.length > 0 && bin.operatorToken.kind === SK.EqualsToken && isElementAccessExpression(unwrapExpression(bin.left))) {
            signal('memory', enclosing.length > 1 ? 0.6 : 0.4, `line ${lineOf(node) + 1}: fills a collection by index in a loop`, lineOf(node));
            for (const l of enclosing) l.hasGrowth = true;
          }
          break;
        }
        case SK.NewExpression: {
          const ne = node as ts.NewExpression;
          const path = accessPath(ne.expression);
          if (path) {
            const origin = origins.get(path[0]!);
            if (!origin && path.length === 1) {
              const size = ne.arguments && ne.arguments.length === 1 ? literalNumber(ne.arguments[0]) : ne.arguments?.length ? null : 0;
              const cost = allocationCost(path[0]!, size);
              if (cost) apiSignal(cost, `new ${path[0]}`, ne, enclosing);
              else if ((path[0] === 'Map' || path[0] === 'Set') && enclosing.length > 0) {
                signal('memory', 0.3, `line ${lineOf(ne) + 1}: new ${path[0]} per loop iteration`, lineOf(ne));
              }
            } else if (origin) {
              const cost = moduleCallCost(origin.module, [...origin.path, ...path.slice(1)], this.gpuHint);
              if (cost && cost.resource !== 'io') apiSignal(cost, `new ${path.join('.')}`, ne, enclosing);
            }
          }
          break;
        }
        case SK.CallExpression: {
          const call = node as ts.CallExpression;
          const site = this.resolveCall(call, boundary, origins, enclosing.length > 0, lineOf(call));
          if (site.callee) {
            calls.push(site);
            if (site.callee === boundary.id) signal('cpu', 0.45, `line ${site.line + 1}: recursive call`, site.line);
          } else if (site.api) {
            apiSignal(site.api, calleeText(call), call, enclosing);
          } else if (site.dynamic) {
            unresolved.push(`line ${site.line + 1}: ${calleeText(call)}`);
          }
          const callee = unwrapExpression(call.expression);
          if (isPropertyAccessExpression(callee)) {
            const method = callee.name.text;
            if (ITERATING_METHODS.has(method) && method !== 'sort' && method !== 'toSorted') {
              for (const arg of call.arguments) {
                if (isArrowFunction(arg) || isFunctionExpression(arg)) loopCallbacks.set(arg, `.${method}()`);
              }
              if (method === 'sort' || method === 'toSorted') signal('cpu', 0.25, `line ${site.line + 1}: sorts a collection`, site.line);
            }
            if (GROWING_METHODS.has(method) && enclosing.length > 0 && !site.callee && !site.api) {
              signal('memory', enclosing.length > 1 ? 0.65 : 0.45, `line ${site.line + 1}: grows a collection (.${method}) in a loop`, site.line);
              for (const l of enclosing) l.hasGrowth = true;
            }
            if (REGEX_METHODS.has(method) && call.arguments.some((a) => isRegularExpressionLiteral(a))) {
              signal('cpu', enclosing.length > 0 ? 0.3 : 0.15, `line ${site.line + 1}: regular expression over text (.${method})`, site.line);
            }
          }
          break;
        }
        case SK.ArrowFunction:
        case SK.FunctionExpression:
        case SK.FunctionDeclaration:
        case SK.MethodDeclaration:
        case SK.GetAccessor:
        case SK.SetAccessor:
        case SK.Constructor:
          closures.push(node);
          if (loopCallbacks.has(node)) {
            const rec: LoopRecord = { line: lineOf(node), depth: enclosing.length + 1, bound: null, what: `a ${loopCallbacks.get(node)} callback per element`, hasAwait: false, hasGrowth: false };
            loops.push(rec);
            childLoops = [...enclosing, rec];
          }
      }
      // Type annotations hold no calls, loops or state: not descending into them saves a good share of nodes.
      if (node.kind >= SK.FirstTypeNode && node.kind <= SK.LastTypeNode) return undefined;
      if (depth < MAX_DEPTH) {
        enclosing = childLoops;
        depth++;
        forEachChild(node, visit);
        depth--;
      } else {
        deferred.push({ node, loops: childLoops });
      }
      enclosing = saved;
      return undefined;
    };
    if (fn.body) visit(fn.body);
    for (const p of fn.parameters) if (p.initializer) visit(p.initializer);
    while (deferred.length > 0) {
      const frame = deferred.pop()!;
      enclosing = frame.loops;
      depth = 0;
      forEachChild(frame.node, visit);
    }
    enclosing = [];

    let loopIterations: number | null | undefined;
    for (const loop of loops) {
      const base = loop.depth === 1 ? 0.25 : loop.depth === 2 ? 0.45 : 0.65;
      let weight = loop.bound === null ? base : loop.bound >= 100_000 ? Math.min(0.9, base + 0.3) : loop.bound <= 100 ? base * 0.3 : base;
      // A loop that awaits on every turn is paced by what it waits for, not by the processor.
      if (loop.hasAwait) weight *= 0.3;
      else if (loop.hasGrowth) weight *= 0.4;
      const bound = loop.bound === null ? 'a data-dependent bound' : `${loop.bound.toLocaleString('en-US')} iterations`;
      signal('cpu', weight, `line ${loop.line + 1}: loop${loop.depth > 1 ? ` nested ${loop.depth} deep` : ''} over ${loop.what} (${bound})`, loop.line);
      if (loop.depth === 1) {
        // Literal bounds multiply along nesting; one unknown bound makes the whole count unknown.
        const iterations = iterationsOf(loops, loops.indexOf(loop));
        loopIterations = loopIterations === null || iterations === null ? null : (loopIterations ?? 0) + iterations;
      }
    }

    for (const s of signals) {
      if (s.resource === 'io' && (firstIoLine === undefined || s.line < firstIoLine)) firstIoLine = s.line;
      if (s.resource === 'cpu' && s.weight >= 0.3 && (firstCpuLine === undefined || s.line < firstCpuLine)) firstCpuLine = s.line;
    }
    const body = fn.body;
    const statementLines = body && isBlock(body) ? body.statements.map((s) => lineOf(s)) : [];
    const draft = draftPlan(boundary, sf, calls, reads, writes, usesThis);
    if (closures.length > 0 && mutableLocals.size > 0) {
      const captured = capturedMutable(closures, mutableLocals);
      if (captured) {
        draft.reasons.push(`line ${lineOf(captured.closure) + 1}: a closure over the mutable local \`${captured.name}\``);
        draft.steps = [];
        draft.result = null;
      }
    }
    return {
      boundary,
      signals,
      calls,
      unresolved,
      stateReads: [...reads],
      stateWrites: [...writes],
      usesThis: usesThis && boundary.kind === 'method',
      loopIterations,
      fixedMs,
      opaqueCall,
      firstIoLine,
      firstCpuLine,
      statementLines,
      draft,
    };
  }

  private loopRecord(node: ts.IterationStatement, depth: number, line: number): LoopRecord {
    let bound: number | null = null;
    let what = 'a condition';
    if (isForStatement(node)) {
      const cond = node.condition && unwrapExpression(node.condition);
      if (cond && isBinaryExpression(cond)) {
        const op = cond.operatorToken.kind;
        if (op === SK.LessThanToken || op === SK.LessThanEqualsToken) {
          bound = literalNumber(cond.right);
          what = bound === null ? `\`${cond.right.getText(this.sf).slice(0, 40)}\`` : 'a counter';
        }
      }
    } else if (isForOfStatement(node) || isForInStatement(node)) {
      const iterated = unwrapExpression(node.expression);
      if (isArrayLiteralExpression(iterated)) bound = iterated.elements.length;
      what = `\`${node.expression.getText(this.sf).slice(0, 40)}\``;
    }
    return { line, depth, bound, what, hasAwait: false, hasGrowth: false };
  }

  private noteState(id: ts.Identifier, reads: Set<string>, writes: Set<string>): void {
    const parent = id.parent;
    if (!parent || (isPropertyAccessExpression(parent) && parent.name === id) || isPropertyAssignment(parent) && parent.name === id) return;
    if ((isVariableDeclaration(parent) || isParameter(parent) || isFunctionDeclaration(parent) || isBindingElement(parent)) && parent.name === id) return;
    let symbol = this.ctx.checker.getSymbolAtLocation(id);
    if (symbol && symbol.flags & SymbolFlags.Alias) symbol = this.ctx.checker.getAliasedSymbol(symbol);
    const decl = symbol?.valueDeclaration;
    const stateId = decl && this.ctx.stateByDecl.get(decl);
    if (!stateId) return;
    if (isWrite(id)) writes.add(stateId);
    else reads.add(stateId);
  }

  private resolveCall(call: ts.CallExpression, boundary: Boundary, origins: Map<string, Origin>, inLoop: boolean, line: number): CallSite & { dynamic?: boolean } {
    const site: CallSite & { dynamic?: boolean } = { awaited: isAwaited(call), inLoop, line, node: call };
    const calleeExpr = unwrapExpression(call.expression);
    if (calleeExpr.kind === SK.SuperKeyword || calleeExpr.kind === SK.ImportKeyword) return site;
    const path = accessPath(calleeExpr);
    const chain = path ?? accessPath(calleeExpr, true);
    // Calls on package imports and on well-known globals are recognised without the checker.
    const origin = chain && origins.get(chain[0]!);
    if (chain && origin) {
      site.api = moduleCallCost(origin.module, [...origin.path, ...chain.slice(1)], this.gpuHint);
      return site;
    }
    if (path) {
      if (KNOWN_GLOBALS.has(path[0]!) && !this.stateCandidates.has(path[0]!)) {
        site.api = globalCallCost(path);
        if (path[0] === 'Buffer' && /^alloc/.test(path[1] ?? '') && call.arguments.length > 0) {
          site.api = allocationCost('ArrayBuffer', literalNumber(call.arguments[0]));
        }
        return site;
      }
    }
    let nameNode: ts.Node | undefined;
    if (isIdentifier(calleeExpr)) nameNode = calleeExpr;
    else if (isPropertyAccessExpression(calleeExpr)) nameNode = calleeExpr.name;
    else if (isElementAccessExpression(calleeExpr)) nameNode = calleeExpr.argumentExpression;
    if (nameNode && isPropertyAccessExpression(calleeExpr) && calleeExpr.expression.kind === SK.ThisKeyword && boundary.kind === 'method') {
      // `this.other()` on a method of the same class: found in the class itself, no type needed.
      const sibling = siblingMethod(boundary.declaration, calleeExpr.name.text);
      const id = sibling && this.ctx.codeletByDecl.get(sibling);
      if (id) {
        site.callee = id;
        return site;
      }
    }
    if (nameNode && !isIdentifier(calleeExpr)) {
      // `x.push()`, `this.items.filter()`: a member no codelet is named after is a built-in or library
      // call. The checker would have to compute the receiver's type to say more; skipping it is what
      // keeps the analysis well under a type check.
      const member = isIdentifier(nameNode) || isPrivateIdentifier(nameNode) ? nameNode.text : isStringLiteralLike(nameNode) ? nameNode.text : undefined;
      if (member !== undefined && !this.ctx.memberNames.has(member)) {
        const fieldOrigin = thisFieldOrigin(calleeExpr, origins);
        if (fieldOrigin) site.api = moduleCallCost(fieldOrigin.module, fieldOrigin.path, this.gpuHint);
        return site;
      }
    }
    if (!nameNode) {
      site.dynamic = !isFunctionExpression(calleeExpr) && !isArrowFunction(calleeExpr);
      return site;
    }
    let symbol = this.ctx.checker.getSymbolAtLocation(nameNode);
    if (symbol && symbol.flags & SymbolFlags.Alias) symbol = this.ctx.checker.getAliasedSymbol(symbol);
    const decls = symbol?.declarations;
    if (!symbol || !decls || decls.length === 0) {
      site.dynamic = true;
      return site;
    }
    for (const decl of decls) {
      const id = this.ctx.codeletByDecl.get(decl);
      if (id) {
        site.callee = id;
        return site;
      }
    }
    const decl = decls[0]!;
    const declFile = decl.getSourceFile();
    if (this.ctx.isWorkspaceFile(declFile.fileName)) {
      // A nested function or a parameter: part of this codelet, or a value passed in.
      site.dynamic = isParameter(decl) || isPropertySignature(decl) || isMethodSignature(decl);
      return site;
    }
    const module = externalModuleOf(decl, declFile);
    const member = path ? path.slice(-1) : [symbol.name];
    site.api = module === undefined ? globalCallCost(path ?? [symbol.name]) : moduleCallCost(module, [...ownerPath(decl), ...member], this.gpuHint);
    return site;
  }
}

/** Iterations of loop `index` including the loops inside it (loops are recorded in pre-order). */
function iterationsOf(loops: LoopRecord[], index: number): number | null {
  const outer = loops[index]!;
  if (outer.bound === null) return null;
  let inner = 0;
  for (let i = index + 1; i < loops.length && loops[i]!.depth > outer.depth; i++) {
    if (loops[i]!.depth !== outer.depth + 1) continue;
    const child = iterationsOf(loops, i);
    if (child === null) return null;
    inner += child;
  }
  return outer.bound * Math.max(1, inner);
}

function ownerPath(decl: ts.Node): string[] {
  const parent = decl.parent;
  if (parent && (isInterfaceDeclaration(parent) || isClassDeclaration(parent)) && parent.name) return [parent.name.text];
  return [];
}

/** The package or ambient module (`declare module "fs"`) a declaration comes from; undefined for globals. */
function externalModuleOf(decl: ts.Node, sf: ts.SourceFile): string | undefined {
  for (let n: ts.Node | undefined = decl; n; n = n.parent) {
    if (isModuleDeclaration(n) && isStringLiteral(n.name)) return n.name.text;
  }
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(sf.fileName);
  if (!match || match[1] === 'typescript') return undefined;
  const pkg = match[1]!;
  if (pkg.startsWith('@types/')) {
    const name = pkg.slice(7);
    return name.includes('__') ? `@${name.replace('__', '/')}` : name;
  }
  return sf.isDeclarationFile && !isExternalModule(sf) ? undefined : pkg;
}

function isWrite(id: ts.Identifier): boolean {
  let node: ts.Node = id;
  let parent = node.parent;
  // `state.x = …`, `state[k] = …`, `state.push(…)` mutate the state object.
  while (parent && (isPropertyAccessExpression(parent) || isElementAccessExpression(parent)) && parent.expression === node) {
    const grand = parent.parent;
    if (isCallExpression(grand) && grand.expression === parent && isPropertyAccessExpression(parent) && MUTATING_METHODS.has(parent.name.text)) return true;
    node = parent;
    parent = grand;
  }
  if (!parent) return false;
  if (isBinaryExpression(parent) && parent.left === node) {
    const op = parent.operatorToken.kind;
    return op >= SK.FirstAssignment && op <= SK.LastAssignment;
  }
  if ((isPrefixUnaryExpression(parent) || isPostfixUnaryExpression(parent)) && (parent.operator === SK.PlusPlusToken || parent.operator === SK.MinusMinusToken)) return true;
  if (isDeleteExpression(parent)) return true;
  return false;
}

function isAwaited(call: ts.CallExpression): boolean {
  let node: ts.Node = call;
  let parent = node.parent;
  while (parent && isParenthesizedExpression(parent)) {
    node = parent;
    parent = parent.parent;
  }
  if (!parent) return false;
  if (isAwaitExpression(parent) || isReturnStatement(parent) || isArrowFunction(parent)) return true;
  if (isArrayLiteralExpression(parent) && isCallExpression(parent.parent)) {
    const text = accessPath(parent.parent.expression)?.join('.');
    return text !== undefined && /^Promise\.(all|allSettled|race|any)$/.test(text);
  }
  return false;
}

export function calleeText(call: ts.CallExpression): string {
  const path = accessPath(call.expression);
  if (path) return `${path.join('.')}()`;
  const callee = unwrapExpression(call.expression);
  if (isPropertyAccessExpression(callee)) return `….${callee.name.text}()`;
  return 'a computed function()';
}

export { nodeRange };
