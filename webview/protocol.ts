// The one message protocol between the extension (extension/graph) and the graph webview. Both sides
// validate what they receive with these schemas: the webview trusts nothing the extension host sends
// blindly, and the extension never acts on a malformed message from the page.
import { z } from 'zod';
import { CodeletClass } from '../server/analysis/metadata';

/** A codelet as the graph draws it: only what the picture needs, not the whole metadata. */
export const GraphNode = z.object({
  /** Index of the workspace root (multi-root); with the codelet id it names the node uniquely. */
  root: z.number().int().min(0),
  id: z.string(),
  name: z.string(),
  file: z.string(),
  class: CodeletClass,
  estimatedMs: z.number().min(0).nullable(),
  measured: z
    .object({
      runs: z.number().int().min(0),
      p50Ms: z.number().min(0),
      p95Ms: z.number().min(0),
      fleet: z.string().optional(),
    })
    .optional(),
});
export type GraphNode = z.infer<typeof GraphNode>;

/** `from`/`to` are indexes into `nodes` (compact for 2,000-node graphs, and never dangling). */
export const GraphEdge = z.object({
  from: z.number().int().min(0),
  to: z.number().int().min(0),
  kind: z.enum(['call', 'data']),
});
export type GraphEdge = z.infer<typeof GraphEdge>;

export const GraphModel = z
  .object({
    /** Folder name of each root, for labels when there are several. */
    roots: z.array(z.string()),
    nodes: z.array(GraphNode),
    edges: z.array(GraphEdge),
  })
  .superRefine((g, ctx) => {
    g.edges.forEach((e, i) => {
      if (e.from >= g.nodes.length || e.to >= g.nodes.length)
        ctx.addIssue({ code: 'custom', path: ['edges', i], message: `edge ${i} points past the ${g.nodes.length} nodes` });
    });
  });
export type GraphModel = z.infer<typeof GraphModel>;

/** A codelet named across roots. */
export const NodeRef = z.object({ root: z.number().int().min(0), id: z.string() });
export type NodeRef = z.infer<typeof NodeRef>;

/** Figures the agent streams back for one codelet. */
export const LiveStat = NodeRef.extend({
  runs: z.number().int().min(0),
  p50Ms: z.number().min(0),
  p95Ms: z.number().min(0),
  fleet: z.string().optional(),
});
export type LiveStat = z.infer<typeof LiveStat>;

/** A request in flight: the edges data is moving along now, and the codelets running. */
export const LiveRequest = z.object({
  requestId: z.string(),
  root: z.number().int().min(0),
  /** Codelet ids (of `root`) currently executing. */
  running: z.array(z.string()),
  /** Edges (codelet ids of `root`) whose data is moving now. */
  edges: z.array(z.object({ from: z.string(), to: z.string() })),
  done: z.boolean(),
});
export type LiveRequest = z.infer<typeof LiveRequest>;

export const ToWebview = z.discriminatedUnion('type', [
  /** The whole graph; `revision` comes back in `rendered`. */
  z.object({ type: z.literal('graph'), revision: z.number().int().min(0), graph: GraphModel }),
  /** The codelet under the editor cursor (null: none). */
  z.object({ type: z.literal('cursor'), node: NodeRef.nullable() }),
  /** Select and centre a codelet ("Show in graph"). */
  z.object({ type: z.literal('focus'), node: NodeRef }),
  /** Live figures and requests in flight from the agent. */
  z.object({ type: z.literal('live'), stats: z.array(LiveStat), requests: z.array(LiveRequest) }),
  /** Fit the whole graph to the view, as the Fit button does. */
  z.object({ type: z.literal('fit') }),
]);
export type ToWebview = z.infer<typeof ToWebview>;

export const FromWebview = z.discriminatedUnion('type', [
  /** The page has loaded and listens: send it everything. */
  z.object({ type: z.literal('ready') }),
  /** The graph of `revision` is drawn with `nodes` nodes on screen. */
  z.object({
    type: z.literal('rendered'),
    revision: z.number().int().min(0),
    nodes: z.number().int().min(0),
    layoutMs: z.number().min(0),
    drawMs: z.number().min(0),
  }),
  /** Open the codelet's source. */
  z.object({ type: z.literal('reveal'), node: NodeRef }),
  /** Something the page could not use (a bad message); the extension logs it. */
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type FromWebview = z.infer<typeof FromWebview>;

/** Names the first problem of a failed parse, for a log line a person can act on. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid message';
  return `${issue.path.length ? issue.path.join('.') : 'message'}: ${issue.message}`;
}
