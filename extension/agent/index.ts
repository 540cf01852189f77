// The agent in the editor: a local agent per workspace folder started when first needed (and restarted if
// it dies), its state in the status bar, and the runner behind `codelets.runCodelet`: asks for JSON
// arguments (validated, remembered per codelet), runs the codelet, shows the result with timing and fleet.
// Nothing runs in an untrusted workspace.
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RunResponse } from '../../agent/protocol';
import { validateArgs } from './args';
import { formatPlacements, formatRunPlacements } from './placement-report';
import { AgentSupervisor, type AgentState } from './supervisor';

export interface AgentFeatures extends vscode.Disposable {
  /** Runs a codelet by id (asking for its arguments unless given); what `codelets.runCodelet` calls. */
  runner(codeletId: string, args?: unknown[]): Promise<RunResponse | { refused: string } | undefined>;
  /**
   * Opens "why this fleet?" for a codelet: its latest placements with every candidate's score, read from the
   * running agent (never starts one). Resolves with the text shown, or why there is none.
   */
  explainPlacement(codeletId: string): Promise<{ text: string } | { refused: string }>;
  /** The supervisor of the agent for a workspace folder (tests, status). */
  supervisor(folder: string): AgentSupervisor;
}

const ARGS_KEY = 'codelets.runArgs';
/** Read-only documents holding placement explanations (text from code and the agent: never HTML). */
const PLACEMENT_SCHEME = 'codelets-placement';

