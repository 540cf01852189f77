// `Run on fleet…` in a trusted workspace: the lens command starts the local agent and runs the example's
// entry codelet on its fleets (the same command an untrusted workspace refuses).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResponse } from '../../../agent/protocol';
import { api, openFile } from './support';

describe('Run on fleet', () => {
  it('runs the entry codelet through the agent and returns its report', async () => {
    await openFile('src/service.ts');
    await (await api()).whenAnalysed();
    // Arguments are given, so no input box: `data` is relative to the workspace root the agent runs in.
    const response = await vscode.commands.executeCommand<RunResponse | undefined>('codelets.runCodelet', 'src/service.ts#handleReport', ['data']);
    assert.ok(response, 'the command returned the run');
    assert.equal(response.ok, true, JSON.stringify(response.error));
    assert.equal(response.entry, 'src/service.ts#handleReport');
    assert.ok(response.invocations.length > 1, 'the plan ran as several invocations');
    const report = response.result as Record<string, unknown>;
    assert.ok(report && typeof report === 'object' && 'summary' in report, JSON.stringify(report).slice(0, 300));
  });
});
