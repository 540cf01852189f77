// Diagnostics are advice, never errors: Information for advice and measured-vs-static contradictions,
// Hint for the analyser's own problems with a file.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { Codelet, Problem } from '../analysis/metadata';
import { classWords } from './words';

export function diagnosticsFor(codelets: Codelet[], problems: Problem[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const codelet of codelets) {
    for (const advice of codelet.advice) {
      out.push({ range: advice.range, severity: DiagnosticSeverity.Information, source: 'codelets', code: 'advice', message: advice.message });
    }
    const measured = codelet.measured;
    if (measured && measured.runs > 0 && measured.class !== codelet.class) {
      out.push({
        range: codelet.selectionRange,
        severity: DiagnosticSeverity.Information,
        source: 'codelets',
        code: 'measured-contradicts-static',
        message: `${codelet.name} was measured ${classWords(measured)} over ${measured.runs} runs, but the static analysis says ${classWords(codelet)}.${measured.reason ? ` Why: it ${measured.reason}.` : ''}`,
      });
    }
  }
  for (const problem of problems) {
    out.push({ range: problem.range, severity: DiagnosticSeverity.Hint, source: 'codelets', code: 'analysis', message: problem.message });
  }
  return out;
}
