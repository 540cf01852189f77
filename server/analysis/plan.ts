// The dataflow plan of one body: its statements turned into a DAG of codelet invocations whose arguments
// are small value trees over the parameters and earlier results. Anything the plan IR cannot express
// (branches, loops, computations that are not codelet calls, `this`, closures) is named as a reason and
// the codelet then runs whole.
import { ts } from 'ts-morph';
import { accessPath, unwrapExpression } from './syntax';
import type { Boundary } from './boundaries';
import { nodeRange } from './boundaries';
import type { CallSite, DraftPlan, DraftStep } from './facts';
import { stepsIn, type ValueExpr } from './metadata';

// ts-morph's `ts` namespace exposes its members through getters; the hot paths read each one once.
const {
  isArrayBindingPattern,
  isArrayLiteralExpression,
  isArrowFunction,
  isAwaitExpression,
  isBlock,
  isCallExpression,
  isElementAccessExpression,
  isEmptyStatement,
  isExpressionStatement,
  isFunctionDeclaration,
  isFunctionExpression,
  isIdentifier,
  isMethodDeclaration,
  isNewExpression,
  isNumericLiteral,
  isObjectLiteralExpression,
  isOmittedExpression,
  isPrefixUnaryExpression,
  isPropertyAccessExpression,
  isPropertyAssignment,
  isReturnStatement,
  isShorthandPropertyAssignment,
  isSpreadElement,
  isStringLiteral,
  isStringLiteralLike,
  isVariableStatement,
} = ts;
const SK = ts.SyntaxKind;


/** Thrown to stop at the first thing the plan cannot express; a plain object, no stack to capture. */
const NOT_EXPRESSIBLE = { notExpressible: true } as const;

const STATEMENT_NAMES: Partial<Record<ts.SyntaxKind, string>> = {
  [SK.IfStatement]: 'control flow (an if)',
  [SK.ForStatement]: 'control flow (a for loop)',
  [SK.ForOfStatement]: 'control flow (a for…of loop)',
  [SK.ForInStatement]: 'control flow (a for…in loop)',
  [SK.WhileStatement]: 'control flow (a while loop)',
  [SK.DoStatement]: 'control flow (a do…while loop)',
  [SK.SwitchStatement]: 'control flow (a switch)',
  [SK.TryStatement]: 'control flow (a try block)',
  [SK.ThrowStatement]: 'control flow (a throw)',
  [SK.LabeledStatement]: 'control flow (a label)',
  [SK.FunctionDeclaration]: 'a nested function',
  [SK.ClassDeclaration]: 'a nested class',
  [SK.Block]: 'a nested block',
};


