// The `codelets/…` requests of protocol.ts. Params are validated here, where they enter the server.
import path from 'node:path';
import { ResponseError, ErrorCodes } from 'vscode-languageserver';
import type { ZodType } from 'zod';
import type { AnalysisResult } from '../analysis/metadata';
import { CodeletParams, CodeletRequest, GraphParams, GraphRequest, ReanalyzeRequest } from './protocol';
import type { RootAnalysis } from './root-analysis';
import type { ServerState } from './server';
import { uriToPath } from './workspace';

function validate<T>(schema: ZodType<T>, params: unknown, method: string): T {
  const parsed = schema.safeParse(params ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
  throw new ResponseError(ErrorCodes.InvalidParams, `${method}: ${issues}`);
}

/** A root's graph cut down to one file's codelets and the edges that touch them. */
function fileGraph(root: RootAnalysis, result: AnalysisResult, file: string): AnalysisResult {
  const rel = root.relative(file) ?? file;
  const codelets = result.codelets.filter((c) => c.file === rel);
  const ids = new Set(codelets.map((c) => c.id));
  return {
    ...result,
    codelets,
    edges: result.edges.filter((e) => ids.has(e.from) || ids.has(e.to)),
    problems: result.problems.filter((p) => p.file === rel),
  };
}

export function registerCustomRequests(state: ServerState): void {
  const { connection, workspace, edits, measured } = state;

  connection.onRequest(GraphRequest, async (raw) => {
    const params = validate(GraphParams, raw, GraphRequest.method);
    await state.analysed();
    await edits.flushAll();
    if (params.uri !== undefined) {
      const file = uriToPath(params.uri);
      const root = file ? workspace.rootFor(file) : undefined;
      if (!file || !root) throw new ResponseError(ErrorCodes.InvalidParams, `${GraphRequest.method}: ${params.uri} is not in a workspace folder`);
      const result = await root.result();
      return { graphs: result ? [fileGraph(root, measured.mergeResult(root.root, result), file)] : [] };
    }
    const results = await Promise.all(workspace.all().map(async (root) => {
      const result = await root.result();
      return result && measured.mergeResult(root.root, result);
    }));
    return { graphs: results.filter((r): r is AnalysisResult => r !== undefined) };
  });

  connection.onRequest(CodeletRequest, async (raw) => {
    const params = validate(CodeletParams, raw, CodeletRequest.method);
    await state.analysed();
    await edits.flushAll();
    const roots = params.root ? workspace.all().filter((r) => r.root === path.resolve(params.root!)) : workspace.all();
    for (const root of roots) {
      const codelet = root.codelet(params.id);
      if (codelet) return measured.merge(root.root, codelet);
    }
    return null;
  });

  connection.onRequest(ReanalyzeRequest, async () => {
    const started = Date.now();
    await state.reanalyze();
    return { roots: workspace.all().length, codelets: workspace.codeletCount(), ms: Date.now() - started };
  });
}
