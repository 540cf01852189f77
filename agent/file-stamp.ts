import { statSync } from 'node:fs';

/** A cheap "has this file changed" token (size and mtime), so caches re-read only edited files. */
export function fileStamp(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