export function registerAgentFeatures(context: vscode.ExtensionContext, deps: { output: vscode.LogOutputChannel }): AgentFeatures {
  const { output } = deps;
  const supervisors = new Map<string, AgentSupervisor>();
  const item = vscode.window.createStatusBarItem('codelets.agent', vscode.StatusBarAlignment.Left, 49);
  item.name = 'Codelets agent';
  item.command = 'codelets.showOutput';

  const showState = (state: AgentState, detail: string): void => {
    const icon = { idle: '$(circle-outline)', starting: '$(sync~spin)', ready: '$(server-process)', stopped: '$(debug-stop)', failed: '$(error)' }[state];
    item.text = `${icon} Agent`;
    item.tooltip = `Codelets agent: ${state}${detail ? ` — ${detail}` : ''}`;
    item.backgroundColor = state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    item.show();
  };

  const supervisor = (folder: string): AgentSupervisor => {
    let s = supervisors.get(folder);
    if (!s) {
      const config = vscode.workspace.getConfiguration('codelets', vscode.Uri.file(folder));
      s = new AgentSupervisor({
        workspace: folder,
        cliPath: path.join(context.extensionPath, 'dist', 'cli.js'),
        url: config.get<string>('agent.url') || undefined,
        autoStart: config.get<boolean>('agent.autoStart', true),
        log: (line) => output.appendLine(`[agent] ${line}`),
      });
      s.onState(showState);
      supervisors.set(folder, s);
    }
    return s;
  };

  /** The workspace folder whose files hold the codelet (ids are folder-relative). */
  const folderOf = (codeletId: string): string | undefined => {
    const rel = codeletId.slice(0, codeletId.lastIndexOf('#'));
    const folders = vscode.workspace.workspaceFolders ?? [];
    return (folders.find((f) => existsSync(path.join(f.uri.fsPath, rel))) ?? folders[0])?.uri.fsPath;
  };

  const askArgs = async (codeletId: string): Promise<unknown[] | undefined> => {
    const remembered = context.workspaceState.get<Record<string, string>>(ARGS_KEY, {});
    const text = await vscode.window.showInputBox({
      title: `Run ${codeletId} on a fleet`,
      prompt: 'Arguments, as a JSON array',
      value: remembered[codeletId] ?? '[]',
      validateInput: (value) => validateArgs(value),
    });
    if (text === undefined) return undefined;
    await context.workspaceState.update(ARGS_KEY, { ...remembered, [codeletId]: text });
    return JSON.parse(text) as unknown[];
  };

  const runner: AgentFeatures['runner'] = async (codeletId, given) => {
    if (!vscode.workspace.isTrusted) return { refused: 'untrusted workspace' };
    const folder = folderOf(codeletId);
    if (!folder) {
      void vscode.window.showErrorMessage('Codelets: open a folder to run codelets.');
      return undefined;
    }
    const args = given ?? (await askArgs(codeletId));
    if (!args) return undefined;
    const response = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Codelets: running ${codeletId}`, cancellable: true },
      async (_progress, token) => {
        const client = await supervisor(folder).ensure();
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return client.run({ entry: codeletId, args }, abort.signal);
      },
    ).then(
      (r) => r,
      (error: Error) => {
        output.error(`running ${codeletId}: ${error.message}`);
        void vscode.window.showErrorMessage(`Codelets: ${error.message}`);
        return undefined;
      },
    );
    if (response) report(response);
    return response;
  };

  // One document per codelet or request; showing it again refreshes its text.
  const placementTexts = new Map<string, string>();
  const placementChanged = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    placementChanged,
    vscode.workspace.registerTextDocumentContentProvider(PLACEMENT_SCHEME, {
      onDidChange: placementChanged.event,
      provideTextDocumentContent: (uri) => placementTexts.get(uri.path) ?? 'Nothing to show: the explanation was not kept.\n',
    }),
  );
  const showPlacementText = async (name: string, text: string): Promise<void> => {
    const uri = vscode.Uri.from({ scheme: PLACEMENT_SCHEME, path: `/${name}.placements` });
    placementTexts.set(uri.path, text);
    placementChanged.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  };

  const explainPlacement: AgentFeatures['explainPlacement'] = async (codeletId) => {
    const folder = folderOf(codeletId);
    const client = folder ? await supervisor(folder).current() : undefined;
    if (!client) {
      const refused = 'no agent is running for this folder: run a codelet on a fleet first';
      void vscode.window.showInformationMessage(`Codelets: ${refused}.`);
      return { refused };
    }
    try {
      const text = formatPlacements(await client.placements(codeletId, 20));
      await showPlacementText(codeletId, text);
      return { text };
    } catch (error) {
      const refused = `cannot read the placements of ${codeletId}: ${(error as Error).message}`;
      output.error(refused);
      void vscode.window.showErrorMessage(`Codelets: ${refused}`);
      return { refused };
    }
  };

  const report = (r: RunResponse): void => {
    const ms = (r.end - r.start).toFixed(1);
    const fleets = [...new Set(r.invocations.map((i) => i.fleet))].join(', ');
    const how = r.decomposition.decomposed ? `${r.decomposition.steps} steps` : 'whole';
    output.appendLine(`run ${r.entry} (${r.requestId}): ${r.ok ? 'ok' : 'failed'} in ${ms} ms, ${how}, on ${fleets}`);
    if (!r.decomposition.decomposed) output.appendLine(`  ran whole: ${r.decomposition.reasons.join('; ')}`);
    for (const i of r.invocations) {
      output.appendLine(
        `  ${i.step.padEnd(6)} ${i.codelet} on ${i.fleet}/${i.worker}: ${i.wallMs.toFixed(1)} ms (cpu ${i.cpuMs.toFixed(1)}, io wait ${i.ioWaitMs.toFixed(1)}, queued ${i.queueWaitMs.toFixed(1)})${i.ok ? '' : ` — ${i.error}`}`,
      );
      output.appendLine(`         placed: ${i.placement}`);
    }
    const WHY = 'Why these fleets?';
    const act = (choice: string | undefined): void => {
      if (choice === 'Details') output.show(true);
      else if (choice === WHY) void showPlacementText(`request-${r.requestId}`, formatRunPlacements(r));
    };
    if (r.ok) {
      output.appendLine(`  result: ${preview(r.result, 20_000)}`);
      void vscode.window.showInformationMessage(`${r.entry} → ${preview(r.result, 120)}  (${ms} ms on ${fleets})`, 'Details', WHY).then(act);
    } else {
      output.appendLine(`  error (${r.error!.kind}): ${r.error!.message}${r.error!.stack ? `\n${r.error!.stack}` : ''}`);
      void vscode.window.showErrorMessage(`${r.entry} failed: ${r.error!.message}`, 'Details', WHY).then(act);
    }
  };

  showState('idle', 'starts when a codelet is run');
  const features: AgentFeatures = {
    runner,
    explainPlacement,
    supervisor,
    dispose: () => {
      item.dispose();
      for (const s of supervisors.values()) s.dispose();
    },
  };
  context.subscriptions.push(features);
  return features;
}

function preview(value: unknown, max: number): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