export function draftPlan(boundary: Boundary, sf: ts.SourceFile, calls: CallSite[], reads: Set<string>, writes: Set<string>, usesThis: boolean): DraftPlan {
  const fn = boundary.fn;
  const reasons: string[] = [];
  const line = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const params: string[] = [];
  const env = new Map<string, ValueExpr>();
  fn.parameters.forEach((p, index) => {
    if (isIdentifier(p.name)) {
      params.push(p.name.text);
      if (p.dotDotDotToken) reasons.push(`rest parameter \`${p.name.text}\``);
      env.set(p.name.text, { kind: 'param', index });
    } else {
      params.push(`arg${index}`);
      reasons.push(`parameter ${index + 1} is destructured`);
    }
  });
  if (usesThis) reasons.push(`uses \`this\`: it needs the object it runs on`);
  for (const id of reads) reasons.push(`reads module state \`${id}\` directly: other workers would not see it`);
  for (const id of writes) if (!reads.has(id)) reasons.push(`writes module state \`${id}\` directly: other workers would not see it`);
  if (isFunctionDeclaration(fn) && fn.asteriskToken || isMethodDeclaration(fn) && fn.asteriskToken || isFunctionExpression(fn) && fn.asteriskToken) {
    reasons.push('a generator: it yields values over time');
  }

  const siteByNode = new Map<ts.Node, CallSite>();
  for (const site of calls) siteByNode.set(site.node, site);
  const steps: DraftStep[] = [];
  let barrier: string[] = [];
  let result: ValueExpr | null = { kind: 'undefined' };

  const fail = (node: ts.Node, what: string): never => {
    reasons.push(`line ${line(node)}: ${what}`);
    throw NOT_EXPRESSIBLE;
  };

  const value = (expr: ts.Expression): ValueExpr => {
    const e = unwrapExpression(expr);
    if (isAwaitExpression(e)) return value(e.expression);
    if (isStringLiteralLike(e)) return { kind: 'literal', value: e.text };
    if (isNumericLiteral(e)) return { kind: 'literal', value: Number(e.text.replace(/_/g, '')) };
    if (e.kind === SK.TrueKeyword) return { kind: 'literal', value: true };
    if (e.kind === SK.FalseKeyword) return { kind: 'literal', value: false };
    if (e.kind === SK.NullKeyword) return { kind: 'literal', value: null };
    if (isPrefixUnaryExpression(e) && e.operator === SK.MinusToken && isNumericLiteral(e.operand)) {
      return { kind: 'literal', value: -Number(e.operand.text) };
    }
    if (isIdentifier(e)) {
      if (e.text === 'undefined') return { kind: 'undefined' };
      const bound = env.get(e.text);
      if (bound) return bound;
      return fail(e, `\`${e.text}\` is not a parameter or an earlier result`);
    }
    if (isPropertyAccessExpression(e)) return { kind: 'get', object: value(e.expression), key: e.name.text };
    if (isElementAccessExpression(e) && (isStringLiteralLike(e.argumentExpression) || isNumericLiteral(e.argumentExpression))) {
      const key = isNumericLiteral(e.argumentExpression) ? Number(e.argumentExpression.text) : e.argumentExpression.text;
      return { kind: 'get', object: value(e.expression), key };
    }
    if (isArrayLiteralExpression(e)) {
      return { kind: 'array', items: e.elements.map((item) => (isSpreadElement(item) ? fail(item, 'a spread the plan cannot express') : value(item))) };
    }
    if (isObjectLiteralExpression(e)) {
      const entries = e.properties.map((prop) => {
        if (isShorthandPropertyAssignment(prop)) return { key: prop.name.text, value: value(prop.name) };
        if (isPropertyAssignment(prop) && (isIdentifier(prop.name) || isStringLiteral(prop.name) || isNumericLiteral(prop.name))) {
          return { key: prop.name.text, value: value(prop.initializer) };
        }
        return fail(prop, 'an object member the plan cannot express');
      });
      return { kind: 'object', entries };
    }
    if (isCallExpression(e)) return call(e);
    if (isArrowFunction(e) || isFunctionExpression(e)) return fail(e, 'a function value cannot be serialised to another worker');
    if (isNewExpression(e)) return fail(e, `\`new ${e.expression.getText(sf).slice(0, 30)}\` creates an object that cannot be serialised`);
    return fail(e, `\`${e.getText(sf).slice(0, 40).replace(/\s+/g, ' ')}\` is computed in the body, not by a codelet`);
  };

  const call = (e: ts.CallExpression): ValueExpr => {
    const path = accessPath(e.expression)?.join('.');
    if (path === 'Promise.all' && e.arguments.length === 1) {
      const list = unwrapExpression(e.arguments[0]!);
      if (isArrayLiteralExpression(list)) return value(list);
    }
    const site = siteByNode.get(e);
    if (!site?.callee) return fail(e, `\`${(path ?? 'a computed call').slice(0, 40)}()\` is not a call to a codelet`);
    const args = e.arguments.map((a) => (isSpreadElement(a) ? fail(a, 'spread arguments') : value(a)));
    const deps = new Set<string>(barrier);
    for (const a of args) stepsIn(a, deps);
    const step: DraftStep = {
      id: `s${steps.length + 1}`,
      callee: site.callee,
      args,
      dependsOn: [...deps],
      range: nodeRange(sf, e),
      line: line(e),
      barrier: false,
    };
    steps.push(step);
    return { kind: 'step', step: step.id };
  };

  const bind = (name: ts.BindingName, v: ValueExpr, node: ts.Node) => {
    if (isIdentifier(name)) {
      env.set(name.text, v);
      return;
    }
    if (isArrayBindingPattern(name)) {
      // `const [a, b] = await Promise.all([f(), g()])`: each name is one step's result.
      name.elements.forEach((el, index) => {
        if (isOmittedExpression(el)) return;
        if (el.dotDotDotToken || el.initializer) fail(el, 'a rest or default in a destructuring');
        bind(el.name, v.kind === 'array' ? v.items[index] ?? { kind: 'undefined' } : { kind: 'get', object: v, key: index }, node);
      });
      return;
    }
    for (const el of name.elements) {
      if (el.dotDotDotToken || el.initializer) fail(el, 'a rest or default in a destructuring');
      const key = el.propertyName ? (isIdentifier(el.propertyName) || isStringLiteral(el.propertyName) ? el.propertyName.text : fail(el, 'a computed key')) : (el.name as ts.Identifier).text;
      bind(el.name, { kind: 'get', object: v, key }, node);
    }
  };

  const body = fn.body;
  try {
    if (reasons.length > 0) throw NOT_EXPRESSIBLE;
    // Most bodies call no codelet: there is nothing to split, and no need to walk their statements.
    if (calls.length === 0) {
      reasons.push('no codelet calls: it runs whole');
      throw NOT_EXPRESSIBLE;
    }
    if (!body) throw NOT_EXPRESSIBLE;
    if (!isBlock(body)) {
      result = value(body);
    } else {
      const statements = body.statements;
      statements.forEach((stmt, index) => {
        if (isVariableStatement(stmt)) {
          for (const decl of stmt.declarationList.declarations) {
            if (!decl.initializer) fail(decl, 'a variable without a value');
            bind(decl.name, value(decl.initializer!), decl);
          }
        } else if (isExpressionStatement(stmt)) {
          const e = unwrapExpression(isAwaitExpression(unwrapExpression(stmt.expression)) ? (unwrapExpression(stmt.expression) as ts.AwaitExpression).expression : stmt.expression);
          if (!isCallExpression(e)) fail(stmt, `\`${stmt.getText(sf).slice(0, 40)}\` is not a codelet call`);
          const before = steps.length;
          value(e);
          // A call made for its effect: later steps keep their order after it.
          const made = steps.slice(before);
          for (const s of made) s.barrier = true;
          barrier = made.map((s) => s.id);
        } else if (isReturnStatement(stmt)) {
          if (index !== statements.length - 1) fail(stmt, 'an early return');
          result = stmt.expression ? value(stmt.expression) : { kind: 'undefined' };
        } else if (isEmptyStatement(stmt)) {
          // nothing
        } else {
          fail(stmt, `${STATEMENT_NAMES[stmt.kind] ?? 'a statement'} the plan cannot express`);
        }
      });
    }
    if (steps.length === 0) reasons.push('no codelet calls: it runs whole');
  } catch (error) {
    if (error !== NOT_EXPRESSIBLE) throw error;
  }
  const decomposable = reasons.length === 0;
  return { params, steps: decomposable ? steps : [], result: decomposable ? result : null, reasons };
}
