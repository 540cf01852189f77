// What the panel remembers across hides and reloads (VS Code's getState/setState). Validated on the way
// in: a state from an older build must not break the page, it is just dropped field by field.
import { z } from 'zod';

export const ViewState = z.object({
  transform: z.object({ k: z.number().positive(), x: z.number(), y: z.number() }).nullable().catch(null),
  hiddenClasses: z.array(z.string()).catch([]),
  file: z.string().nullable().catch(null),
  search: z.string().catch(''),
  groupBy: z.enum(['none', 'file', 'fleet']).catch('none'),
  collapse: z.enum(['auto', 'on', 'off']).catch('auto'),
  expanded: z.array(z.string()).catch([]),
  focus: z.object({ key: z.string(), hops: z.number().int().min(1).max(9) }).nullable().catch(null),
  hops: z.number().int().min(1).max(9).catch(1),
  selected: z.string().nullable().catch(null),
  /** The previous layout's memory (webview/layout.ts), so a reload draws the same picture. */
  layout: z
    .object({ order: z.array(z.string()), y: z.array(z.number()).optional(), lanes: z.array(z.string()).optional(), rowGap: z.number().optional() })
    .nullable()
    .catch(null),
});
export type ViewState = z.infer<typeof ViewState>;

export function restoreState(saved: unknown): ViewState {
  const parsed = ViewState.safeParse(saved ?? {});
  return parsed.success ? parsed.data : ViewState.parse({});
}
