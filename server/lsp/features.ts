// Lenses, hovers and inlay hints. Every handler answers from the current analysis after applying the
// document's pending edit; while an edit leaves the file unparsable, lenses stay as they last were.
import type { CodeLens, Hover, InlayHint, Position } from 'vscode-languageserver';
import type { Codelet, Range } from '../analysis/metadata';
import { callSites } from './call-sites';
import { hoverMarkdown } from './hover';
import { isLensData, resolveLens, unresolvedLenses } from './lenses';
import type { ServerState } from './server';
import { hasSyntaxErrors } from './syntax';
import { uriToPath } from './workspace';
import { callSiteLabel } from './words';

interface GoodLenses {
  lenses: CodeLens[];
  codelets: Map<string, Codelet>;
}

function inside(range: Range, position: Position): boolean {
  const { start, end } = range;
  if (position.line < start.line || position.line > end.line) return false;
  if (position.line === start.line && position.character < start.character) return false;
  if (position.line === end.line && position.character > end.character) return false;
  return true;
}

export function registerFeatures(state: ServerState): void {
  const { connection, documents, workspace, edits, measured } = state;
  const lastGood = new Map<string, GoodLenses>();
  documents.onDidClose(({ document }) => lastGood.delete(document.uri));

  /** The document's root and codelets, current with its text. */
  const current = async (uri: string) => {
    const file = uriToPath(uri);
    const root = file ? workspace.rootFor(file) : undefined;
    if (!file || !root?.ready) return undefined;
    await edits.flush(uri);
    // The agent's figures ride along (merged, never analysed), so every feature below shows them.
    const codelet = (id: string) => measured.merge(root.root, root.codelet(id));
    return { file, root, codelets: measured.mergeAll(root.root, root.codelets(file)), codelet };
  };

  /**
   * Lenses before the whole workspace is analysed, from a first look at the file (lenses.ts says what
   * they show); the lenses are refreshed when the analysis is done.
   */
  const firstLook = async (uri: string) => {
    const file = uriToPath(uri);
    const root = file ? workspace.rootFor(file) : undefined;
    const document = documents.get(uri);
    if (!file || !root || root.ready || !document) return undefined;
    const codelets = await root.preview(file, document.getText(), state.settings().analysis);
    if (!codelets || root.ready) return undefined;
    const lenses = unresolvedLenses(uri, codelets);
    lastGood.set(uri, { lenses, codelets: new Map(codelets.map((c) => [c.id, c])) });
    return lenses;
  };

  // The first look starts as the file opens, before the editor asks for lenses.
  documents.onDidOpen(({ document }) => {
    if (state.settings().lenses.enabled) void firstLook(document.uri).catch(() => undefined);
  });

  connection.onCodeLens(async ({ textDocument }, token) => {
    if (state.settings().lenses.enabled) {
      const early = await firstLook(textDocument.uri).catch(() => undefined);
      if (early) return early;
    }
    await state.analysed();
    const previous = lastGood.get(textDocument.uri);
    if (!state.settings().lenses.enabled) return [];
    try {
      const now = await current(textDocument.uri);
      // A newer edit superseded this request: the client drops the answer, so spend nothing on it.
      if (!now || token.isCancellationRequested) return previous?.lenses ?? [];
      const document = documents.get(textDocument.uri);
      if (!now.codelets.length && previous?.lenses.length && document && hasSyntaxErrors(now.file, document.getText())) {
        return previous.lenses; // mid-edit: never blank the lenses
      }
      const lenses = unresolvedLenses(textDocument.uri, now.codelets);
      lastGood.set(textDocument.uri, { lenses, codelets: new Map(now.codelets.map((c) => [c.id, c])) });
      return lenses;
    } catch (error) {
      connection.console.error(`codeLens failed for ${textDocument.uri}: ${(error as Error).stack ?? error}`);
      return previous?.lenses ?? [];
    }
  });

  connection.onCodeLensResolve((lens) => {
    if (!isLensData(lens.data)) return lens;
    const file = uriToPath(lens.data.uri);
    const root = file ? workspace.rootFor(file) : undefined;
    const codelet = measured.merge(root?.root ?? '', root?.codelet(lens.data.id)) || lastGood.get(lens.data.uri)?.codelets.get(lens.data.id);
    return resolveLens(lens, lens.data, codelet, root?.isPending(lens.data.id) ?? false);
  });

  connection.onHover(async ({ textDocument, position }): Promise<Hover | null> => {
    await state.analysed();
    const now = await current(textDocument.uri);
    const document = documents.get(textDocument.uri);
    if (!now || !document) return null;
    const own = now.codelets.find((c) => inside(c.selectionRange, position));
    if (own) return { contents: { kind: 'markdown', value: hoverMarkdown(own) }, range: own.selectionRange };
    const site = callSites(document, now.codelets, now.codelet).find((s) => inside(s.range, position));
    if (site) return { contents: { kind: 'markdown', value: hoverMarkdown(site.callee) } };
    return null;
  });

  connection.languages.inlayHint.on(async ({ textDocument, range }, token): Promise<InlayHint[]> => {
    await state.analysed();
    if (!state.settings().inlayHints.enabled) return [];
    const now = await current(textDocument.uri);
    const document = documents.get(textDocument.uri);
    if (!now || !document || token.isCancellationRequested) return [];
    return callSites(document, now.codelets, now.codelet)
      .filter((site) => site.range.end.line >= range.start.line && site.range.start.line <= range.end.line)
      .map((site) => ({
        position: site.range.end,
        label: callSiteLabel(site.callee),
        paddingLeft: true,
        tooltip: site.callee.id,
      }));
  });
}
