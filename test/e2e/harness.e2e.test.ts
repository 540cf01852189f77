// The end-to-end harness itself: when the suite never reports, it fails with what it knows (runner
// progress, workbench console, code-server output) instead of hanging, and stops code-server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runInCodeServer } from './harness/run-code-server';

const repoRoot = path.resolve(__dirname, '..', '..');

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('the harness fails loudly when the suite does not report in time, and stops code-server', { skip: !!process.env.CODELETS_VSCODE_EXECUTABLE, timeout: 300_000 }, async () => {
  const screenshots = mkdtempSync(path.join(os.tmpdir(), 'codelets-e2e-'));
  try {
    let message = '';
    await assert.rejects(
      runInCodeServer({ repoRoot, mode: 'untrusted', label: 'harness-timeout', screenshotDir: screenshots, timeoutMs: 1 }),
      (error: Error) => {
        message = error.message;
        return true;
      },
    );
    assert.match(message, /the end-to-end suite \(untrusted\) did not report within 0\.001 s/);
    assert.match(message, /--- runner progress ---/);
    assert.match(message, /--- code-server output ---/);
    const port = Number(message.match(/HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/)?.[1]);
    assert.ok(port > 0, 'the message carries code-server output');
    assert.equal(await accepts(port), false, 'code-server is stopped');
  } finally {
    rmSync(screenshots, { recursive: true, force: true });
  }
});
