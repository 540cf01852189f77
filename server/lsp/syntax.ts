// Whether a text currently has syntax errors: while it does, an empty analysis is a half-typed edit, not
// a file without codelets, and the last good lenses stay.
import { ts } from 'ts-morph';

export function hasSyntaxErrors(fileName: string, text: string): boolean {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  return ((source as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics?.length ?? 0) > 0;
}
