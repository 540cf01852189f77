// Small syntax helpers shared by the per-file pass and the plan builder.
import { ts } from 'ts-morph';

const {
  isAsExpression,
  isElementAccessExpression,
  isIdentifier,
  isNonNullExpression,
  isParenthesizedExpression,
  isPropertyAccessExpression,
  isSatisfiesExpression,
  isStringLiteralLike,
  isTypeAssertionExpression,
  isCallExpression,
  isNewExpression,
  isAwaitExpression,
} = ts;

export function unwrapExpression(expr: ts.Expression): ts.Expression {
  while (isParenthesizedExpression(expr) || isAsExpression(expr) || isNonNullExpression(expr) || isSatisfiesExpression(expr) || isTypeAssertionExpression(expr)) {
    expr = expr.expression;
  }
  return expr;
}

/** The access path of `a.b.c` / `a['b']` as identifiers, root first; undefined if not a plain path. */
export function accessPath(expr: ts.Expression, throughCalls = false): string[] | undefined {
  const parts: string[] = [];
  let e = unwrapExpression(expr);
  for (;;) {
    if (isIdentifier(e)) {
      parts.unshift(e.text);
      return parts;
    }
    if (isPropertyAccessExpression(e)) {
      parts.unshift(e.name.text);
      e = unwrapExpression(e.expression);
    } else if (isElementAccessExpression(e) && isStringLiteralLike(e.argumentExpression)) {
      parts.unshift(e.argumentExpression.text);
      e = unwrapExpression(e.expression);
    } else if (throughCalls && (isCallExpression(e) || isNewExpression(e) || isAwaitExpression(e))) {
      // `new Redis().get`, `(await pool.connect()).query`: follow the receiver's origin.
      e = unwrapExpression(e.expression);
    } else return undefined;
  }
}
