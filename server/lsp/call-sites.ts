// Where a document calls codelets, for inlay hints and hovers. The analyser's plan steps give exact call
// ranges; other calls inside a codelet body are matched by callee name against that codelet's
// dependencies (the analyser resolved those through the type checker), using a syntax-only parse of the
// current text so the answer follows the editor, not the last analysis.
import { ts } from 'ts-morph';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Codelet, Range } from '../analysis/metadata';
import { qualifiedName } from './words';

export interface CallSite {
  range: Range;
  callee: Codelet;
}

function contains(outer: Range, inner: Range): boolean {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

function calleeName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  if (ts.isParenthesizedExpression(expression)) return calleeName(expression.expression);
  return undefined;
}

function innermost(candidates: Codelet[]): Codelet | undefined {
  let best: Codelet | undefined;
  for (const c of candidates) if (!best || contains(best.range, c.range)) best = c;
  return best;
}

const cache = new WeakMap<TextDocument, { version: number; sites: CallSite[] }>();

export function callSites(document: TextDocument, codelets: Codelet[], lookup: (id: string) => Codelet | undefined): CallSite[] {
  const cached = cache.get(document);
  if (cached && cached.version === document.version) return cached.sites;
  const sites: CallSite[] = [];
  const seen = new Set<string>();
  const key = (r: Range) => `${r.start.line}:${r.start.character}`;
  for (const codelet of codelets) {
    for (const step of codelet.plan.steps) {
      const callee = lookup(step.callee);
      if (!callee || seen.has(key(step.range))) continue;
      seen.add(key(step.range));
      sites.push({ range: step.range, callee });
    }
  }
  const source = ts.createSourceFile(document.uri, document.getText(), ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const name = calleeName(node.expression);
      const range = { start: document.positionAt(node.getStart(source)), end: document.positionAt(node.getEnd()) };
      if (name && !seen.has(key(range))) {
        const enclosing = innermost(codelets.filter((c) => contains(c.range, range)));
        const id = enclosing?.dependencies.find((dep) => qualifiedName(dep).split('.').pop() === name);
        const callee = id ? lookup(id) : undefined;
        if (callee) {
          seen.add(key(range));
          sites.push({ range, callee });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  sites.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  cache.set(document, { version: document.version, sites });
  return sites;
}
