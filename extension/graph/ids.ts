// Identifiers the graph contributes in package.json; keep the two in step.
export const GRAPH_CONTAINER_ID = 'codelets';
export const GRAPH_VIEW_ID = 'codelets.graph';
export const GRAPH_PANEL_TYPE = 'codelets.graphPanel';
export const SHOW_GRAPH_COMMAND = 'codelets.showGraph';
export const OPEN_GRAPH_PANEL_COMMAND = 'codelets.openGraphPanel';
