// The real catalog: the workspace analyser (server/analysis), kept current by checking, before a request
// (at most every 300 ms), whether any analysed file changed on disk. Polling the analysed files beats a
// recursive watcher, which on Linux walks and watches every folder, node_modules included.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Codelet } from '../../server/analysis/metadata';
import { WorkspaceAnalyzer } from '../../server/analysis/index';
import type { CodeletCatalog } from './catalog';
import { fileStamp } from '../file-stamp';

const CHECK_EVERY_MS = 300;

export class AnalyzerCatalog implements CodeletCatalog {
  private readonly analyzer: WorkspaceAnalyzer;
  /** Absolute path → size:mtime of every file that holds codelets or problems. */
  private stamps = new Map<string, string>();
  private checked = 0;

  constructor(readonly root: string) {
    this.analyzer = WorkspaceAnalyzer.open({ root });
    this.analyzer.analyze();
    this.rememberFiles();
  }

  codelet(id: string): Codelet | undefined {
    return this.analyzer.codelet(id);
  }

  refresh(): void {
    const now = Date.now();
    if (now - this.checked < CHECK_EVERY_MS) return;
    this.checked = now;
    let changed = false;
    for (const [file, before] of this.stamps) {
      if (fileStamp(file) === before) continue;
      let text: string | undefined;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        text = undefined;
      }
      this.analyzer.update(file, text);
      changed = true;
    }
    if (changed) this.rememberFiles();
  }

  private rememberFiles(): void {
    const result = this.analyzer.result();
    const files = new Set([...result.codelets.map((c) => c.file), ...result.problems.map((p) => p.file)]);
    this.stamps = new Map([...files].map((f) => path.resolve(this.root, f)).map((f) => [f, fileStamp(f)]));
  }
}

