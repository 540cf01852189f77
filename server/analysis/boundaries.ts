// Where codelets are in a source file: top-level functions, functions bound to module-level consts, class
// methods and object-literal methods, each with its id, ranges and how a worker can reach it (exports).
// Purely syntactic: no type checker, so it is cheap to redo for an edited file.
import { ts } from 'ts-morph';
import type { CodeletKind, Invoke, Range } from './metadata';

// ts-morph's `ts` namespace exposes its members through getters; the hot paths read each one once.
const {
  canHaveModifiers,
  getModifiers,
  isArrowFunction,
  isAsExpression,
  isBinaryExpression,
  isClassDeclaration,
  isClassExpression,
  isExportAssignment,
  isExportDeclaration,
  isExpressionStatement,
  isFunctionDeclaration,
  isFunctionExpression,
  isIdentifier,
  isMethodDeclaration,
  isModuleBlock,
  isModuleDeclaration,
  isNamedExports,
  isNoSubstitutionTemplateLiteral,
  isNumericLiteral,
  isObjectLiteralExpression,
  isParenthesizedExpression,
  isPrivateIdentifier,
  isPropertyAccessExpression,
  isPropertyAssignment,
  isPropertyDeclaration,
  isSatisfiesExpression,
  isShorthandPropertyAssignment,
  isStringLiteral,
  isTypeAssertionExpression,
  isVariableStatement,
} = ts;
const SK = ts.SyntaxKind;
const NodeFlags = ts.NodeFlags;


export type FunctionNode = ts.FunctionDeclaration | ts.MethodDeclaration | ts.ArrowFunction | ts.FunctionExpression;

export interface Boundary {
  id: string;
  name: string;
  kind: CodeletKind;
  /** The function itself (its body is what gets analysed). */
  fn: FunctionNode;
  /** The node a symbol's declaration points at: the function, variable, property or method. */
  declaration: ts.Node;
  range: Range;
  selectionRange: Range;
  exported: boolean;
  async: boolean;
  invoke: Invoke | null;
  /** The class it belongs to, for methods. */
  className?: string;
  isStatic?: boolean;
}

interface Candidate {
  qualified: string[];
  kind: CodeletKind;
  fn: FunctionNode;
  declaration: ts.Node;
  rangeNode: ts.Node;
  nameNode: ts.Node;
  /** Local binding whose export makes the codelet reachable, and the path below it. */
  binding?: string;
  below: string[];
  className?: string;
  isStatic?: boolean;
  instance?: boolean;
}

function unwrap(expr: ts.Expression): ts.Expression {
  while (isParenthesizedExpression(expr) || isAsExpression(expr) || isSatisfiesExpression(expr) || isTypeAssertionExpression(expr)) {
    expr = expr.expression;
  }
  return expr;
}

