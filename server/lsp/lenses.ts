// Code lenses above each codelet. `codeLens` returns ranges and data only; `codeLens/resolve` fills in
// the text, so a large file costs little until its lenses scroll into view.
import type { CodeLens } from 'vscode-languageserver';
import type { Codelet } from '../analysis/metadata';
import { COMMANDS, type LensData } from './protocol';
import { pendingSummaryLine, summaryLine } from './words';

export function unresolvedLenses(uri: string, codelets: Codelet[]): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const codelet of codelets) {
    const range = codelet.selectionRange;
    const data = (action: LensData['action']): LensData => ({ uri, id: codelet.id, action });
    lenses.push({ range, data: data('summary') }, { range, data: data('graph') });
    // Only a codelet a worker can call on its own (exported, no `this`) can run on a fleet.
    if (codelet.invoke) lenses.push({ range, data: data('run') });
    // Once the agent has run it, the editor can say where it went and why (the agent keeps the placements).
    if (codelet.invoke && codelet.measured && codelet.measured.runs > 0) lenses.push({ range, data: data('placements') });
  }
  return lenses;
}

/**
 * Fills in a lens's command; `codelet` undefined means it vanished since the lens was handed out.
 * `pending`: the codelet comes from a first look (before the whole workspace is analysed) and calls code
 * not analysed yet: its class is what is known so far, its estimate is still coming, its dependencies are right.
 */
export function resolveLens(lens: CodeLens, data: LensData, codelet: Codelet | undefined, pending = false): CodeLens {
  if (!codelet) return { ...lens, command: { title: 'codelet changed…', command: '' } };
  switch (data.action) {
    case 'summary':
      // An empty command id makes a plain label: the words are the point, the hover has the details.
      return { ...lens, command: { title: pending ? pendingSummaryLine(codelet) : summaryLine(codelet), command: '' } };
    case 'graph':
      return { ...lens, command: { title: 'Show in graph', command: COMMANDS.revealInGraph, arguments: [codelet.id] } };
    case 'run':
      return { ...lens, command: { title: 'Run on fleet…', command: COMMANDS.runCodelet, arguments: [codelet.id] } };
    case 'placements':
      return { ...lens, command: { title: 'Why this fleet?', command: COMMANDS.explainPlacement, arguments: [codelet.id] } };
  }
}

export function isLensData(value: unknown): value is LensData {
  const v = value as LensData | undefined;
  return (
    typeof v === 'object' && v !== null && typeof v.uri === 'string' && typeof v.id === 'string' &&
    (v.action === 'summary' || v.action === 'graph' || v.action === 'run' || v.action === 'placements')
  );
}
