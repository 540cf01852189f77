// Canvas colours come from the theme: graph.css maps VS Code's `--vscode-*` variables (with fallbacks
// for a plain browser) onto `--graph-*` properties, and this module reads their computed values. Read
// again whenever VS Code swaps the theme (it rewrites the <html> style and the <body> class).
import { CODELET_CLASSES, type CodeletClass } from '../server/analysis/metadata';

export interface Palette {
  background: string;
  foreground: string;
  muted: string;
  edgeCall: string;
  edgeData: string;
  live: string;
  selection: string;
  cursor: string;
  match: string;
  lane: string;
  border: string;
  classes: Record<CodeletClass, string>;
  fontFamily: string;
  highContrast: boolean;
}

export function readPalette(el: Element = document.body): Palette {
  const style = getComputedStyle(el);
  const v = (name: string) => style.getPropertyValue(name).trim();
  const classes = Object.fromEntries(CODELET_CLASSES.map((c) => [c, v(`--graph-${c}`)])) as Record<CodeletClass, string>;
  return {
    background: v('--graph-bg'),
    foreground: v('--graph-fg'),
    muted: v('--graph-muted'),
    edgeCall: v('--graph-edge-call'),
    edgeData: v('--graph-edge-data'),
    live: v('--graph-live'),
    selection: v('--graph-selection'),
    cursor: v('--graph-cursor'),
    match: v('--graph-match'),
    lane: v('--graph-lane'),
    border: v('--graph-border'),
    classes,
    fontFamily: v('--graph-font') || 'sans-serif',
    highContrast: document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light'),
  };
}

/** Calls `onChange` when VS Code changes the theme. */
export function watchTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
  return () => observer.disconnect();
}