function propertyName(name: ts.PropertyName | ts.BindingName): string | undefined {
  if (isIdentifier(name) || isPrivateIdentifier(name)) return name.text;
  if (isStringLiteral(name) || isNumericLiteral(name) || isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return canHaveModifiers(node) && (getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}

function isFunctionValue(expr: ts.Expression): expr is ts.ArrowFunction | ts.FunctionExpression {
  return isArrowFunction(expr) || isFunctionExpression(expr);
}

function isAsync(fn: FunctionNode): boolean {
  return hasModifier(fn, SK.AsyncKeyword);
}

export function toRange(sf: ts.SourceFile, start: number, end: number): Range {
  const s = sf.getLineAndCharacterOfPosition(start);
  const e = sf.getLineAndCharacterOfPosition(end);
  return { start: { line: s.line, character: s.character }, end: { line: e.line, character: e.character } };
}

export function nodeRange(sf: ts.SourceFile, node: ts.Node): Range {
  return toRange(sf, node.getStart(sf), node.getEnd());
}

/** Finds the codelets of one file. `relPath` is its workspace-relative posix path. */
export function findBoundaries(sf: ts.SourceFile, relPath: string): Boundary[] {
  const candidates: Candidate[] = [];
  /** local binding name → export path head (`default`, or the exported name). */
  const exportsOf = new Map<string, string>();

  function objectMembers(obj: ts.ObjectLiteralExpression, prefix: string[], binding: string | undefined, below: string[]): void {
    for (const prop of obj.properties) {
      if (isMethodDeclaration(prop) && prop.body) {
        const name = propertyName(prop.name);
        if (name === undefined) continue;
        candidates.push({ qualified: [...prefix, name], kind: 'object-method', fn: prop, declaration: prop, rangeNode: prop, nameNode: prop.name, binding, below: [...below, name] });
      } else if (isPropertyAssignment(prop)) {
        const name = propertyName(prop.name);
        if (name === undefined) continue;
        const value = unwrap(prop.initializer);
        if (isFunctionValue(value)) {
          candidates.push({ qualified: [...prefix, name], kind: 'object-method', fn: value, declaration: prop, rangeNode: prop, nameNode: prop.name, binding, below: [...below, name] });
        } else if (isObjectLiteralExpression(value)) {
          objectMembers(value, [...prefix, name], binding, [...below, name]);
        }
      }
    }
  }

  function classMembers(cls: ts.ClassLikeDeclaration, className: string, binding: string | undefined): void {
    for (const member of cls.members) {
      const isStatic = hasModifier(member, SK.StaticKeyword);
      if (isMethodDeclaration(member) && member.body) {
        const name = propertyName(member.name);
        if (name === undefined) continue;
        candidates.push({ qualified: [className, name], kind: 'method', fn: member, declaration: member, rangeNode: member, nameNode: member.name, binding, below: [name], className, isStatic, instance: !isStatic });
      } else if (isPropertyDeclaration(member) && member.initializer && isFunctionValue(unwrap(member.initializer))) {
        const name = propertyName(member.name);
        if (name === undefined) continue;
        const fn = unwrap(member.initializer) as ts.ArrowFunction | ts.FunctionExpression;
        candidates.push({ qualified: [className, name], kind: 'method', fn, declaration: member, rangeNode: member, nameNode: member.name, binding, below: [name], className, isStatic, instance: !isStatic });
      }
    }
  }

  function statements(list: ts.NodeArray<ts.Statement>, namespace: string[], inNamespace: boolean): void {
    for (const stmt of list) {
      const exported = !inNamespace && hasModifier(stmt, SK.ExportKeyword);
      const isDefault = hasModifier(stmt, SK.DefaultKeyword);
      if (isFunctionDeclaration(stmt)) {
        if (!stmt.body) continue;
        const name = stmt.name?.text ?? 'default';
        if (exported) exportsOf.set(name, isDefault ? 'default' : name);
        candidates.push({ qualified: [...namespace, name], kind: 'function', fn: stmt, declaration: stmt, rangeNode: stmt, nameNode: stmt.name ?? stmt, binding: inNamespace ? undefined : name, below: [] });
      } else if (isClassDeclaration(stmt)) {
        const name = stmt.name?.text ?? 'default';
        if (exported) exportsOf.set(name, isDefault ? 'default' : name);
        classMembers(stmt, [...namespace, name].join('.'), inNamespace ? undefined : name);
      } else if (isVariableStatement(stmt)) {
        const isConst = (stmt.declarationList.flags & NodeFlags.Const) !== 0;
        for (const decl of stmt.declarationList.declarations) {
          if (!isIdentifier(decl.name) || !decl.initializer) continue;
          const name = decl.name.text;
          if (exported) exportsOf.set(name, name);
          const value = unwrap(decl.initializer);
          const rangeNode = stmt.declarationList.declarations.length === 1 ? stmt : decl;
          const binding = inNamespace ? undefined : name;
          if (isFunctionValue(value) && isConst) {
            candidates.push({ qualified: [...namespace, name], kind: 'const-function', fn: value, declaration: decl, rangeNode, nameNode: decl.name, binding, below: [] });
          } else if (isObjectLiteralExpression(value)) {
            objectMembers(value, [...namespace, name], binding, []);
          } else if (isClassExpression(value)) {
            classMembers(value, [...namespace, name].join('.'), binding);
          }
        }
      } else if (isModuleDeclaration(stmt) && stmt.body && isModuleBlock(stmt.body) && isIdentifier(stmt.name)) {
        statements(stmt.body.statements, [...namespace, stmt.name.text], true);
      } else if (isExportAssignment(stmt) && !stmt.isExportEquals) {
        const value = unwrap(stmt.expression);
        if (isIdentifier(value)) exportsOf.set(value.text, 'default');
        else if (isFunctionValue(value)) {
          exportsOf.set('default', 'default');
          candidates.push({ qualified: ['default'], kind: 'const-function', fn: value, declaration: stmt, rangeNode: stmt, nameNode: stmt, binding: 'default', below: [] });
        } else if (isObjectLiteralExpression(value)) {
          exportsOf.set('default', 'default');
          objectMembers(value, ['default'], 'default', []);
        }
      } else if (isExportDeclaration(stmt) && !stmt.moduleSpecifier && stmt.exportClause && isNamedExports(stmt.exportClause)) {
        for (const spec of stmt.exportClause.elements) {
          exportsOf.set((spec.propertyName ?? spec.name).text, spec.name.text);
        }
      } else if (isExpressionStatement(stmt)) {
        commonJsExport(stmt.expression);
      }
    }
  }

  /** `exports.f = …`, `module.exports.f = …`, `module.exports = { a, b: c }`. */
  function commonJsExport(expr: ts.Expression): void {
    if (!isBinaryExpression(expr) || expr.operatorToken.kind !== SK.EqualsToken) return;
    const target = expr.left;
    const value = unwrap(expr.right);
    const isModuleExports = (e: ts.Expression) => isPropertyAccessExpression(e) && isIdentifier(e.expression) && e.expression.text === 'module' && e.name.text === 'exports';
    if (isModuleExports(target) && isObjectLiteralExpression(value)) {
      for (const prop of value.properties) {
        if (isShorthandPropertyAssignment(prop)) exportsOf.set(prop.name.text, prop.name.text);
        else if (isPropertyAssignment(prop) && isIdentifier(prop.initializer)) {
          const key = propertyName(prop.name);
          if (key) exportsOf.set(prop.initializer.text, key);
        }
      }
      return;
    }
    if (isModuleExports(target) && isIdentifier(value)) {
      exportsOf.set(value.text, 'default');
      return;
    }
    if (!isPropertyAccessExpression(target)) return;
    const owner = target.expression;
    const isExports = (isIdentifier(owner) && owner.text === 'exports') || isModuleExports(owner);
    if (!isExports) return;
    const name = target.name.text;
    if (isFunctionValue(value)) {
      exportsOf.set(name, name);
      candidates.push({ qualified: [name], kind: 'const-function', fn: value, declaration: expr, rangeNode: expr.parent, nameNode: target.name, binding: name, below: [] });
    } else if (isIdentifier(value)) {
      exportsOf.set(value.text, name);
    }
  }

  statements(sf.statements, [], false);

  const seen = new Map<string, number>();
  return candidates.map((c) => {
    const qualified = c.qualified.join('.');
    const count = (seen.get(qualified) ?? 0) + 1;
    seen.set(qualified, count);
    // A second codelet with the same name (overloads in JS, redeclarations) gets a numbered suffix.
    const unique = count === 1 ? qualified : `${qualified}~${count}`;
    const head = c.binding === undefined ? undefined : exportsOf.get(c.binding);
    const exported = head !== undefined;
    const invoke = exported && !c.instance ? { module: relPath, exportPath: [head, ...c.below] } : null;
    return {
      id: `${relPath}#${unique}`,
      name: unique,
      kind: c.kind,
      fn: c.fn,
      declaration: c.declaration,
      range: nodeRange(sf, c.rangeNode),
      selectionRange: nodeRange(sf, c.nameNode),
      exported,
      async: isAsync(c.fn),
      invoke,
      className: c.className,
      isStatic: c.isStatic,
    };
  });
}
