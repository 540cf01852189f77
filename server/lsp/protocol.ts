// The one definition of the custom messages between the Codelets language server and its clients
// (the VS Code extension, tests, benchmarks). Method names are namespaced `codelets/…`; the server
// validates every incoming params object with the zod schemas here.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import { z } from 'zod';
import { Measured, type AnalysisResult, type Codelet } from '../analysis/metadata';

/** `codelets/graph`: the codelet graph of every workspace root, or of the one file `uri` names. */
export const GraphParams = z.object({ uri: z.string().optional() }).strict();
export type GraphParams = z.infer<typeof GraphParams>;
export interface GraphResult {
  /** One per workspace root (for a file: the root holding it, cut down to the file's codelets and their edges). */
  graphs: AnalysisResult[];
}
export const GraphRequest = new RequestType<GraphParams, GraphResult, void>('codelets/graph');

/** `codelets/codelet`: one codelet's metadata by id; `root` (absolute folder) picks the root in a multi-root workspace. */
export const CodeletParams = z.object({ id: z.string().min(1), root: z.string().optional() }).strict();
export type CodeletParams = z.infer<typeof CodeletParams>;
export const CodeletRequest = new RequestType<CodeletParams, Codelet | null, void>('codelets/codelet');

/** `codelets/reanalyze`: drop every cached analysis and analyse all roots again. */
export interface ReanalyzeResult {
  roots: number;
  codelets: number;
  ms: number;
}
export const ReanalyzeRequest = new RequestType<Record<string, never> | undefined, ReanalyzeResult, void>('codelets/reanalyze');

/** Server → client: what the analyser is doing, for the status bar. */
export interface StatusParams {
  state: 'starting' | 'analyzing' | 'ready' | 'error';
  message: string;
  codelets: number;
  roots: number;
}
export const StatusNotification = new NotificationType<StatusParams>('codelets/status');

/** Server → client: codelets changed (after an analysis or an edit); graph views re-fetch. */
export interface GraphChangedParams {
  /** Absolute root folders whose graphs changed. */
  roots: string[];
  /** Workspace-relative files whose codelets changed. */
  files: string[];
}
export const GraphChangedNotification = new NotificationType<GraphChangedParams>('codelets/graphChanged');

/**
 * Client → server: the agent's measured figures for one workspace root (a snapshot: it replaces what the
 * server held for that root). The server merges them into the codelets it serves, keyed by codelet id, so
 * they survive re-analysis; malformed params are refused with an error logged to the client.
 */
export const MeasuredParams = z
  .object({
    /** Absolute folder of the workspace root the agent ran in. */
    root: z.string().min(1),
    /** Codelet id → figures. */
    measured: z.record(z.string().min(1), Measured),
  })
  .strict();
export type MeasuredParams = z.infer<typeof MeasuredParams>;
export const MeasuredNotification = new NotificationType<MeasuredParams>('codelets/measured');

/** The `codelets` settings section the server reads (initializationOptions and didChangeConfiguration). */
export const ServerSettings = z.object({
  lenses: z.object({ enabled: z.boolean().default(true) }).default({ enabled: true }),
  inlayHints: z.object({ enabled: z.boolean().default(true) }).default({ enabled: true }),
  analysis: z
    .object({
      include: z.array(z.string()).default([]),
      exclude: z.array(z.string()).default([]),
    })
    .default({ include: [], exclude: [] }),
});
export type ServerSettings = z.infer<typeof ServerSettings>;

/** What a lens carries between codeLens and codeLens/resolve. */
export interface LensData {
  uri: string;
  id: string;
  action: 'summary' | 'graph' | 'run' | 'placements';
}

/** Commands the server's lenses invoke (contributed by the extension). */
export const COMMANDS = {
  revealInGraph: 'codelets.revealInGraph',
  runCodelet: 'codelets.runCodelet',
  explainPlacement: 'codelets.explainPlacement',
} as const;
