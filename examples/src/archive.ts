// I/O: durably archives the event log as segment files, each written and fsync'd before the next, so the
// time goes to waiting for the disk, not to computing. Segments are written to a temporary name and
// renamed into place, so concurrent archivers of the same log never leave a torn file.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArchiveManifest, Event } from './types';

/** Events per segment file. */
const SEGMENT_EVENTS = 200;

export async function archiveEvents(dataDir: string, events: Event[]): Promise<ArchiveManifest> {
  const dir = path.resolve(dataDir, '..', '.archive');
  await mkdir(dir, { recursive: true });
  // The archive is output, never source: keep it out of version control.
  await writeFile(path.join(dir, '.gitignore'), '*\n');
  let segments = 0;
  let bytes = 0;
  for (let first = 0; first < events.length; first += SEGMENT_EVENTS) {
    const lines = events.slice(first, first + SEGMENT_EVENTS).map((e) => JSON.stringify(e) + '\n');
    const text = lines.join('');
    const name = `segment-${String(segments).padStart(3, '0')}.ndjson`;
    const temp = path.join(dir, `${name}.${randomBytes(6).toString('hex')}.tmp`);
    const file = await open(temp, 'w');
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path.join(dir, name));
    segments++;
    bytes += Buffer.byteLength(text);
  }
  return { segments, bytes, path: path.relative(path.resolve(dataDir, '..'), dir) };
}
